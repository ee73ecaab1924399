"""The received date follows the channel (条例 art. 31); a third party's 15 days run from its receipt.

Both rules live in `disclosure.disclosure_requests.clock`: `received_on_for` and `third_party_limit`.
"""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from disclosure.disclosure_requests import actions as rs
from disclosure.disclosure_requests.clock import (
    RECEIPT_RULES,
    ClockFacts,
    Pause,
    compute_clock,
    received_on_for,
    third_party_limit,
)
from disclosure.disclosure_requests.models import DisclosureRequest, RequestEvent
from disclosure.workcalendar.workdays import WorkdayCalendar

D = dt.date
CAL = WorkdayCalendar()
SATURDAY_MORNING = timezone.make_aware(dt.datetime(2026, 3, 7, 10, 0))
APPLICANT = {"applicant_type": "citizen", "applicant_name": "张三", "description": "学校预算",
             "preferred_form": "electronic", "delivery": "email"}


def test_every_channel_has_its_rule():
    assert set(RECEIPT_RULES) == set(DisclosureRequest.Channel.values)


@pytest.mark.parametrize(
    ("channel", "recorded_on", "expected"),
    [
        ("in_person", None, D(2026, 3, 7)),  # the day handed in, whatever day it is
        ("registered_post", D(2026, 3, 9), D(2026, 3, 9)),  # the day signed for
        ("letter", D(2026, 3, 10), D(2026, 3, 10)),  # the day the office confirms receipt
        ("fax", D(2026, 3, 9), D(2026, 3, 9)),
        ("email", D(2026, 3, 9), D(2026, 3, 9)),
        ("letter", None, D(2026, 3, 7)),  # not recorded apart: the day it was logged
        ("online", None, D(2026, 3, 9)),  # a Saturday: the next working day
        ("online", D(2026, 3, 10), D(2026, 3, 10)),  # the office confirmed another day
    ],
)
def test_received_on_by_channel(channel, recorded_on, expected):
    assert received_on_for(channel, submitted_at=SATURDAY_MORNING, recorded_on=recorded_on,
                           calendar=CAL) == expected


@pytest.fixture
def today(monkeypatch):
    monkeypatch.setattr(rs, "_today", lambda: D(2026, 3, 31))


def test_registered_post_counts_from_the_day_signed_for(db, office_user, today):
    req = rs.receive_request(by=office_user, channel="registered_post", received_on=D(2026, 3, 2),
                             **APPLICANT)
    assert (req.received_on, req.due_on) == (D(2026, 3, 2), D(2026, 3, 23))


def test_an_ordinary_letter_counts_from_the_day_the_office_confirms(db, office_user, today):
    req = rs.receive_request(by=office_user, channel="letter", received_on=D(2026, 3, 2), **APPLICANT)
    req = rs.confirm_receipt(req, by=office_user, received_on=D(2026, 3, 4), note="电话确认")
    assert (req.received_on, req.due_on) == (D(2026, 3, 4), D(2026, 3, 25))
    event = req.events.get(action=RequestEvent.Action.RECEIPT_CONFIRMED)
    assert (event.actor, event.data["received_on_before"], event.data["received_on"]) == (
        office_user, "2026-03-02", "2026-03-04")


def test_an_online_request_confirmed_cannot_predate_its_submission(db, office_user, today):
    req = rs.receive_request(submitted_at=SATURDAY_MORNING, **APPLICANT)
    assert req.received_on == D(2026, 3, 9)
    with pytest.raises(ValidationError, match="不能早于提交之日"):
        rs.confirm_receipt(req, by=office_user, received_on=D(2026, 3, 6))


def test_a_request_sent_on_a_rest_day_may_be_answered_that_day(db, office_user, monkeypatch):
    """Received (for the deadline) on Monday, yet the office on duty may answer it on Saturday."""
    monkeypatch.setattr(rs, "_today", lambda: D(2026, 3, 7))
    req = rs.receive_request(submitted_at=SATURDAY_MORNING, **APPLICANT)
    assert (req.arrived_on, req.received_on) == (D(2026, 3, 7), D(2026, 3, 9))
    with pytest.raises(ValidationError, match="不能早于 2026年03月07日"):
        rs.answer_request(req, by=office_user, reply_type="disclosed", text="见附件。", on=D(2026, 3, 6))
    req = rs.answer_request(req, by=office_user, reply_type="disclosed", text="见附件。", on=D(2026, 3, 7))
    assert (req.status, req.answered_on) == (DisclosureRequest.Status.ANSWERED, D(2026, 3, 7))


