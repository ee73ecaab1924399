"""The reply clock of a disclosure request: the due date from the steps that happened.

Rules (../shared/domain/rules.md, 条例 arts. 30–33 as universities apply them):
- The reply is due `reply_workdays` (15) working days after `received_on`, counted from the next day.
- A correction (补正) must be asked within 7 working days of receipt. While the applicant owes it the
  clock does not run; once the corrected request arrives the full period starts again from that day.
- A third-party consultation stops the clock. The day the letter goes out still counts (the office
  worked on the request that day); the clock stands still from the next day through the day the answer
  arrives, or through the last of the third party's 15 working days if it answers later or never.
  Those 15 days run from the day the third party receives the letter (条例 art. 32; `third_party_limit`).
- The received date itself follows the channel (条例 art. 31; `received_on_for`).
- One extension of up to 15 working days runs on from the original due date.

`compute_clock` is pure: facts and a calendar in, the due date and the calculation out. The words are
given twice: for staff (every day skipped and why) and for the applicant (plain sentences).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from disclosure.workcalendar.workdays import (
    WorkdayCalendar,
    WorkdayExplanation,
    add_workdays,
    default_calendar,
    explain_workdays,
    next_workday,
    workdays_between,
)

_WEEKDAYS = "周一 周二 周三 周四 周五 周六 周日".split()


def _d(date: dt.date) -> str:
    return f"{date:%Y年%m月%d日}"


def _dw(date: dt.date) -> str:
    return f"{date:%Y年%m月%d日}（{_WEEKDAYS[date.weekday()]}）"


class ClockState(StrEnum):
    RUNNING = "running"
    AWAITING_CORRECTION = "awaiting_correction"
    PAUSED = "paused"
    STOPPED = "stopped"  # the request is closed


@dataclass(frozen=True)
class Pause:
    """A consultation: the letter went out on `start`; the answer came on `end` (None: not yet).

    `letter_received` is the day the third party received the letter, once the office knows it.
    """

    start: dt.date
    end: dt.date | None = None
    label: str = "征求第三方意见"
    letter_received: dt.date | None = None


@dataclass(frozen=True)
class ClockFacts:
    """Everything the clock depends on; built from a request by `facts_for`."""

    received_on: dt.date
    reply_workdays: int = 15
    correction_within_workdays: int = 7
    third_party_workdays: int = 15
    correction_requested_on: dt.date | None = None
    correction_reply_by: dt.date | None = None
    corrected_on: dt.date | None = None
    pauses: tuple[Pause, ...] = ()
    extension_workdays: int = 0
    closed_on: dt.date | None = None


@dataclass
class RequestClock:
    """The due date, whether it is provisional, and how it was reached."""

    due: dt.date | None
    state: ClockState
    provisional: bool
    correction_ask_by: dt.date
    original_due: dt.date | None = None
    staff_lines: list[str] = field(default_factory=list)
    applicant_lines: list[str] = field(default_factory=list)


def _day_details(explanation: WorkdayExplanation) -> list[str]:
    """The skipped and make-up days of one counted stretch, in the engine's own words."""
    return [
        line for line in explanation.lines()
        if not line.startswith(("自 ", "期限为", "该期限跨越"))
    ]


def third_party_limit(
    sent_on: dt.date, letter_received_on: dt.date | None, workdays: int, calendar: WorkdayCalendar
) -> dt.date:
    """The last day of a third party's time to answer (条例 art. 32).

    Its 15 working days run from the day it receives the consultation letter. Until the office
    records that day, they are counted from the day the letter went out: the limit can only come
    out early, never late, so the reply deadline that stands still until it is never too late.
    """
    return add_workdays(letter_received_on or sent_on, workdays, calendar)


def pause_end(pause: Pause, third_party_workdays: int, calendar: WorkdayCalendar) -> tuple[dt.date, bool]:
    """The last day the clock stands still for `pause`, and whether that is the third party's limit."""
    limit = third_party_limit(pause.start, pause.letter_received, third_party_workdays, calendar)
    if pause.end is None or pause.end > limit:
        return limit, True
    return pause.end, False


