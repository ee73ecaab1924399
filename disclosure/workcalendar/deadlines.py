"""Where a deadline stands today (met, on time, due soon, overdue), whatever owes it.

Items, requests and the board all ask here, so that "due soon" means the same everywhere.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from django.conf import settings
from django.utils import timezone

from disclosure.workcalendar.workdays import WorkdayCalendar, default_calendar, workdays_between


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
    elif left <= settings.DISCLOSURE["DUE_SOON_WORKDAYS"]:
        state = DeadlineState.DUE_SOON
    else:
        state = DeadlineState.ON_TIME
    return DeadlineStatus(due, state, left, provisional)


def due_soon_limit(today: dt.date | None = None, calendar: WorkdayCalendar | None = None) -> dt.date:
    """The first due date past the warning window: due dates in [today, this) are "due soon".

    A deadline is due soon when at most N working days remain, i.e. when it falls before the
    (N+1)-th working day after today; a rest day just after the N-th working day still counts N.
    Lists filter by it in the database; the board groups by it.
    """
    from disclosure.workcalendar.workdays import add_workdays

    return add_workdays(today or timezone.localdate(), settings.DISCLOSURE["DUE_SOON_WORKDAYS"] + 1,
                        calendar or default_calendar())
