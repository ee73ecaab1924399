"""Disclosure requests through the services: every step, refused steps, numbers, letters, retention."""

import datetime as dt
import io

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from docx import Document

from disclosure.backoffice.board import build_board
from disclosure.core.errors import NotAllowed, TransitionNotAllowed
from disclosure.disclosure_requests import actions as request_actions
from disclosure.disclosure_requests import actions as rs
from disclosure.disclosure_requests.models import (
    DisclosureRequest,
    LetterKind,
    ReplyLetterTemplate,
    ReplyReason,
    ReplyType,
    RequestCounter,
    RequestEvent,
)
from disclosure.workcalendar import services as calendar_services
from disclosure.workcalendar.services import HolidayRow

D = dt.date
Status = DisclosureRequest.Status

APPLICANT = {
    "applicant_type": "citizen",
    "applicant_name": "张三",
    "id_number": "11010519491231002X",
    "phone": "13800138000",
    "email": "zhangsan@example.com",
    "postal_address": "北京市海淀区某路 1 号",
    "description": "2025 年学校预算执行情况",
    "preferred_form": "electronic",
    "delivery": "email",
}


MARCH_2 = D(2026, 3, 2)


@pytest.fixture
def make_request(office_user):
    def make(received_on=MARCH_2, channel="letter", **fields):
        return rs.receive_request(by=office_user, channel=channel, received_on=received_on,
                                  **{**APPLICANT, **fields})

    return make


# ---- receipt and numbers ----


def test_public_submission_gets_a_number_a_check_code_and_a_deadline(
    db, django_capture_on_commit_callbacks, run_worker
):
    with django_capture_on_commit_callbacks(execute=True):
        first = rs.receive_request(**APPLICANT)
        second = rs.receive_request(**APPLICANT)
    run_worker()
    year = first.received_on.year
    assert first.tracking_number == f"YSQ-{year}-0001"
    assert second.tracking_number == f"YSQ-{year}-0002"
    assert len(first.check_code) == 6 and first.check_code != second.check_code
    assert first.channel == DisclosureRequest.Channel.ONLINE
    assert first.due_on is not None
    assert first.events.get().action == RequestEvent.Action.RECEIVED
    assert len(mail.outbox) == 2
    assert first.tracking_number in mail.outbox[0].body and first.check_code in mail.outbox[0].body


def test_mail_to_the_applicant_links_to_the_site_by_its_full_address(
    db, django_capture_on_commit_callbacks, run_worker, settings, office_user
):
    settings.SITE_URL = "https://xxgk.example.edu.cn"
    with django_capture_on_commit_callbacks(execute=True):
        req = rs.receive_request(**APPLICANT)
    with django_capture_on_commit_callbacks(execute=True):
        rs.answer_request(req, by=office_user, reply_type="disclosed", text="见附件。", on=req.arrived_on)
    run_worker()
    receipt, notice = mail.outbox
    for message in (receipt, notice):
        assert "https://xxgk.example.edu.cn/requests/status/" in message.body, message.body


def test_bad_input_saves_nothing_and_takes_no_number(db):
    with pytest.raises(ValidationError):
        rs.receive_request(**{**APPLICANT, "email": "not-an-email"})
    with pytest.raises(ValidationError):
        rs.receive_request(**{**APPLICANT, "applicant_type": "martian"})
    assert not DisclosureRequest.objects.exists()
    assert RequestCounter.objects.filter(last__gt=0).count() == 0


def test_office_logs_a_letter_with_its_received_date(make_request):
    req = make_request(received_on=D(2026, 3, 2))
    assert req.channel == "letter" and req.received_on == D(2026, 3, 2)
    assert req.due_on == D(2026, 3, 23)
    assert req.tracking_number == "YSQ-2026-0001"


def test_only_the_office_logs_or_handles_requests(make_request, editor, supervisor):
    with pytest.raises(NotAllowed):
        rs.receive_request(by=editor, channel="letter", received_on=D(2026, 3, 2), **APPLICANT)
    req = make_request()
    for user in (editor, supervisor):
        with pytest.raises(NotAllowed):
            request_actions.answer_request(req, by=user, reply_type=ReplyType.DISCLOSED, on=D(2026, 3, 5))


