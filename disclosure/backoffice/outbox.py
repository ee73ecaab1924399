"""The office's verbs on the outbox: sending a failed mail again (who and when recorded).

The outbox itself (`disclosure/core/mail.py`) is infrastructure every app writes to; who may act on
it is the policy's, which sits above it.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from disclosure.access import policy
from disclosure.core import mail as outbox
from disclosure.core.errors import NotAllowed, TransitionNotAllowed
from disclosure.core.models import OutgoingMail


@transaction.atomic
def resend_mail(mail: OutgoingMail, *, by) -> OutgoingMail:
    """The office sends a failed (or still waiting) mail again now; who and when are recorded."""
    if not policy.is_office(by):
        raise NotAllowed("只有信息公开办公室可以重新发送邮件。")
    mail = OutgoingMail.objects.select_for_update().get(pk=mail.pk)
    if mail.status == OutgoingMail.Status.SENT:
        raise TransitionNotAllowed("该邮件已发送，无需重新发送。", code="sent")
    mail.status, mail.next_attempt_at = OutgoingMail.Status.WAITING, timezone.now()
    mail.resent_by, mail.resent_at = by, timezone.now()
    mail.save(update_fields=["status", "next_attempt_at", "resent_by", "resent_at"])
    transaction.on_commit(lambda: outbox.enqueue(mail.pk))
    return mail
