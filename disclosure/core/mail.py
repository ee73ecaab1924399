"""One outbox for every mail: receipts, request updates, letter notices, digests, 纠错 notifications.

`queue_mail` writes the mail in the caller's transaction, so a change that commits always has its
mail, and a change that rolls back has none. After the commit a task (Django's Tasks framework, run
by `python manage.py db_worker`) hands it to the mail server. When the server refuses or cannot be
reached, the mail stays, the error is recorded, and the task is enqueued again after a back-off
(settings.MAIL_RETRY_SECONDS doubling, at most MAIL_RETRY_MAX_SECONDS); after MAIL_MAX_ATTEMPTS it is
marked failed for the office, who sees it in the admin and may send it again (`disclosure/backoffice/outbox.py`).
`send_waiting_mail` re-enqueues mail whose task was lost (a process that died between commit and
enqueue); the command of the same name runs it.
"""

from __future__ import annotations

import datetime as dt
import logging
import re

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.tasks import task
from django.utils import timezone

from disclosure.core.models import OutgoingMail

logger = logging.getLogger(__name__)
Status = OutgoingMail.Status
Kind = OutgoingMail.Kind
_ADDRESS = re.compile(r"[^\s<>\"',;:()\[\]]+@[^\s<>\"',;:()\[\]]+")


def queue_mail(*, to: list[str], subject: str, body: str, kind: str = Kind.OTHER) -> OutgoingMail | None:
    """Keep a mail in the outbox and send it after the current transaction commits.

    Returns None when there is nobody to send to.
    """
    to = sorted({address.strip() for address in to if address and address.strip()})
    if not to:
        return None
    mail = OutgoingMail.objects.create(
        kind=kind, to=to, subject=subject[:255], body=body, next_attempt_at=timezone.now()
    )
    transaction.on_commit(lambda: enqueue(mail.pk))
    return mail


def enqueue(pk: int, *, at: dt.datetime | None = None) -> None:
    try:
        (deliver_mail.using(run_after=at) if at else deliver_mail).enqueue(pk)
    except Exception:  # noqa: BLE001 - the mail is kept; send_waiting_mail enqueues it again
        logger.exception("mail %s: could not be enqueued", pk)


def retry_delay(attempts: int) -> dt.timedelta:
    """How long a mail waits after its `attempts`-th failure: doubling, capped."""
    seconds = settings.MAIL_RETRY_SECONDS * 2 ** max(0, attempts - 1)
    return dt.timedelta(seconds=min(seconds, settings.MAIL_RETRY_MAX_SECONDS))


def describe_error(error: BaseException, addresses: list[str]) -> str:
    """The error for the office, without any address (an SMTP refusal quotes the recipient)."""
    text = f"{type(error).__name__}: {error}"
    for address in addresses:
        text = text.replace(address, "<收件人>")
    return _ADDRESS.sub("<收件人>", text)[:300]


@task()
def deliver_mail(pk: int) -> str:
    """Hand one waiting mail to the mail server; on failure record it and try again later."""
    with transaction.atomic():
        mail = OutgoingMail.objects.select_for_update().filter(pk=pk).first()
        if mail is None or mail.status != Status.WAITING:
            # Sent already (a second task for the same mail), or given up: nothing to do.
            return "skipped"
        mail.attempts += 1
        try:
            EmailMessage(mail.subject, mail.body, None, list(mail.to)).send()
        except Exception as error:  # noqa: BLE001 - any refusal or outage: the mail waits
            mail.last_error = describe_error(error, list(mail.to))
            if mail.attempts >= settings.MAIL_MAX_ATTEMPTS:
                mail.status, mail.next_attempt_at = Status.FAILED, None
            else:
                mail.next_attempt_at = timezone.now() + retry_delay(mail.attempts)
            mail.save(update_fields=["attempts", "last_error", "status", "next_attempt_at"])
            logger.warning("mail %s (%s) attempt %s failed: %s", mail.pk, mail.kind, mail.attempts,
                           type(error).__name__)
            if mail.status == Status.WAITING:
                at = mail.next_attempt_at
                transaction.on_commit(lambda: enqueue(pk, at=at))
            return "failed"
        mail.status, mail.sent_at, mail.next_attempt_at = Status.SENT, timezone.now(), None
        mail.save(update_fields=["attempts", "status", "sent_at", "next_attempt_at"])
        return "sent"


def send_waiting_mail(*, stale_after: dt.timedelta = dt.timedelta(minutes=10)) -> int:
    """Enqueue again every waiting mail whose time came more than `stale_after` ago (its task was lost)."""
    due = OutgoingMail.objects.waiting().filter(next_attempt_at__lte=timezone.now() - stale_after)
    pks = list(due.values_list("pk", flat=True))
    for pk in pks:
        enqueue(pk)
    return len(pks)
