"""Changes to the holiday calendar, and the recomputation of every open deadline that follows."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.dispatch import Signal

from disclosure.access import policy
from disclosure.core.errors import NotAllowed
from disclosure.workcalendar.models import Holiday
from disclosure.workcalendar.provisional_holidays import HolidayRow as _HolidayRow
from disclosure.workcalendar.workdays import default_calendar, forget_calendar

# Sent after any change to the working-day calendar; receivers recompute their stored deadlines.
calendar_changed = Signal()


# One row type for every source of days (a file, a pasted notice, the provisional rule).
HolidayRow = _HolidayRow


def _require_office(user) -> None:
    if user is not None and not policy.is_office(user):
        raise NotAllowed("只有信息公开办公室可以修改节假日安排。")


@transaction.atomic
def save_holiday(holiday: Holiday, *, by) -> int:
    """Save one calendar override and recompute the deadlines it moves. Returns how many moved."""
    _require_office(by)
    holiday.full_clean()
    holiday.save()
    return recompute_deadlines(by=by, reason=f"节假日安排变更：{holiday}")


@transaction.atomic
def delete_holiday(holiday: Holiday, *, by) -> int:
    _require_office(by)
    label = str(holiday)
    holiday.delete()
    return recompute_deadlines(by=by, reason=f"删除节假日安排：{label}")


@transaction.atomic
def load_holiday_arrangement(
    year: int, rows: Iterable[HolidayRow], *, by=None, note: str = "", dry_run: bool = False
) -> tuple[int, int]:
    """Replace `year`'s official arrangement with `rows`; returns (days loaded, deadlines moved)."""
    _require_office(by)
    rows = list(rows)
    wrong = [r.date for r in rows if r.date.year != year]
    if wrong:
        raise ValueError(f"{wrong[0]} 不属于 {year} 年。")
    Holiday.objects.filter(date__year=year, source=Holiday.Source.OFFICIAL).delete()
    Holiday.objects.filter(date__in=[r.date for r in rows]).delete()
    Holiday.objects.bulk_create(
        Holiday(date=r.date, is_workday=r.is_workday, name=r.name, source=Holiday.Source.OFFICIAL,
                note=note)
        for r in rows
    )
    moved = recompute_deadlines(by=by, reason=f"载入 {year} 年官方放假安排")
    if dry_run:
        transaction.set_rollback(True)
        forget_calendar()
    return len(rows), moved


def recompute_deadlines(*, by=None, reason: str) -> int:
    """Recompute every stored deadline that depends on the calendar; returns how many moved.

    The calendar knows nothing of items or requests: each app that stores due dates answers
    `calendar_changed` with the number of its own deadlines that moved, and records each move.
    """
    forget_calendar()
    calendar = default_calendar()
    responses = calendar_changed.send(sender=Holiday, calendar=calendar, by=by, reason=reason)
    return sum(moved or 0 for _receiver, moved in responses)