def _count(
    start: dt.date,
    n: int,
    pauses: Sequence[Pause],
    facts: ClockFacts,
    calendar: WorkdayCalendar,
    staff: list[str],
    applicant: list[str],
    today: dt.date | None,
) -> tuple[dt.date, bool, bool]:
    """Count n working days after `start`, standing still during `pauses`.

    Returns (due, provisional, paused now).
    """
    cursor, remaining = start, n
    provisional = paused_now = False
    for pause in sorted(pauses, key=lambda p: p.start):
        end, hit_limit = pause_end(pause, facts.third_party_workdays, calendar)
        if end <= cursor:
            continue  # over before this stretch began
        stop = max(pause.start, cursor)
        counted = workdays_between(cursor, stop, calendar)
        if counted >= remaining:
            break  # the period ends before this consultation starts
        if counted:
            before = explain_workdays(cursor, counted, calendar)
            provisional |= before.provisional
            staff.append(
                f"自 {_d(cursor)} 的次日起至 {_d(stop)} 计 {counted} 个工作日，尚余 {remaining - counted} 个工作日。"
            )
            staff.extend(_day_details(before))
        remaining -= counted
        stood = workdays_between(stop, end, calendar)
        if pause.end is None:
            open_note = f"对方尚未答复，最迟于 {_d(end)} 期满后恢复计时"
            if today is None or today <= end:
                paused_now = True
        elif hit_limit:
            open_note = f"对方于 {_d(pause.end)} 答复，已超过 {facts.third_party_workdays} 个工作日的征求意见期限，按期满日 {_d(end)} 恢复计时"
        else:
            open_note = f"{_d(end)} 收到答复"
        staff.append(
            f"{_d(pause.start)} 发出{pause.label}函，次日起停止计时；{open_note}；"
            f"停止计时期间 {stood} 个工作日不计入答复期限。"
        )
        applicant.append(
            f"因需要{pause.label}，{_d(pause.start)}之后至{_d(end)}"
            + ("（最迟）" if pause.end is None else "")
            + "期间不计入答复期限。"
        )
        cursor = end
    final = explain_workdays(cursor, remaining, calendar)
    provisional |= final.provisional
    if cursor != start:
        staff.append(f"自 {_d(cursor)} 的次日起恢复计时，再计 {remaining} 个工作日，至 {_dw(final.due)}。")
    staff.extend(_day_details(final))
    holidays = sorted({d.name for d in final.holidays})
    if holidays:
        applicant.append(f"期间遇{'、'.join(holidays)}假期，假期和周末不计入期限。")
    return final.due, provisional, paused_now


def compute_clock(
    facts: ClockFacts, calendar: WorkdayCalendar | None = None, *, today: dt.date | None = None
) -> RequestClock:
    """The due date and its calculation from `facts`. Pure: no database, no clock but `today`."""
    calendar = calendar or default_calendar()
    staff: list[str] = []
    applicant: list[str] = []
    ask_by = add_workdays(facts.received_on, facts.correction_within_workdays, calendar)
    n = facts.reply_workdays
    staff.append(
        f"收到申请之日为 {_dw(facts.received_on)}，答复期限自次日起算 {n} 个工作日"
        f"（需补正的，应在 {_d(ask_by)} 前一次性告知申请人）。"
    )
    applicant.append(
        f"我们收到您申请的日期为{_d(facts.received_on)}。按规定，应自次日起 {n} 个工作日内答复，"
        "周末和法定节假日不计算在内。"
    )
    start = facts.received_on
    if facts.correction_requested_on:
        staff.append(
            f"{_d(facts.correction_requested_on)} 发出补正通知，计时停止"
            + (f"；申请人应于 {_d(facts.correction_reply_by)} 前补正" if facts.correction_reply_by else "")
            + "。"
        )
        applicant.append(
            f"{_d(facts.correction_requested_on)}我们请您补正申请内容"
            + (f"，请于{_d(facts.correction_reply_by)}前补正" if facts.correction_reply_by else "")
            + "，逾期未补正视为放弃申请。"
        )
        if facts.corrected_on is None:
            if facts.closed_on is not None:
                staff.append(f"申请人未在期限内补正，申请于 {_d(facts.closed_on)} 视为放弃。")
                applicant.append("您未在期限内补正，申请视为放弃。")
                return RequestClock(None, ClockState.STOPPED, False, ask_by, None, staff, applicant)
            staff.append("补正期间不计时，收到补正后答复期限重新计算。")
            applicant.append("收到您补正的申请后，答复期限重新计算。")
            return RequestClock(None, ClockState.AWAITING_CORRECTION, False, ask_by, None, staff, applicant)
        start = facts.corrected_on
        staff.append(
            f"{_dw(facts.corrected_on)} 收到补正后的申请，答复期限自次日起重新计算 {n} 个工作日。"
        )
        applicant.append(
            f"我们于{_d(facts.corrected_on)}收到您补正后的申请，答复期限自次日起重新计算。"
        )
    pauses = [p for p in facts.pauses]
    original_due, provisional, paused_now = _count(
        start, n, pauses, facts, calendar, staff, applicant, today
    )
    due = original_due
    if facts.extension_workdays:
        staff.append(f"原答复期限为 {_dw(original_due)}。")
        ext_staff: list[str] = []
        later = [p for p in pauses if p.start >= original_due]
        due, ext_provisional, ext_paused = _count(
            original_due, facts.extension_workdays, later, facts, calendar, ext_staff, applicant, today
        )
        provisional |= ext_provisional
        paused_now |= ext_paused
        staff.append(
            f"经批准延期答复 {facts.extension_workdays} 个工作日，自原期限次日起算，延至 {_dw(due)}。"
        )
        staff.extend(ext_staff)
        applicant.append(
            f"经批准，答复期限延长 {facts.extension_workdays} 个工作日，由{_d(original_due)}延至{_d(due)}。"
        )
    staff.append(f"答复期限：{_dw(due)}。")
    applicant.append(f"答复期限为{_d(due)}。")
    if provisional:
        staff.append("期限跨越尚未公布官方放假安排的年份，暂按周末和法定节日推算，安排公布后自动重算（暂定）。")
        applicant.append("该日期跨越尚未公布放假安排的年份，可能随官方安排略有调整。")
    if facts.closed_on is not None:
        state = ClockState.STOPPED
    elif paused_now:
        state = ClockState.PAUSED
    else:
        state = ClockState.RUNNING
    return RequestClock(due, state, provisional, ask_by, original_due, staff, applicant)


