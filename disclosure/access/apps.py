"""Roles, the one policy module, two-factor login and deletion records."""

from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "disclosure.access"
    label = "access"
    verbose_name = "账户与权限"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from disclosure.access import signals  # noqa: F401
