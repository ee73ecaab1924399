"""Decoupled side effects, all declared here."""

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save
from django.dispatch import receiver

from disclosure.cache import purge_public_pages
from disclosure.models import (
    Attachment,
    ChecklistEntry,
    Department,
    DisclosureItem,
    Holiday,
    Publication,
)
from disclosure.workdays import forget_calendar


@receiver([post_save, post_delete], sender=Holiday)
def holiday_changed(sender, **kwargs):
    forget_calendar()


@receiver([post_save, post_delete], sender=DisclosureItem)
@receiver([post_save, post_delete], sender=Attachment)
@receiver([post_save, post_delete], sender=Publication)
@receiver([post_save, post_delete], sender=Department)
@receiver([post_save, post_delete], sender=ChecklistEntry)
@receiver(m2m_changed, sender=DisclosureItem.entries.through)
def public_content_changed(sender, **kwargs):
    # Every cached public page may show the change (lists, counts, the item itself): orphan them all
    # once the transaction commits, so a withdrawn item leaves the cache with its withdrawal.
    purge_public_pages()


@receiver(post_delete, sender=DisclosureItem)
@receiver(post_delete, sender="disclosure.DisclosureRequest")
def record_deletion(sender, instance, **kwargs):
    # Deleting is rare (office administrator only) and must leave a trace that outlives the row.
    from simple_history.models import HistoricalRecords

    from disclosure.models import DeletionRecord

    request = getattr(HistoricalRecords.context, "request", None)
    user = getattr(request, "user", None)
    data = {
        field.attname: field.value_from_object(instance)
        for field in instance._meta.concrete_fields
        if field.name not in {"search_title", "search_body", "search_vector"}
    }
    DeletionRecord.objects.create(
        model=sender._meta.label, object_pk=str(instance.pk), object_repr=str(instance)[:300],
        data=json.loads(json.dumps(data, cls=DjangoJSONEncoder, default=str)),
        deleted_by=user if getattr(user, "is_authenticated", False) else None,
    )


@receiver(post_migrate)
def create_role_groups(sender, app_config=None, plan=None, **kwargs):
    # After every migrate, so that new models' permissions reach the roles without a manual step.
    # `flush` sends the signal too, without a plan: a flushed database gets no roles back by itself
    # (tests restoring a serialized database would otherwise find the groups twice).
    if plan is not None and app_config is not None and app_config.label == "disclosure":
        from disclosure.roles import sync_role_groups

        sync_role_groups()
