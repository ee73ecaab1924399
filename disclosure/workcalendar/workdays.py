"""Working-day arithmetic over the Chinese statutory holiday calendar.

Rules (../shared/domain/rules.md): a period of n working days starts the day after its start date
(民法典 art. 201) and ends on the n-th working day strictly after it, also when the start date is itself
a rest day. A working day is Monday to Friday, minus statutory holidays and State Council rest days,
plus the weekend days declared make-up workdays (调休).

The core functions are pure: they take a `WorkdayCalendar`. The calendar is built from three layers,
the first that knows a day wins:
1. overrides from the `Holiday` table (official notices loaded by the office, manual corrections);
2. the official data shipped in `chinesecalendar` (2004–2026 in release 1.11);
3. for a year with neither, the provisional arrangement of `provisional_holidays`: the statutory
   days of the 放假办法 in force that year, with the rest days and make-up workdays the State
   Council's principles give them. Any result that depends on such a day is marked provisional.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from chinese_calendar import constants as official

from disclosure.workcalendar.provisional_holidays import (
    LUNAR_YEARS,
    provisional_days,
    statutory_days,
)

ONE_DAY = dt.timedelta(days=1)


def library_years() -> frozenset[int]:
    """The years whose arrangement the installed `chinesecalendar` publishes, read now.

    Read at call time, not import time: an upgrade of the library (or a test simulating one) is
    seen by the next calendar built, and `check_calendar` compares it with what it stored.
    """
    return frozenset(range(min(official.holidays).year, max(official.holidays).year + 1))


def library_version() -> str:
    import chinese_calendar

    return getattr(chinese_calendar, "__version__", "")


# The years of the library as installed when the process started (the back-test's range).
OFFICIAL_LIBRARY_YEARS = library_years()


# The years whose dates may start a period: every day of them can be counted, and so can every
# deadline they lead to. The provisional rule needs `lunardate`, which converts 1900–2099; the last
# of those years is left as room for the deadlines of dates typed in the year before (the longest
# period the rules allow is well under a year). Forms, serializers, the admin and the API schema
# all take the range from here (see `workcalendar.validators`).
COUNTABLE_YEARS = range(LUNAR_YEARS.start, LUNAR_YEARS.stop - 1)
FIRST_COUNTABLE_DAY = dt.date(COUNTABLE_YEARS.start, 1, 1)
LAST_COUNTABLE_DAY = dt.date(COUNTABLE_YEARS.stop - 1, 12, 31)

HOLIDAY_NAMES_ZH = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
}


@dataclass(frozen=True)
class DayInfo:
    """What the calendar says of one date."""

    date: dt.date
    is_workday: bool
    name: str = ""  # the holiday's name, or "调休上班" for a make-up workday
    makeup: bool = False  # a weekend day that is worked
    provisional: bool = False  # from the computed rule, not an official arrangement
    source: str = "weekday"  # "override", "official", "provisional" or "weekday"

    @property
    def reason(self) -> str:
        """Why the day counts or not, in Chinese."""
        if self.makeup:
            return f"{self.name or '调休'}（周末调休上班{'，暂定' if self.provisional else ''}）"
        if self.is_workday:
            return "工作日"
        if self.name:
            return f"{self.name}放假" + ("（暂按放假原则推算）" if self.provisional else "")
        return "周六" if self.date.weekday() == 5 else "周日"


@dataclass(frozen=True)
class Override:
    is_workday: bool
    name: str = ""
    official: bool = True


@dataclass
class WorkdayCalendar:
    """A holiday calendar: the official library, overrides, and a provisional rule for the rest."""

    overrides: Mapping[dt.date, Override] = field(default_factory=dict)
    # Years for which the office has loaded an official arrangement into the `Holiday` table.
    official_years: frozenset[int] = frozenset()
    # Years whose arrangement is taken from `chinesecalendar`; the back-test leaves some out to
    # measure the provisional rule against the real notices.
    library_years: frozenset[int] = OFFICIAL_LIBRARY_YEARS
    # Answers already worked out: a board or a list asks about the same days thousands of times.
    _days: dict[dt.date, DayInfo] = field(default_factory=dict, repr=False, compare=False)

    def is_official_year(self, year: int) -> bool:
        return year in self.library_years or year in self.official_years

    def day(self, date: dt.date) -> DayInfo:
        info = self._days.get(date)
        if info is None:
            info = self._days[date] = self._work_out(date)
        return info

    def _work_out(self, date: dt.date) -> DayInfo:
        weekend = date.weekday() >= 5
        override = self.overrides.get(date)
        if override is not None:
            return DayInfo(
                date,
                override.is_workday,
                override.name,
                makeup=weekend and override.is_workday,
                provisional=not override.official and not self.is_official_year(date.year),
                source="override",
            )
        if date.year in self.library_years:
            # The library's own tables: its lookup functions re-validate the date range on every
            # call by scanning the whole table.
            if date in official.workdays:
                name = official.workdays[date]
                name_zh = HOLIDAY_NAMES_ZH.get(name, name)
                return DayInfo(date, True, name_zh or "调休上班", makeup=weekend, source="official")
            if date in official.holidays:
                name = official.holidays[date]
                return DayInfo(date, False, HOLIDAY_NAMES_ZH.get(name, name), source="official")
            return DayInfo(date, not weekend, source="weekday")
        if date.year in self.official_years:
            # The office loaded this year's notice: every exception is in the overrides.
            return DayInfo(date, not weekend, source="weekday")
        row = provisional_days(date.year).get(date)
        if row is not None:
            return DayInfo(
                date,
                row.is_workday,
                row.name,
                makeup=weekend and row.is_workday,
                provisional=True,
                source="provisional",
            )
        return DayInfo(date, not weekend, provisional=True, source="provisional")

    def is_workday(self, date: dt.date) -> bool:
        return self.day(date).is_workday


def provisional_holidays(year: int) -> dict[dt.date, str]:
    """The statutory days of `year` under the 放假办法 in force then, computed without any notice.

    The rest days and make-up workdays inferred around them are `provisional_days(year)`.
    """
    return statutory_days(year)


@dataclass(frozen=True)
class WorkdayExplanation:
    """How a deadline was reached: the start, the counted days and every day passed over."""

    start: dt.date
    workdays: int
    due: dt.date
    counted: tuple[DayInfo, ...]
    skipped: tuple[DayInfo, ...]

    @property
    def provisional(self) -> bool:
        return any(d.provisional for d in self.counted + self.skipped)

    @property
    def makeup_days(self) -> tuple[DayInfo, ...]:
        return tuple(d for d in self.counted if d.makeup)

    @property
    def holidays(self) -> tuple[DayInfo, ...]:
        return tuple(d for d in self.skipped if d.name)

    def lines(self) -> list[str]:
        """The calculation in plain Chinese, one sentence a line."""
        out = [f"自 {self.start:%Y年%m月%d日} 的次日起算 {self.workdays} 个工作日。"]
        for name, group in _group_by_name(self.holidays):
            out.append(f"跳过{name}假期：{_span(group)}（{len(group)} 天）。")
        weekends = [d for d in self.skipped if not d.name]
        if weekends:
            out.append(f"跳过周末 {len(weekends)} 天。")
        for d in self.makeup_days:
            out.append(f"{d.date:%Y年%m月%d日}（{_WEEKDAYS[d.date.weekday()]}）为调休上班日，计入工作日。")
        out.append(f"期限为 {self.due:%Y年%m月%d日}（{_WEEKDAYS[self.due.weekday()]}）。")
        if self.provisional:
            out.append(
                "该期限跨越尚未公布放假安排的年份，暂按周末和法定节日推算（调休按国务院历年放假原则推定），"
                "待官方安排公布后自动重算。"
            )
        return out


_WEEKDAYS = "周一 周二 周三 周四 周五 周六 周日".split()


def _group_by_name(days: Iterable[DayInfo]) -> list[tuple[str, list[DayInfo]]]:
    groups: dict[str, list[DayInfo]] = {}
    for d in days:
        groups.setdefault(d.name, []).append(d)
    return list(groups.items())


def _span(days: list[DayInfo]) -> str:
    first, last = days[0].date, days[-1].date
    if first == last:
        return f"{first:%Y年%m月%d日}"
    return f"{first:%Y年%m月%d日}至{last:%m月%d日}"


def explain_workdays(
    start: dt.date, n: int, calendar: WorkdayCalendar | None = None
) -> WorkdayExplanation:
    """The date n working days after `start`, with every day counted or skipped on the way."""
    if n < 0:
        raise ValueError("工作日数不能为负数。")
    calendar = calendar or default_calendar()
    counted: list[DayInfo] = []
    skipped: list[DayInfo] = []
    current = start
    while len(counted) < n:
        current += ONE_DAY
        info = calendar.day(current)
        (counted if info.is_workday else skipped).append(info)
    return WorkdayExplanation(start, n, current, tuple(counted), tuple(skipped))


def add_workdays(start: dt.date, n: int, calendar: WorkdayCalendar | None = None) -> dt.date:
    """The n-th working day strictly after `start` (`start` itself when n is 0)."""
    return explain_workdays(start, n, calendar).due


def workdays_between(a: dt.date, b: dt.date, calendar: WorkdayCalendar | None = None) -> int:
    """Working days in (a, b]; negative, counting (b, a], when b is before a."""
    if b < a:
        return -workdays_between(b, a, calendar)
    calendar = calendar or default_calendar()
    count, current = 0, a
    while current < b:
        current += ONE_DAY
        count += calendar.is_workday(current)
    return count


def next_workday(date: dt.date, calendar: WorkdayCalendar | None = None) -> dt.date:
    """`date` itself when it is a working day, else the first working day after it."""
    calendar = calendar or default_calendar()
    while not calendar.is_workday(date):
        date += ONE_DAY
    return date


# ---- The calendar in use: built once from the `Holiday` table, rebuilt when it changes ----

_cache_lock = threading.Lock()
_cached: tuple[float, WorkdayCalendar] | None = None
# Other processes learn of a change within this many seconds (the table changes a few times a year).
_CACHE_SECONDS = 60.0


def default_calendar() -> WorkdayCalendar:
    """The calendar of the `Holiday` table over the official library, cached per process."""
    global _cached
    now = time.monotonic()
    cached = _cached
    if cached is not None and now - cached[0] < _CACHE_SECONDS:
        return cached[1]
    with _cache_lock:
        calendar = _load_calendar()
        _cached = (now, calendar)
    return calendar


def forget_calendar() -> None:
    """Drop the cached calendar, so that the next use reads the `Holiday` table again."""
    global _cached
    _cached = None


def _load_calendar() -> WorkdayCalendar:
    from disclosure.workcalendar.models import Holiday

    overrides: dict[dt.date, Override] = {}
    official_years: set[int] = set()
    for date, is_workday, name, source in Holiday.objects.values_list(
        "date", "is_workday", "name", "source"
    ):
        is_official = source == Holiday.Source.OFFICIAL
        overrides[date] = Override(is_workday, name, official=is_official)
        # Late-December days of the next year's 元旦 do not make their own year's notice loaded.
        if is_official and not (date.month == 12 and name == "元旦"):
            official_years.add(date.year)
    return WorkdayCalendar(overrides, frozenset(official_years), library_years())