def test_confirming_receipt_corrects_the_received_date_and_the_deadline(db, office_user):
    req = rs.receive_request(**APPLICANT)
    submitted = req.submitted_at.date()
    later = submitted + dt.timedelta(days=1)
    if later > dt.date.today():
        later = submitted
    req = request_actions.confirm_receipt(req, by=office_user, received_on=later)
    assert req.received_on == later and req.receipt_confirmed_by == office_user
    assert req.due_on == rs.clock_for(req).due
    event = req.events.get(action=RequestEvent.Action.RECEIPT_CONFIRMED)
    assert event.actor == office_user and event.data["received_on"] == later.isoformat()
    with pytest.raises(TransitionNotAllowed):
        request_actions.confirm_receipt(req, by=office_user, received_on=submitted - dt.timedelta(days=3))


# ---- correction ----


def test_correction_stops_then_restarts_the_clock(make_request, office_user):
    req = make_request()
    req = request_actions.request_correction(req, by=office_user, on=D(2026, 3, 4), note="请写明文件名称")
    assert req.status == Status.CORRECTION_REQUESTED and req.due_on is None
    assert req.correction_reply_by > D(2026, 3, 4)
    with pytest.raises(TransitionNotAllowed):  # once only
        request_actions.request_correction(req, by=office_user, on=D(2026, 3, 5), note="再补")
    req = request_actions.receive_correction(req, by=office_user, on=D(2026, 3, 16))
    assert req.status == Status.RECEIVED
    assert req.due_on == D(2026, 4, 7)
    actions = list(req.events.values_list("action", flat=True))
    assert actions == ["received", "correction_requested", "correction_received"]


def test_correction_must_be_asked_within_seven_working_days(make_request, office_user):
    req = make_request()
    with pytest.raises(TransitionNotAllowed, match="7"):
        request_actions.request_correction(req, by=office_user, on=D(2026, 3, 12), note="请写明文件名称")
    request_actions.request_correction(req, by=office_user, on=D(2026, 3, 11), note="请写明文件名称")


def test_no_correction_in_time_lapses_the_request(make_request, office_user):
    req = make_request()
    req = request_actions.request_correction(req, by=office_user, on=D(2026, 3, 4), note="请写明文件名称",
                                      reply_by=D(2026, 3, 18))
    with pytest.raises(TransitionNotAllowed):
        request_actions.lapse_request(req, by=office_user, on=D(2026, 3, 18))
    req = request_actions.lapse_request(req, by=office_user, on=D(2026, 3, 19))
    assert req.status == Status.LAPSED
    assert (req.reply_type, req.reply_reason) == (ReplyType.OTHER, ReplyReason.NOT_CORRECTED)
    assert req.answered_on == D(2026, 3, 19)
    with pytest.raises(TransitionNotAllowed):
        request_actions.receive_correction(req, by=office_user, on=D(2026, 3, 20))


# ---- consultation and extension ----


def test_consultation_pauses_the_clock(make_request, office_user):
    req = make_request()
    request_actions.start_consultation(req, by=office_user, third_party="某公司", on=D(2026, 3, 4))
    req.refresh_from_db()
    assert req.status == Status.CONSULTING
    assert req.due_on == D(2026, 4, 14)  # the third party's full 15 days assumed while it is silent
    with pytest.raises(TransitionNotAllowed, match="征求"):
        request_actions.answer_request(req, by=office_user, reply_type=ReplyType.DISCLOSED, on=D(2026, 3, 5))
    req = request_actions.end_consultation(req, by=office_user, on=D(2026, 3, 10))
    assert req.status == Status.RECEIVED and req.due_on == D(2026, 3, 27)


def test_extension_once_with_approver_reason_and_the_applicant_told(
    make_request, office_user, django_capture_on_commit_callbacks, run_worker
):
    req = make_request()
    with pytest.raises(TransitionNotAllowed):
        request_actions.extend_request(req, by=office_user, workdays=16, approver="李主任", reason="需检索档案",
                                on=D(2026, 3, 20))
    with pytest.raises(TransitionNotAllowed):
        request_actions.extend_request(req, by=office_user, workdays=10, approver="", reason="需检索档案",
                                on=D(2026, 3, 20))
    with pytest.raises(TransitionNotAllowed):
        request_actions.extend_request(req, by=office_user, workdays=10, approver="李主任", reason="",
                                on=D(2026, 3, 20))
    with pytest.raises(TransitionNotAllowed, match="届满前"):
        request_actions.extend_request(req, by=office_user, workdays=10, approver="李主任", reason="需检索档案",
                                on=D(2026, 3, 24))
    with django_capture_on_commit_callbacks(execute=True):
        req = request_actions.extend_request(req, by=office_user, workdays=15, approver="李主任",
                                      reason="需检索档案", on=D(2026, 3, 20))
    run_worker()
    assert req.status == Status.EXTENDED and req.due_on == D(2026, 4, 14)
    assert req.extension_notified_on == D(2026, 3, 20)
    assert "延长" in mail.outbox[-1].subject
    event = req.events.get(action=RequestEvent.Action.EXTENDED)
    assert event.data["approver"] == "李主任" and event.data["original_due"] == "2026-03-23"
    with pytest.raises(TransitionNotAllowed, match="一次"):
        request_actions.extend_request(req, by=office_user, workdays=1, approver="李主任", reason="再延",
                                on=D(2026, 3, 25))
    # A consultation during the extension returns to the extended state.
    request_actions.start_consultation(req, by=office_user, third_party="某公司", on=D(2026, 3, 25))
    req = request_actions.end_consultation(req, by=office_user, on=D(2026, 3, 27))
    assert req.status == Status.EXTENDED and req.due_on == D(2026, 4, 16)


