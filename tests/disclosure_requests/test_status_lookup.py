"""The applicant's status lookup: only number + check code open a request; a lost code is re-sent
to the address on file (rate-limited, recorded), never shown, with one answer whatever happened."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from disclosure.disclosure_requests import actions as rs
from disclosure.disclosure_requests import views as request_views
from disclosure.disclosure_requests.models import DisclosureRequest, RequestEvent

from .test_request_views import NAME, PHONE, STATUS, _clear_rate_limits, form_data, submitted  # noqa: F401

RESEND = "disclosure:request_code_resend"
EMAIL = form_data()["email"]


def _main(response) -> str:
    text = response.content.decode().split('<main id="main"', 1)[1]
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", text)


@pytest.mark.parametrize("secret", [PHONE, "139 1234 5678", "+86 139-1234-5678"])
def test_the_phone_number_does_not_open_a_request(submitted, client, secret):  # noqa: F811
    req, _ = submitted
    response = client.post(reverse(STATUS), {"tracking_number": req.tracking_number, "secret": secret})
    assert response.status_code == 404
    assert NAME not in response.content.decode()
    assert rs.get_request_for_applicant(req.tracking_number, secret) is None
    assert rs.get_request_for_applicant(req.tracking_number, req.check_code.lower()) == req


@pytest.mark.parametrize("contact", [EMAIL, EMAIL.upper(), PHONE, "139-1234-5678"])
def test_a_lost_code_is_mailed_to_the_address_on_file_and_recorded(
        submitted, client, contact, django_capture_on_commit_callbacks, run_worker):  # noqa: F811
    req, _ = submitted
    run_worker()  # the receipt of the submission goes first
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse(RESEND), {"tracking_number": req.tracking_number.lower(),
                                                 "contact": contact})
    assert response.status_code == 200
    page = response.content.decode()
    assert request_views.RESEND_MESSAGE in page
    # Never shown on screen, nor in the recorded event.
    assert req.check_code not in page and NAME not in page
    run_worker()  # the outbox is sent by the task worker
    assert [m.to for m in mail.outbox] == [[EMAIL]]
    assert req.check_code in mail.outbox[0].body
    event = req.events.get(action=RequestEvent.Action.CHECK_CODE_RESENT)
    assert event.actor is None and event.data["sent_by"] == "email"
    assert req.check_code not in event.note + str(event.data)
    # Internal: the applicant's own timeline does not list it.
    assert RequestEvent.Action.CHECK_CODE_RESENT not in request_views.PUBLIC_EVENT_ACTIONS


def test_without_an_email_on_file_the_office_is_asked_to_post_it(client, db, office_user,
                                                                 django_capture_on_commit_callbacks):
    req = rs.receive_request(by=office_user, channel="letter", applicant_type="citizen",
                             applicant_name=NAME, id_number=form_data()["id_number"], phone=PHONE,
                             email="", postal_address="武当山", postal_code="442000",
                             description="学校预算", preferred_form="paper", delivery="post")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse(RESEND), {"tracking_number": req.tracking_number, "contact": PHONE})
    assert response.status_code == 200 and request_views.RESEND_MESSAGE in response.content.decode()
    assert mail.outbox == []
    event = req.events.get(action=RequestEvent.Action.CHECK_CODE_RESENT)
    assert event.data["sent_by"] == "post_by_office" and "邮寄" in event.note


def test_the_answer_does_not_tell_whether_the_number_exists(submitted, client,  # noqa: F811
                                                            django_capture_on_commit_callbacks, run_worker):
    req, _ = submitted
    run_worker()  # the receipt of the submission goes first
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        right = client.post(reverse(RESEND), {"tracking_number": req.tracking_number, "contact": PHONE})
        wrong_contact = client.post(reverse(RESEND), {"tracking_number": req.tracking_number,
                                                      "contact": "13000000000"})
        unknown = client.post(reverse(RESEND), {"tracking_number": "YSQ-2026-9999", "contact": PHONE})
    assert right.status_code == wrong_contact.status_code == unknown.status_code == 200
    assert _main(right) == _main(wrong_contact) == _main(unknown)
    run_worker()  # the outbox is sent by the task worker
    assert len(mail.outbox) == 1
    assert req.events.filter(action=RequestEvent.Action.CHECK_CODE_RESENT).count() == 1


def test_resending_is_rate_limited_per_address_and_per_request(submitted, client,  # noqa: F811
                                                               django_capture_on_commit_callbacks, run_worker):
    req, _ = submitted
    run_worker()  # the receipt of the submission goes first
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        answers = [client.post(reverse(RESEND), {"tracking_number": req.tracking_number, "contact": EMAIL},
                               REMOTE_ADDR="198.51.100.7").status_code
                   for _ in range(request_views.RESEND_LIMIT + 1)]
    assert answers[-1] == 429 and set(answers[:-1]) == {200}
    # Whatever the addresses, the applicant's mailbox gets a few codes a day at most.
    run_worker()  # the outbox is sent by the task worker
    assert len(mail.outbox) == rs.CHECK_CODE_RESENDS_PER_DAY
    assert req.events.filter(action=RequestEvent.Action.CHECK_CODE_RESENT).count() == \
        rs.CHECK_CODE_RESENDS_PER_DAY


def test_the_resend_form_needs_both_fields(client, db):
    response = client.post(reverse(RESEND), {"tracking_number": "", "contact": ""})
    assert response.status_code == 400 and "请填写此项" in response.content.decode()
    assert client.get(reverse(RESEND)).status_code == 200
    assert DisclosureRequest.objects.count() == 0
