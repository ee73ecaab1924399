"""The opinion box: sending, the deadline, the office's steps, reading the answer, publishing it."""

import datetime as dt
import re

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from disclosure.backoffice.board import build_board
from disclosure.feedback import actions as fs
from disclosure.feedback.models import Opinion, OpinionEvent
from disclosure.workcalendar.models import Holiday
from disclosure.workcalendar.services import save_holiday
from tests.feedback.conftest import at, stamp

D = dt.date
CREATE = "disclosure:opinion_create"
STATUS = "disclosure:opinion_status"
PUBLISHED = "disclosure:published_opinions"


def form(**overrides):
    data = {"kind": "complaint", "text": "奖学金公示时间太短。", "name": "李同学",
            "contact": "li@example.com", "website": "", "form_started": stamp()}
    data.update(overrides)
    return data


# ---- sending ----


def test_sending_gives_a_number_and_code_and_keeps_nothing_on_a_reload(client, db, office_user,
                                                                      django_capture_on_commit_callbacks, run_worker):
    office_user.email = "office@example.edu.cn"
    office_user.save()
    page = client.get(reverse(CREATE))
    assert page.status_code == 200 and "意见箱" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse(CREATE), form(), follow=True)
    assert response.status_code == 200
    opinion = Opinion.objects.get()
    body = response.content.decode()
    assert opinion.number in body and opinion.check_code in body
    assert re.fullmatch(r"YJX-\d{4}-0001", opinion.number)
    assert opinion.status == "received" and opinion.due_on > opinion.received_on
    assert [e.action for e in opinion.events.all()] == ["received"]
    # The office is told, without the sender's name, contact or words.
    run_worker()  # the outbox is sent by the task worker
    assert len(mail.outbox) == 1 and opinion.number in mail.outbox[0].body
    assert "李同学" not in mail.outbox[0].body and "奖学金" not in mail.outbox[0].body
    # The receipt page is shown once.
    assert client.get(reverse("disclosure:opinion_created")).status_code == 302


def test_anonymous_opinion_is_accepted(client, db):
    response = client.post(reverse(CREATE), form(name="", contact=""))
    assert response.status_code == 302
    assert Opinion.objects.get().name == "" and Opinion.objects.get().contact == ""


@pytest.mark.parametrize("overrides,message", [
    ({"text": "   "}, "请填写此项"),
    ({"text": "字" * 3001}, "不能超过 3000 个字"),
    ({"kind": "praise"}, "选择一个有效的选项"),
    ({"website": "http://spam.example"}, "提交未通过校验"),
    ({"form_started": "forged"}, "页面已过期"),
    ({"form_started": None}, "提交过快"),
])
def test_bad_input_is_refused_in_chinese_and_nothing_typed_is_lost(client, db, overrides, message):
    import time

    from django.core import signing

    if overrides.get("form_started", "") is None:
        overrides["form_started"] = signing.dumps(time.time(), salt="disclosure.core.spamguard")
    data = form(**overrides)
    response = client.post(reverse(CREATE), data)
    assert response.status_code == 400
    body = response.content.decode()
    assert message in body
    # What was typed is still in the form.
    assert "li@example.com" in body and "李同学" in body
    assert not Opinion.objects.exists()


def test_rate_limit_is_that_of_requests(client, db):
    for _ in range(5):
        assert client.post(reverse(CREATE), form()).status_code == 302
    response = client.post(reverse(CREATE), form())
    assert response.status_code == 429 and "提交次数过多" in response.content.decode()
    assert Opinion.objects.count() == 5


def test_hostile_text_is_escaped_everywhere(client, db, office_user):
    payload = '<script>alert(1)</script><img src=x onerror=alert(2)>'
    assert client.post(reverse(CREATE), form(text=payload, name="<script>x</script>")).status_code == 302
    opinion = Opinion.objects.get()
    fs.answer_opinion(opinion, by=office_user, answer=payload, on=opinion.arrived_on)
    fs.publish_opinion(opinion, by=office_user, public_text=payload)
    pages = [client.get(reverse(PUBLISHED)),
             client.post(reverse(STATUS), {"number": opinion.number, "code": opinion.check_code})]
    client.force_login(office_user)
    pages.append(client.get(reverse("admin:feedback_opinion_change", args=[opinion.pk])))
    for page in pages:
        body = page.content.decode()
        assert page.status_code == 200
        assert "<script>alert(1)" not in body and "<img src=x" not in body
        assert "&lt;script&gt;" in body


