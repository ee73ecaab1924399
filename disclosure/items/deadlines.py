"""Deadlines derived from the dates that happened, through the working-day engine.

Only this module turns facts (`produced_on`, `changed_on`, a request's received date and steps) into
due dates; services store them for filtering and recompute them when the calendar changes.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone

from disclosure.workcalendar.deadlines import DeadlineStatus, deadline_status
from disclosure.workcalendar.workdays import (
    WorkdayCalendar,
    explain_workdays,
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
