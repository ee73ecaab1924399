"""The portal's search and filters over public items; the API uses the same FilterSet."""

from __future__ import annotations

import datetime as dt
import hashlib

import django_filters
from django import forms
from django.db.models import Exists, OuterRef
from django.utils import timezone

from disclosure.catalogue.models import Channel, ChecklistCategory, ChecklistEntry, Department
from disclosure.items import search, selectors
from disclosure.items.models import DisclosureItem, Publication

FIRST_YEAR = 2010  # 《高等学校信息公开办法》 came into force on 1 September 2010.


def year_choices():
    return [(y, f"{y}年") for y in range(timezone.localdate().year, FIRST_YEAR - 1, -1)]


class _OptionsListedOnce(django_filters.fields.ModelChoiceIterator):
    """A select's options as its own iterator lists them, remembered until public content changes.

    Every visitor of the search page is offered the same categories, entries, departments and
    channels: they are read once per change, not on every page shown. A chosen value is still looked
    up in the field's queryset when the form is validated.
    """

    def __iter__(self):
        # The empty choice first, without a read: a widget asks for the first choice alone.
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        if self.field.null_label is not None:
            yield (self.field.null_value, self.field.null_label)
        # Categories, entries, departments and channels: reference data alone.
        yield from selectors.cached_until_reference_change(self.field.options_key, self._listed)

    def _listed(self) -> list[tuple[str, str]]:
        return [(str(value), label) for value, label in map(self.choice, self.queryset)]


class _ListedOnceField(django_filters.fields.ModelChoiceField):
    iterator = _OptionsListedOnce


class ListedOnceModelChoiceFilter(django_filters.ModelChoiceFilter):
    """A `ModelChoiceFilter` whose options are listed once per change to public content."""

    field_class = _ListedOnceField

    @property
    def field(self):
        if not hasattr(self, "_field"):
            field = super().field
            # One list per filter: the model it lists and the name it filters by.
            field.options_key = f"filter-options:{field.queryset.model._meta.label}:{self.field_name}"
        return self._field


def _entry_link():
    return DisclosureItem.entries.through.objects.filter(disclosureitem_id=OuterRef("pk"))


class DisclosureItemFilter(django_filters.FilterSet):
    """Filters by checklist category and entry, department, year, channel; `q` searches last.

    `qs` holds every match in the queryset's order (the API's and the download's date order); the
    portal's search page ranks them with `ranked_ids`.

    Every filter is an `EXISTS` or a range on the item itself, so no join repeats an item.
    """

    q = django_filters.CharFilter(
        label="关键词", method="filter_q",
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "如：招生 章程"}),
    )
    category = ListedOnceModelChoiceFilter(
        label="清单类别", queryset=ChecklistCategory.objects.order_by("number"),
        to_field_name="number", method="filter_category", empty_label="全部类别",
    )
    entry = ListedOnceModelChoiceFilter(
        label="清单事项", queryset=ChecklistEntry.objects.order_by("number").only("id", "number", "title"),
        to_field_name="number", method="filter_entry", empty_label="全部事项",
    )
    department = ListedOnceModelChoiceFilter(
        label="发布部门", queryset=Department.objects.filter(active=True),
        to_field_name="code", method="filter_department", empty_label="全部部门",
    )
    year = django_filters.ChoiceFilter(
        label="发布年份", choices=year_choices, method="filter_year",
        empty_label="全部年份",
    )
    channel = ListedOnceModelChoiceFilter(
        label="公开渠道", queryset=Channel.objects.filter(active=True),
        method="filter_channel", empty_label="全部渠道",
    )

    class Meta:
        model = DisclosureItem
        fields = ["q", "category", "entry", "department", "year", "channel"]

    def filter_queryset(self, queryset):
        # Every other filter first, then `q`: the words narrow what is already narrowed.
        queryset = self.filter_all_but_query(queryset)
        query = self.form.cleaned_data.get("q")
        if query:
            queryset = self.filters["q"].filter(queryset, query)
        return queryset

    def filter_all_but_query(self, queryset):
        for name, value in self.form.cleaned_data.items():
            if name != "q" and value not in (None, ""):
                queryset = self.filters[name].filter(queryset, value)
        return queryset

    def filter_q(self, queryset, name, value):
        # Every match, in the list's own order: the API and the download page through all of them.
        return search.filter_items(queryset, value)

    def ranked_ids(self, *, reach: int, shared: bool = False) -> list[int]:
        """Ids of the items matching `q` and the other filters, best first (see search.rank_items).

        Call after `is_valid()`. `shared` says the queryset is the public one, the same for every
        visitor: the ranking is then remembered until public content changes, so that a crowd
        searching for the day's news ranks it once (ranking reads up to TITLE_CANDIDATES vectors).
        """
        queryset = self.filter_all_but_query(self.queryset)
        query = self.form.cleaned_data.get("q") or ""
        if not shared:
            return search.rank_items(queryset, query, reach=reach)
        filters = sorted((name, getattr(value, "pk", value)) for name, value in self.form.cleaned_data.items()
                         if name != "q" and value not in (None, ""))
        # The words as indexed: 招生章程, "招生 章程" and 招生  章程 are one search.
        what = repr((search.query_terms(query), filters, reach))
        key = "ranked:" + hashlib.sha256(what.encode()).hexdigest()[:32]
        return selectors.cached_until_public_change(
            key, lambda: search.rank_items(queryset, query, reach=reach))

    def filter_category(self, queryset, name, value):
        return queryset.filter(Exists(_entry_link().filter(checklistentry__category=value)))

    def filter_entry(self, queryset, name, value):
        return queryset.filter(Exists(_entry_link().filter(checklistentry=value)))

    def filter_department(self, queryset, name, value):
        return queryset.filter(department=value)

    def filter_year(self, queryset, name, value):
        # A range rather than __year, so the published_at index serves it.
        value = int(value)
        tz = timezone.get_current_timezone()
        start = dt.datetime(value, 1, 1, tzinfo=tz)
        return queryset.filter(published_at__gte=start, published_at__lt=start.replace(year=value + 1))

    def filter_channel(self, queryset, name, value):
        return queryset.filter(
            Exists(Publication.objects.filter(item_id=OuterRef("pk"), channel=value))
        )