# ---- the reply ----


@pytest.mark.parametrize(
    ("reply_type", "reason", "ok"),
    [
        (ReplyType.DISCLOSED, "", True),
        (ReplyType.DISCLOSED, ReplyReason.STATE_SECRET, False),
        (ReplyType.PARTLY_DISCLOSED, "", True),
        (ReplyType.NOT_DISCLOSED, "", False),
        (ReplyType.NOT_DISCLOSED, ReplyReason.STATE_SECRET, True),
        (ReplyType.NOT_DISCLOSED, ReplyReason.NOT_HELD, False),
        (ReplyType.UNABLE, ReplyReason.NOT_HELD, True),
        (ReplyType.UNABLE, ReplyReason.UNCLEAR_AFTER_CORRECTION, True),
        (ReplyType.NOT_PROCESSED, ReplyReason.REPEATED, True),
        (ReplyType.OTHER, ReplyReason.FEE_UNPAID, True),
        ("invented", "", False),
    ],
)
def test_reply_types_and_reasons_follow_the_official_rows(make_request, office_user, reply_type,
                                                         reason, ok):
    req = make_request()
    if not ok:
        with pytest.raises(TransitionNotAllowed):
            request_actions.answer_request(req, by=office_user, reply_type=reply_type, reason=reason,
                                    on=D(2026, 3, 10))
        req.refresh_from_db()
        assert req.status == Status.RECEIVED and not req.reply_type
        return
    if reason == ReplyReason.FEE_UNPAID:  # 逾期未缴费 rests on an unpaid fee notice
        req = request_actions.record_fee(req, by=office_user, status="charged", basis="收费标准",
                                         amount="10", notified_on=D(2026, 3, 3))
    req = request_actions.answer_request(req, by=office_user, reply_type=reply_type, reason=reason,
                                  text="见附件", on=D(2026, 3, 10))
    expected = Status.NOT_PROCESSED if reply_type == ReplyType.NOT_PROCESSED else Status.ANSWERED
    assert req.status == expected and req.answered_on == D(2026, 3, 10)
    assert req.answered_by == office_user


def test_closed_requests_take_no_more_steps(make_request, office_user):
    req = request_actions.answer_request(make_request(), by=office_user, reply_type=ReplyType.DISCLOSED,
                                  on=D(2026, 3, 10))
    assert rs.available_steps(req) == []
    with pytest.raises(TransitionNotAllowed):
        request_actions.withdraw_request(req, by=office_user, note="电话撤回", on=D(2026, 3, 11))
    with pytest.raises(TransitionNotAllowed):
        request_actions.start_consultation(req, by=office_user, third_party="某公司", on=D(2026, 3, 11))


def test_withdrawal_and_not_processed_are_recorded(make_request, office_user):
    first = request_actions.withdraw_request(make_request(), by=office_user, note="书面撤回",
                                      on=D(2026, 3, 5))
    assert first.status == Status.WITHDRAWN and first.reply_type == ReplyType.OTHER
    second = request_actions.mark_not_processed(make_request(), by=office_user,
                                         reason=ReplyReason.PETITION, on=D(2026, 3, 5))
    assert second.status == Status.NOT_PROCESSED
    assert (second.reply_type, second.reply_reason) == (ReplyType.NOT_PROCESSED, "petition")
    assert second.events.last().actor == office_user


def test_only_valid_steps_are_offered(make_request, office_user):
    req = make_request()
    steps = rs.available_steps(req, today=D(2026, 3, 3))
    assert steps == ["confirm_receipt", "request_correction", "start_consultation",
                     "extend_request", "answer_request", "mark_not_processed", "withdraw_request"]
    assert "request_correction" not in rs.available_steps(req, today=D(2026, 3, 12))
    request_actions.start_consultation(req, by=office_user, third_party="某公司", on=D(2026, 3, 4))
    req.refresh_from_db()
    assert rs.available_steps(req) == ["end_consultation", "withdraw_request"]