# ---- the deadline ----


def test_deadline_is_the_fifteenth_working_day_after_receipt(opinion):
    assert opinion.received_on == D(2026, 3, 2)
    assert opinion.due_on == D(2026, 3, 23)


def test_after_office_hours_on_a_friday_counts_from_monday(db):
    late = fs.receive_opinion(kind="opinion", text="x", submitted_at=at(D(2026, 3, 6), 18))
    assert late.received_on == D(2026, 3, 9) and late.due_on == D(2026, 3, 30)


def test_the_setting_and_the_calendar_move_the_deadline(opinion, office_user, settings):
    settings.DISCLOSURE = {**settings.DISCLOSURE, "OPINION_REPLY_WORKDAYS": 5}
    short = fs.receive_opinion(kind="opinion", text="x", submitted_at=at(D(2026, 3, 2)))
    assert short.due_on == D(2026, 3, 9)
    settings.DISCLOSURE = {**settings.DISCLOSURE, "OPINION_REPLY_WORKDAYS": 15}
    # A rest day declared inside the period pushes every open opinion's deadline, recorded.
    save_holiday(Holiday(date=D(2026, 3, 10), is_workday=False, name="校庆"), by=office_user)
    opinion.refresh_from_db()
    assert opinion.due_on == D(2026, 3, 24)
    assert opinion.events.filter(action="deadline_recomputed").exists()


# ---- the office's steps ----


def test_forward_answer_outcome_publish_each_recorded(opinion, office_user, department, editor,
                                                      django_capture_on_commit_callbacks, run_worker):
    editor.email = "editor@example.edu.cn"
    editor.save()
    with django_capture_on_commit_callbacks(execute=True):
        fs.forward_opinion(opinion, by=office_user, department=department, on=D(2026, 3, 3), note="请核实")
    # The department is told the words, never the sender.
    run_worker()  # the outbox is sent by the task worker
    assert mail.outbox[-1].to == ["editor@example.edu.cn"]
    assert "建议增加招生信息入口" in mail.outbox[-1].body and "13900001111" not in mail.outbox[-1].body
    opinion = fs.answer_opinion(opinion, by=office_user, answer="已增加入口。", on=D(2026, 3, 20))
    assert opinion.status == "answered" and not opinion.answered_late
    opinion = fs.mark_outcome(opinion, by=office_user, outcome="adopted")
    opinion = fs.publish_opinion(opinion, by=office_user, public_text="建议在首页增加招生信息入口。")
    assert list(Opinion.objects.published()) == [opinion]
    events = list(opinion.events.values_list("action", "actor__username"))
    assert events == [("received", None), ("forwarded", "office"), ("answered", "office"),
                      ("outcome", "office"), ("published", "office")]
    assert fs.OPINION_ACTIONS.available(opinion, office_user)[-1].name == "unpublish_opinion"


def test_refused_steps_say_why(opinion, office_user, supervisor, editor):
    with pytest.raises(PermissionDenied):
        fs.answer_opinion(opinion, by=supervisor, answer="x")
    with pytest.raises(PermissionDenied):
        fs.answer_opinion(opinion, by=editor, answer="x")
    with pytest.raises(ValidationError, match="请填写答复内容"):
        fs.answer_opinion(opinion, by=office_user, answer="  ")
    with pytest.raises(ValidationError, match="不能早于"):
        fs.answer_opinion(opinion, by=office_user, answer="x", on=D(2026, 3, 1))
    with pytest.raises(ValidationError, match="状态下不能选登"):
        fs.publish_opinion(opinion, by=office_user, public_text="x")
    opinion = fs.answer_opinion(opinion, by=office_user, answer="好的", on=D(2026, 4, 30))
    assert opinion.answered_late
    with pytest.raises(ValidationError, match="状态下不能答复"):
        fs.answer_opinion(opinion, by=office_user, answer="again")
    # The sender's contact may not be published.
    with pytest.raises(ValidationError, match="联系方式"):
        fs.publish_opinion(opinion, by=office_user, public_text="请回电 13900001111")
    with pytest.raises(ValidationError, match="公开摘要"):
        fs.publish_opinion(opinion, by=office_user, public_text="")
    assert not Opinion.objects.published().exists()


