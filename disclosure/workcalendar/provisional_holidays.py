"""A provisional holiday arrangement for a year whose State Council notice is not out yet.

Every year the General Office of the State Council publishes 《国务院办公厅关于YYYY年部分节假日安排的
通知》, usually in the autumn of the year before. Until it does, deadlines that reach into that year are
counted with the arrangement this module infers from:
- the statutory days of 《全国年节及纪念日放假办法》 in the revision in force for the year (art. 2);
- 补假: a statutory day that falls on a Saturday or Sunday is given back on a working day (art. 6);
- from 2025, art. 7: holidays may be joined into longer ones by moving working days (放假调休), and
  "除个别特殊情形外，法定节假日假期前后连续工作一般不超过6天";
- the principles the notices state (国办发明电〔2024〕12号) and the patterns they followed since 2015:
  long holidays made of statutory days and weekdays moved next to them, each moved weekday paid
  back by a weekend day worked (调休上班).

The rule gives exactly the statutory days off, net, and never a rest day the law and the stated
principles do not call for (no speculative extension, no 除夕 merely "encouraged" off as in 2024):
when it is unsure it leaves a day a working day, so its deadlines err early. What it cannot foresee
are the State Council's one-off decisions (2015: the 70th anniversary of the victory; 2019: Labour
Day lengthened in March; 2020: the epidemic; 2024: Spring Festival from 初一 instead of 除夕). Their
extra days off only make the real deadline later; the make-up weekend days that come with them can
make a provisional deadline one working day late for a few start dates (see the back-test).

Pure date arithmetic, no Django: `workdays` and the management commands build on it. How close it
comes to the real notices is measured by `python manage.py calendar_backtest`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from lunardate import LunarDate

ONE_DAY = dt.timedelta(days=1)
SATURDAY, SUNDAY = 5, 6
# The years `lunardate` converts.
LUNAR_YEARS = range(1900, 2100)

NEW_YEAR = "元旦"
SPRING_FESTIVAL = "春节"
QINGMING = "清明节"
LABOUR_DAY = "劳动节"
DRAGON_BOAT = "端午节"
MID_AUTUMN = "中秋节"
NATIONAL_DAY = "国庆节"


@dataclass(frozen=True)
class HolidayRow:
    """One day of an arrangement: a rest day, or a make-up workday (调休上班), with the holiday's name.

    The same shape as the rows `load_holidays` stores, so an arrangement can be loaded as it is.
    """

    date: dt.date
    is_workday: bool
    name: str = ""


@dataclass(frozen=True)
class Law:
    """The days 《全国年节及纪念日放假办法》 art. 2 gives everybody off, in one revision."""

    since: int  # the first year it governs
    revision: str
    spring_festival: tuple[int, ...]  # days counted from 正月初一: -1 is 除夕
    labour_day: tuple[int, ...]  # days of May

    @property
    def days_per_year(self) -> int:
        # 元旦, 清明, 端午 and 中秋 have one day each, 国庆 three.
        return 7 + len(self.spring_festival) + len(self.labour_day)


LAWS = (
    # 2007 revision (国务院令第513号): 除夕 and 初一, 初二; 劳动节 one day. 11 days.
    Law(2008, "2007年修订", (-1, 0, 1), (1,)),
    # 2013 revision (国务院令第644号), in force from 2014: 初一 to 初三 instead of 除夕. 11 days.
    Law(2014, "2013年修订", (0, 1, 2), (1,)),
    # 2024 revision (国务院令第795号), in force from 2025: 除夕 added back, and 5月2日. 13 days.
    Law(2025, "2024年修订", (-1, 0, 1, 2), (1, 2)),
)


@dataclass(frozen=True)
class Practice:
    """How the State Council's notices arranged the statutory days, from a given year on."""

    since: int
    # The Spring Festival holiday runs this many days from 除夕 (2015–2023: 除夕 to 初六; from 2025
    # the principle of 国办发明电〔2024〕12号: "春节自农历除夕起放假调休8天").
    spring_festival_days: int
    # 0: Labour Day is a one-day holiday like 清明; otherwise a holiday of this many days (5 from
    # 2020, 国办发明电〔2019〕16号; "劳动节放假调休5天" in the 2025 principles).
    labour_day_days: int
    # Art. 7 (2024 revision): "除个别特殊情形外，法定节假日假期前后连续工作一般不超过6天". Before it, a
    # whole weekend right next to a long holiday was worked (2019, 2022, 2023 Spring Festival).
    max_working_stretch: int | None


