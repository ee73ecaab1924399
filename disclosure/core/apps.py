"""Input hygiene, errors, caching and middleware shared by every app."""

from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "disclosure.core"
    label = "core"
    verbose_name = "基础设施"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from disclosure.core import cache, checks  # noqa: F401

        cache.connect_purge_signals()
