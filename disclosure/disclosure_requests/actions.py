"""The life of a disclosure request (依申请公开), one function per step.

Allowed moves (the reply clock is in `disclosure.request_clock`):

    received              --request_correction-->  correction_requested  (once, within 7 working days)
    correction_requested  --receive_correction-->  received              (the period starts again)
    correction_requested  --lapse_request------->  lapsed                (not corrected in time)
    received / extended   --start_consultation-->  consulting            (the clock stands still)
    consulting            --end_consultation---->  received / extended
    received              --extend_request------>  extended              (once, approved, applicant told)
    received / extended   --answer_request------>  answered / not_processed
    any open state        --withdraw_request---->  withdrawn

Every step is the office's, except `receive_request` from the public form (`by=None`).
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import secrets
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from disclosure.access import policy
from disclosure.access.action_tables import Action as Verb
from disclosure.access.action_tables import ActionTable
from disclosure.core.errors import NotAllowed, TransitionNotAllowed
from disclosure.core.institution import absolute_url, institution
from disclosure.core.mail import queue_mail
from disclosure.core.models import OutgoingMail
from disclosure.core.receipts import new_check_code, take_number
from disclosure.disclosure_requests.clock import (
    RequestClock,
    clock_for,
    received_on_for,
    third_party_limit,
)
from disclosure.disclosure_requests.models import (
    REPLY_REASONS,
    ConsultationPause,
    DisclosureRequest,
    FeeStatus,
    ReplyLetter,
    ReplyReason,
    ReplyType,
    RequestCounter,
    RequestEvent,
)
from disclosure.workcalendar.workdays import WorkdayCalendar, add_workdays

logger = logging.getLogger(__name__)

Status = DisclosureRequest.Status
Action = RequestEvent.Action

ALLOWED_TRANSITIONS: dict[str, set[str]] = {
    Status.RECEIVED: {Status.CORRECTION_REQUESTED, Status.CONSULTING, Status.EXTENDED,
                      Status.ANSWERED, Status.NOT_PROCESSED, Status.WITHDRAWN},
    Status.CORRECTION_REQUESTED: {Status.RECEIVED, Status.LAPSED, Status.NOT_PROCESSED,
                                  Status.WITHDRAWN},
    Status.CONSULTING: {Status.RECEIVED, Status.EXTENDED, Status.WITHDRAWN},
    Status.EXTENDED: {Status.CONSULTING, Status.ANSWERED, Status.NOT_PROCESSED, Status.WITHDRAWN},
    Status.ANSWERED: set(),
    Status.NOT_PROCESSED: set(),
    Status.WITHDRAWN: set(),
    Status.LAPSED: set(),
}



def _moving_to(target: str) -> dict:
    """A step that leaves the request in `target`: it starts from every state allowed to go there."""
    return {"from_states": frozenset(state for state, targets in ALLOWED_TRANSITIONS.items()
                                     if target in targets),
            "leads_to": frozenset({target})}


def _prefetched(request: DisclosureRequest, relation: str):
    """The rows of `relation` when a listing prefetched them for all its rows (the deadline board
    does, for the guards below), else None: the guard then asks the database for this row alone."""
    return getattr(request, "_prefetched_objects_cache", {}).get(relation)


def _has_pauses(request: DisclosureRequest) -> bool:
    rows = _prefetched(request, "pauses")
    return bool(rows) if rows is not None else request.pauses.exists()


def _has_undelivered_letter(request: DisclosureRequest) -> bool:
    rows = _prefetched(request, "letters")
    if rows is not None:
        return any(not letter.delivered_via for letter in rows)
    return request.letters.filter(delivered_via="").exists()


def _untouched(request: DisclosureRequest) -> bool:
    """Nothing has happened to the request since it was received."""
    return (request.status == Status.RECEIVED and not request.correction_requested_on
            and not request.extension_workdays and not _has_pauses(request))


def _confirm_guard(request, **_):
    if not _untouched(request):
        return "只能在办理其他步骤之前确认收到日期。"
    return "收到日期已确认。" if request.receipt_confirmed_at else ""


def _correction_guard(request, today=None, **_):
    if request.correction_requested_on:
        return "补正只能一次性告知，该申请已通知过补正。"
    if not _untouched(request):
        return "已延期或征求过第三方意见的申请不能再通知补正。"
    if today is not None and today > correction_ask_by(request):
        return "已超过通知补正的期限。"
    return ""


def _lapse_guard(request, today=None, **_):
    if today is not None and (not request.correction_reply_by or today <= request.correction_reply_by):
        return "补正期限未满，不能按逾期未补正办结。"
    return ""


def _extension_guard(request, today=None, **_):
    if request.extension_workdays or request.status == Status.EXTENDED:
        return "答复期限只能延长一次。"
    # Offered while the request is being handled; during a consultation the office may still
    # record an extension decided then.
    if today is not None and request.status != Status.RECEIVED:
        return "只有办理中的申请可以延期。"
    return ""


OFFICE_ONLY = frozenset({policy.Role.OFFICE})

# Every step of a request, declared once: the admin's buttons and step pages, the API's actions,
# the deadline board and the applicant's status page read this table. `extra["api"]` is the API's
# path segment; `extra["basis"]` the article the step rests on, shown in the API's documentation.
REQUEST_ACTIONS = ActionTable(
    "disclosure_requests",
    state_of=lambda request: request.status,
    state_label=lambda request: request.get_status_display(),
    actions=[
        Verb("confirm_receipt", "确认收到日期", frozenset({Status.RECEIVED}), OFFICE_ONLY,
             guard=_confirm_guard,
             extra={"api": "confirm-receipt",
                    "basis": "信函、网上等方式提交的申请，以确认收到之日为收到申请之日（条例第三十一条）。"}),
        Verb("request_correction", "通知补正", roles=OFFICE_ONLY, **_moving_to(Status.CORRECTION_REQUESTED),
             guard=_correction_guard, public=True,
             extra={"public_label": "如申请内容不明确，办公室会一次性通知您补正",
                    "api": "request-correction",
                    "basis": "申请内容不明确时一次性告知补正，答复期限自收到补正之日起重新计算（条例第二十九条、第三十条）。"}),
        Verb("receive_correction", "登记收到补正", frozenset({Status.CORRECTION_REQUESTED}), OFFICE_ONLY,
             leads_to=frozenset({Status.RECEIVED}),
             extra={"api": "receive-correction", "basis": "登记收到申请人的补正，答复期限重新起算。"}),
        Verb("lapse_request", "逾期未补正办结", roles=OFFICE_ONLY, **_moving_to(Status.LAPSED), guard=_lapse_guard,
             extra={"api": "lapse", "basis": "申请人无正当理由逾期不补正，视为放弃申请（条例第三十条）。"}),
        Verb("start_consultation", "征求第三方意见", roles=OFFICE_ONLY, **_moving_to(Status.CONSULTING), public=True,
             extra={"public_label": "如涉及第三方权益，办公室会征求第三方意见（期间不计入答复期限）",
                    "api": "start-consultation",
                    "basis": "征求第三方意见期间不计入答复期限（条例第三十二条、第三十三条）。"}),
        # Back to where the request stood when the consultation began.
        Verb("end_consultation", "登记第三方意见", frozenset({Status.CONSULTING}), OFFICE_ONLY,
             leads_to=frozenset({Status.RECEIVED, Status.EXTENDED}),
             extra={"api": "end-consultation", "basis": "登记第三方答复，答复期限继续计算。"}),
        # From EXTENDED too, so that a second extension is told why: once only (条例 art. 33).
        Verb("extend_request", "延期答复",
             _moving_to(Status.EXTENDED)["from_states"] | {Status.EXTENDED}, OFFICE_ONLY,
             leads_to=frozenset({Status.EXTENDED}),
             guard=_extension_guard, public=True,
             extra={"public_label": "确需延长答复期限的，经负责人同意后会告知您，只能延长一次",
                    "api": "extend",
                    "basis": "经信息公开工作机构负责人同意并告知申请人，延期一次（条例第三十三条）。"}),
        Verb("answer_request", "答复", roles=OFFICE_ONLY, **_moving_to(Status.ANSWERED), public=True,
             extra={"public_label": "办公室在答复期限内作出答复，并按您选择的方式送达",
                    "api": "answer", "basis": "按答复类型和理由办结申请（条例第三十六条）。"}),
        Verb("mark_not_processed", "不予处理", roles=OFFICE_ONLY, **_moving_to(Status.NOT_PROCESSED),
             extra={"api": "not-processed", "basis": "重复申请等不予处理的情形（条例第三十五条、第三十六条）。"}),
        Verb("withdraw_request", "申请人撤回", roles=OFFICE_ONLY, **_moving_to(Status.WITHDRAWN),
             extra={"api": "withdraw", "basis": "登记申请人撤回申请。"}),
        Verb("generate_letter", "生成告知书", frozenset(Status.values), OFFICE_ONLY,
             extra={"api": "letters", "basis": "按答复生成告知书（.docx 和 PDF）并存档。"}),
        Verb("record_fee", "登记收费或减免", frozenset(Status.values), OFFICE_ONLY,
             extra={"api": "fee", "basis": "登记收费通知、缴费或减免（参照条例第四十二条）。"}),
        Verb("deliver_letter", "登记告知书送达", frozenset(Status.values), OFFICE_ONLY,
             guard=lambda request, **_: "" if _has_undelivered_letter(request)
             else "没有待送达的告知书，请先生成告知书。",
             extra={"api": "deliver", "basis": "登记告知书的送达方式和日期（送达）。"}),
    ],
)
# Records beside the request's course (letters, fees): not steps of the status page, the board or the API.
RECORD_VERBS = ("generate_letter", "deliver_letter", "record_fee")
# The steps that move the request: the status page and the board.
STEP_NAMES = tuple(name for name in REQUEST_ACTIONS.actions if name not in RECORD_VERBS)


# Applicant fields: personal data, shown to the office and to the applicant only.
APPLICANT_FIELDS = (
    "applicant_name", "id_number", "contact_name", "phone", "email", "postal_address", "postal_code",
)
REQUEST_FIELDS = (
    "channel", "applicant_type", *APPLICANT_FIELDS, "description", "purpose", "preferred_form",
    "delivery",
)
# No 0/O or 1/I/L: read out on the phone and typed by hand.


def rule(name: str, default: Any = None) -> Any:
    return settings.DISCLOSURE.get(name, default)


def _require(condition: bool, message: str, error=TransitionNotAllowed) -> None:
    if not condition:
        raise error(message)


def _require_office(user) -> None:
    _require(policy.is_office(user), "只有信息公开办公室可以办理信息公开申请。", NotAllowed)


def _locked(request: DisclosureRequest) -> DisclosureRequest:
    return DisclosureRequest.objects.select_for_update().get(pk=request.pk)


def _record(request, action: str, *, by, on: dt.date | None = None, note: str = "",
            **data: Any) -> RequestEvent:
    return RequestEvent.objects.create(
        request=request, action=action, actor=by, on=on, note=note,
        data={k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in data.items()},
    )


def _refresh_due(request: DisclosureRequest, calendar: WorkdayCalendar | None = None) -> bool:
    """Recompute `due_on` and `due_provisional` from the recorded steps; whether they changed."""
    before = (request.due_on, request.due_provisional)
    clock = clock_for(request, calendar)
    request.due_on, request.due_provisional = clock.due, clock.provisional
    return before != (request.due_on, request.due_provisional)


def _save(request: DisclosureRequest, fields, calendar=None) -> None:
    _refresh_due(request, calendar)
    request.save(update_fields=[*fields, "due_on", "due_provisional"])


def _clock_start(request: DisclosureRequest) -> dt.date:
    return request.corrected_on or request.received_on


def _today() -> dt.date:
    return timezone.localdate()


def _check_date(on: dt.date, *, not_before: dt.date, label: str) -> None:
    _require(on >= not_before, f"{label}不能早于 {not_before:%Y年%m月%d日}。")
    _require(on <= _today(), f"{label}不能晚于今天。")


# ---- Receipt ----


def _take_number(year: int) -> tuple[int, str]:
    return take_number(RequestCounter, year, "YSQ")


@transaction.atomic
def receive_request(*, by=None, received_on: dt.date | None = None,
                    submitted_at: dt.datetime | None = None, **fields: Any) -> DisclosureRequest:
    """Register a request: from the public form (`by=None`) or logged by the office.

    Raises ValidationError on bad input (nothing is saved) and NotAllowed for non-office staff.
    """
    if by is not None:
        _require_office(by)
    unknown = set(fields) - set(REQUEST_FIELDS)
    _require(not unknown, f"未知字段：{', '.join(sorted(unknown))}。")
    submitted_at = submitted_at or timezone.now()
    if by is None:
        fields["channel"] = DisclosureRequest.Channel.ONLINE
        received_on = None  # the public cannot choose its own received date
    elif received_on is not None:
        _require(received_on <= _today(), "收到申请之日不能晚于今天。")
    received_on = received_on_for(
        fields.get("channel", DisclosureRequest.Channel.ONLINE), submitted_at=submitted_at,
        recorded_on=received_on,
    )
    request = DisclosureRequest(
        submitted_at=submitted_at, received_on=received_on, created_by=by,
        check_code=new_check_code(), **fields,
    )
    request.year = received_on.year
    # Validate before a number is taken, so that bad input leaves no gap and no row.
    request.tracking_number = "YSQ-0000-0000"
    request.sequence = 0
    request.full_clean(exclude=["created_by", "receipt_confirmed_by", "answered_by"],
                       validate_unique=False, validate_constraints=False)
    request.sequence, request.tracking_number = _take_number(request.year)
    _refresh_due(request)
    request.save()
    _record(request, Action.RECEIVED, by=by, on=received_on, channel=request.channel,
            due_on=request.due_on)
    queue_receipt(request)
    return request


@transaction.atomic
def confirm_receipt(request: DisclosureRequest, *, by, received_on: dt.date | None = None,
                    note: str = "") -> DisclosureRequest:
    """The office confirms receipt, correcting the received date if needed; the deadline follows."""
    request = _locked(request)
    REQUEST_ACTIONS.check("confirm_receipt", request, by)
    before = request.received_on
    if received_on is not None:
        _require(received_on <= _today(), "收到申请之日不能晚于今天。")
        if request.channel == DisclosureRequest.Channel.ONLINE:
            _require(received_on >= timezone.localtime(request.submitted_at).date(),
                     "收到申请之日不能早于提交之日。")
        # The date signed for or confirmed, as the channel's rule says (clock.RECEIPT_RULES).
        request.received_on = received_on_for(request.channel, submitted_at=request.submitted_at,
                                              recorded_on=received_on)
    request.receipt_confirmed_at, request.receipt_confirmed_by = timezone.now(), by
    _save(request, ["received_on", "receipt_confirmed_at", "receipt_confirmed_by"])
    _record(request, Action.RECEIPT_CONFIRMED, by=by, on=request.received_on, note=note,
            received_on_before=before, received_on=request.received_on, due_on=request.due_on)
    return request


# ---- Correction (补正) ----


def correction_ask_by(request: DisclosureRequest) -> dt.date:
    return add_workdays(request.received_on, rule("REQUEST_CORRECTION_WITHIN_WORKDAYS", 7))


@transaction.atomic
def request_correction(request: DisclosureRequest, *, by, note: str, on: dt.date | None = None,
                       reply_by: dt.date | None = None) -> DisclosureRequest:
    """Ask the applicant, once, to complete the request (on `on`, default today); the clock stops
    until it comes back."""
    request = _locked(request)
    on = on or _today()
    REQUEST_ACTIONS.check("request_correction", request, by)
    _require(request.correction_requested_on is None, "补正只能一次性告知，该申请已通知过补正。")
    _require(not request.extension_workdays and not request.pauses.exists(),
             "已征求意见或延期的申请不能再要求补正。")
    note = (note or "").strip()
    _require(bool(note), "请写明需要补正的内容。")
    _check_date(on, not_before=request.received_on, label="补正通知日期")
    ask_by = correction_ask_by(request)
    _require(on <= ask_by, f"补正应在收到申请后 {rule('REQUEST_CORRECTION_WITHIN_WORKDAYS', 7)} "
                           f"个工作日内（{ask_by:%Y年%m月%d日}前）提出。")
    reply_by = reply_by or add_workdays(on, rule("REQUEST_CORRECTION_REPLY_WORKDAYS", 15))
    _require(reply_by > on, "补正截止日应晚于通知日期。")
    request.status = Status.CORRECTION_REQUESTED
    request.correction_requested_on, request.correction_reply_by = on, reply_by
    request.correction_note = note
    _save(request, ["status", "correction_requested_on", "correction_reply_by", "correction_note"])
    _record(request, Action.CORRECTION_REQUESTED, by=by, on=on, note=note, reply_by=reply_by)
    return request


@transaction.atomic
def receive_correction(request: DisclosureRequest, *, by, on: dt.date | None = None,
                       note: str = "") -> DisclosureRequest:
    """The corrected request arrived on `on` (default today): the full answer period starts again
    from that day."""
    request = _locked(request)
    on = on or _today()
    REQUEST_ACTIONS.check("receive_correction", request, by)
    _require(request.status == Status.CORRECTION_REQUESTED, "该申请没有待补正的内容。")
    _check_date(on, not_before=request.correction_requested_on, label="收到补正之日")
    request.status, request.corrected_on = Status.RECEIVED, on
    _save(request, ["status", "corrected_on"])
    _record(request, Action.CORRECTION_RECEIVED, by=by, on=on, note=note, due_on=request.due_on)
    return request


@transaction.atomic
def lapse_request(request: DisclosureRequest, *, by, on: dt.date | None = None,
                  note: str = "") -> DisclosureRequest:
    """Close a request the applicant did not correct in time: taken as given up (条例 art. 30)."""
    request = _locked(request)
    REQUEST_ACTIONS.check("lapse_request", request, by)
    on = on or _today()
    _require(on > request.correction_reply_by,
             f"补正截止日（{request.correction_reply_by:%Y年%m月%d日}）之后才能按逾期未补正办结。")
    _require(on <= _today(), "办结日期不能晚于今天。")
    request.status = Status.LAPSED
    request.reply_type, request.reply_reason = ReplyType.OTHER, ReplyReason.NOT_CORRECTED
    request.answered_on, request.answered_by, request.closing_note = on, by, note
    request.save(update_fields=["status", "reply_type", "reply_reason", "answered_on", "answered_by",
                                "closing_note"])
    _record(request, Action.LAPSED, by=by, on=on, note=note)
    return request


# ---- Third-party consultation ----


@transaction.atomic
def start_consultation(request: DisclosureRequest, *, by, third_party: str,
                       on: dt.date | None = None, note: str = "",
                       letter_received_on: dt.date | None = None) -> ConsultationPause:
    """The consultation letter went out on `on` (default today): the clock stands still until the
    answer."""
    request = _locked(request)
    on = on or _today()
    REQUEST_ACTIONS.check("start_consultation", request, by)
    third_party = (third_party or "").strip()
    _require(bool(third_party), "请填写征求意见的对象。")
    last = request.pauses.order_by("-letter_sent_on").first()
    _check_date(on, not_before=max(_clock_start(request), last.answered_on if last else dt.date.min),
                label="发函日期")
    _require(request.due_on is None or on <= request.due_on, "答复期限已过，不能再征求意见停止计时。")
    if letter_received_on is not None:
        _check_date(letter_received_on, not_before=on, label="第三方收到征求意见函之日")
    pause = ConsultationPause.objects.create(request=request, third_party=third_party[:200],
                                             letter_sent_on=on, letter_received_on=letter_received_on,
                                             note=note)
    request.status = Status.CONSULTING
    _save(request, ["status"])
    _record(request, Action.CONSULTATION_STARTED, by=by, on=on, note=note, pause=pause.pk,
            letter_received_on=letter_received_on, due_on=request.due_on)
    return pause


@transaction.atomic
def end_consultation(request: DisclosureRequest, *, by, on: dt.date | None = None,
                     note: str = "",
                     letter_received_on: dt.date | None = None) -> DisclosureRequest:
    """The third party answered on `on` (default today; or its time ran out): the clock runs
    again."""
    request = _locked(request)
    on = on or _today()
    REQUEST_ACTIONS.check("end_consultation", request, by)
    _require(request.status == Status.CONSULTING, "该申请没有正在进行的征求意见。")
    pause = request.pauses.filter(answered_on__isnull=True).order_by("-letter_sent_on").first()
    _require(pause is not None, "该申请没有正在进行的征求意见。")
    _check_date(on, not_before=pause.letter_sent_on, label="收到意见之日")
    if letter_received_on is not None:
        _check_date(letter_received_on, not_before=pause.letter_sent_on,
                    label="第三方收到征求意见函之日")
        _require(letter_received_on <= on, "第三方收到征求意见函之日不能晚于收到意见之日。")
        pause.letter_received_on = letter_received_on
    pause.answered_on = on
    pause.save(update_fields=["answered_on", "letter_received_on"])
    request.status = Status.EXTENDED if request.extension_workdays else Status.RECEIVED
    _save(request, ["status"])
    _record(request, Action.CONSULTATION_ENDED, by=by, on=on, note=note, pause=pause.pk,
            letter_received_on=pause.letter_received_on, due_on=request.due_on)
    return request


# ---- Extension ----


def extension_limit() -> int:
    """The longest extension in working days (条例 art. 33: at most 15), declared once in settings."""
    return rule("REQUEST_EXTENSION_MAX_WORKDAYS")


def validate_extension_workdays(workdays) -> None:
    """Raise TransitionNotAllowed (a ValidationError) unless 1 ≤ workdays ≤ the limit.

    The admin's step form and the API's serializer call this too, so all three doors refuse the same
    days with the same sentence.
    """
    limit = extension_limit()
    _require(isinstance(workdays, int) and not isinstance(workdays, bool) and 1 <= workdays <= limit,
             f"延期工作日数应在 1 至 {limit} 之间。")


@transaction.atomic
def extend_request(request: DisclosureRequest, *, by, workdays: int, approver: str, reason: str,
                   on: dt.date | None = None, notified_on: dt.date | None = None) -> DisclosureRequest:
    """Extend the answer once, by at most the allowed working days, approved, applicant told."""
    request = _locked(request)
    REQUEST_ACTIONS.check("extend_request", request, by)
    _require(request.extension_workdays == 0, "答复期限只能延长一次。")
    validate_extension_workdays(workdays)
    approver, reason = (approver or "").strip(), (reason or "").strip()
    _require(bool(approver), "请填写延期的批准人（信息公开工作机构负责人）。")
    _require(bool(reason), "请填写延期理由。")
    on = on or _today()
    _check_date(on, not_before=_clock_start(request), label="延期决定日期")
    _require(request.due_on is not None and on <= request.due_on,
             "延期须在原答复期限届满前决定。")
    notified_on = notified_on or on
    _require(notified_on >= on, "告知申请人的日期不能早于延期决定日期。")
    original_due = request.due_on
    request.status = Status.EXTENDED
    request.extension_workdays, request.extended_on = workdays, on
    request.extension_approver, request.extension_reason = approver[:50], reason
    request.extension_notified_on = notified_on
    _save(request, ["status", "extension_workdays", "extended_on", "extension_approver",
                    "extension_reason", "extension_notified_on"])
    _record(request, Action.EXTENDED, by=by, on=on, note=reason, workdays=workdays,
            approver=approver, original_due=original_due, due_on=request.due_on,
            notified_on=notified_on)
    queue_update(request, "您的信息公开申请答复期限已依法延长")
    return request


# ---- Closing ----


def validate_reply(reply_type: str, reason: str) -> None:
    """Refuse a reply type or reason outside the official categories, or a reason that does not fit."""
    _require(reply_type in ReplyType.values, "请选择答复类型。")
    allowed = REPLY_REASONS[reply_type]
    if allowed:
        _require(reason in allowed,
                 f"“{ReplyType(reply_type).label}”须选择理由："
                 + "、".join(ReplyReason(r).label for r in allowed) + "。")
    else:
        _require(not reason, f"“{ReplyType(reply_type).label}”不需要选择理由。")


@transaction.atomic
def answer_request(request: DisclosureRequest, *, by, reply_type: str, reason: str = "",
                   text: str = "", refer_to: str = "", on: dt.date | None = None) -> DisclosureRequest:
    """Record the reply. `不予处理` closes the request as not processed; every other type as answered."""
    request = _locked(request)
    reason = reason or ""
    validate_reply(reply_type, reason)
    if reason == ReplyReason.FEE_UNPAID:
        # 逾期未缴费 rests on a fee notice the applicant did not pay.
        _require(request.fee_status == FeeStatus.CHARGED and request.fee_notified_on is not None
                 and request.fee_paid_on is None,
                 "“逾期未按收费通知缴纳费用”须先登记已发出且未缴纳的收费通知。")
    target = Status.NOT_PROCESSED if reply_type == ReplyType.NOT_PROCESSED else Status.ANSWERED
    if request.status == Status.CONSULTING:
        raise TransitionNotAllowed("正在征求第三方意见，请先登记第三方答复。")
    REQUEST_ACTIONS.check(
        "mark_not_processed" if target == Status.NOT_PROCESSED else "answer_request", request, by)
    on = on or _today()
    _check_date(on, not_before=request.arrived_on, label="答复日期")
    request.status, request.reply_type, request.reply_reason = target, reply_type, reason
    request.reply_text, request.reply_refer_to = (text or "").strip(), (refer_to or "").strip()[:200]
    request.answered_on, request.answered_by = on, by
    request.save(update_fields=["status", "reply_type", "reply_reason", "reply_text",
                                "reply_refer_to", "answered_on", "answered_by"])
    late = request.due_on is not None and on > request.due_on
    _record(request, Action.ANSWERED if target == Status.ANSWERED else Action.NOT_PROCESSED,
            by=by, on=on, reply_type=reply_type, reason=reason, late=late)
    queue_update(request, "您的信息公开申请已答复")
    return request


def mark_not_processed(request: DisclosureRequest, *, by, reason: str, note: str = "",
                       on: dt.date | None = None) -> DisclosureRequest:
    """Close a request as not processed (不予处理), with one of the official reasons."""
    return answer_request(request, by=by, reply_type=ReplyType.NOT_PROCESSED, reason=reason,
                          text=note, on=on)


@transaction.atomic
def withdraw_request(request: DisclosureRequest, *, by, note: str,
                     on: dt.date | None = None) -> DisclosureRequest:
    """The applicant withdrew the request; counted as 其他处理 in the yearly report."""
    request = _locked(request)
    REQUEST_ACTIONS.check("withdraw_request", request, by)
    note = (note or "").strip()
    _require(bool(note), "请说明申请人撤回的方式（如书面撤回、电话撤回）。")
    on = on or _today()
    _check_date(on, not_before=request.arrived_on, label="撤回日期")
    if request.status == Status.CONSULTING:
        request.pauses.filter(answered_on__isnull=True).update(answered_on=on)
    request.status = Status.WITHDRAWN
    request.reply_type, request.reply_reason = ReplyType.OTHER, ReplyReason.OTHER
    request.answered_on, request.answered_by, request.closing_note = on, by, note
    request.save(update_fields=["status", "reply_type", "reply_reason", "answered_on",
                                "answered_by", "closing_note"])
    _record(request, Action.WITHDRAWN, by=by, on=on, note=note)
    return request


# ---- The steps the back office offers from the current state ----


def available_steps(request: DisclosureRequest, *, today: dt.date | None = None, user=None) -> list[str]:
    """The steps valid from the request's current state, in the order the office meets them."""
    today = today or _today()
    return [action.name for action in REQUEST_ACTIONS.available(request, user, today=today)
            if action.name in STEP_NAMES]


