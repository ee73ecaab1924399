"""The opinion box and the survey, one function per step.

Opinions (意见箱):

    (public form)    --receive_opinion--->  received     (number, check code, due in N working days)
    received         --forward_opinion--->  forwarded    (to a department; the office still answers)
    received/forwarded --answer_opinion-->  answered
    answered         --mark_outcome------>  answered     (adopted, explained, ...)
    answered         --publish_opinion--->  answered + published   (the office's summary, no personal data)
    published        --unpublish_opinion->  answered

Surveys (网络调查):

    draft  --open_survey-->  open  --close_survey-->  closed

Every step is the office's. Each one is atomic, asks the action table under the row lock, saves with
`update_fields`, records who did what and when, and leaves mail and cache purges to the commit.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from disclosure.access import policy
from disclosure.access.action_tables import Action as Verb
from disclosure.access.action_tables import ActionTable
from disclosure.catalogue.models import Department
from disclosure.core.errors import TransitionNotAllowed
from disclosure.core.mail import queue_mail
from disclosure.core.models import OutgoingMail
from disclosure.core.receipts import new_check_code, take_number
from disclosure.disclosure_requests.clock import received_on_for
from disclosure.feedback.models import (
    RATING_SCALE,
    Answer,
    Opinion,
    OpinionCounter,
    OpinionEvent,
    Question,
    Survey,
    SurveyResponse,
)
from disclosure.workcalendar.workdays import WorkdayCalendar, default_calendar, explain_workdays

logger = logging.getLogger(__name__)

Status = Opinion.Status
Event = OpinionEvent.Action
OFFICE_ONLY = frozenset({policy.Role.OFFICE})

TEXT_MAX_CHARS = 3000
ANSWER_MAX_CHARS = 5000


def rule(name: str, default: Any = None) -> Any:
    return settings.DISCLOSURE.get(name, default)


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise TransitionNotAllowed(message)


def _today() -> dt.date:
    return timezone.localdate()


def _not_published(opinion, **_):
    return "该意见已选登。" if opinion.published_at else ""


def _published(opinion, **_):
    return "" if opinion.published_at else "该意见尚未选登。"


# Every step of an opinion, declared once: the admin's buttons and step pages and the deadline board
# read this table.
OPINION_ACTIONS = ActionTable(
    "feedback",
    state_of=lambda opinion: opinion.status,
    state_label=lambda opinion: opinion.get_status_display(),
    actions=[
        Verb("forward_opinion", "转办部门", frozenset({Status.RECEIVED, Status.FORWARDED}), OFFICE_ONLY,
             extra={"basis": "意见涉及部门工作的，转有关部门研究，答复仍由信息公开办公室统一作出。"}),
        Verb("answer_opinion", "答复", frozenset({Status.RECEIVED, Status.FORWARDED}), OFFICE_ONLY,
             extra={"basis": "在答复期限内答复；来信人凭意见编号和查询码查看。"}),
        Verb("mark_outcome", "登记办理结果", frozenset({Status.ANSWERED}), OFFICE_ONLY,
             extra={"basis": "登记意见是否采纳、如何改进，计入年度报告。"}),
        Verb("publish_opinion", "选登", frozenset({Status.ANSWERED}), OFFICE_ONLY,
             guard=_not_published,
             extra={"basis": "将意见摘要和答复在信息公开网公开，不含个人信息。"}),
        Verb("unpublish_opinion", "撤下选登", frozenset({Status.ANSWERED}), OFFICE_ONLY,
             guard=_published, extra={"basis": "从公开页面撤下已选登的意见。"}),
    ],
)

SurveyStatus = Survey.Status
SURVEY_ACTIONS = ActionTable(
    "feedback.survey",
    state_of=lambda survey: survey.status,
    state_label=lambda survey: survey.get_status_display(),
    actions=[
        Verb("open_survey", "开放调查", frozenset({SurveyStatus.DRAFT}), OFFICE_ONLY),
        Verb("close_survey", "结束调查", frozenset({SurveyStatus.OPEN}), OFFICE_ONLY),
    ],
)


def _record(opinion: Opinion, action: str, *, by, note: str = "", **data: Any) -> OpinionEvent:
    return OpinionEvent.objects.create(
        opinion=opinion, action=action, actor=by, note=note,
        data={k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in data.items()},
    )


def _locked(opinion: Opinion) -> Opinion:
    return Opinion.objects.select_for_update().get(pk=opinion.pk)


def _check_date(on: dt.date, *, not_before: dt.date, label: str) -> None:
    _require(on >= not_before, f"{label}不能早于 {not_before:%Y年%m月%d日}。")
    _require(on <= _today(), f"{label}不能晚于今天。")


# ---- Receipt ----


def reply_workdays() -> int:
    return rule("OPINION_REPLY_WORKDAYS", 15)


def _refresh_due(opinion: Opinion, calendar: WorkdayCalendar | None = None) -> bool:
    """Recompute `due_on` from `received_on`; whether it changed. The one place the deadline is made."""
    before = (opinion.due_on, opinion.due_provisional)
    explanation = explain_workdays(opinion.received_on, reply_workdays(), calendar or default_calendar())
    opinion.due_on, opinion.due_provisional = explanation.due, explanation.provisional
    return before != (opinion.due_on, opinion.due_provisional)


def _take_number(year: int) -> tuple[int, str]:
    return take_number(OpinionCounter, year, "YJX")


@transaction.atomic
def receive_opinion(*, kind: str, text: str, name: str = "", contact: str = "",
                    submitted_at: dt.datetime | None = None) -> Opinion:
    """Register a message from the public opinion box; ValidationError on bad input, nothing saved."""
    text = (text or "").strip()
    _require(bool(text), "请填写意见内容。")
    _require(len(text) <= TEXT_MAX_CHARS, f"意见内容不能超过 {TEXT_MAX_CHARS} 字。")
    submitted_at = submitted_at or timezone.now()
    # The opinion box is an online channel: the day sent, or the next working day after hours.
    received_on = received_on_for("online", submitted_at=submitted_at)
    opinion = Opinion(kind=kind, text=text, name=(name or "").strip(), contact=(contact or "").strip(),
                      submitted_at=submitted_at, received_on=received_on, check_code=new_check_code(),
                      year=received_on.year, number="YJX-0000-0000", sequence=0)
    # Validate before a number is taken, so that bad input leaves no gap and no row.
    opinion.full_clean(validate_unique=False, validate_constraints=False)
    opinion.sequence, opinion.number = _take_number(opinion.year)
    _refresh_due(opinion)
    opinion.save()
    _record(opinion, Event.RECEIVED, by=None, kind=kind, due_on=opinion.due_on)
    pk = opinion.pk
    transaction.on_commit(lambda: notify_office(pk))
    return opinion


# ---- The office's steps ----


@transaction.atomic
def forward_opinion(opinion: Opinion, *, by, department: Department, note: str = "",
                    on: dt.date | None = None) -> Opinion:
    """Send the opinion to a department for its view; the reply deadline does not change."""
    opinion = _locked(opinion)
    OPINION_ACTIONS.check("forward_opinion", opinion, by)
    _require(department is not None, "请选择转办部门。")
    on = on or _today()
    _check_date(on, not_before=opinion.arrived_on, label="转办日期")
    opinion.status, opinion.forwarded_to, opinion.forwarded_on = Status.FORWARDED, department, on
    opinion.save(update_fields=["status", "forwarded_to", "forwarded_on"])
    _record(opinion, Event.FORWARDED, by=by, note=(note or "").strip(), department=department.name,
            on=on)
    pk = opinion.pk
    transaction.on_commit(lambda: notify_department(pk))
    return opinion


@transaction.atomic
def answer_opinion(opinion: Opinion, *, by, answer: str, outcome: str = "",
                   on: dt.date | None = None) -> Opinion:
    """Record the office's answer; the sender reads it with the number and check code."""
    opinion = _locked(opinion)
    OPINION_ACTIONS.check("answer_opinion", opinion, by)
    answer = (answer or "").strip()
    _require(bool(answer), "请填写答复内容。")
    _require(len(answer) <= ANSWER_MAX_CHARS, f"答复内容不能超过 {ANSWER_MAX_CHARS} 字。")
    _require(outcome in Opinion.Outcome.values, "请选择办理结果。")
    on = on or _today()
    _check_date(on, not_before=opinion.arrived_on, label="答复日期")
    opinion.status, opinion.answer, opinion.answered_on, opinion.answered_by = (
        Status.ANSWERED, answer, on, by)
    opinion.outcome = outcome
    opinion.save(update_fields=["status", "answer", "answered_on", "answered_by", "outcome"])
    _record(opinion, Event.ANSWERED, by=by, on=on, late=opinion.answered_late, outcome=outcome)
    return opinion


