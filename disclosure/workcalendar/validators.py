"""The dates the working-day calendar can count, as a validator and as a schema pattern.

Every typed date that starts a period (an item's production or change, a request's receipt, a step's
date) passes `validate_countable_date`: a date outside the range would make the deadline
computation fail, so it is refused up front with a message that states the range.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError

from disclosure.workcalendar.workdays import (
    COUNTABLE_YEARS,
    FIRST_COUNTABLE_DAY,
    LAST_COUNTABLE_DAY,
)


def _zh(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


COUNTABLE_DATE_MESSAGE = (
    f"日期须在 {_zh(FIRST_COUNTABLE_DAY)} 至 {_zh(LAST_COUNTABLE_DAY)} 之间："
    "工作日历只能推算这一范围内的期限。"
)


def validate_countable_date(value: dt.date) -> None:
    """Raise ValidationError (code `out_of_calendar`) for a date the calendar cannot count from."""
    if isinstance(value, dt.date) and not FIRST_COUNTABLE_DAY <= value <= LAST_COUNTABLE_DAY:
        raise ValidationError(COUNTABLE_DATE_MESSAGE, code="out_of_calendar")


def _years_regex(years: range) -> str:
    """A regular expression for the four-digit years of `years`, by centuries and decades."""
    parts, year = [], years.start
    while year < years.stop:
        if year % 100 == 0 and year + 100 <= years.stop:
            parts.append(rf"{year // 100}\d\d")
            year += 100
        elif year % 10 == 0 and year + 10 <= years.stop:
            parts.append(rf"{year // 10}\d")
            year += 10
        else:
            parts.append(str(year))
            year += 1
    return "|".join(parts)


# For the API schema (with `format: date`): the years of the range. The range runs from 1 January of
# its first year to 31 December of its last, so the year alone decides.
COUNTABLE_DATE_PATTERN = rf"^({_years_regex(COUNTABLE_YEARS)})-"
