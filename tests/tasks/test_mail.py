"""Mail is never lost: kept in the outbox with the change, sent by the worker, retried with back-off."""

from __future__ import annotations

import datetime as dt
import email
import email.policy

import pytest
from aiosmtpd.controller import Controller
from django.contrib.admin.models import LogEntry
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from bench.stack import free_port
from disclosure.backoffice import outbox as backoffice_outbox
from disclosure.core import mail as outbox
from disclosure.core.errors import NotAllowed
from disclosure.core.models import OutgoingMail
from disclosure.disclosure_requests import actions as request_actions
from disclosure.site import services as site_services

Status = OutgoingMail.Status
APPLICANT = {
    "applicant_type": "citizen", "applicant_name": "王小明", "id_number": "110101199003071234",
    "phone": "13800000000", "email": "wang@example.com", "postal_address": "北京市海淀区某路1号",
    "description": "请公开学校2025年预算", "purpose": "研究",
}


class FlakyServer:
    """An SMTP server that refuses the first `refusals` messages (451, try later), then accepts."""

    def __init__(self, refusals: int = 1):
        self.refusals = refusals
        self.received: list = []

    async def handle_DATA(self, server, session, envelope):
        if self.refusals > 0:
            self.refusals -= 1
            return "451 4.3.0 Mailbox temporarily unavailable for wang@example.com"
        self.received.append(envelope)
        return "250 OK"


@pytest.fixture
def smtp_settings(settings):
    port = free_port()
    settings.MAILERS = {"default": {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 5},
    }}
    settings.MAIL_RETRY_SECONDS = 60
    settings.MAIL_RETRY_MAX_SECONDS = 3600
    return port


@pytest.fixture
def drain(run_worker, django_capture_on_commit_callbacks):
    def run() -> int:
        with django_capture_on_commit_callbacks(execute=True):
            return run_worker()

    return run


def time_passes() -> None:
    """The back-off has run out: every waiting task is due now."""
    DBTaskResult.objects.filter(status="READY").update(run_after=timezone.now() - dt.timedelta(seconds=1))


