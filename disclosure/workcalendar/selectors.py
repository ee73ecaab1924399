"""Reads of the calendar for the office: a year's exceptions and where each came from."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from disclosure.workcalendar.models import Holiday
from disclosure.workcalendar.workdays import (
    ONE_DAY,
    WorkdayCalendar,
    default_calendar,
    library_version,
)

_WEEKDAYS = "周一 周二 周三 周四 周五 周六 周日".split()


def source_labels() -> dict[str, str]:
    """The four sources a day can come from, in the words the office reads."""
    return {
        "official": f"官方放假数据（随系统安装，版本 {library_version()}）",
        Holiday.Source.OFFICIAL: "国务院办公厅通知（已载入）",
        Holiday.Source.MANUAL: "办公室调整",
        "provisional": "暂定规则（按放假办法和历年原则推算）",
    }


@dataclass(frozen=True)
class CalendarDay:
    date: dt.date
    is_workday: bool
    name: str
    source: str  # a key of `source_labels()`
    source_label: str

    @property
    def weekday(self) -> str:
        return _WEEKDAYS[self.date.weekday()]

    @property
    def kind(self) -> str:
        return "调休上班" if self.is_workday else "放假"


def list_year_days(year: int, calendar: WorkdayCalendar | None = None) -> list[CalendarDay]:
    """Every rest day and make-up workday of `year`, in date order, with its source.

    Ordinary weekdays and weekends are left out, except a day the office overrode.
    """
    calendar = calendar or default_calendar()
    labels = source_labels()
    overrides = dict(
        Holiday.objects.filter(date__year=year).values_list("date", "source")
    )
    days, day = [], dt.date(year, 1, 1)
    while day.year == year:
        info = calendar.day(day)
        weekend = day.weekday() >= 5
        if info.source == "override":
            source = overrides.get(day, Holiday.Source.MANUAL)
            if source == Holiday.Source.PROVISIONAL:
                source = "provisional"
        else:
            source = info.source
        if info.source == "override" or (
            info.source in ("official", "provisional") and (info.name or info.is_workday == weekend)
        ):
            days.append(CalendarDay(day, info.is_workday, info.name, source, labels[source]))
        day += ONE_DAY
    return days


@dataclass(frozen=True)
class YearSummary:
    year: int
    official: bool
    label: str


def get_year_summary(year: int, calendar: WorkdayCalendar | None = None) -> YearSummary:
    """Where `year`'s arrangement comes from as a whole."""
    calendar = calendar or default_calendar()
    if year in calendar.official_years:
        return YearSummary(year, True, "已载入国务院办公厅通知")
    if year in calendar.library_years:
        return YearSummary(year, True, f"官方放假数据（随系统安装，版本 {library_version()}）")
    return YearSummary(year, False, "尚未录入官方安排：按暂定规则推算，相关期限为暂定")
