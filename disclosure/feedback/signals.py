"""The feedback app's side effects."""

from django.dispatch import receiver

from disclosure.feedback.actions import recompute_opinion_deadlines
from disclosure.workcalendar.services import calendar_changed


@receiver(calendar_changed)
def recompute_on_calendar_change(sender, *, calendar, by=None, reason: str, dry_run=False,
                                 **kwargs) -> list:
    return recompute_opinion_deadlines(calendar=calendar, by=by, reason=reason, dry_run=dry_run)
