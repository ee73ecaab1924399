"""The API's filters: the portal's own FilterSet (same search, same meaning), plus a date range."""

from __future__ import annotations

import datetime as dt

import django_filters
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from disclosure.items.filters import DisclosureItemFilter
from disclosure.items.models import DisclosureItem

# Dates outside these years cannot be shifted to UTC without overflowing; nothing lies there anyway.
EARLIEST, LATEST = dt.date(1900, 1, 1), dt.date(9000, 1, 1)


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


class PublicItemFilter(DisclosureItemFilter):
    """The portal's filters, and the publication date range open-data users ask for."""

    published_after = django_filters.DateFilter(
        label="发布日期起（含），如 2025-09-01", method="filter_published_after"
    )
    published_before = django_filters.DateFilter(
        label="发布日期止（含），如 2026-08-31", method="filter_published_before"
    )

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


class StaffItemFilter(django_filters.FilterSet):
    """What the back office filters its worklist by."""

    status = django_filters.ChoiceFilter(label="状态", choices=DisclosureItem.Status.choices)
    attribute = django_filters.ChoiceFilter(
        label="公开属性", choices=DisclosureItem.Attribute.choices
    )
    department = django_filters.CharFilter(
        label="部门代码", field_name="department__code", max_length=40
    )

    class Meta:
        model = DisclosureItem
        fields = ["status", "attribute", "department"]


# The portal's filters take numbers (category, entry, year, channel id); their schema type cannot be
# guessed from the model, and a guess would warn on every schema request.
for _name in ("category", "entry", "year", "channel"):
    extend_schema_field(OpenApiTypes.INT)(PublicItemFilter.base_filters[_name])
