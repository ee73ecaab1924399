"""Reads with meaning. Every public door starts from `DisclosureItem.objects.public()`."""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Max, Q, QuerySet
from django.utils import timezone

from disclosure.catalogue.models import Channel, ChecklistCategory, ChecklistEntry, Department
from disclosure.core import cache as page_cache
from disclosure.core.expressions import CountRows, json_rows
from disclosure.items.models import Attachment, DisclosureItem, Publication

# Lists show a total up to this many; beyond it "1000+" (an exact count would read every row).
COUNT_CAP = 1000


def list_public_items() -> QuerySet[DisclosureItem]:
    """Published proactive items, newest first, with what a list shows."""
    return (
        DisclosureItem.objects.public()
        # Always true of a published item, and what lets PostgreSQL walk the published_at index from
        # the newest row: a backward scan otherwise first steps over every unpublished (NULL) row.
        .filter(published_at__isnull=False)
        .select_related("department")
        .defer("body", "search_title", "search_body", "search_attachments",
               "search_vector")
        .order_by("-published_at", "-id")
    )


def list_public_items_in_entry(entry: ChecklistEntry) -> QuerySet[DisclosureItem]:
    return list_public_items().filter(
        pk__in=DisclosureItem.entries.through.objects.filter(checklistentry=entry).values(
            "disclosureitem_id"
        )
    )


def list_public_items_in_category(category: ChecklistCategory) -> QuerySet[DisclosureItem]:
    # A subquery rather than a join: an item under two entries of the category appears once.
    return list_public_items().filter(
        pk__in=DisclosureItem.entries.through.objects.filter(
            checklistentry__category=category
        ).values("disclosureitem_id")
    )


def get_public_item(pk: int) -> DisclosureItem:
    """One public item with its department, successor, entries, attachments and publications, in one query.

    The related rows come as JSON arrays beside the item's row (`.entry_list`, `.attachment_list`,
    `.publication_list`, each in its model's order) instead of a query each. Raises DoesNotExist.
    """
    item = _public_items_with_rows().get(pk=pk)
    db = item._state.db
    item.entry_list = _rows_as(ChecklistEntry, item.entry_rows, db)
    item.attachment_list = _rows_as(Attachment, item.attachment_rows, db)
    item.publication_list = _rows_as(
        Publication, item.publication_rows, db,
        channel=lambda row: Channel.from_db(db, ["id", "name"], [row["channel_id"], row["channel_name"]]),
    )
    return item


@functools.cache
def _public_items_with_rows() -> QuerySet[DisclosureItem]:
    # Built once per process and only cloned (`.get()`), never evaluated itself: resolving the three
    # subqueries costs more than the database takes to run them.
    return (
        DisclosureItem.objects.public()
        .select_related("department", "superseded_by")
        .defer("search_title", "search_body", "search_attachments", "search_vector",
               "superseded_by__search_title", "superseded_by__search_body",
               "superseded_by__search_attachments", "superseded_by__search_vector", "superseded_by__body")
        .annotate(
            entry_rows=json_rows(
                DisclosureItem.entries.through.objects, "disclosureitem",
                id="checklistentry_id", number="checklistentry__number", title="checklistentry__title",
            ),
            attachment_rows=json_rows(
                Attachment.objects.live(), "item",
                id="id", title="title", file="file", original_name="original_name", size="size",
                sort_order="sort_order",
            ),
            publication_rows=json_rows(
                Publication.objects.live(), "item",
                id="id", url="url", published_on="published_on", channel_id="channel_id",
                channel_name="channel__name",
            ),
        )
    )


def _rows_as(model, rows: list[dict] | None, db: str, **related) -> list:
    """Instances of `model` from the JSON rows of `json_rows`, in the order of the model's `Meta.ordering`.

    Fields left out of the rows are deferred, as with `.only()`: reading one costs a query, never a
    wrong value. `related` builds a related object from its row (`channel=lambda row: ...`).
    """
    fields = {f.attname: f for f in model._meta.concrete_fields}
    instances = []
    for row in rows or ():
        names = [name for name in fields if name in row]
        instance = model.from_db(db, names, [fields[name].to_python(row[name]) for name in names])
        for name, build in related.items():
            setattr(instance, name, build(row))
        instances.append(instance)
    # Stable sorts, last key first, each in its own direction.
    for key in reversed(model._meta.ordering):
        name = key.lstrip("-")
        attname = model._meta.pk.attname if name == "pk" else model._meta.get_field(name).attname
        instances.sort(key=lambda obj, a=attname: getattr(obj, a), reverse=key.startswith("-"))
    return instances


