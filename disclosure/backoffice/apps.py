"""The deadline board, the daily digest and the back office's Chinese face."""

from django.apps import AppConfig


class BackofficeConfig(AppConfig):
    name = "disclosure.backoffice"
    label = "backoffice"
    verbose_name = "工作台"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.contrib.admin.templatetags import admin_list

        from disclosure.access.display import boolean_icon

        # Django writes the icon's alternative text as Python's True/False/None, which a screen
        # reader reads out in English; every caller imports it from this module at call time.
        admin_list._boolean_icon = boolean_icon