def test_the_third_partys_limit_runs_from_its_receipt_of_the_letter():
    # Sent Wednesday 4 March; received Friday 6 March.
    assert third_party_limit(D(2026, 3, 4), D(2026, 3, 6), 15, CAL) == D(2026, 3, 27)
    # Not yet known: counted from the day sent, the early side.
    assert third_party_limit(D(2026, 3, 4), None, 15, CAL) == D(2026, 3, 25)
    # Two working days counted before the letter (3 and 4 March), 13 after the limit, over Qingming.
    known = compute_clock(ClockFacts(D(2026, 3, 2), pauses=(Pause(D(2026, 3, 4),
                                                                  letter_received=D(2026, 3, 6)),)),
                          CAL, today=D(2026, 3, 10))
    unknown = compute_clock(ClockFacts(D(2026, 3, 2), pauses=(Pause(D(2026, 3, 4)),)), CAL,
                            today=D(2026, 3, 10))
    assert (known.due, unknown.due) == (D(2026, 4, 16), D(2026, 4, 14))


def test_the_office_records_the_day_the_third_party_received_the_letter(db, office_user, today):
    req = rs.receive_request(by=office_user, channel="in_person", received_on=D(2026, 3, 2),
                             **APPLICANT)
    with pytest.raises(ValidationError, match="第三方收到征求意见函之日不能早于"):
        rs.start_consultation(req, by=office_user, third_party="某公司", on=D(2026, 3, 4),
                              letter_received_on=D(2026, 3, 3))
    rs.start_consultation(req, by=office_user, third_party="某公司", on=D(2026, 3, 4))
    req.refresh_from_db()
    assert req.due_on == D(2026, 4, 14)
    with pytest.raises(ValidationError, match="不能晚于收到意见之日"):
        rs.end_consultation(req, by=office_user, on=D(2026, 3, 5), letter_received_on=D(2026, 3, 6))
    # The answer came after 15 working days from sending, within 15 from receipt: on time.
    req = rs.end_consultation(req, by=office_user, on=D(2026, 3, 27),
                              letter_received_on=D(2026, 3, 6))
    assert req.pauses.get().letter_received_on == D(2026, 3, 6)
    assert req.due_on == D(2026, 4, 16)
    event = req.events.get(action=RequestEvent.Action.CONSULTATION_ENDED)
    assert event.data["letter_received_on"] == "2026-03-06"


def test_the_api_takes_the_day_the_letter_was_received(db, office_user, today):
    req = rs.receive_request(by=office_user, channel="in_person", received_on=D(2026, 3, 2),
                             **APPLICANT)
    api = APIClient()
    api.force_authenticate(office_user)
    response = api.post(f"/api/v1/staff/requests/{req.pk}/start-consultation/",
                        {"third_party": "某公司", "on": "2026-03-04", "letter_received_on": "2026-03-06"},
                        format="json")
    assert response.status_code == 200, response.content
    assert response.json()["due_on"] == "2026-04-16"
    bad = api.post(f"/api/v1/staff/requests/{req.pk}/end-consultation/",
                   {"on": "2026-03-05", "letter_received_on": "2026-03-09"}, format="json")
    # A date the step refuses is a refused transition: 409, with the reason in Chinese.
    assert bad.status_code == 409 and "第三方收到征求意见函之日" in bad.content.decode()


def test_the_admin_step_page_takes_the_day_the_letter_was_received(db, client, office_user, today):
    req = rs.receive_request(by=office_user, channel="in_person", received_on=D(2026, 3, 2),
                             **APPLICANT)
    client.force_login(office_user)
    url = reverse("admin:disclosure_requests_disclosurerequest_step",
                  args=[req.pk, "start_consultation"])
    page = client.get(url).content.decode()
    assert "第三方收到征求意见函之日" in page
    response = client.post(url, {"third_party": "某公司", "on": "2026-03-04",
                                 "letter_received_on": "2026-03-06"})
    assert response.status_code == 302
    req.refresh_from_db()
    assert req.due_on == D(2026, 4, 16)