# ---- recomputation when the calendar changes ----


def test_open_requests_follow_a_new_holiday_arrangement(make_request, office_user):
    req = make_request(received_on=D(2026, 3, 2))
    # A (fictitious) official 2027 arrangement is loaded; a 2026 override moves the open deadline.
    provisional = make_request(received_on=D(2026, 3, 2))
    DisclosureRequest.objects.filter(pk=provisional.pk).update(due_provisional=True)
    calendar_services.save_holiday(
        __import__("disclosure.workcalendar.models", fromlist=["Holiday"]).Holiday(
            date=D(2026, 3, 20), is_workday=False, name="校庆", source="manual"
        ),
        by=office_user,
    )
    req.refresh_from_db()
    assert req.due_on == D(2026, 3, 24)
    event = req.events.get(action=RequestEvent.Action.DEADLINE_RECOMPUTED)
    assert event.data["before"] == "2026-03-23" and event.data["after"] == "2026-03-24"
    provisional.refresh_from_db()
    assert provisional.due_provisional is False


def test_loading_an_official_year_clears_the_provisional_mark(make_request, office_user,
                                                             monkeypatch):
    monkeypatch.setattr(rs, "_today", lambda: D(2026, 12, 31))
    req = make_request(received_on=D(2026, 12, 21))
    assert req.due_provisional
    calendar_services.load_holiday_arrangement(2027, [HolidayRow(D(2027, 1, 1), False, "元旦")],
                                      by=office_user)
    req.refresh_from_db()
    assert not req.due_provisional


# ---- letters ----


def test_reply_letter_is_a_docx_from_the_office_template(make_request, office_user):
    req = make_request()
    req = request_actions.answer_request(req, by=office_user, reply_type=ReplyType.NOT_DISCLOSED,
                                  reason=ReplyReason.STATE_SECRET, on=D(2026, 3, 10))
    letter = rs.generate_reply_letter(req, by=office_user)
    assert letter.kind == LetterKind.NOT_DISCLOSED
    text = "\n".join(p.text for p in Document(io.BytesIO(letter.file.read())).paragraphs)
    assert "张三" in text and req.tracking_number in text and "属于国家秘密" in text
    # The office's edited wording is what the letter uses.
    ReplyLetterTemplate.objects.update_or_create(kind=LetterKind.NOT_DISCLOSED, defaults={
        "title": "不予公开告知书（校定）", "body": "{申请人}：你好。理由：{答复理由}。"})
    letter = rs.generate_reply_letter(req, by=office_user)
    text = "\n".join(p.text for p in Document(io.BytesIO(letter.file.read())).paragraphs)
    assert "不予公开告知书（校定）" in text and "张三：你好。理由：属于国家秘密。" in text
    # The legal basis and the remedies are added even where the office's wording leaves them out.
    assert "本答复依据《高等学校信息公开办法》第十条、第十八条第（二）项的规定作出。" in text
    assert "可以依法申请行政复议或者提起行政诉讼" in text
    assert req.letters.count() == 2


@pytest.mark.parametrize(
    ("reply_type", "reason", "refer_to", "kind"),
    [
        (ReplyType.DISCLOSED, "", "", LetterKind.DISCLOSED),
        (ReplyType.PARTLY_DISCLOSED, "", "", LetterKind.PARTLY_DISCLOSED),
        (ReplyType.UNABLE, ReplyReason.NOT_HELD, "", LetterKind.NOT_EXIST),
        (ReplyType.UNABLE, ReplyReason.NOT_HELD, "省教育厅", LetterKind.NOT_OURS),
        (ReplyType.NOT_PROCESSED, ReplyReason.REPEATED, "", LetterKind.REPEATED),
    ],
)
def test_every_letter_kind_renders(make_request, office_user, reply_type, reason, refer_to, kind):
    req = request_actions.answer_request(make_request(), by=office_user, reply_type=reply_type,
                                  reason=reason, refer_to=refer_to, on=D(2026, 3, 10))
    letter = rs.generate_reply_letter(req, by=office_user)
    assert letter.kind == kind
    text = "\n".join(p.text for p in Document(io.BytesIO(letter.file.read())).paragraphs)
    assert "{" not in text
    if refer_to:
        assert refer_to in text


