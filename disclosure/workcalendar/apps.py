"""Working days, holidays and make-up workdays."""

from django.apps import AppConfig
from django.db.models.signals import post_migrate


class WorkcalendarConfig(AppConfig):
    name = "disclosure.workcalendar"
    label = "workcalendar"
    verbose_name = "工作日历"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from disclosure.workcalendar import signals  # noqa: F401

        post_migrate.connect(check_calendar_after_migrate, sender=self)


def check_calendar_after_migrate(sender, *, using="default", verbosity=1, **kwargs) -> None:
    """A deployment that upgraded `chinesecalendar` runs `migrate`: notice the years it now covers.

    Skipped when the calendar's tables are not there (migrating backwards, another database).
    """
    from django.db import connections

    from disclosure.workcalendar.models import CalendarYear
    from disclosure.workcalendar.services import check_calendar

    if using != "default" or CalendarYear._meta.db_table not in connections[using].introspection.table_names():
        return
    result = check_calendar()
    if result.covered and verbosity:
        years = "、".join(str(y) for y in result.covered)
        print(f"chinesecalendar {result.version} 收录了 {years} 年官方放假安排，已重算 {len(result.moves)} 个期限。")