def test_admin_step_pages(opinion, office_user, client):
    client.force_login(office_user)
    change = client.get(reverse("admin:feedback_opinion_change", args=[opinion.pk])).content.decode()
    for label in ("转办部门", "答复"):
        assert label in change
    assert "选登" in change and "13900001111" in change  # the office sees the contact
    url = reverse("admin:feedback_opinion_step", args=[opinion.pk, "answer_opinion"])
    bad = client.post(url, {"answer": "", "outcome": "", "on": "2026-03-05"})
    assert bad.status_code == 400
    ok = client.post(url, {"answer": "已处理。", "outcome": "explained", "on": "2026-03-05"})
    assert ok.status_code == 302
    opinion.refresh_from_db()
    assert opinion.status == "answered" and opinion.outcome == "explained"
    # A step not valid from the state sends back with the reason.
    again = client.get(url, follow=True)
    assert "当前状态下不能办理该步骤" in again.content.decode()
    assert client.get(reverse("admin:feedback_opinion_step", args=[opinion.pk, "nonsense"])).status_code == 404


def test_board_and_digest_show_opinions_due(opinion, office_user, supervisor, editor):
    rows = [e for e in build_board(office_user, today=D(2026, 3, 20)).due_soon
            if e.row.kind == "答复意见"]
    assert [e.row.title for e in rows] == [f"{opinion.number}（建议）"]
    assert rows[0].row.due == D(2026, 3, 23)
    assert any(e.row.kind == "答复意见" for e in build_board(supervisor, today=D(2026, 3, 24)).overdue)
    # Editors' boards have no opinions.
    assert not any(e.row.kind == "答复意见" for g in build_board(editor, today=D(2026, 3, 24)).groups.values()
                   for e in g)


def test_digest_mentions_opinions(opinion, office_user):
    import io

    from django.core.management import call_command

    office_user.email = "office@example.edu.cn"
    office_user.save()
    out = io.StringIO()
    call_command("send_deadline_digest", "--dry-run", "--date", "2026-03-24", stdout=out)
    assert opinion.number in out.getvalue() and "答复意见" in out.getvalue()


# ---- the sender reads the answer ----


def test_sender_reads_the_answer_with_number_and_code(opinion, office_user, client):
    fs.answer_opinion(opinion, by=office_user, answer="感谢建议，已增加入口。", on=D(2026, 3, 10))
    response = client.post(reverse(STATUS), {"number": opinion.number.lower(), "code": opinion.check_code})
    body = response.content.decode()
    assert response.status_code == 200
    assert "感谢建议，已增加入口。" in body and "建议增加招生信息入口。" in body
    # A wrong code and a wrong number answer alike, and the code is never echoed.
    for number, code in ((opinion.number, "AAAAAA"), ("YJX-2026-9999", opinion.check_code)):
        wrong = client.post(reverse(STATUS), {"number": number, "code": code})
        assert wrong.status_code == 404 and "意见编号或查询码不正确" in wrong.content.decode()
        assert "感谢建议" not in wrong.content.decode()
    assert client.post(reverse(STATUS), {"number": "", "code": ""}).status_code == 400


def test_status_lookups_are_rate_limited(opinion, client):
    for _ in range(20):
        client.post(reverse(STATUS), {"number": opinion.number, "code": "AAAAAA"})
    response = client.post(reverse(STATUS), {"number": opinion.number, "code": opinion.check_code})
    assert response.status_code == 429


# ---- the public page of published opinions ----


def test_published_page_shows_the_summary_and_answer_but_no_personal_data(
        opinion, office_user, client, django_assert_max_num_queries):
    other = fs.receive_opinion(kind="opinion", text="未答复的意见内容", submitted_at=at(D(2026, 3, 3)))
    fs.answer_opinion(opinion, by=office_user, answer="已增加入口。", on=D(2026, 3, 10))
    fs.publish_opinion(opinion, by=office_user, public_text="建议在首页增加招生入口。")
    for n in range(25):
        extra = fs.receive_opinion(kind="opinion", text=f"意见{n}", submitted_at=at(D(2026, 3, 4)))
        fs.answer_opinion(extra, by=office_user, answer=f"答复{n}", on=D(2026, 3, 11))
        fs.publish_opinion(extra, by=office_user, public_text=f"摘要{n}")
    with django_assert_max_num_queries(3):
        response = client.get(reverse(PUBLISHED))
    body = response.content.decode()
    assert response.status_code == 200 and "第 1 / 2 页" in body
    page2 = client.get(reverse(PUBLISHED), {"page": 2}).content.decode()
    assert "建议在首页增加招生入口。" in page2 and "已增加入口。" in page2
    for private in ("王同学", "13900001111", "建议增加招生信息入口。", opinion.check_code, "未答复的意见内容"):
        assert private not in body + page2
    assert other.number not in body + page2
    for bad in ("0", "99", "x", "-1"):
        assert client.get(reverse(PUBLISHED), {"page": bad}).status_code == 404


