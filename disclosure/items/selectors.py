"""Reads with meaning. Every public door starts from `DisclosureItem.objects.public()`."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Max, Prefetch, Q, QuerySet
from django.utils import timezone

from disclosure.catalogue.models import ChecklistCategory, ChecklistEntry
from disclosure.core import cache as page_cache
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
    """One public item with its department, entries, attachments and publications. Raises DoesNotExist."""
    return (
        DisclosureItem.objects.public()
        .select_related("department", "superseded_by")
        .prefetch_related(
            Prefetch("entries", queryset=ChecklistEntry.objects.only("id", "number", "title")),
            Prefetch("attachments", queryset=Attachment.objects.live().without_text()),
            Prefetch("publications", queryset=Publication.objects.live().select_related("channel")),
        )
        .defer("search_title", "search_body", "search_attachments", "search_vector", "superseded_by__search_title",
               "superseded_by__search_body", "superseded_by__search_vector", "superseded_by__body")
        .get(pk=pk)
    )


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


def cached_until_public_change(key: str, compute):
    """`compute()`, remembered in the shared cache until public content next changes.

    Keyed by the public-page generation (disclosure.core.cache), which every change to what the public
    sees bumps once committed: the value is never older than the cached pages around it.
    """
    timeout = getattr(settings, "PUBLIC_PAGE_CACHE_SECONDS", page_cache.PAGE_TIMEOUT_SECONDS)
    # The same rule as the page cache: never in a per-process cache another process cannot purge.
    if not timeout or not page_cache.page_cache_enabled():
        return compute()
    full_key = f"public-data:{page_cache.generation()}:{key}"
    try:
        value = cache.get(full_key)
    except Exception:  # noqa: BLE001 - a cache outage computes afresh
        return compute()
    if value is None:
        value = compute()
        try:
            cache.set(full_key, value, timeout)
        except Exception:  # noqa: BLE001, S110 - a cache outage computes afresh
            pass
    return value


def count_public_items(key: str, queryset: QuerySet) -> int:
    """How many rows `queryset` holds, counted up to COUNT_CAP + 1 and remembered until content changes."""
    return cached_until_public_change(
        f"count:{key}", lambda: queryset.order_by()[: COUNT_CAP + 1].count()
    )


def list_checklist(with_stats: bool = True, today: dt.date | None = None) -> list[ChecklistCategory]:
    """The 10 categories in order, each with `.entry_list` in order, each entry with `.stats`."""
    categories = list(ChecklistCategory.objects.order_by("number"))
    entries = ChecklistEntry.objects.order_by("number").only("id", "number", "title", "category_id")
    stats = {}
    if with_stats:
        # The aggregate reads every public item: computed once per change, not once per visit.
        year_start = academic_year_start(today)
        stats = cached_until_public_change(
            f"checklist-stats:{year_start.isoformat()}", lambda: checklist_stats(today)
        )
    by_category: dict[int, list[ChecklistEntry]] = {c.pk: [] for c in categories}
    for entry in entries:
        entry.stats = stats.get(entry.pk, EntryStats())
        by_category.setdefault(entry.category_id, []).append(entry)
    for category in categories:
        category.entry_list = by_category.get(category.pk, [])
    return categories



def list_public_items_with_text() -> QuerySet[DisclosureItem]:
    """Public items with their summary and body loaded, for search snippets."""
    return (
        DisclosureItem.objects.public()
        .select_related("department")
        .defer("search_title", "search_body", "search_attachments",
               "search_vector")
        .order_by("-published_at", "-id")
    )