def public_next_steps(request: DisclosureRequest, *, today: dt.date | None = None) -> list[str]:
    """What the applicant's status page says may happen next: the table's public verbs open now."""
    today = today or _today()
    return [action.extra["public_label"]
            for action in REQUEST_ACTIONS.available(request, None, today=today) if action.public]


# ---- Clock, letters, recomputation, anonymisation ----


def request_clock(request: DisclosureRequest, *, today: dt.date | None = None) -> RequestClock:
    return clock_for(request, today=today)


@transaction.atomic
def generate_reply_letter(request: DisclosureRequest, *, by, kind: str | None = None) -> ReplyLetter:
    """Produce the reply letter (.docx) of `kind` (by default the one the reply calls for) and archive it."""
    from django.core.files.base import ContentFile

    from disclosure.disclosure_requests import letters

    request = _locked(request)
    REQUEST_ACTIONS.check("generate_letter", request, by)
    kind = kind or letters.letter_kind_for(request)
    _require(bool(kind), "请选择告知书类型。")
    number = request.letters.count() + 1
    letter = ReplyLetter(request=request, kind=kind, generated_by=by, number=number)
    letter.file.save(f"{request.tracking_number}-{number:02d}-{kind}.docx",
                     ContentFile(letters.render_letter(request, kind, number=number)), save=False)
    letter.pdf.save(f"{request.tracking_number}-{number:02d}-{kind}.pdf",
                    ContentFile(letters.render_letter_pdf(request, kind, number=number)), save=False)
    letter.save()
    _record(request, Action.LETTER_GENERATED, by=by, kind=kind, letter=letter.pk)
    # No mail yet: the applicant cannot see the letter before it is delivered; one mail, then.
    return letter


