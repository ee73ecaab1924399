"""Search inside attachments: a task per file reads its text, and the item's index takes it in.

The upload never waits for this: `queue_text_extraction` runs after the commit, the worker
(`python manage.py db_worker`) does the reading in a separate process with size and time limits
(disclosure/items/extract.py), and a file that cannot be read fails only its own task, with the reason
kept on the attachment for the office. Only reviewed attachments (not waiting in a pending revision)
enter the item's `search_attachments`, the text searched with the lowest weight.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import transaction
from django.tasks import task
from django.template.defaultfilters import filesizeformat
from django.utils import timezone

from disclosure.items import extract, search
from disclosure.items.models import Attachment, DisclosureItem

logger = logging.getLogger(__name__)
TextStatus = Attachment.TextStatus
# The segmented text of all of an item's attachments is cut here: PostgreSQL's tsvector holds at
# most 1 MB, and the words that matter come early in a document.
ITEM_ATTACHMENT_TEXT_MAX_CHARS = 400_000


def queue_text_extraction(attachment_id: int) -> None:
    """Enqueue the reading of one attachment; a queue outage leaves it pending for reindex_attachments."""
    try:
        extract_attachment_text.enqueue(attachment_id)
    except Exception:  # noqa: BLE001 - the upload stands; `reindex_attachments` picks it up again
        logger.exception("attachment %s: text extraction could not be enqueued", attachment_id)


def refresh_item_attachment_text(item_id: int) -> None:
    """Rebuild the item's attachment words from its reviewed, extracted attachments."""
    from disclosure.core.cache import purge_public_pages

    texts = (Attachment.objects.live()
             .filter(item_id=item_id, text_status=TextStatus.EXTRACTED)
             .order_by("sort_order", "id").values_list("search_text", flat=True))
    combined = " ".join(texts)[:ITEM_ATTACHMENT_TEXT_MAX_CHARS]
    # A queryset update: the item's version, modification time and history stay as the editors left
    # them; on PostgreSQL the trigger rebuilds the vector.
    changed = (DisclosureItem.objects.filter(pk=item_id).exclude(search_attachments=combined)
               .update(search_attachments=combined))
    if changed:
        purge_public_pages()


def _finish(attachment: Attachment, status: str, *, text: str = "", error: str = "") -> None:
    Attachment.objects.filter(pk=attachment.pk, file=attachment.file.name).update(
        text_status=status, text=text, search_text=search.segment(text) if text else "",
        text_error=error[:300], text_extracted_at=timezone.now(),
    )
    refresh_item_attachment_text(attachment.item_id)


@task()
def extract_attachment_text(attachment_id: int) -> str:
    """Read one attachment's text into the search index; a bad file fails this task with its reason."""
    rules = settings.DISCLOSURE
    attachment = (Attachment.objects.filter(pk=attachment_id)
                  .only("id", "item_id", "file", "original_name", "size").first())
    if attachment is None:
        return "gone"
    if attachment.extension not in extract.SUPPORTED:
        _finish(attachment, TextStatus.UNSUPPORTED)
        return "unsupported"
    if attachment.size > rules["ATTACHMENT_TEXT_MAX_BYTES"]:
        reason = (f"文件过大（{filesizeformat(attachment.size)}），超过全文检索的上限 "
                  f"{filesizeformat(rules['ATTACHMENT_TEXT_MAX_BYTES'])}，未提取文字。")
        _finish(attachment, TextStatus.FAILED, error=reason)
        raise extract.ExtractionError(reason)
    try:
        with attachment.file.open("rb") as handle:
            data = handle.read(rules["ATTACHMENT_TEXT_MAX_BYTES"] + 1)
    except OSError as error:
        _finish(attachment, TextStatus.FAILED, error="文件不存在或无法读取。")
        raise extract.ExtractionError("文件不存在或无法读取。") from error
    limits = extract.Limits(max_chars=rules["ATTACHMENT_TEXT_MAX_CHARS"],
                            max_unpacked=rules["ATTACHMENT_UNPACKED_MAX_BYTES"])
    try:
        text = extract.extract_in_subprocess(data, attachment.extension, limits=limits,
                                             seconds=rules["ATTACHMENT_TEXT_SECONDS"])
    except extract.ExtractionError as error:
        _finish(attachment, TextStatus.FAILED, error=str(error))
        # The task fails too, so the queue's record says which file and why.
        raise
    if not text.strip():
        _finish(attachment, TextStatus.NO_TEXT)
        return "no_text"
    _finish(attachment, TextStatus.EXTRACTED, text=text)
    return "extracted"


def attachments_to_reindex(*, everything: bool = False):
    """Attachments whose text is still to be read (or all of them, with `everything`)."""
    qs = Attachment.objects.all()
    if not everything:
        qs = qs.filter(text_status__in=[TextStatus.PENDING, TextStatus.FAILED])
    return qs.order_by("id")


def reindex_attachments(*, everything: bool = False) -> int:
    """Mark the chosen attachments pending and enqueue a task for each (idempotent)."""
    pks = list(attachments_to_reindex(everything=everything).values_list("pk", flat=True))
    for start in range(0, len(pks), 500):
        chunk = pks[start:start + 500]
        with transaction.atomic():
            Attachment.objects.filter(pk__in=chunk).update(text_status=TextStatus.PENDING,
                                                           text_error="")
            for pk in chunk:
                transaction.on_commit(lambda pk=pk: queue_text_extraction(pk))
    return len(pks)
