"""Changes to the holiday calendar, and the recomputation of every date that follows.

Every change goes through `recompute_deadlines`, the one place that moves dates: a notice pasted in
the admin or loaded by `load_holidays`, a day the office overrides, and a `chinesecalendar` upgrade
that comes to cover a year the portal was counting provisionally (`check_calendar`, run daily and
after every `migrate`). The calendar knows nothing of items, requests or reports: each app answers
`calendar_changed` with the dates of its own that move, and records each move on its object.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone

from disclosure.access import policy
from disclosure.core.errors import NotAllowed
from disclosure.workcalendar.holiday_notice import parse_notice
from disclosure.workcalendar.models import CalendarChange, CalendarYear, Holiday
from disclosure.workcalendar.provisional_holidays import HolidayRow as _HolidayRow
from disclosure.workcalendar.workdays import (
    WorkdayCalendar,
    default_calendar,
    forget_calendar,
    library_version,
    library_years,
)

# Sent by `recompute_deadlines` only, with `calendar` (the new one), `before` (the calendar as it
# was), `by`, `reason` and `dry_run`. Each receiver returns the list of `DateMove`s of its app and,
# unless `dry_run`, saves them and records each on its object.
calendar_changed = Signal()


# One row type for every source of days (a file, a pasted notice, the provisional rule).
HolidayRow = _HolidayRow


@dataclass(frozen=True)
class DateMove:
    """A date a calendar change moves: on what, which date, from what to what."""

    subject: str  # "事项“学校章程”", "申请 YSQ-2026-0001", "2025-2026学年年度报告"
    what: str  # "公开期限", "答复期限", "收到申请之日", ...
    old: dt.date | None
    new: dt.date | None

    def line(self) -> str:
        return f"{self.subject}，{self.what}：{_day(self.old)} → {_day(self.new)}"

    def as_dict(self) -> dict:
        return {"subject": self.subject, "what": self.what,
                "old": self.old.isoformat() if self.old else None,
                "new": self.new.isoformat() if self.new else None}


def _day(date: dt.date | None) -> str:
    return f"{date:%Y-%m-%d}" if date else "无"


@dataclass
class CalendarResult:
    """What a change of the calendar did (or, in a dry run, would do)."""

    year: int | None
    rows: list[HolidayRow] = field(default_factory=list)
    moves: list[DateMove] = field(default_factory=list)
    change: CalendarChange | None = None  # None in a dry run


def _require_office(user) -> None:
    if user is not None and not policy.is_office(user):
        raise NotAllowed("只有信息公开办公室可以修改节假日安排。")


def _current_calendar() -> WorkdayCalendar:
    forget_calendar()
    return default_calendar()


# ---- The one recompute ----


def recompute_deadlines(
    *, before: WorkdayCalendar | None = None, by=None, reason: str, dry_run: bool = False
) -> list[DateMove]:
    """Recompute every date that depends on the calendar; returns each move, saved unless `dry_run`.

    `before` is the calendar as it was before the change: dates that are derived rather than stored
    (a correction's ask-by date, a third party's limit, the report's due date) are compared under
    both. Stored dates are compared with what they are now.
    """
    forget_calendar()
    calendar = default_calendar()
    responses = calendar_changed.send(
        sender=Holiday, calendar=calendar, before=before or calendar, by=by, reason=reason,
        dry_run=dry_run,
    )
    return [move for _receiver, moves in responses for move in (moves or ())]


def _record_change(kind: str, *, by, reason: str, year: int | None, moves: list[DateMove],
                   rows: Iterable[HolidayRow] = (), text: str = "") -> CalendarChange:
    return CalendarChange.objects.create(
        kind=kind, by=by, reason=reason[:300], year=year, text=text,
        days=[[r.date.isoformat(), r.is_workday, r.name] for r in rows],
        moves=[m.as_dict() for m in moves],
    )


# ---- The office changes the calendar ----


@transaction.atomic
def save_holiday(holiday: Holiday, *, by) -> int:
    """Save one calendar override and recompute the dates it moves. Returns how many moved."""
    _require_office(by)
    holiday.full_clean()
    before = _current_calendar()
    holiday.save()
    reason = f"节假日安排变更：{holiday}"
    moves = recompute_deadlines(before=before, by=by, reason=reason)
    _record_change(CalendarChange.Kind.OVERRIDE, by=by, reason=reason, year=holiday.date.year,
                   moves=moves, rows=[HolidayRow(holiday.date, holiday.is_workday, holiday.name)])
    return len(moves)


@transaction.atomic
def delete_holiday(holiday: Holiday, *, by) -> int:
    _require_office(by)
    label, year = str(holiday), holiday.date.year
    before = _current_calendar()
    holiday.delete()
    reason = f"删除节假日安排：{label}"
    moves = recompute_deadlines(before=before, by=by, reason=reason)
    _record_change(CalendarChange.Kind.OVERRIDE, by=by, reason=reason, year=year, moves=moves)
    return len(moves)


@transaction.atomic
def apply_arrangement(
    year: int, rows: Iterable[HolidayRow], *, by=None, kind: str = CalendarChange.Kind.FILE,
    note: str = "", text: str = "", dry_run: bool = False,
) -> CalendarResult:
    """Replace `year`'s official arrangement with `rows` and recompute; in a dry run save nothing.

    Raises ValueError (in Chinese) for a day outside `year` or a day given twice.
    """
    _require_office(by)
    rows = sorted(rows, key=lambda r: r.date)
    # Late December may belong to the next year's 元旦 (the 2019 notice: 30 and 31 December 2018).
    wrong = [r.date for r in rows
             if r.date.year != year and (r.date.year, r.date.month) != (year - 1, 12)]
    if wrong:
        raise ValueError(f"{wrong[0]} 不属于 {year} 年。")
    if len({r.date for r in rows}) != len(rows):
        raise ValueError("放假安排中有重复的日期。")
    if not rows:
        raise ValueError("放假安排中没有日期。")
    before = _current_calendar()
    Holiday.objects.filter(date__year=year, source=Holiday.Source.OFFICIAL).delete()
    Holiday.objects.filter(date__in=[r.date for r in rows]).delete()
    Holiday.objects.bulk_create(
        Holiday(date=r.date, is_workday=r.is_workday, name=r.name, source=Holiday.Source.OFFICIAL,
                note=note[:200])
        for r in rows
    )
    reason = f"载入 {year} 年官方放假安排" + (f"（{note}）" if note else "")
    moves = recompute_deadlines(before=before, by=by, reason=reason, dry_run=dry_run)
    result = CalendarResult(year, rows, moves)
    if dry_run:
        transaction.set_rollback(True)
        forget_calendar()
        return result
    result.change = _record_change(kind, by=by, reason=reason, year=year, moves=moves, rows=rows,
                                   text=text)
    CalendarYear.objects.update_or_create(
        year=year, defaults={"source": CalendarYear.Source.NOTICE, "library_version": library_version()}
    )
    return result


def load_holiday_arrangement(
    year: int, rows: Iterable[HolidayRow], *, by=None, note: str = "", dry_run: bool = False
) -> tuple[int, int]:
    """Replace `year`'s official arrangement with `rows`; returns (days loaded, dates moved)."""
    result = apply_arrangement(year, rows, by=by, note=note, dry_run=dry_run)
    return len(result.rows), len(result.moves)


# 国办发明电〔2025〕7号, 国办发〔2014〕53号: the notice's number, kept with the days it gave.
_DOCUMENT_NUMBER = re.compile(r"国办发(?:明电)?\s*[〔\[(（]\s*\d{4}\s*[〕\])）]\s*\d+\s*号")


def load_notice(text: str, *, by=None, dry_run: bool = False) -> CalendarResult:
    """Read the State Council's notice as published and load its days (see `apply_arrangement`).

    Raises ValueError, in Chinese, when the notice cannot be read.
    """
    rows = parse_notice(text)
    year = max(r.date.year for r in rows)  # 元旦 may start on 30 or 31 December of the year before
    number = _DOCUMENT_NUMBER.search(text)
    note = number.group(0) if number else "国务院办公厅通知"
    return apply_arrangement(year, rows, by=by, kind=CalendarChange.Kind.NOTICE, note=note,
                             text=text, dry_run=dry_run)


# ---- A library upgrade is a calendar change ----


@dataclass
class CoverageCheck:
    covered: list[int]  # years the library came to cover that were provisional
    moves: list[DateMove]
    version: str


def _source_of(year: int, covered: frozenset[int], notice_years: set[int]) -> str:
    if year in notice_years:
        return CalendarYear.Source.NOTICE
    if year in covered:
        return CalendarYear.Source.LIBRARY
    return CalendarYear.Source.PROVISIONAL


@transaction.atomic
def check_calendar(*, today: dt.date | None = None) -> CoverageCheck:
    """Notice a `chinesecalendar` that now covers a year stored as provisional, and recompute.

    Stores where each year around today comes from, so that the next check can compare. Idempotent:
    a second run with the same library finds nothing new.
    """
    today = today or timezone.localdate()
    covered, version = library_years(), library_version()
    notice_years = set(
        Holiday.objects.filter(source=Holiday.Source.OFFICIAL).values_list("date__year", flat=True)
    )
    stored = {row.year: row for row in CalendarYear.objects.select_for_update()}
    newly = sorted(
        year for year, row in stored.items()
        if row.source == CalendarYear.Source.PROVISIONAL and year in covered
        and year not in notice_years
    )
    moves: list[DateMove] = []
    if newly:
        now = _current_calendar()
        before = WorkdayCalendar(now.overrides, now.official_years, covered - set(newly))
        years = "、".join(str(y) for y in newly)
        reason = f"随系统安装的官方放假数据（版本 {version}）收录了 {years} 年官方放假安排"
        moves = recompute_deadlines(before=before, reason=reason)
        _record_change(CalendarChange.Kind.LIBRARY, by=None, reason=reason,
                       year=newly[0] if len(newly) == 1 else None, moves=moves)
    for year in set(stored) | set(range(today.year - 1, today.year + 3)):
        source = _source_of(year, covered, notice_years)
        row = stored.get(year)
        if row is None or (row.source, row.library_version) != (source, version):
            CalendarYear.objects.update_or_create(
                year=year, defaults={"source": source, "library_version": version}
            )
    return CoverageCheck(newly, moves, version)


# ---- What the office is told ----


def pending_years(*, today: dt.date | None = None, calendar: WorkdayCalendar | None = None) -> list[int]:
    """Years whose official days are not in yet and that deadlines already reach.

    The current year, if it has none; from 1 November, the next year too: the notice usually comes
    out between late October and December, and by then answers and publications run into January.
    """
    today = today or timezone.localdate()
    calendar = calendar or default_calendar()
    years = [today.year] if not calendar.is_official_year(today.year) else []
    if today.month >= 11 and not calendar.is_official_year(today.year + 1):
        years.append(today.year + 1)
    return years


def pending_warning(*, today: dt.date | None = None, calendar: WorkdayCalendar | None = None) -> str:
    """"2027年放假安排尚未录入，相关期限为暂定", or "" when every year deadlines reach is loaded."""
    years = pending_years(today=today, calendar=calendar)
    if not years:
        return ""
    return "、".join(f"{y}年" for y in years) + "放假安排尚未录入，相关期限为暂定"