@transaction.atomic
def record_fee(request: DisclosureRequest, *, by, status: str, basis: str, amount=None,
               notified_on: dt.date | None = None, paid_on: dt.date | None = None,
               note: str = "") -> DisclosureRequest:
    """Record a fee charged (amount, notice, payment) or waived, with its basis; the report counts it."""
    from decimal import Decimal, InvalidOperation

    request = _locked(request)
    REQUEST_ACTIONS.check("record_fee", request, by)
    _require(status in FeeStatus.values, "请选择收费或减免。")
    basis = (basis or "").strip()
    _require(bool(basis), "请填写收费或减免的依据。")
    if status == FeeStatus.CHARGED:
        try:
            amount = Decimal(str(amount)).quantize(Decimal("0.01"))
        except (InvalidOperation, ValueError):
            amount = None
        _require(amount is not None and amount > 0, "收费金额须为大于0的数。")
        _require(notified_on is not None, "请填写发出收费通知之日。")
        _check_date(notified_on, not_before=request.arrived_on, label="发出收费通知之日")
        if paid_on is not None:
            _check_date(paid_on, not_before=notified_on, label="缴费日期")
    else:
        amount, notified_on, paid_on = None, None, None
    request.fee_status, request.fee_amount, request.fee_basis = status, amount, basis[:200]
    request.fee_notified_on, request.fee_paid_on = notified_on, paid_on
    request.save(update_fields=["fee_status", "fee_amount", "fee_basis", "fee_notified_on", "fee_paid_on"])
    _record(request, Action.FEE_RECORDED, by=by, on=paid_on or notified_on, note=note, status=status,
            amount=str(amount) if amount is not None else "", basis=basis)
    return request


