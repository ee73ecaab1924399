"""The calendar's side effect: a changed override clears the remembered calendar."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from disclosure.workcalendar.models import Holiday
from disclosure.workcalendar.workdays import forget_calendar


@receiver([post_save, post_delete], sender=Holiday)
def holiday_changed(sender, **kwargs):
    forget_calendar()