def test_correction_and_extension_notices(make_request, office_user):
    req = request_actions.request_correction(make_request(), by=office_user, on=D(2026, 3, 4),
                                      note="请写明文件名称")
    assert rs.generate_reply_letter(req, by=office_user).kind == LetterKind.CORRECTION
    req = request_actions.extend_request(make_request(), by=office_user, workdays=15, approver="李主任",
                                  reason="需检索档案", on=D(2026, 3, 20))
    letter = rs.generate_reply_letter(req, by=office_user)
    text = "\n".join(p.text for p in Document(io.BytesIO(letter.file.read())).paragraphs)
    assert letter.kind == LetterKind.EXTENSION and "2026年4月14日" in text


def test_a_template_with_an_unknown_placeholder_is_refused(db):
    template = ReplyLetterTemplate(kind=LetterKind.DISCLOSED, title="公开", body="{申请人}{身份证}")
    with pytest.raises(ValidationError, match="身份证"):
        template.full_clean()


# ---- board and retention ----


def test_open_requests_appear_on_the_board_of_office_and_supervisor_only(
    make_request, office_user, supervisor, editor
):
    req = make_request(received_on=D(2026, 3, 2))
    rows = [e.row for e in build_board(office_user, today=D(2026, 3, 20)).due_soon]
    assert [r.title for r in rows if r.kind == "答复申请"] == [req.tracking_number]
    assert all("张三" not in r.title for r in rows)
    assert any(e.row.kind == "答复申请" for e in build_board(supervisor, today=D(2026, 3, 20)).due_soon)
    board = build_board(editor, today=D(2026, 3, 20))
    assert not any(e.row.kind == "答复申请" for s in board.groups.values() for e in s)


def test_anonymise_command_erases_old_applicants_and_keeps_statistics(make_request, office_user):
    old = make_request(received_on=D(2019, 3, 1))
    old = request_actions.answer_request(old, by=office_user, reply_type=ReplyType.UNABLE,
                                  reason=ReplyReason.NOT_HELD, on=D(2019, 3, 20))
    rs.generate_reply_letter(old, by=office_user)
    recent = request_actions.answer_request(make_request(), by=office_user,
                                     reply_type=ReplyType.DISCLOSED, on=D(2026, 3, 10))
    still_open = make_request(received_on=D(2019, 3, 1))
    out = io.StringIO()
    call_command("anonymise_requests", "--dry-run", stdout=out)
    assert "1" in out.getvalue()
    old.refresh_from_db()
    assert old.applicant_name == "张三"
    call_command("anonymise_requests", stdout=io.StringIO())
    old.refresh_from_db()
    assert old.applicant_name == rs.ANONYMISED_NAME
    assert old.phone == old.email == old.id_number == old.postal_address == old.description == ""
    assert (old.reply_type, old.reply_reason, old.applicant_type) == ("unable", "not_held", "citizen")
    assert old.received_on == D(2019, 3, 1) and old.answered_on == D(2019, 3, 20)
    assert old.letters.count() == 0 and old.anonymised_at is not None
    for other in (recent, still_open):
        other.refresh_from_db()
        assert other.applicant_name == "张三"
    # Idempotent: a second run finds nothing.
    out = io.StringIO()
    call_command("anonymise_requests", stdout=out)
    assert "0" in out.getvalue()


# ---- numbers under concurrency (PostgreSQL: real row locks) ----


@pytest.mark.postgres
@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="needs PostgreSQL row locks")
@pytest.mark.django_db(transaction=True)
def test_concurrent_submissions_get_distinct_consecutive_numbers():
    from concurrent.futures import ThreadPoolExecutor

    def submit(_):
        try:
            return rs.receive_request(**APPLICANT).tracking_number
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=8) as pool:
        numbers = list(pool.map(submit, range(24)))
    year = DisclosureRequest.objects.first().year
    assert sorted(numbers) == [f"YSQ-{year}-{n:04d}" for n in range(1, 25)]


def test_the_board_offers_the_steps_of_the_action_table(make_request, office_user, supervisor, client):
    from disclosure.backoffice.board import attach_next_steps

    req = make_request(received_on=D(2026, 3, 2))
    today = D(2026, 3, 20)

    def steps_for(user):
        entries = [e for s in build_board(user, today=today).groups.values() for e in s
                   if e.row.kind == "答复申请"]
        attach_next_steps(entries, user, today)
        return [step.label for step in entries[0].next_steps]

    expected = [a.label for a in rs.REQUEST_ACTIONS.available(req, office_user, today=today)
                if a.name in rs.STEP_NAMES]
    assert "答复" in expected and steps_for(office_user) == expected
    assert steps_for(supervisor) == []  # reads the board, runs nothing
    client.force_login(office_user)
    page = client.get(reverse("deadline_board")).content.decode()
    assert reverse("admin:disclosure_requests_disclosurerequest_step", args=[req.pk, "answer_request"]) in page