INDEX_NUMBER = re.compile(r"^\d{1,20}-\d{4}-\d{5,}$")


def find_public_item_by_index_number(text: str) -> DisclosureItem | None:
    """The public item whose index number (索引号) is `text`, or None (also when `text` is not one)."""
    text = (text or "").strip()
    if not INDEX_NUMBER.match(text):
        return None
    return DisclosureItem.objects.public().only("id").filter(index_number=text).first()


def get_public_item_title(pk: int) -> DisclosureItem:
    """One public item with just what names it and its department. Raises DoesNotExist."""
    return (
        DisclosureItem.objects.public()
        .select_related("department")
        .only("id", "title", "department__id", "department__name")
        .get(pk=pk)
    )


def get_public_attachment(pk: int) -> Attachment:
    """An attachment whose item is public. Raises DoesNotExist otherwise."""
    return Attachment.objects.published().without_text().select_related("item").get(pk=pk)


def academic_year_start(today: dt.date | None = None) -> dt.date:
    """1 September of the academic year (1 September – 31 August) that contains `today`."""
    today = today or timezone.localdate()
    year = today.year if today.month >= 9 else today.year - 1
    return dt.date(year, 9, 1)


@dataclass
class EntryStats:
    count: int = 0
    latest: dt.datetime | None = None
    this_year: int = 0


def checklist_stats(today: dt.date | None = None) -> dict[int, EntryStats]:
    """Per entry id: public items, the latest publication, and items in the current academic year.

    One grouped query over the item–entry table, whatever the number of items.
    """
    start = timezone.make_aware(dt.datetime.combine(academic_year_start(today), dt.time.min))
    rows = (
        DisclosureItem.entries.through.objects.filter(
            disclosureitem__in=DisclosureItem.objects.public().values("pk")
        )
        .values("checklistentry_id")
        .annotate(
            n=Count("disclosureitem_id"),
            latest=Max("disclosureitem__published_at"),
            this_year=Count("disclosureitem_id", filter=Q(disclosureitem__published_at__gte=start)),
        )
    )
    return {
        r["checklistentry_id"]: EntryStats(r["n"], r["latest"], r["this_year"]) for r in rows
    }


def _remembered_key(key: str, generation=page_cache.generation) -> str | None:
    """The shared cache's key for `key` in this generation; None when values may not be remembered."""
    # The same rule as the page cache: never in a per-process cache another process cannot purge.
    if not _remember_seconds() or not page_cache.page_cache_enabled():
        return None
    return f"public-data:{generation()}:{key}"


def _remember_seconds() -> int:
    return getattr(settings, "PUBLIC_PAGE_CACHE_SECONDS", page_cache.PAGE_TIMEOUT_SECONDS)


def _recall(full_key: str | None):
    if full_key is None:
        return None
    try:
        return cache.get(full_key)
    except Exception:  # noqa: BLE001 - a cache outage computes afresh
        return None


def _remember(full_key: str | None, value) -> None:
    if full_key is None:
        return
    try:
        cache.set(full_key, value, _remember_seconds())
    except Exception:  # noqa: BLE001, S110 - a cache outage computes afresh
        pass


def cached_until_public_change(key: str, compute):
    """`compute()`, remembered in the shared cache until public content next changes.

    Keyed by the public-page generation (disclosure.core.cache), which every change to what the public
    sees bumps once committed: the value is never older than the cached pages around it.
    """
    return _remembered(_remembered_key(key), compute)


def _remembered(full_key: str | None, compute):
    value = _recall(full_key)
    if value is None:
        value = compute()
        _remember(full_key, value)
    return value


def cached_until_reference_change(key: str, compute):
    """`compute()` of reference data (the checklist, a department, the site settings, the search
    form's choices), remembered until one of them changes; an item's publication leaves it alone.

    Only for values read from disclosure.core.cache.REFERENCE_CONTENT alone: anything that counts or
    lists items belongs to `cached_until_public_change`.
    """
    return _remembered(_remembered_key(f"reference:{key}", page_cache.reference_generation), compute)


