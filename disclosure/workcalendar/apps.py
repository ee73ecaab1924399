"""Working days, holidays and make-up workdays."""

from django.apps import AppConfig


class WorkcalendarConfig(AppConfig):
    name = "disclosure.workcalendar"
    label = "workcalendar"
    verbose_name = "工作日历"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from disclosure.workcalendar import signals  # noqa: F401