@transaction.atomic
def mark_outcome(opinion: Opinion, *, by, outcome: str, note: str = "") -> Opinion:
    """Record what came of an answered opinion (adopted, explained, ...)."""
    opinion = _locked(opinion)
    OPINION_ACTIONS.check("mark_outcome", opinion, by)
    _require(bool(outcome) and outcome in Opinion.Outcome.values, "请选择办理结果。")
    before = opinion.outcome
    opinion.outcome = outcome
    opinion.save(update_fields=["outcome"])
    _record(opinion, Event.OUTCOME, by=by, note=(note or "").strip(), before=before, outcome=outcome)
    return opinion


@transaction.atomic
def publish_opinion(opinion: Opinion, *, by, public_text: str) -> Opinion:
    """Show the office's summary of the opinion with its answer on the public page."""
    opinion = _locked(opinion)
    OPINION_ACTIONS.check("publish_opinion", opinion, by)
    public_text = (public_text or "").strip()
    _require(bool(public_text), "请填写公开摘要（不含姓名、联系方式等个人信息）。")
    for value in (opinion.name, opinion.contact):
        # The sender's name or contact would make the summary personal data.
        _require(not value or value not in public_text, "公开摘要中不能含有来信人的称呼或联系方式。")
    opinion.public_text, opinion.published_at = public_text, timezone.now()
    opinion.save(update_fields=["public_text", "published_at"])
    _record(opinion, Event.PUBLISHED, by=by)
    return opinion


