"""The yearly report's side effects."""

from django.dispatch import receiver

from disclosure.annual_reports.actions import recompute_report_due
from disclosure.workcalendar.services import calendar_changed


@receiver(calendar_changed)
def recompute_on_calendar_change(sender, *, calendar, before, **kwargs) -> list:
    return recompute_report_due(calendar=calendar, before=before)
