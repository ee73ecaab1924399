"""The access app's side effects: roles after every migrate, and a trace of every deletion."""

import json

from django.apps import apps
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models.signals import post_delete, post_migrate
from django.dispatch import receiver

from disclosure.access import policy

# Deleting is rare (office administrator only) and must leave a trace that outlives the row.
RECORDED_DELETIONS = ("items.DisclosureItem", "disclosure_requests.DisclosureRequest")
# Derived columns that say nothing a reader of the trace needs.
_NOT_RECORDED = {"search_title", "search_body", "search_attachments", "search_vector"}


def record_deletion(sender, instance, **kwargs):
    from simple_history.models import HistoricalRecords

    from disclosure.access.models import DeletionRecord

    request = getattr(HistoricalRecords.context, "request", None)
    user = getattr(request, "user", None)
    personal = policy.personal_fields(sender)
    data = {
        # The trace outlives the row and is read by the supervisor: personal data never enters it.
        field.attname: policy.REDACTED if field.name in personal else field.value_from_object(instance)
        for field in instance._meta.concrete_fields
        if field.name not in _NOT_RECORDED
    }
    DeletionRecord.objects.create(
        model=sender._meta.label, object_pk=str(instance.pk), object_repr=policy.safe_repr(instance)[:300],
        data=json.loads(json.dumps(data, cls=DjangoJSONEncoder, default=str)),
        deleted_by=user if getattr(user, "is_authenticated", False) else None,
    )


for _label in RECORDED_DELETIONS:
    post_delete.connect(record_deletion, sender=apps.get_model(_label),
                        dispatch_uid=f"record_deletion:{_label}")


@receiver(post_migrate)
def create_role_groups(sender, app_config=None, plan=None, **kwargs):
    # After every migrate, so that new models' permissions reach the roles without a manual step;
    # once, after the last of the project's apps, when every permission exists. `flush` sends the
    # signal too, without a plan: a flushed database gets no roles back by itself (tests restoring a
    # serialized database would otherwise find the groups twice).
    if plan is None or app_config is None:
        return
    ours = [config for config in apps.get_app_configs() if config.name.startswith("disclosure.")]
    if ours and app_config is ours[-1]:
        policy.sync_role_groups()
