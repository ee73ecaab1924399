"""Limits declared once in settings: the admin, the API and the service refuse the same values with
the same Chinese sentence (they used to disagree: 15, 60 and 15 working days)."""

import datetime as dt

import pytest
from django.urls import reverse

from disclosure.core.errors import TransitionNotAllowed
from disclosure.disclosure_requests import actions as rs
from disclosure.disclosure_requests.models import DisclosureRequest

from .test_requests import APPLICANT

pytestmark = pytest.mark.django_db


@pytest.fixture
def received(office_user):
    return rs.receive_request(by=office_user, channel="letter", received_on=dt.date(2026, 3, 2),
                              **APPLICANT)


def _extension(workdays):
    return {"workdays": workdays, "approver": "李主任", "reason": "需检索档案",
            "on": "2026-03-03", "notified_on": "2026-03-03"}


@pytest.mark.parametrize("limit", [15, 10])
def test_admin_api_and_service_refuse_one_day_over_the_setting_alike(
        received, office_user, client, settings, limit):
    settings.DISCLOSURE = {**settings.DISCLOSURE, "REQUEST_EXTENSION_MAX_WORKDAYS": limit}
    message = f"延期工作日数应在 1 至 {limit} 之间。"
    over = limit + 1

    with pytest.raises(TransitionNotAllowed) as refused:
        rs.extend_request(received, by=office_user, workdays=over, approver="李主任",
                          reason="需检索档案", on=dt.date(2026, 3, 3))
    assert refused.value.messages == [message]

    client.force_login(office_user)
    step = reverse("admin:disclosure_requests_disclosurerequest_step", args=[received.pk, "extend_request"])
    page = client.post(step, _extension(over))
    assert page.status_code == 400
    assert message in page.content.decode()

    api = client.post(reverse("api:staff-request-extend", args=[received.pk]),
                      data=_extension(over), content_type="application/json")
    assert api.status_code == 400
    assert api.json()["errors"]["workdays"] == [message]

    received.refresh_from_db()
    assert received.status == DisclosureRequest.Status.RECEIVED and received.extension_workdays == 0

    # The limit itself is accepted at every door (here through the admin).
    assert client.post(step, _extension(limit)).status_code == 302
    received.refresh_from_db()
    assert received.extension_workdays == limit


def test_the_admin_form_offers_the_setting_as_its_bound(received, office_user, client, settings):
    settings.DISCLOSURE = {**settings.DISCLOSURE, "REQUEST_EXTENSION_MAX_WORKDAYS": 12}
    client.force_login(office_user)
    page = client.get(reverse("admin:disclosure_requests_disclosurerequest_step",
                              args=[received.pk, "extend_request"])).content.decode()
    assert 'max="12"' in page and 'value="12"' in page