def test_publishing_purges_the_page_cache_but_a_new_opinion_does_not(opinion, office_user,
                                                                   django_capture_on_commit_callbacks):
    from disclosure.core import cache as page_cache

    fs.answer_opinion(opinion, by=office_user, answer="好", on=D(2026, 3, 10))
    before = page_cache.generation()
    with django_capture_on_commit_callbacks(execute=True):
        fs.receive_opinion(kind="opinion", text="新来信", submitted_at=at(D(2026, 3, 4)))
    assert page_cache.generation() == before
    with django_capture_on_commit_callbacks(execute=True):
        fs.publish_opinion(opinion, by=office_user, public_text="摘要")
    published = page_cache.generation()
    assert published != before
    with django_capture_on_commit_callbacks(execute=True):
        fs.unpublish_opinion(opinion, by=office_user, note="撤下")
    assert page_cache.generation() != published
    assert not Opinion.objects.published().exists()


# ---- privacy ----


def test_supervisor_reads_the_list_but_no_personal_data(opinion, office_user, supervisor, editor, client):
    fs.answer_opinion(opinion, by=office_user, answer="答复内容甲", on=D(2026, 3, 10))
    client.force_login(supervisor)
    for url in (reverse("admin:feedback_opinion_changelist"),
                reverse("admin:feedback_opinion_change", args=[opinion.pk]),
                reverse("admin:feedback_opinion_history", args=[opinion.pk])):
        response = client.get(url)
        body = response.content.decode()
        assert response.status_code == 200, url
        assert opinion.number in body
        for private in ("王同学", "13900001111", "建议增加招生信息入口", opinion.check_code):
            assert private not in body, (url, private)
    assert client.get(reverse("admin:feedback_opinion_changelist"), {"contact__startswith": "139"}).status_code == 400
    assert client.get(reverse("admin:feedback_opinion_step", args=[opinion.pk, "mark_outcome"])).status_code == 403
    client.force_login(editor)
    assert client.get(reverse("admin:feedback_opinion_changelist")).status_code == 403
    assert client.get(reverse("admin:feedback_opinion_change", args=[opinion.pk])).status_code == 403


def test_anonymisation_after_the_retention_period(opinion, office_user, client):
    import io

    from django.core.management import call_command

    fs.answer_opinion(opinion, by=office_user, answer="答复", on=D(2026, 3, 10))
    fs.publish_opinion(opinion, by=office_user, public_text="摘要")
    assert not fs.opinions_to_anonymise(today=D(2031, 3, 10)).exists()
    assert list(fs.opinions_to_anonymise(today=D(2031, 3, 11))) == [opinion]
    fs.anonymise_opinion(opinion)
    opinion.refresh_from_db()
    assert (opinion.name, opinion.contact, opinion.text) == ("", "", fs.ANONYMISED_TEXT)
    assert opinion.kind == "suggestion" and opinion.answered_on == D(2026, 3, 10)
    assert not Opinion.objects.published().exists()
    assert OpinionEvent.objects.filter(opinion=opinion, action="anonymised").exists()
    out = io.StringIO()
    call_command("anonymise_opinions", "--dry-run", stdout=out)
    assert "0 件" in out.getvalue()


def test_admin_lists_take_a_fixed_number_of_queries(db, office_user, supervisor, client, make_survey,
                                                    django_assert_max_num_queries):
    for n in range(30):
        fs.receive_opinion(kind="opinion", text=f"意见{n}", submitted_at=at(D(2026, 3, 2)))
    for slug in ("a", "b", "c"):
        make_survey(slug=slug)
    for user in (office_user, supervisor):
        client.force_login(user)
        for name in ("feedback_opinion_changelist", "feedback_survey_changelist",
                     "feedback_evaluationactivity_changelist"):
            # 17: the site settings (one row, read by the page and asked for by the admin index) and
            # the header naming the user with their department.
            with django_assert_max_num_queries(17):
                response = client.get(reverse(f"admin:{name}"))
            assert response.status_code == 200, name
