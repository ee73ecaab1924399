"""Which academic years a yearly report may be about: one range, asked by the models, every report
URL and the API.

A year outside it (`/reports/0/…`, `/reports/99999/…`) names no report and no computable period:
the dates of such a year cannot even be built (`datetime.date(99999, 9, 1)`), which used to answer
500. The first year is declared once in `DISCLOSURE["REPORT_FIRST_YEAR"]`; the last is the year after
the current one (a report is prepared during the academic year it is about).
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.deconstruct import deconstructible


def report_year_range() -> range:
    """The academic years (by the year they start in) a report may be about, both ends included."""
    first = settings.DISCLOSURE.get("REPORT_FIRST_YEAR", 2000)
    return range(first, timezone.localdate().year + 2)


def is_report_year(value) -> bool:
    """True when `value` is an int (or a string of digits) inside `report_year_range()`."""
    try:
        year = int(value)
    except (TypeError, ValueError, OverflowError):
        return False
    return year in report_year_range()


@deconstructible
class ReportYearValidator:
    """The model-field form of the same range (admin forms, imports, the API's writes)."""

    def __call__(self, value) -> None:
        if not is_report_year(value):
            years = report_year_range()
            raise ValidationError(
                "学年应在 %(first)s 至 %(last)s 之间。", code="report_year",
                params={"first": years.start, "last": years.stop - 1},
            )

    def __eq__(self, other) -> bool:
        return isinstance(other, ReportYearValidator)


class ReportYearConverter:
    """`<report_year:year>`: a year outside the range does not match, so the answer is a 404."""

    regex = "[0-9]{1,9}"

    def to_python(self, value: str) -> int:
        if not is_report_year(value):
            raise ValueError(value)
        return int(value)

    def to_url(self, value) -> str:
        return str(int(value))
