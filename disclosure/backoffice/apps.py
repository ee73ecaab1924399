"""The deadline board and the daily digest."""

from django.apps import AppConfig


class BackofficeConfig(AppConfig):
    name = "disclosure.backoffice"
    label = "backoffice"
    verbose_name = "工作台"
    default_auto_field = "django.db.models.BigAutoField"
