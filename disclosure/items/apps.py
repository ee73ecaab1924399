"""Items, attachments, publications, review and revisions."""

from django.apps import AppConfig


class ItemsConfig(AppConfig):
    name = "disclosure.items"
    label = "items"
    verbose_name = "公开事项"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from disclosure.items import signals  # noqa: F401