# ---- From a request (reads settings and the request's consultations) ----


def facts_for(request, pauses: Iterable | None = None) -> ClockFacts:
    """The clock facts of a `DisclosureRequest`, with the rules from `settings.DISCLOSURE`."""
    from django.conf import settings

    rules = settings.DISCLOSURE
    if pauses is None:
        pauses = request.pauses.all() if request.pk else ()
    return ClockFacts(
        received_on=request.received_on,
        reply_workdays=rules["REQUEST_REPLY_WORKDAYS"],
        correction_within_workdays=rules["REQUEST_CORRECTION_WITHIN_WORKDAYS"],
        third_party_workdays=rules["THIRD_PARTY_REPLY_WORKDAYS"],
        correction_requested_on=request.correction_requested_on,
        correction_reply_by=request.correction_reply_by,
        corrected_on=request.corrected_on,
        pauses=tuple(Pause(p.letter_sent_on, p.answered_on, letter_received=p.letter_received_on)
                     for p in pauses),
        extension_workdays=request.extension_workdays,
        closed_on=None if request.is_open else request.answered_on,
    )


def clock_for(request, calendar: WorkdayCalendar | None = None, *, today=None) -> RequestClock:
    return compute_clock(facts_for(request), calendar, today=today)


# ---- When a request counts as received (条例 art. 31) ----

# What the received date is, channel by channel: the admin's and the API's help texts read this.
RECEIPT_RULES = {
    "in_person": "当面提交的，以提交之日为收到申请之日。",
    "registered_post": "以邮政挂号信、快递等需签收的方式提交的，以签收之日为收到申请之日。",
    "letter": "以平常信函提交的，以确认收到之日为收到申请之日。",
    "online": "网上提交的，以提交之日为收到申请之日；休息日或下班后提交的，为下一个工作日"
              "（办公室另行确认收到日期的，以确认之日为准）。",
    "fax": "以传真提交的，以确认收到之日为收到申请之日。",
    "email": "以电子邮件提交的，以确认收到之日为收到申请之日。",
}


def received_on_for(
    channel: str,
    *,
    submitted_at: dt.datetime,
    recorded_on: dt.date | None = None,
    calendar: WorkdayCalendar | None = None,
    closes_at_hour: int | None = None,
) -> dt.date:
    """The day a request counts as received, from its channel (the one rule, 条例 art. 31).

    `recorded_on` is the day the office records: handed in (in person), signed for (registered
    post), receipt confirmed (ordinary letter, fax, e-mail, or an online request it confirms).
    Without it: an online submission counts that day, or the next working day when it came on a
    rest day or after office hours; any other channel counts the day it was logged.
    """
    from django.conf import settings
    from django.utils import timezone

    if recorded_on is not None:
        return recorded_on
    local = timezone.localtime(submitted_at)
    day = local.date()
    if channel != "online":
        return day
    calendar = calendar or default_calendar()
    if closes_at_hour is None:
        closes_at_hour = settings.DISCLOSURE.get("OFFICE_CLOSES_AT_HOUR", 17)
    if not calendar.is_workday(day):
        return next_workday(day, calendar)
    if local.hour >= closes_at_hour:
        return next_workday(day + dt.timedelta(days=1), calendar)
    return day
