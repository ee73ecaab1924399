"""Roles, the one policy module, two-factor login and deletion records."""

from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "disclosure.access"
    label = "access"
    verbose_name = "账户与权限"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from disclosure.access import signals  # noqa: F401
        from disclosure.access.policy import DOMAIN_APPS
        from disclosure.core import hygiene

        # Every text typed into a form, the API or an import is cleaned before it is saved, in
        # every app of the domain (the list the roles are made of).
        hygiene.connect_hygiene(DOMAIN_APPS)
