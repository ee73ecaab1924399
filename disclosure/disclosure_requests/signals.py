"""The requests app's side effects."""

from django.dispatch import receiver

from disclosure.disclosure_requests.actions import recompute_request_deadlines
from disclosure.workcalendar.services import calendar_changed


@receiver(calendar_changed)
def recompute_on_calendar_change(sender, *, calendar, before=None, by=None, reason: str,
                                 dry_run=False, **kwargs) -> list:
    return recompute_request_deadlines(calendar=calendar, before=before, by=by, reason=reason,
                                       dry_run=dry_run)