@transaction.atomic
def unpublish_opinion(opinion: Opinion, *, by, note: str = "") -> Opinion:
    opinion = _locked(opinion)
    OPINION_ACTIONS.check("unpublish_opinion", opinion, by)
    opinion.published_at = None
    opinion.save(update_fields=["published_at"])
    _record(opinion, Event.UNPUBLISHED, by=by, note=(note or "").strip())
    return opinion


OPINION_EFFECTS = {
    "forward_opinion": forward_opinion,
    "answer_opinion": answer_opinion,
    "mark_outcome": mark_outcome,
    "publish_opinion": publish_opinion,
    "unpublish_opinion": unpublish_opinion,
}
assert set(OPINION_EFFECTS) == set(OPINION_ACTIONS.actions), "every verb has exactly one effect"


def run_opinion_action(name: str, opinion: Opinion, *, by, data: dict) -> Opinion:
    """Run one verb of OPINION_ACTIONS with its cleaned input (the admin's step pages)."""
    if name not in OPINION_ACTIONS:
        raise TransitionNotAllowed("没有这个办理步骤。", code="unknown_action")
    return OPINION_EFFECTS[name](opinion, by=by, **data)


# ---- The sender ----


def get_opinion_for_sender(number: str, code: str) -> Opinion | None:
    """The opinion whose number and check code both match; None alike for a wrong number or code."""
    opinion = Opinion.objects.filter(number=(number or "").strip().upper(),
                                     anonymised_at__isnull=True).first()
    expected = opinion.check_code if opinion else new_check_code()
    ok = secrets.compare_digest((code or "").strip().upper().encode(), expected.encode())
    return opinion if opinion is not None and ok else None


# ---- Deadlines after a calendar change; anonymisation ----