@transaction.atomic
def deliver_letter(request: DisclosureRequest, *, by, letter: int, via: str, on: dt.date,
                   postal_tracking: str = "", note: str = "") -> ReplyLetter:
    """Record how and when a letter reached the applicant (送达). Online delivery shows it on the
    applicant's status page; the status page shows the delivery date. The applicant gets one mail
    per letter, this one, saying how it was delivered (the post's tracking number included)."""
    request = _locked(request)
    REQUEST_ACTIONS.check("deliver_letter", request, by)
    found = request.letters.select_for_update().filter(pk=letter).first()
    _require(found is not None, "该告知书不属于本申请。")
    _require(not found.delivered_via, "该告知书已登记送达。")
    _require(via in ReplyLetter.Delivery.values, "请选择送达方式。")
    postal_tracking = (postal_tracking or "").strip()
    _require(via != ReplyLetter.Delivery.POST or bool(postal_tracking), "邮寄送达请填写邮件单号。")
    _require(via != ReplyLetter.Delivery.EMAIL or bool(request.email), "申请人未留电子邮箱，不能以电子邮件送达。")
    _check_date(on, not_before=timezone.localtime(found.generated_at).date(), label="送达日期")
    found.delivered_via, found.delivered_on, found.postal_tracking = via, on, postal_tracking
    found.full_clean(exclude=["file", "pdf", "request", "generated_by"])
    found.save(update_fields=["delivered_via", "delivered_on", "postal_tracking"])
    _record(request, Action.LETTER_DELIVERED, by=by, on=on, note=note, letter=found.pk, via=via,
            postal_tracking=postal_tracking)
    how = {
        ReplyLetter.Delivery.ONLINE: "已送达，可在申请查询页下载",
        ReplyLetter.Delivery.EMAIL: "已通过电子邮件送达",
        ReplyLetter.Delivery.POST: f"已邮寄（邮件单号 {postal_tracking}）",
        ReplyLetter.Delivery.IN_PERSON: "已当面送达",
    }[via]
    queue_update(request, f"您的信息公开申请{found.get_kind_display()}{how}", kind=OutgoingMail.Kind.LETTER)
    return found


