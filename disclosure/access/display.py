"""How the back office shows values: yes/no icons, dates, people, history changes.

One date style per context (below), one way to show a person (`disclosure.access.people`, installed
as the user's `__str__`), and simple-history's change lists in shown values instead of stored codes.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import FieldDoesNotExist
from django.templatetags.static import static
from django.utils import timezone
from django.utils.html import format_html
from simple_history.template_utils import HistoricalRecordContextHelper

BOOLEAN_WORDS = {True: "是", False: "否", None: "未知"}


def boolean_icon(value):
    """Django's yes/no icon with Chinese alternative text."""
    icon = {True: "yes", False: "no", None: "unknown"}[value]
    return format_html('<img src="{}" alt="{}">', static(f"admin/img/icon-{icon}.svg"),
                       BOOLEAN_WORDS[value])


# Dates: the admin's lists and forms use ISO dates (2026-03-02, what the date picker writes and
# sorts the way it reads); moments add the minute (2026-03-02 14:05); letters and the public site
# write dates out in Chinese (2026年3月2日).
DATE_FORMAT = "%Y-%m-%d"
DATETIME_FORMAT = "%Y-%m-%d %H:%M"


def format_moment(value) -> str:
    """A date or a moment as the back office writes it."""
    if value is None or value == "":
        return "—"
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.strftime(DATETIME_FORMAT)
    if isinstance(value, dt.date):
        return value.strftime(DATE_FORMAT)
    return str(value)


class ChineseHistoryHelper(HistoricalRecordContextHelper):
    """simple-history's change list of a record, with choice labels, yes/no and dates as the form
    shows them instead of stored codes (`draft`, `True`, `None`)."""

    def prepare_delta_change_value(self, change, value):
        value = super().prepare_delta_change_value(change, value)
        try:
            field = self.model._meta.get_field(change.field)
        except FieldDoesNotExist:  # a field removed since the record was written
            return value
        return change_value(field, value)


def change_value(field, value):
    """A stored value as the form shows it: choice labels, yes/no, dates; "（空）" for nothing."""
    if value is None or value == "" or value == [] or getattr(value, "pk", 0) is None:
        # simple-history shows an empty foreign key as a deleted object "(pk=None)".
        return "（空）"
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    if getattr(field, "choices", None):
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return BOOLEAN_WORDS[value]
    if isinstance(value, (dt.date, dt.datetime)):
        return format_moment(value)
    return value
