"""The API's filters: the portal's own FilterSet (same search, same meaning), plus a date range."""

from __future__ import annotations

import datetime as dt
import re

import django_filters
from django.core.validators import RegexValidator
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema_field
from rest_framework.exceptions import NotFound

from disclosure.items.filters import FIRST_YEAR, DisclosureItemFilter
from disclosure.items.models import DisclosureItem

# Dates outside these years cannot be shifted to UTC without overflowing; nothing lies there anyway.
EARLIEST, LATEST = dt.date(1900, 1, 1), dt.date(9000, 1, 1)


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


# The checklist (《高等学校信息公开事项清单》) is reference data loaded by a migration: 10 categories
# and 50 entries, numbered from 1.
CHECKLIST_CATEGORIES, CHECKLIST_ENTRIES = 10, 50
# Ids beyond a 64-bit integer cannot exist and would overflow the database driver.
MAX_ID = 2**63 - 1
# Department codes are slugs (catalogue.Department.code).
DEPARTMENT_CODE_PATTERN = r"^[-a-zA-Z0-9_]{1,40}$"
EMPTY_MESSAGE = "参数值不能为空；不按此项筛选时请省略该参数。"


def _is_id(value: str) -> bool:
    return value.isascii() and value.isdigit() and 1 <= int(value) <= MAX_ID


class StrictQueryMixin:
    """An API filter given with an empty value is an error (the portal's forms send "" for "all").

    `unknown` maps a filter whose values only the data knows to a test of the value's form and the
    message for a well-formed value that matches nothing: that is a 404, like a path to a missing
    item; a malformed value stays a 400.
    """

    may_be_empty: tuple[str, ...] = ()
    unknown: dict = {}

    def is_valid(self) -> bool:
        valid = super().is_valid()
        for name in self.filters:
            if name not in self.may_be_empty and self.data.get(name) == "":
                self.form.add_error(name, EMPTY_MESSAGE)
        errors = self.form.errors.as_data()
        unknown = [name for name in errors if self._names_nothing(name, errors[name])]
        # Only when nothing else is wrong: a malformed value elsewhere is the client's first fix.
        if unknown and len(unknown) == len(errors):
            raise NotFound(self.unknown[unknown[0]][1])
        return valid and not self.form.errors

    def _names_nothing(self, name: str, errors: list) -> bool:
        if name not in self.unknown:
            return False
        well_formed = self.unknown[name][0]
        value = self.data.get(name)
        return bool(value) and well_formed(value) and all(
            error.code == "invalid_choice" for error in errors
        )


class PublicItemFilter(StrictQueryMixin, DisclosureItemFilter):
    """The portal's filters, and the publication date range open-data users ask for."""

    published_after = django_filters.DateFilter(
        label="发布日期起（含），如 2025-09-01", method="filter_published_after"
    )
    published_before = django_filters.DateFilter(
        label="发布日期止（含），如 2026-08-31", method="filter_published_before"
    )

    may_be_empty = ("q",)
    unknown = {
        "channel": (_is_id, "没有该公开渠道，可用的渠道见 /api/v1/channels/。"),
        "department": (
            lambda value: re.fullmatch(DEPARTMENT_CODE_PATTERN, value) is not None,
            "没有该部门，可用的部门代码见 /api/v1/departments/。",
        ),
    }

    class Meta(DisclosureItemFilter.Meta):
        fields = [*DisclosureItemFilter.Meta.fields, "published_after", "published_before"]

    def filter_published_after(self, queryset, name, value):
        return queryset.filter(published_at__gte=_start_of(max(value, EARLIEST)))

    def filter_published_before(self, queryset, name, value):
        if value >= LATEST:
            return queryset
        return queryset.filter(
            published_at__lt=_start_of(max(value, EARLIEST) + dt.timedelta(days=1))
        )


class StaffItemFilter(StrictQueryMixin, django_filters.FilterSet):
    """What the back office filters its worklist by."""

    status = django_filters.ChoiceFilter(label="状态", choices=DisclosureItem.Status.choices)
    attribute = django_filters.ChoiceFilter(
        label="公开属性", choices=DisclosureItem.Attribute.choices
    )
    department = django_filters.CharFilter(
        label="部门代码", field_name="department__code", max_length=40,
        validators=[RegexValidator(DEPARTMENT_CODE_PATTERN, "部门代码只能由英文字母、数字、连字符组成。")],
    )

    class Meta:
        model = DisclosureItem
        fields = ["status", "attribute", "department"]


# The portal's filters take numbers (category, entry, year, channel id); their schema type cannot be
# guessed from the model, and a guess would warn on every schema request.
for _name in ("category", "entry", "year", "channel"):
    extend_schema_field(OpenApiTypes.INT)(PublicItemFilter.base_filters[_name])


def _integer(low: int, high: int | None = None) -> dict:
    return {"type": "integer", "minimum": low} | ({"maximum": high} if high else {})


# What the list, the downloads and the staff list state of their query parameters; the year's
# upper bound is set when the schema is generated (see schema.py: it is this year).
ITEM_FILTER_PARAMETERS = [
    OpenApiParameter("category", _integer(1, CHECKLIST_CATEGORIES),
                     description=f"清单类别序号（1–{CHECKLIST_CATEGORIES}）。"),
    OpenApiParameter("entry", _integer(1, CHECKLIST_ENTRIES),
                     description=f"清单事项序号（1–{CHECKLIST_ENTRIES}）。"),
    OpenApiParameter("department", {"type": "string", "pattern": DEPARTMENT_CODE_PATTERN},
                     description="部门代码，见 /api/v1/departments/；没有该部门时返回 404。"),
    OpenApiParameter("year", _integer(FIRST_YEAR),
                     description=f"发布年份（公历），{FIRST_YEAR} 年至今年。"),
    OpenApiParameter("channel", _integer(1, MAX_ID),
                     description="公开渠道 id，见 /api/v1/channels/；没有该渠道时返回 404。"),
    OpenApiParameter("q", OpenApiTypes.STR,
                     description="关键词，与门户检索相同；多个词以空格分隔，须全部出现。"),
]
STAFF_ITEM_FILTER_PARAMETERS = [
    OpenApiParameter("department", {"type": "string", "pattern": DEPARTMENT_CODE_PATTERN},
                     description="部门代码；没有该部门时列表为空。"),
]