def recompute_request_deadlines(*, calendar: WorkdayCalendar, before: WorkdayCalendar | None = None,
                                by=None, reason: str, dry_run: bool = False) -> list:
    """Recompute every open request's calendar-dependent dates after a calendar change.

    The received date of an online request the office has not confirmed (submitted on a rest day
    or after hours), the reply due date, the correction ask-by date while a correction may still be
    asked, and the limit of each third party not yet answered. Returns the moves (`DateMove`);
    unless `dry_run`, saves them and records them on the request (old → new).
    """
    from disclosure.workcalendar.services import DateMove

    before = before or calendar
    ask_within = rule("REQUEST_CORRECTION_WITHIN_WORKDAYS", 7)
    third_party_days = rule("THIRD_PARTY_REPLY_WORKDAYS", 15)
    moves = []
    for request in DisclosureRequest.objects.open().prefetch_related("pauses").iterator(chunk_size=200):
        found = []
        subject = f"申请 {request.tracking_number}"
        pauses = list(request.pauses.all())
        untouched = (request.status == Status.RECEIVED and not request.correction_requested_on
                     and not request.extension_workdays and not pauses)
        old_received = request.received_on
        if (untouched and request.channel == DisclosureRequest.Channel.ONLINE
                and request.receipt_confirmed_at is None):
            request.received_on = received_on_for(request.channel, submitted_at=request.submitted_at,
                                                  calendar=calendar)
            if request.received_on != old_received:
                found.append(DateMove(subject, "收到申请之日", old_received, request.received_on))
        if untouched:
            old = add_workdays(old_received, ask_within, before)
            new = add_workdays(request.received_on, ask_within, calendar)
            if old != new:
                found.append(DateMove(subject, "通知补正截止日", old, new))
        for pause in pauses:
            if pause.answered_on is None:
                old = third_party_limit(pause.letter_sent_on, pause.letter_received_on,
                                        third_party_days, before)
                new = third_party_limit(pause.letter_sent_on, pause.letter_received_on,
                                        third_party_days, calendar)
                if old != new:
                    found.append(DateMove(subject, "第三方答复期限", old, new))
        old_due = request.due_on
        changed = _refresh_due(request, calendar)
        if request.due_on != old_due:
            found.append(DateMove(subject, "答复期限", old_due, request.due_on))
        moves += found
        if dry_run or not (found or changed):
            continue
        DisclosureRequest.objects.filter(pk=request.pk).update(
            received_on=request.received_on, due_on=request.due_on,
            due_provisional=request.due_provisional,
        )
        _record(request, Action.DEADLINE_RECOMPUTED, by=by, note=reason,
                before=str(old_due), after=str(request.due_on),
                provisional=request.due_provisional,
                moves=[[m.what, str(m.old), str(m.new)] for m in found])
    return moves


