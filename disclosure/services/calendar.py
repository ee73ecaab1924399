"""Changes to the holiday calendar, and the recomputation of every open deadline that follows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction

from disclosure import deadlines, roles
from disclosure.models import DisclosureItem, Holiday, ItemEvent
from disclosure.workdays import default_calendar, forget_calendar

from .errors import NotAllowed

# Other open objects with stored deadlines (requests) register their recomputation here.
DEADLINE_RECOMPUTERS = []


@dataclass(frozen=True)
class HolidayRow:
    date: dt.date
    is_workday: bool
    name: str = ""


def _require_office(user) -> None:
    if user is not None and not roles.is_office(user):
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
    """Recompute every stored deadline of open items (and registered objects); record each change."""
    forget_calendar()
    calendar = default_calendar()
    moved = 0
    items = DisclosureItem.objects.with_open_deadline().only(
        "id", "produced_on", "changed_on", "publish_due", "update_due", "deadline_provisional",
    )
    for item in items.iterator(chunk_size=500):
        before = {"publish_due": item.publish_due, "update_due": item.update_due,
                  "provisional": item.deadline_provisional}
        if deadlines.refresh_item_deadlines(item, calendar):
            DisclosureItem.objects.filter(pk=item.pk).update(
                publish_due=item.publish_due, update_due=item.update_due,
                deadline_provisional=item.deadline_provisional,
            )
            ItemEvent.objects.create(
                item=item, action=ItemEvent.Action.DEADLINE_RECOMPUTED, actor=by, note=reason,
                data={
                    "before": {k: str(v) for k, v in before.items()},
                    "after": {"publish_due": str(item.publish_due), "update_due": str(item.update_due),
                              "provisional": str(item.deadline_provisional)},
                },
            )
            moved += 1
    for recompute in DEADLINE_RECOMPUTERS:
        moved += recompute(calendar=calendar, by=by, reason=reason)
    return moved
