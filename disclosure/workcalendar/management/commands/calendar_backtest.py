"""Back-test the provisional holiday rule against the official arrangements of past years.

For every start date of every year tested, the deadline of n working days is computed twice: with
the official data (`chinesecalendar`) and with that data switched off for the years tested, so that
the provisional rule of `disclosure.workcalendar.provisional_holidays` stands in for the State Council's notice.
Late means the provisional deadline falls after the real one: the university would miss the legal
deadline. It is measured in real working days.

    python manage.py calendar_backtest [--from 2015 --to 2026] [--workdays 15 20]
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.core.management.base import BaseCommand, CommandError

from disclosure.workcalendar.workdays import (
    OFFICIAL_LIBRARY_YEARS,
    WorkdayCalendar,
    add_workdays,
    workdays_between,
)

ONE_DAY = dt.timedelta(days=1)


@dataclass
class Tally:
    """Deadlines of one length over some start dates: how many exact, and the worst misses."""

    starts: int = 0
    exact: int = 0
    late: int = 0  # start dates whose provisional deadline is after the real one
    worst_late: int = 0  # working days after the real deadline
    worst_early: int = 0  # working days before it

    @property
    def share_exact(self) -> float:
        return self.exact / self.starts if self.starts else 1.0

    def add(self, other: Tally) -> None:
        self.starts += other.starts
        self.exact += other.exact
        self.late += other.late
        self.worst_late = max(self.worst_late, other.worst_late)
        self.worst_early = max(self.worst_early, other.worst_early)


@dataclass
class Backtest:
    workdays: tuple[int, ...]
    years: dict[int, dict[int, Tally]] = field(default_factory=dict)

    def total(self, n: int) -> Tally:
        total = Tally()
        for by_length in self.years.values():
            total.add(by_length[n])
        return total


def run_backtest(years: range, workdays: tuple[int, ...] = (15, 20)) -> Backtest:
    """Compare provisional and official deadlines for every start date of `years`."""
    missing = [year for year in years if year not in OFFICIAL_LIBRARY_YEARS]
    if missing:
        raise ValueError(
            f"{missing[0]} 年没有官方放假数据，无法回测（可回测 {min(OFFICIAL_LIBRARY_YEARS)}–"
            f"{max(OFFICIAL_LIBRARY_YEARS)} 年）。"
        )
    official = WorkdayCalendar()
    provisional = WorkdayCalendar(library_years=OFFICIAL_LIBRARY_YEARS - set(years))
    result = Backtest(workdays)
    for year in years:
        result.years[year] = {n: Tally() for n in workdays}
        start = dt.date(year, 1, 1)
        while start.year == year:
            for n in workdays:
                tally = result.years[year][n]
                real = add_workdays(start, n, official)
                guess = add_workdays(start, n, provisional)
                tally.starts += 1
                if guess == real:
                    tally.exact += 1
                elif guess > real:
                    tally.late += 1
                    tally.worst_late = max(
                        tally.worst_late, workdays_between(real, guess, official)
                    )
                else:
                    tally.worst_early = max(
                        tally.worst_early, workdays_between(guess, real, official)
                    )
            start += ONE_DAY
    return result


class Command(BaseCommand):
    help = "回测暂行放假规则：关闭若干年份的官方数据，逐日比较推算期限与官方期限。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--from", dest="first", type=int, default=2015, help="起始年份（默认 2015）"
        )
        parser.add_argument(
            "--to", dest="last", type=int, default=2026, help="结束年份（默认 2026）"
        )
        parser.add_argument(
            "--workdays", type=int, nargs="+", default=[15, 20], help="期限的工作日数（默认 15 20）"
        )

    def handle(self, *args, first, last, workdays, **options):
        if last < first:
            raise CommandError("结束年份不能早于起始年份。")
        if any(n <= 0 for n in workdays):
            raise CommandError("工作日数应为正整数。")
        try:
            result = run_backtest(range(first, last + 1), tuple(workdays))
        except ValueError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"回测 {first}–{last} 年：关闭这些年份的官方放假数据，以暂行规则推算每一天起算的期限，"
            "与官方安排（chinesecalendar）比较。"
        )
        self.stdout.write(
            "“偏晚天数”为推算期限晚于官方期限（会误期）的起算日数；“最多晚”“最多早”以工作日计。"
        )
        header = "年份".ljust(6) + "".join(
            f"| {n}个工作日：准确率  偏晚天数  最多晚  最多早 " for n in workdays
        )
        self.stdout.write(header)
        for year, by_length in result.years.items():
            self.stdout.write(str(year).ljust(8) + "".join(_cells(by_length[n]) for n in workdays))
        self.stdout.write("合计".ljust(6) + "".join(_cells(result.total(n)) for n in workdays))


def _cells(tally: Tally) -> str:
    return f"| {tally.share_exact:>17.1%}  {tally.late:>8}  {tally.worst_late:>6}  {tally.worst_early:>6} "