ANONYMISED_NAME = "（已匿名化）"


def requests_to_anonymise(*, today: dt.date | None = None):
    """Closed requests answered more than the retention period ago, not yet anonymised."""
    today = today or _today()
    years = rule("REQUEST_RETENTION_YEARS", 5)
    try:
        cutoff = today.replace(year=today.year - years)
    except ValueError:  # 29 February
        cutoff = today.replace(year=today.year - years, day=28)
    return DisclosureRequest.objects.closed().filter(
        anonymised_at__isnull=True, answered_on__lt=cutoff
    )


@transaction.atomic
def anonymise_request(request: DisclosureRequest, *, by=None) -> DisclosureRequest:
    """Erase the applicant's personal data and archived files; keep what the statistics count."""
    request = _locked(request)
    _require(not request.is_open, "办理中的申请不能匿名化。")
    for name in APPLICANT_FIELDS:
        setattr(request, name, "")
    request.applicant_name = ANONYMISED_NAME
    request.description = request.purpose = request.correction_note = ""
    request.reply_text = request.closing_note = ""
    request.check_code = new_check_code()
    request.anonymised_at = timezone.now()
    request.save(update_fields=[*APPLICANT_FIELDS, "description", "purpose", "correction_note",
                                "reply_text", "closing_note", "check_code", "anonymised_at"])
    for letter in request.letters.all():
        letter.file.delete(save=False)
    request.letters.all().delete()
    for attachment in request.attachments.all():
        attachment.file.delete(save=False)
    request.attachments.all().delete()
    request.events.update(note="")
    _record(request, Action.ANONYMISED, by=by)
    return request