PRACTICES = (
    Practice(2008, 7, 0, None),
    # 2019's notice still gave 1 May alone; a second notice of March 2019 lengthened it to four
    # days, which no rule foresees. The back-test is closer with the one-day rule for 2019.
    Practice(2020, 7, 5, None),
    Practice(2025, 8, 5, 6),
)


def law_for(year: int) -> Law:
    """The revision of the 放假办法 in force in `year` (the earliest one modelled before 2008)."""
    return next((law for law in reversed(LAWS) if year >= law.since), LAWS[0])


def practice_for(year: int) -> Practice:
    return next((p for p in reversed(PRACTICES) if year >= p.since), PRACTICES[0])


def qingming(year: int) -> dt.date:
    """The Qingming solar term: 4 or 5 April by the usual 21st-century formula [Y*D + C] - L."""
    y = year % 100
    return dt.date(year, 4, int(y * 0.2422 + 4.81) - y // 4)


def statutory_days(year: int) -> dict[dt.date, str]:
    """The days the law in force in `year` gives everybody off (art. 2), with the festival's name.

    Raises ValueError (from `lunardate`) for a year outside 1900–2099.
    """
    law = law_for(year)
    spring = LunarDate(year, 1, 1).to_solar_date()
    days: dict[dt.date, str] = {}

    def add(day: dt.date, name: str) -> None:
        # 2020: Mid-Autumn fell on 1 October; the day counts for both festivals.
        days[day] = f"{days[day]}、{name}" if day in days else name

    add(dt.date(year, 1, 1), NEW_YEAR)
    for offset in law.spring_festival:
        add(spring + dt.timedelta(days=offset), SPRING_FESTIVAL)
    add(qingming(year), QINGMING)
    for day in law.labour_day:
        add(dt.date(year, 5, day), LABOUR_DAY)
    add(LunarDate(year, 5, 5).to_solar_date(), DRAGON_BOAT)
    for day in (1, 2, 3):
        add(dt.date(year, 10, day), NATIONAL_DAY)
    add(LunarDate(year, 8, 15).to_solar_date(), MID_AUTUMN)
    return days


class _Plan:
    """An arrangement being built: rest days and make-up workdays, each with its holiday's name."""

    def __init__(self) -> None:
        self.rest: dict[dt.date, str] = {}
        self.work: dict[dt.date, str] = {}

    def off(self, days: Iterable[dt.date], name: str) -> None:
        for day in days:
            self.rest.setdefault(day, name)

    def make_up(self, day: dt.date, name: str) -> None:
        if day not in self.rest:
            self.work.setdefault(day, name)

    def is_working(self, day: dt.date) -> bool:
        if day in self.work:
            return True
        if day in self.rest:
            return False
        return day.weekday() < SATURDAY

    def free_weekend_day(self, day: dt.date) -> bool:
        return day.weekday() >= SATURDAY and day not in self.rest and day not in self.work

    def stretch_if_worked(self, day: dt.date) -> int:
        """How many working days in a row there would be around `day` if it were worked."""
        count = 1
        for step in (-ONE_DAY, ONE_DAY):
            current = day + step
            while self.is_working(current):
                count += 1
                current += step
        return count

    def rows(self) -> list[HolidayRow]:
        rows = [HolidayRow(d, False, n) for d, n in self.rest.items()]
        rows += [HolidayRow(d, True, n) for d, n in self.work.items()]
        return sorted(rows, key=lambda row: row.date)


def _one_day_holiday(plan: _Plan, day: dt.date, name: str, *, give_back: bool = True) -> None:
    """A one-day festival, as the notices arrange it whatever the weekday.

    2025 principles: "元旦、清明节、端午节、中秋节分别放假调休或连休3天（如逢周三则只在当日放假）"; the
    notices of 2015–2024 did the same: Tuesday → Sunday to Tuesday with the Saturday before worked,
    Thursday → Thursday to Saturday with the Sunday after worked, Monday or Friday → joined with the
    weekend, Saturday or Sunday → 补假 on the Monday (art. 6).
    """
    weekday = day.weekday()
    days = [day]
    if weekday == 0:
        days = [day - 2 * ONE_DAY, day - ONE_DAY, day]
    elif weekday == 4:
        days = [day, day + ONE_DAY, day + 2 * ONE_DAY]
    elif weekday == 1:
        days = [day - 2 * ONE_DAY, day - ONE_DAY, day]
        plan.make_up(day - 3 * ONE_DAY, name)
    elif weekday == 3:
        days = [day, day + ONE_DAY, day + 2 * ONE_DAY]
        plan.make_up(day + 3 * ONE_DAY, name)
    elif weekday >= SATURDAY and give_back:
        monday = day + dt.timedelta(days=7 - weekday)
        days = [day + dt.timedelta(days=i) for i in range((monday - day).days + 1)]
    plan.off(days, name)


@dataclass
class _Block:
    """A long holiday: consecutive rest days, and how many statutory days they stand for."""

    first: dt.date
    length: int
    name: str
    statutory: int  # statutory days inside, a weekend one included: it is given back (art. 6)
    names: dict[dt.date, str]

    @property
    def days(self) -> list[dt.date]:
        return [self.first + dt.timedelta(days=i) for i in range(self.length)]

    @property
    def last(self) -> dt.date:
        return self.first + dt.timedelta(days=self.length - 1)

    @property
    def makeup_needed(self) -> int:
        # Every weekday off beyond the statutory days is paid back by a weekend day worked; this
        # balance holds in every notice since 2015.
        weekdays = sum(d.weekday() < SATURDAY for d in self.days)
        return max(weekdays - self.statutory, 0)


def _choose_makeup_days(plan: _Plan, block: _Block, practice: Practice) -> list[dt.date]:
    """The weekend days worked to pay for a long holiday, as the notices place them.

    One on each side of the holiday, the nearest weekend day free; a single one on the nearer side.
    Before 2025 a whole weekend right next to the holiday took both (2019 and 2022 Spring Festival:
    the Saturday and Sunday before). From 2025 no working stretch may exceed six days, which moves
    the make-up day off a weekend next to the holiday (2026 Spring Festival: Saturday 14 February,
    not Sunday 15).
    """
    need = block.makeup_needed
    if not need:
        return []
    limit = practice.max_working_stretch

    def usable(day: dt.date) -> bool:
        if not plan.free_weekend_day(day):
            return False
        return limit is None or plan.stretch_if_worked(day) <= limit

    def strands_a_rest_day(day: dt.date) -> bool:
        # Working one day of a weekend leaves the other a lone rest day between working days,
        # unless that day joins the holiday: 2026 worked Saturday 14 February so that Sunday 15
        # joined the Spring Festival.
        other = day + ONE_DAY if day.weekday() == SATURDAY else day - ONE_DAY
        if not plan.free_weekend_day(other):
            return False
        neighbours = (other - ONE_DAY, other + ONE_DAY)
        return all(n == day or plan.is_working(n) for n in neighbours)

    if limit is None and need == 2:
        for saturday in (block.first - 2 * ONE_DAY, block.last + ONE_DAY):
            sunday = saturday + ONE_DAY
            if saturday.weekday() == SATURDAY and usable(saturday) and usable(sunday):
                return [saturday, sunday]
    span = range(1, 22)
    before = [block.first - dt.timedelta(days=i) for i in span]
    after = [block.last + dt.timedelta(days=i) for i in span]
    # The nearest weekend first; in it, the day that strands no rest day; then the nearer day.
    before = sorted(
        (d for d in before if usable(d)),
        key=lambda d: (-_saturday(d).toordinal(), strands_a_rest_day(d), -d.toordinal()),
    )
    after = sorted(
        (d for d in after if usable(d)),
        key=lambda d: (_saturday(d).toordinal(), strands_a_rest_day(d), d.toordinal()),
    )
    chosen: list[dt.date] = []
    while len(chosen) < need and (before or after):
        if need - len(chosen) >= 2 and before and after:
            chosen += [before.pop(0), after.pop(0)]
        elif before and (
            not after or (block.first - before[0]).days <= (after[0] - block.last).days
        ):
            chosen.append(before.pop(0))  # equally near: before the holiday, as in 2025 劳动节
        else:
            chosen.append(after.pop(0))
    return sorted(chosen)


def provisional_arrangement(year: int) -> list[HolidayRow]:
    """The rest days and make-up workdays the State Council would most likely give for `year`.

    Like a notice, it covers the holidays of `year`: 元旦 may reach back into late December.
    Raises ValueError for a year the lunar calendar conversion does not cover.
    """
    if year not in LUNAR_YEARS:
        raise ValueError(
            f"{year} 年超出农历换算范围（{LUNAR_YEARS.start}–{LUNAR_YEARS.stop - 1} 年），无法推算。"
        )
    law, practice = law_for(year), practice_for(year)
    statutory = [dt.date(year, 10, day) for day in (1, 2, 3)]
    spring = LunarDate(year, 1, 1).to_solar_date()
    eve = spring - ONE_DAY
    mid_autumn = LunarDate(year, 8, 15).to_solar_date()
    october_1 = dt.date(year, 10, 1)
    plan = _Plan()
    blocks: list[_Block] = []

    _one_day_holiday(plan, dt.date(year, 1, 1), NEW_YEAR)
    _one_day_holiday(plan, qingming(year), QINGMING)
    _one_day_holiday(plan, LunarDate(year, 5, 5).to_solar_date(), DRAGON_BOAT)

    # 春节: from 除夕, as many days as the practice gives, whichever days the law makes statutory.
    spring_days = [spring + dt.timedelta(days=i) for i in law.spring_festival]
    blocks.append(_Block(eve, practice.spring_festival_days, SPRING_FESTIVAL, len(spring_days), {}))

    may_1 = dt.date(year, 5, 1)
    if practice.labour_day_days:
        # Five days holding 1 May and a whole weekend, starting on 1 May when that works (2020,
        # 2021, 2024–2026), else on the Saturday before (2022: 1 May a Sunday; 2023: a Monday).
        first = may_1
        while not _holds_weekend(first, practice.labour_day_days):
            first -= ONE_DAY
        blocks.append(_Block(first, practice.labour_day_days, LABOUR_DAY, len(law.labour_day), {}))
    else:
        _one_day_holiday(plan, may_1, LABOUR_DAY)

    # 国庆节: 7 days from 1 October; "国庆节放假如逢中秋节则合并放假8天" (2017, 2020, 2023, 2025).
    national = _Block(october_1, 7, NATIONAL_DAY, 3, {})
    if october_1 - 2 * ONE_DAY <= mid_autumn <= october_1 + 6 * ONE_DAY:
        # From 中秋 when it comes first (2023: 9月29日至10月6日), else from 1 October. The
        # statutory days are four even when 中秋 is 1 October (2020): one of them is given back.
        name = f"{NATIONAL_DAY}、{MID_AUTUMN}" if mid_autumn in statutory else MID_AUTUMN
        national = _Block(min(mid_autumn, october_1), 8, NATIONAL_DAY, 4, {mid_autumn: name})
    elif mid_autumn.weekday() >= SATURDAY and (october_1 - mid_autumn).days <= 7:
        # A weekend Mid-Autumn in the last week of September is not given back on the Monday: the
        # day joins the National Day holiday, which then needs one make-up day fewer (2015).
        _one_day_holiday(plan, mid_autumn, MID_AUTUMN, give_back=False)
        national.statutory += 1
    else:
        _one_day_holiday(plan, mid_autumn, MID_AUTUMN)
    blocks.append(national)

    for block in blocks:
        for day in block.days:
            plan.rest.setdefault(day, block.names.get(day, block.name))
    for block in sorted(blocks, key=lambda b: b.first):
        for day in _choose_makeup_days(plan, block, practice):
            plan.work[day] = block.name
        # A weekend that now joins the holiday is part of it, as the notices count it (2026: 春节
        # "2月15日（农历腊月二十八、周日）至23日……共9天").
        for step, edge in ((-ONE_DAY, block.first), (ONE_DAY, block.last)):
            day = edge + step
            while plan.free_weekend_day(day):
                plan.rest[day] = block.name
                day += step
    return plan.rows()


def _saturday(day: dt.date) -> dt.date:
    return day - ONE_DAY if day.weekday() == SUNDAY else day


def _holds_weekend(first: dt.date, length: int) -> bool:
    days = [first + dt.timedelta(days=i) for i in range(length)]
    return any(d.weekday() == SATURDAY and d + ONE_DAY in days for d in days)


@lru_cache(maxsize=64)
def provisional_days(year: int) -> dict[dt.date, HolidayRow]:
    """Every day of calendar year `year` the provisional arrangements change, by date.

    Late December can belong to the next year's 元旦 (2019: 30 and 31 December 2018 off, the 29th
    worked), so the next year's arrangement is read as well.
    """
    days: dict[dt.date, HolidayRow] = {}
    rows = provisional_arrangement(year)
    if year + 1 in LUNAR_YEARS:
        rows += provisional_arrangement(year + 1)
    for row in rows:
        if row.date.year == year:
            days.setdefault(row.date, row)
    return days


def calendar_rows(year: int) -> list[HolidayRow]:
    """The provisional rows of calendar year `year`, in date order."""
    return sorted(provisional_days(year).values(), key=lambda row: row.date)
