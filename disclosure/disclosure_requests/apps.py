"""Disclosure requests, their clock, steps and reply letters."""

from django.apps import AppConfig


class DisclosureRequestsConfig(AppConfig):
    name = "disclosure.disclosure_requests"
    label = "disclosure_requests"
    verbose_name = "依申请公开"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from disclosure.disclosure_requests import signals  # noqa: F401
