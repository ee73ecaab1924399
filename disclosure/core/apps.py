"""Input hygiene, errors, caching and middleware shared by every app."""

from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "disclosure.core"
    label = "core"
    verbose_name = "基础设施"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from disclosure.access.policy import DOMAIN_APPS
        from disclosure.core import cache, hygiene

        cache.connect_purge_signals()
        # Every text typed into a form, the API or an import is cleaned before it is saved.
        hygiene.connect_hygiene(DOMAIN_APPS)