def recompute_opinion_deadlines(*, calendar: WorkdayCalendar, by=None, reason: str,
                                dry_run: bool = False) -> list:
    """Recompute every open opinion's due date; record each that moved (nothing saved in a dry run)."""
    from disclosure.workcalendar.services import DateMove

    moves = []
    for opinion in Opinion.objects.open().iterator(chunk_size=200):
        before = opinion.due_on
        if _refresh_due(opinion, calendar):
            moves.append(DateMove(f"意见 {opinion.number}", "答复期限", before, opinion.due_on))
            if dry_run:
                continue
            Opinion.objects.filter(pk=opinion.pk).update(due_on=opinion.due_on,
                                                         due_provisional=opinion.due_provisional)
            _record(opinion, Event.DEADLINE_RECOMPUTED, by=by, note=reason, before=before,
                    after=opinion.due_on)
    return moves


ANONYMISED_TEXT = "（已匿名化）"


def opinions_to_anonymise(*, today: dt.date | None = None):
    """Answered opinions older than the retention period (that of requests), not yet anonymised."""
    today = today or _today()
    years = rule("OPINION_RETENTION_YEARS", rule("REQUEST_RETENTION_YEARS", 5))
    try:
        cutoff = today.replace(year=today.year - years)
    except ValueError:  # 29 February
        cutoff = today.replace(year=today.year - years, day=28)
    return Opinion.objects.filter(status=Status.ANSWERED, anonymised_at__isnull=True,
                                  answered_on__lt=cutoff)


@transaction.atomic
def anonymise_opinion(opinion: Opinion, *, by=None) -> Opinion:
    """Erase the sender's name, contact and words; keep what part four counts (kind, dates, outcome).

    A published opinion leaves the public page (`.published()` excludes anonymised ones).
    """
    opinion = _locked(opinion)
    _require(not opinion.is_open, "尚未答复的意见不能匿名化。")
    opinion.name = opinion.contact = ""
    opinion.text = ANONYMISED_TEXT
    opinion.check_code = new_check_code()
    opinion.anonymised_at = timezone.now()
    opinion.save(update_fields=["name", "contact", "text", "check_code", "anonymised_at"])
    opinion.events.update(note="")
    _record(opinion, Event.ANONYMISED, by=by)
    return opinion


# ---- Mail (after the commit; never the sender's data) ----


def _office_addresses() -> list[str]:
    return sorted(set(policy.users_with_role(policy.Role.OFFICE).exclude(email="")
                      .values_list("email", flat=True)))


def notify_office(pk: int) -> None:
    opinion = Opinion.objects.filter(pk=pk).first()
    addresses = _office_addresses()
    if opinion is None or not addresses:
        return
    site = rule("SITE_NAME", "")
    _send(f"【{site}】意见箱新{opinion.get_kind_display()}（{opinion.number}）",
          f"意见箱收到新的{opinion.get_kind_display()}，编号 {opinion.number}，答复期限 "
          f"{opinion.due_on:%Y年%m月%d日}。\n请登录管理后台“意见箱来信”查看和答复。", addresses, pk)


def notify_department(pk: int) -> None:
    """Tell the department's editors what was forwarded: the words, never the sender."""
    opinion = Opinion.objects.select_related("forwarded_to").filter(pk=pk).first()
    if opinion is None or opinion.forwarded_to is None:
        return
    addresses = sorted(set(get_user_model().objects.filter(departments=opinion.forwarded_to,
                                                           is_active=True)
                           .exclude(email="").values_list("email", flat=True)))
    if not addresses:
        return
    site = rule("SITE_NAME", "")
    _send(f"【{site}】意见箱转办（{opinion.number}）",
          f"信息公开办公室转来意见箱{opinion.get_kind_display()}（{opinion.number}），请研究后将意见反馈"
          f"信息公开办公室，答复期限 {opinion.due_on:%Y年%m月%d日}。\n\n{opinion.text}", addresses, pk)


def _send(subject: str, body: str, addresses: list[str], pk: int) -> None:
    # Through the one outbox: kept, retried while the mail server is down, resent by the office.
    queue_mail(to=addresses, subject=subject, body=body, kind=OutgoingMail.Kind.OTHER)


# ---- Surveys ----


@transaction.atomic
def save_survey(survey: Survey, *, by) -> Survey:
    """Create or change a survey; its questions are fixed once it has opened."""
    _require_office(by)
    if survey.pk:
        current = Survey.objects.select_for_update().get(pk=survey.pk)
        _require(current.status == SurveyStatus.DRAFT or _only_dates_changed(current, survey),
                 "调查开放后只能修改结束日期。")
    else:
        survey.created_by = by
    survey._history_user = by
    survey.full_clean()
    survey.save()
    return survey


