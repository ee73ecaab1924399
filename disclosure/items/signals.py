"""The items app's side effects."""

from django.dispatch import receiver

from disclosure.items.actions import recompute_item_deadlines
from disclosure.workcalendar.services import calendar_changed


@receiver(calendar_changed)
def recompute_on_calendar_change(sender, *, calendar, by=None, reason: str, dry_run=False,
                                 **kwargs) -> list:
    return recompute_item_deadlines(calendar=calendar, by=by, reason=reason, dry_run=dry_run)
