"""The yearly report: figures, entered data, outputs."""

from django.apps import AppConfig


class AnnualReportsConfig(AppConfig):
    name = "disclosure.annual_reports"
    label = "annual_reports"
    verbose_name = "年度报告"
    default_auto_field = "django.db.models.BigAutoField"


    def ready(self) -> None:
        from disclosure.annual_reports import signals  # noqa: F401
