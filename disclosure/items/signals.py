"""The items app's side effects."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from disclosure.items import tasks
from disclosure.items.actions import recompute_item_deadlines
from disclosure.items.models import Attachment
from disclosure.workcalendar.services import calendar_changed


@receiver(calendar_changed)
def recompute_on_calendar_change(sender, *, calendar, by=None, reason: str, dry_run=False,
                                 **kwargs) -> list:
    return recompute_item_deadlines(calendar=calendar, by=by, reason=reason, dry_run=dry_run)


# ---- Search inside attachments (disclosure/items/tasks.py) ----


@receiver(post_save, sender=Attachment)
def index_attachment(sender, instance: Attachment, **kwargs) -> None:
    if getattr(instance, "_file_changed", False):
        instance._file_changed = False
        if instance.text_status == Attachment.TextStatus.PENDING:
            pk = instance.pk
            transaction.on_commit(lambda: tasks.queue_text_extraction(pk))
    # Published from a pending revision, or its file replaced: the item's words change.
    item_id = instance.item_id
    transaction.on_commit(lambda: tasks.refresh_item_attachment_text(item_id))


@receiver(post_delete, sender=Attachment)
def unindex_attachment(sender, instance: Attachment, **kwargs) -> None:
    item_id = instance.item_id
    transaction.on_commit(lambda: tasks.refresh_item_attachment_text(item_id))
