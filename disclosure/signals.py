"""Decoupled side effects, all declared here."""

from django.db.models.signals import post_delete, post_migrate, post_save
from django.dispatch import receiver

from disclosure.models import Holiday
from disclosure.workdays import forget_calendar


@receiver([post_save, post_delete], sender=Holiday)
def holiday_changed(sender, **kwargs):
    forget_calendar()


@receiver(post_migrate)
def create_role_groups(sender, app_config=None, **kwargs):
    # After every migrate, so that new models' permissions reach the roles without a manual step.
    if app_config is not None and app_config.label == "disclosure":
        from disclosure.roles import sync_role_groups

        sync_role_groups()