def _only_dates_changed(current: Survey, survey: Survey) -> bool:
    return (current.title, current.slug, current.intro, current.opens_on) == (
        survey.title, survey.slug, survey.intro, survey.opens_on)


def _require_office(user) -> None:
    from disclosure.core.errors import NotAllowed

    if not policy.is_office(user):
        raise NotAllowed("只有信息公开办公室可以编辑网络调查。")


def questions_editable(survey: Survey) -> bool:
    """Questions change only before the survey opens: afterwards answers would no longer add up."""
    return survey.status == SurveyStatus.DRAFT


@transaction.atomic
def open_survey(survey: Survey, *, by) -> Survey:
    """Open the survey to the public for its period; it needs at least one question."""
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    SURVEY_ACTIONS.check("open_survey", survey, by)
    questions = list(survey.questions.all())
    _require(bool(questions), "调查至少需要一道题目。")
    for question in questions:
        try:
            question.full_clean()
        except ValidationError as error:
            raise TransitionNotAllowed(f"第 {question.position} 题：" + "；".join(error.messages)) from error
    _require(survey.closes_on >= _today(), "结束日期已过，请先修改结束日期。")
    survey.status, survey.opened_at = SurveyStatus.OPEN, timezone.now()
    survey._history_user, survey._change_reason = by, "开放调查"
    survey.save(update_fields=["status", "opened_at"])
    return survey


@transaction.atomic
def close_survey(survey: Survey, *, by) -> Survey:
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    SURVEY_ACTIONS.check("close_survey", survey, by)
    survey.status, survey.closed_at = SurveyStatus.CLOSED, timezone.now()
    survey._history_user, survey._change_reason = by, "结束调查"
    survey.save(update_fields=["status", "closed_at"])
    return survey


SURVEY_EFFECTS = {"open_survey": open_survey, "close_survey": close_survey}
assert set(SURVEY_EFFECTS) == set(SURVEY_ACTIONS.actions), "every verb has exactly one effect"


FREE_TEXT_MAX_CHARS = 2000


def clean_answer(question: Question, raw: str) -> dict[str, Any] | None:
    """The stored form of one raw answer (None when left blank); ValidationError with the question."""
    raw = (raw or "").strip()
    if not raw:
        if question.required:
            raise ValidationError(f"请回答第 {question.position} 题。", code=str(question.pk))
        return None
    if question.kind == Question.Kind.SINGLE_CHOICE:
        if raw not in question.choice_list:
            raise ValidationError(f"第 {question.position} 题请从选项中选择。", code=str(question.pk))
        return {"choice": raw}
    if question.kind == Question.Kind.RATING:
        if not raw.isdigit() or not 1 <= int(raw) <= RATING_SCALE:
            raise ValidationError(f"第 {question.position} 题请选择 1 至 {RATING_SCALE} 分。",
                                  code=str(question.pk))
        return {"rating": int(raw)}
    if len(raw) > FREE_TEXT_MAX_CHARS:
        raise ValidationError(f"第 {question.position} 题不能超过 {FREE_TEXT_MAX_CHARS} 字。",
                              code=str(question.pk))
    return {"text": raw}


@transaction.atomic
def submit_survey_response(survey: Survey, raw_answers: dict[int, str], *,
                           today: dt.date | None = None) -> SurveyResponse:
    """Store one anonymous answer sheet; ValidationError (all problems at once) and nothing saved."""
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    _require(survey.is_accepting(today), "该调查目前不在开放期内。")
    cleaned, problems = [], []
    for question in survey.questions.all():
        try:
            value = clean_answer(question, raw_answers.get(question.pk, ""))
        except ValidationError as error:
            problems.append(error)
            continue
        if value is not None:
            cleaned.append((question, value))
    if problems:
        raise ValidationError(problems)
    _require(bool(cleaned), "请至少回答一道题目。")
    response = SurveyResponse.objects.create(survey=survey)
    Answer.objects.bulk_create(Answer(response=response, question=q, **value) for q, value in cleaned)
    return response
