"""Deadlines derived from the dates that happened, through the working-day engine.

Only this module turns facts (`produced_on`, `changed_on`, a request's received date and steps) into
due dates; services store them for filtering and recompute them when the calendar changes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from django.conf import settings
from django.utils import timezone

from disclosure.workcalendar.workdays import (
    WorkdayCalendar,
    default_calendar,
    explain_workdays,
    workdays_between,
)


def rule(name: str) -> int:
    return settings.DISCLOSURE[name]


def publish_deadline(produced_on: dt.date, calendar: WorkdayCalendar | None = None):
    """When proactive information produced on `produced_on` must be public, with the calculation."""
    return explain_workdays(produced_on, rule("PUBLISH_WITHIN_WORKDAYS"), calendar)


def update_deadline(changed_on: dt.date, calendar: WorkdayCalendar | None = None):
    """When published information that changed on `changed_on` must be updated, with the calculation."""
    return explain_workdays(changed_on, rule("UPDATE_WITHIN_WORKDAYS"), calendar)


def refresh_item_deadlines(item, calendar: WorkdayCalendar | None = None) -> bool:
    """Set `publish_due`, `update_due` and `deadline_provisional` from the item's dates.

    Returns whether any of the three changed.
    """
    before = (item.publish_due, item.update_due, item.deadline_provisional)
    provisional = False
    publish_due = update_due = None
    if item.produced_on:
        explanation = publish_deadline(item.produced_on, calendar)
        publish_due, provisional = explanation.due, explanation.provisional
    if item.changed_on:
        explanation = update_deadline(item.changed_on, calendar)
        update_due = explanation.due
        provisional = provisional or explanation.provisional
    item.publish_due, item.update_due, item.deadline_provisional = publish_due, update_due, provisional
    return before != (publish_due, update_due, provisional)


class DeadlineState(StrEnum):
    MET = "met"
    ON_TIME = "on_time"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"

    @property
    def label(self) -> str:
        return {
            "met": "已按期完成",
            "on_time": "未到期",
            "due_soon": "即将到期",
            "overdue": "已逾期",
        }[self.value]


@dataclass(frozen=True)
class DeadlineStatus:
    due: dt.date
    state: DeadlineState
    workdays_left: int  # negative when overdue: working days past the deadline
    provisional: bool

    @property
    def label(self) -> str:
        text = self.state.label
        if self.state in (DeadlineState.ON_TIME, DeadlineState.DUE_SOON):
            text += f"（剩 {self.workdays_left} 个工作日）"
        elif self.state == DeadlineState.OVERDUE:
            text += f"（逾期 {-self.workdays_left} 个工作日）"
        if self.provisional:
            text += "（暂定）"
        return text


def deadline_status(
    due: dt.date,
    *,
    provisional: bool = False,
    done_on: dt.date | None = None,
    today: dt.date | None = None,
    calendar: WorkdayCalendar | None = None,
) -> DeadlineStatus:
    """Where a deadline stands today: met, on time, due within the warning window, or overdue."""
    calendar = calendar or default_calendar()
    today = today or timezone.localdate()
    if done_on is not None:
        late = workdays_between(due, done_on, calendar) if done_on > due else 0
        state = DeadlineState.MET if late <= 0 else DeadlineState.OVERDUE
        return DeadlineStatus(due, state, -late, provisional)
    left = workdays_between(today, due, calendar)
    if due < today:
        state = DeadlineState.OVERDUE
    elif left <= rule("DUE_SOON_WORKDAYS"):
        state = DeadlineState.DUE_SOON
    else:
        state = DeadlineState.ON_TIME
    return DeadlineStatus(due, state, left, provisional)


def item_deadline_status(item, *, today=None, calendar=None) -> DeadlineStatus | None:
    """The deadline that matters now for an item: its update if one is owed, else its publication."""
    if item.attribute != item.Attribute.PROACTIVE or item.status == item.Status.WITHDRAWN:
        return None
    if item.update_due and item.status == item.Status.PUBLISHED:
        done = timezone.localdate(item.updated_at) if item.updated_at else None
        return deadline_status(
            item.update_due, provisional=item.deadline_provisional, done_on=done, today=today,
            calendar=calendar,
        )
    if item.publish_due:
        done = timezone.localdate(item.published_at) if item.published_at else None
        return deadline_status(
            item.publish_due, provisional=item.deadline_provisional, done_on=done, today=today,
            calendar=calendar,
        )
    return None