def test_a_request_succeeds_while_the_mail_server_is_down_and_its_receipt_arrives_later(
    db, smtp_settings, drain, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        request = request_actions.receive_request(**APPLICANT)
    assert request.pk and request.tracking_number  # the submission stands
    receipt = OutgoingMail.objects.get()
    assert receipt.kind == OutgoingMail.Kind.RECEIPT and receipt.to == ["wang@example.com"]
    assert request.check_code in receipt.body

    # Nobody listens on the port: the connection is refused; the mail waits, with the reason.
    started = timezone.now()
    assert drain() == 1
    receipt.refresh_from_db()
    assert (receipt.status, receipt.attempts) == (Status.WAITING, 1)
    assert "ConnectionRefusedError" in receipt.last_error
    assert receipt.next_attempt_at >= started + dt.timedelta(seconds=60)
    retry = DBTaskResult.objects.get(status="READY")
    assert retry.run_after >= started + dt.timedelta(seconds=60)
    assert drain() == 0  # not before its time

    server = FlakyServer(refusals=1)
    controller = Controller(server, hostname="127.0.0.1", port=smtp_settings)
    controller.start()
    try:
        # The server is back but refuses once (451): the wait doubles, the address is not recorded.
        time_passes()
        before = timezone.now()
        assert drain() == 1
        receipt.refresh_from_db()
        assert (receipt.status, receipt.attempts) == (Status.WAITING, 2)
        assert "451" in receipt.last_error and "wang@example.com" not in receipt.last_error
        assert receipt.next_attempt_at >= before + dt.timedelta(seconds=120)
        assert server.received == []

        time_passes()
        assert drain() == 1
    finally:
        controller.stop()
    receipt.refresh_from_db()
    assert (receipt.status, receipt.attempts) == (Status.SENT, 3) and receipt.sent_at
    assert len(server.received) == 1
    delivered = server.received[0]
    assert delivered.rcpt_tos == ["wang@example.com"]
    message = email.message_from_bytes(delivered.content, policy=email.policy.default)
    assert request.check_code in message.get_content()
    assert request.tracking_number in message["Subject"]
    assert drain() == 0  # nothing sent twice


def test_after_the_last_attempt_the_office_sees_the_failed_mail_and_sends_it_again(
    db, smtp_settings, drain, settings, client, office_user, supervisor,
    django_capture_on_commit_callbacks,
):
    settings.MAIL_MAX_ATTEMPTS = 2
    with django_capture_on_commit_callbacks(execute=True):
        request_actions.receive_request(**APPLICANT)
    drain()
    time_passes()
    drain()
    receipt = OutgoingMail.objects.get()
    assert (receipt.status, receipt.attempts) == (Status.FAILED, 2)
    assert not DBTaskResult.objects.filter(status="READY").exists()  # given up, for the office

    changelist = reverse("admin:core_outgoingmail_changelist")
    client.force_login(supervisor)
    page = client.get(changelist, {"status": "failed"}).content.decode()
    assert "信息公开申请回执" in page and "wang@example.com" not in page  # recipients are personal
    detail = client.get(reverse("admin:core_outgoingmail_change", args=[receipt.pk])).content.decode()
    assert "wang@example.com" not in detail and "王小明" not in detail
    # The supervisor reads but sends nothing.
    client.post(changelist, {"action": "resend_selected", "_selected_action": [receipt.pk]})
    receipt.refresh_from_db()
    assert receipt.status == Status.FAILED

    client.force_login(office_user)
    assert "wang@example.com" in client.get(
        reverse("admin:core_outgoingmail_change", args=[receipt.pk])).content.decode()
    server = FlakyServer(refusals=0)
    controller = Controller(server, hostname="127.0.0.1", port=smtp_settings)
    controller.start()
    try:
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(changelist, {"action": "resend_selected",
                                                "_selected_action": [receipt.pk]}, follow=True)
        assert "已将 1 封邮件重新排入发送队列" in response.content.decode()
        receipt.refresh_from_db()
        assert receipt.status == Status.WAITING
        assert receipt.resent_by == office_user and receipt.resent_at
        assert LogEntry.objects.filter(object_id=str(receipt.pk), change_message="重新发送",
                                       user=office_user).exists()
        drain()
    finally:
        controller.stop()
    receipt.refresh_from_db()
    assert receipt.status == Status.SENT and len(server.received) == 1


def test_resending_is_for_the_office_and_never_for_sent_mail(db, office_user, editor,
                                                             django_capture_on_commit_callbacks, drain):
    with django_capture_on_commit_callbacks(execute=True):
        outbox.queue_mail(to=["a@example.com"], subject="测试", body="正文")
    drain()  # the test settings keep mail in memory: sent at once
    sent = OutgoingMail.objects.get()
    assert sent.status == Status.SENT and len(mail.outbox) == 1
    with pytest.raises(NotAllowed):
        backoffice_outbox.resend_mail(sent, by=editor)
    with pytest.raises(Exception, match="已发送"):
        backoffice_outbox.resend_mail(sent, by=office_user)


def test_a_rolled_back_change_leaves_no_mail_and_a_committed_one_always_has_its_mail(db):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        request_actions.receive_request(**{**APPLICANT, "email": "not-an-email"})
    assert not OutgoingMail.objects.exists()
    request_actions.receive_request(**APPLICANT)
    assert OutgoingMail.objects.count() == 1


def test_error_report_notification_and_digest_go_through_the_outbox(db, make_item, office_user, editor,
                                                                     django_capture_on_commit_callbacks,
                                                                     drain):
    office_user.email, editor.email = "office@example.edu.cn", "editor@example.edu.cn"
    office_user.save()
    editor.save()
    item = make_item("published")
    with django_capture_on_commit_callbacks(execute=True):
        site_services.submit_error_report(item, kind="error", message="电话号码有误")
    notice = OutgoingMail.objects.get(kind=OutgoingMail.Kind.ERROR_REPORT)
    assert notice.to == ["editor@example.edu.cn", "office@example.edu.cn"]
    drain()
    assert [m.subject for m in mail.outbox] == [notice.subject]


def test_waiting_mail_whose_task_was_lost_is_enqueued_again(db, drain):
    # As if the process died between the commit and the enqueue: the row is there, no task.
    lost = OutgoingMail.objects.create(to=["a@example.com"], subject="丢失的任务", body="正文",
                                       next_attempt_at=timezone.now() - dt.timedelta(hours=1))
    assert not DBTaskResult.objects.exists()
    call_command("send_waiting_mail")
    drain()
    lost.refresh_from_db()
    assert lost.status == Status.SENT and mail.outbox[0].subject == "丢失的任务"


def test_back_off_doubles_and_is_capped(settings):
    settings.MAIL_RETRY_SECONDS, settings.MAIL_RETRY_MAX_SECONDS = 60, 3600
    assert [outbox.retry_delay(n).total_seconds() for n in (1, 2, 3, 7, 8)] == [60, 120, 240, 3600, 3600]


def test_error_text_never_keeps_an_address():
    error = OSError("550 rejected <li.si@example.org> and other@example.net")
    text = outbox.describe_error(error, ["li.si@example.org"])
    assert "@" not in text and "<收件人>" in text


def test_every_kind_of_mail_goes_through_the_one_outbox(db, office_user, drain,
                                                         django_capture_on_commit_callbacks):
    """Receipt, answer and the reply letter's delivery: each a row, each sent by the worker."""
    from disclosure.disclosure_requests.models import ReplyReason, ReplyType

    with django_capture_on_commit_callbacks(execute=True):
        request = request_actions.receive_request(
            by=office_user, received_on=timezone.localdate(), channel="letter", **APPLICANT)
        request = request_actions.answer_request(
            request, by=office_user, reply_type=ReplyType.NOT_DISCLOSED,
            reason=ReplyReason.STATE_SECRET, on=timezone.localdate())
        letter = request_actions.generate_reply_letter(request, by=office_user)
        request_actions.deliver_letter(request, by=office_user, letter=letter.pk, via="online",
                                       on=timezone.localdate())
    kinds = list(OutgoingMail.objects.order_by("id").values_list("kind", flat=True))
    assert kinds == [OutgoingMail.Kind.RECEIPT, OutgoingMail.Kind.REQUEST_UPDATE, OutgoingMail.Kind.LETTER]
    assert drain() == 3
    assert [m.to for m in mail.outbox] == [["wang@example.com"]] * 3
    assert "告知书" in mail.outbox[-1].subject


def test_the_queue_is_the_database_and_no_task_runs_inside_the_request(settings):
    # A queued backend, in the test settings too: tests drain it with the worker (`run_worker`).
    from django.tasks import task_backends

    assert settings.TASKS["default"]["BACKEND"] == "django_tasks_db.DatabaseBackend"
    assert task_backends["default"].supports_defer  # the retries wait with run_after
