"""Reads with meaning. Every public door starts from `DisclosureItem.objects.public()`."""

from __future__ import annotations

from django.db.models import QuerySet

from disclosure.models import Attachment, DisclosureItem


def list_public_items() -> QuerySet[DisclosureItem]:
    """Published proactive items, newest first, with what a list shows."""
    return (
        DisclosureItem.objects.public()
        .select_related("department")
        .defer("body", "search_title", "search_body", "search_vector")
        .order_by("-published_at", "-id")
    )


def get_public_item(pk: int) -> DisclosureItem:
    """One public item with its department, entries, attachments and publications. Raises DoesNotExist."""
    return (
        DisclosureItem.objects.public()
        .select_related("department")
        .prefetch_related("entries", "attachments", "publications__channel")
        .defer("search_title", "search_body", "search_vector")
        .get(pk=pk)
    )


def get_public_attachment(pk: int) -> Attachment:
    """An attachment whose item is public. Raises DoesNotExist otherwise."""
    return Attachment.objects.select_related("item").get(
        pk=pk, item__in=DisclosureItem.objects.public().values("pk")
    )