def _capped(queryset: QuerySet) -> QuerySet:
    return queryset.order_by().values("pk")[: COUNT_CAP + 1]


def count_public_items(key: str, queryset: QuerySet) -> int:
    """How many rows `queryset` holds, counted up to COUNT_CAP + 1 and remembered until content changes."""
    return cached_until_public_change(f"count:{key}", lambda: _capped(queryset).count())


def page_of_public_items(
    key: str, queryset: QuerySet, page: QuerySet, *, size: int, first: bool
) -> tuple[list[DisclosureItem], int]:
    """The first `size` rows of `page` (`queryset` past a cursor) and `count_public_items(key, queryset)`.

    A total not yet remembered comes with the rows, as a value the database computes once for the
    query, rather than in a round trip of its own. `first` says that `page` is the whole `queryset`,
    so that no rows means a total of 0.
    """
    full_key = _remembered_key(f"count:{key}")
    total = _recall(full_key)
    if total is not None:
        return list(page[:size]), total
    rows = list(page.annotate(list_total=CountRows(_capped(queryset)))[:size])
    if rows:
        total = rows[0].list_total
    elif first:
        total = 0
    else:
        total = _capped(queryset).count()
    _remember(full_key, total)
    return rows, total


def _load_checklist() -> list[ChecklistCategory]:
    """The categories in order, each with `.entry_list` in order: one query (a category without
    entries is kept)."""
    rows = ChecklistCategory.objects.order_by("number", "entries__number").values_list(
        "id", "number", "name", "entries__id", "entries__number", "entries__title"
    )
    categories: dict[int, ChecklistCategory] = {}
    for pk, number, name, entry_pk, entry_number, entry_title in rows:
        category = categories.get(pk)
        if category is None:
            category = categories[pk] = ChecklistCategory.from_db(
                rows.db, ["id", "number", "name"], [pk, number, name]
            )
            category.entry_list = []
        if entry_pk is not None:
            entry = ChecklistEntry.from_db(
                rows.db, ["id", "number", "title", "category_id"], [entry_pk, entry_number, entry_title, pk]
            )
            entry.category = category
            category.entry_list.append(entry)
    return list(categories.values())


def list_checklist(with_stats: bool = True, today: dt.date | None = None) -> list[ChecklistCategory]:
    """The 10 categories in order, each with `.entry_list` in order, each entry with `.stats`.

    The checklist itself is remembered until public content changes (a change to it is one): a
    page that shows it reads no row of it.
    """
    categories = cached_until_reference_change("checklist", _load_checklist)
    if with_stats:
        # The aggregate reads every public item: computed once per change, not once per visit.
        year_start = academic_year_start(today)
        stats = cached_until_public_change(
            f"checklist-stats:{year_start.isoformat()}", lambda: checklist_stats(today)
        )
        for category in categories:
            for entry in category.entry_list:
                entry.stats = stats.get(entry.pk, EntryStats())
    return categories


def get_checklist_category(number: int) -> ChecklistCategory:
    """The category numbered `number`, with `.entry_list` (see `list_checklist`). Raises DoesNotExist."""
    for category in list_checklist(with_stats=False):
        if category.number == number:
            return category
    raise ChecklistCategory.DoesNotExist(f"清单类别 {number} 不存在。")


def get_checklist_entry(number: int) -> ChecklistEntry:
    """The entry numbered `number`, with its `.category` (see `list_checklist`). Raises DoesNotExist."""
    for category in list_checklist(with_stats=False):
        for entry in category.entry_list:
            if entry.number == number:
                return entry
    raise ChecklistEntry.DoesNotExist(f"清单事项 {number} 不存在。")


def get_department(code: str) -> Department:
    """The department whose code is `code`, remembered until public content changes. Raises DoesNotExist."""
    department = cached_until_reference_change(
        f"department:{code}", lambda: Department.objects.filter(code=code).order_by().first()
    )
    if department is None:
        raise Department.DoesNotExist(f"部门 {code} 不存在。")
    return department


def list_public_items_with_text() -> QuerySet[DisclosureItem]:
    """Public items with their summary and body loaded, for search snippets."""
    return (
        DisclosureItem.objects.public()
        .select_related("department")
        .defer("search_title", "search_body", "search_attachments",
               "search_vector")
        .order_by("-published_at", "-id")
    )