def get_request_for_applicant(tracking_number: str, secret: str) -> DisclosureRequest | None:
    """The request whose number and check code both match; None otherwise, alike for a wrong number
    and a wrong code so that nobody can learn which numbers exist.

    Only the check code opens it: tracking numbers are sequential and a phone number is known to
    many, so accepting the phone would make the phone the secret. A lost code is re-sent to the
    address on file (`resend_check_code`), never shown.
    """
    request = (DisclosureRequest.objects.filter(tracking_number=tracking_number.strip().upper(),
                                                anonymised_at__isnull=True)
               .prefetch_related("pauses").first())
    expected_code = request.check_code if request else new_check_code()
    given = (secret or "").strip().upper()
    code_ok = secrets.compare_digest(given.encode(), expected_code.encode())
    if request is not None and code_ok:
        return request
    return None


# At most this many re-sent codes per request a day, whoever asks: the applicant's mailbox is not a
# target either (the per-address rate limit is the view's).
CHECK_CODE_RESENDS_PER_DAY = 3


def _same_contact(request: DisclosureRequest, contact: str) -> str:
    """Which contact on file `contact` is ("email", "phone") or "" when it is neither."""
    given = (contact or "").strip()
    if request.email and "@" in given:
        if secrets.compare_digest(given.lower().encode(), request.email.strip().lower().encode()):
            return "email"
        return ""
    digits, on_file = re.sub(r"\D", "", given), re.sub(r"\D", "", request.phone or "")
    if len(digits) >= 7 and on_file and secrets.compare_digest(digits.encode(), on_file.encode()):
        return "phone"
    return ""


