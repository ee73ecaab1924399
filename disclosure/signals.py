"""Decoupled side effects, all declared here."""

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


@receiver(post_migrate)
def create_role_groups(sender, app_config=None, **kwargs):
    # After every migrate, so that new models' permissions reach the roles without a manual step.
    if app_config is not None and app_config.label == "disclosure":
        from disclosure.roles import sync_role_groups

        sync_role_groups()
