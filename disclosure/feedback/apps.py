"""The opinion box (意见箱), the yearly survey (网络调查) and the evaluation activities of part four."""

from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "disclosure.feedback"
    label = "feedback"
    verbose_name = "意见箱与网络调查"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from disclosure.feedback import signals  # noqa: F401