@transaction.atomic
def resend_check_code(tracking_number: str, contact: str) -> None:
    """Send a lost check code to the applicant's e-mail on file, when `contact` is the e-mail or the
    phone given in the request; recorded as an event. Says nothing back: the caller answers the same
    sentence whether the number exists, the contact matches or not.

    No e-mail on file: the event asks the office to post the code to the postal address (post is not
    automatic). The code itself is never written into the event, the log or the answer.
    """
    request = (DisclosureRequest.objects.select_for_update()
               .filter(tracking_number=(tracking_number or "").strip().upper(),
                       anonymised_at__isnull=True).first())
    matched = _same_contact(request, contact) if request is not None else ""
    if not matched:
        logger.info("check code resend refused: number or contact does not match")
        return
    since = timezone.now() - dt.timedelta(days=1)
    if request.events.filter(action=RequestEvent.Action.CHECK_CODE_RESENT, at__gte=since).count() \
            >= CHECK_CODE_RESENDS_PER_DAY:
        logger.warning("check code resend for request %s: daily limit reached", request.pk)
        return
    by_mail = bool(request.email)
    _record(request, RequestEvent.Action.CHECK_CODE_RESENT, by=None,
            note="查询码已重新发送至登记的电子邮箱。" if by_mail
            else "申请人未登记电子邮箱：请按登记的通信地址邮寄查询码（系统不会自动邮寄）。",
            asked_with=matched, sent_by="email" if by_mail else "post_by_office")
    if by_mail:
        queue_check_code(request)


# ---- Mail to the applicant (kept in the outbox in the same transaction; never logs personal data) ----


def _status_url() -> str:
    return absolute_url(reverse("disclosure:request_status"))


def queue_receipt(request: DisclosureRequest) -> None:
    """The applicant's receipt, in the outbox; sent by the worker once the request is committed."""
    if not request.email:
        return
    facts = institution()
    university = facts.university_name
    lines = [
        f"{request.applicant_name}：",
        "",
        f"{university}已收到您的信息公开申请。",
        f"申请编号：{request.tracking_number}",
        f"查询码：{request.check_code}",
        f"收到申请之日：{request.received_on:%Y年%m月%d日}",
    ]
    if request.due_on:
        lines.append(f"答复期限：{request.due_on:%Y年%m月%d日}" + ("（暂定）" if request.due_provisional else ""))
    lines += ["", f"您可凭申请编号和查询码在信息公开网查询办理进度：{_status_url()}",
              f"{university}{facts.office_name}"]
    queue_mail(to=[request.email], subject=f"信息公开申请回执（{request.tracking_number}）",
               body="\n".join(lines), kind=OutgoingMail.Kind.RECEIPT)


def queue_check_code(request: DisclosureRequest) -> None:
    """A lost check code, re-sent to the e-mail on file (asked for by number and contact)."""
    if not request.email:
        return
    facts = institution()
    body = "\n".join([
        f"{request.applicant_name}：", "",
        f"应您的要求，现将信息公开申请 {request.tracking_number} 的查询码再次发送给您。",
        f"查询码：{request.check_code}", "",
        f"请凭申请编号和查询码在信息公开网查询办理进度：{_status_url()}",
        "如果您没有要求重发查询码，请忽略本邮件。",
        f"{facts.university_name}{facts.office_name}",
    ])
    queue_mail(to=[request.email], subject=f"信息公开申请查询码（{request.tracking_number}）", body=body,
               kind=OutgoingMail.Kind.REQUEST_UPDATE)


def queue_update(request: DisclosureRequest, subject: str,
                 kind: str = OutgoingMail.Kind.REQUEST_UPDATE) -> None:
    """A notice that the request moved (`subject` says how), in the outbox."""
    if not request.email:
        return
    body = "\n".join([
        f"{request.applicant_name}：", "",
        f"{subject}（申请编号 {request.tracking_number}）。",
        f"请凭申请编号和查询码在信息公开网查看详情：{_status_url()}",
    ])
    queue_mail(to=[request.email], subject=f"{subject}（{request.tracking_number}）", body=body,
               kind=kind)


# The effect of each verb of REQUEST_ACTIONS, called with the cleaned input of its step page or API
# call (the same names as the functions' keyword arguments).
REQUEST_EFFECTS = {
    "confirm_receipt": confirm_receipt,
    "request_correction": request_correction,
    "receive_correction": receive_correction,
    "lapse_request": lapse_request,
    "start_consultation": start_consultation,
    "end_consultation": end_consultation,
    "extend_request": extend_request,
    "answer_request": answer_request,
    "mark_not_processed": mark_not_processed,
    "withdraw_request": withdraw_request,
    "generate_letter": generate_reply_letter,
    "deliver_letter": deliver_letter,
    "record_fee": record_fee,
}
assert set(REQUEST_EFFECTS) == set(REQUEST_ACTIONS.actions), "every verb has exactly one effect"


def run_request_action(name: str, request: DisclosureRequest, *, by, data: dict):
    """Run one verb of REQUEST_ACTIONS with its cleaned input (the admin's step pages, the API)."""
    if name not in REQUEST_ACTIONS:
        raise TransitionNotAllowed("没有这个办理步骤。", code="unknown_action")
    return REQUEST_EFFECTS[name](request, by=by, **data)
