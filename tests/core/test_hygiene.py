"""Control characters: cleaned once, before any save (forms, API, services); and every output
(feeds, CSV, Excel, .docx, JSON, HTML) survives text already stored with them."""

import datetime as dt
import io
import json
import xml.dom.minidom

import pytest
from django.core.cache import cache
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook
from rest_framework.test import APIClient

from disclosure.annual_reports.models import AnnualReport
from disclosure.catalogue.models import Department
from disclosure.core.hygiene import clean_text
from disclosure.disclosure_requests import actions as request_actions
from disclosure.disclosure_requests.models import DisclosureRequest, ReplyType
from disclosure.items.models import DisclosureItem

# Every kind: C0 (\x01, \x0b, \x0c, \x1f), DEL, C1 (\x85, \x9f) and a CR LF.
DIRTY = "控制\x01字符\x0b标题\x0c与\x1f删\x7f除\x85结\x9f束\r\n下一行\r末行\t完"
CLEAN = "控制字符标题与删除结束\n下一行\n末行\t完"
CONTROLS = [chr(c) for c in [*range(0x00, 0x09), 0x0b, 0x0c, *range(0x0e, 0x20), *range(0x7f, 0xa0)]]


def test_clean_text_keeps_tab_and_newline_and_nothing_else_of_the_controls():
    assert clean_text(DIRTY) == CLEAN
    assert clean_text("".join(CONTROLS)) == ""
    assert clean_text("a\r\nb\rc\nd\te") == "a\nb\nc\nd\te"
    assert clean_text("正常的标题 (2026)") == "正常的标题 (2026)"
    assert clean_text("") == "" and clean_text(None) is None


@pytest.mark.django_db
def test_every_save_cleans_text_whatever_the_door(make_item, client, office_user, django_capture_on_commit_callbacks):
    # Through the services (what the admin's forms and the import call).
    item = make_item("published", title=DIRTY, summary=DIRTY)
    item.refresh_from_db()
    assert item.title == CLEAN and item.summary == CLEAN
    # The public request form.
    from tests.disclosure_requests.test_request_views import form_data

    cache.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("disclosure:request_create"),
                               form_data(description=DIRTY, purpose=DIRTY))
    assert response.status_code == 302, response.content.decode()[:500]
    req = DisclosureRequest.objects.get()
    assert req.description == CLEAN and req.purpose == CLEAN
    # The API (JSON can carry any control character as \u00XX).
    api = APIClient()
    response = api.post("/api/v1/requests/", {
        "applicant_type": "citizen", "applicant_name": "张\x0b申请人", "id_number": "11010519491231002X",
        "phone": "13800138000", "email": "zhang.applicant@example.com", "description": DIRTY,
        "preferred_form": "electronic", "delivery": "email",
    }, format="json")
    assert response.status_code == 201, response.content
    req = DisclosureRequest.objects.get(tracking_number=response.json()["tracking_number"])
    assert req.description == CLEAN and req.applicant_name == "张申请人"
    # A service's JSON details too (strings inside JSON fields).
    event = req.events.first()
    event.data = {"note": DIRTY, "nested": [DIRTY]}
    event.save()
    event.refresh_from_db()
    assert event.data == {"note": CLEAN, "nested": [CLEAN]}


@pytest.fixture
def stored_dirty(make_item, office_user, entry):
    """Control characters written past save() (QuerySet.update), as old data or raw SQL would."""
    item = make_item("published", summary="摘要")
    req = request_actions.receive_request(
        by=office_user, received_on=dt.date(2026, 3, 2), channel="letter", applicant_type="citizen",
        applicant_name="张三", id_number="11010519491231002X", phone="13800138000",
        email="a@example.com", postal_address="某路 1 号", description="学校预算", purpose="研究",
    )
    req = request_actions.answer_request(req, by=office_user, reply_type=ReplyType.DISCLOSED,
                                         text="见附件。", on=dt.date(2026, 3, 3))
    report = AnnualReport.objects.create(year=2025)
    DisclosureItem.objects.filter(pk=item.pk).update(title=DIRTY, summary=DIRTY, body=f"<p>{DIRTY}</p>")
    Department.objects.filter(pk=item.department_id).update(name="部门\x0b名称")
    DisclosureRequest.objects.filter(pk=req.pk).update(description=DIRTY, reply_text=DIRTY,
                                                       applicant_name="张\x0c三")
    AnnualReport.objects.filter(pk=report.pk).update(title=DIRTY, overview=DIRTY, problems=DIRTY)
    assert DisclosureItem.objects.get(pk=item.pk).title == DIRTY  # really stored as is
    return {"item": item, "request": req, "report": report, "category": entry.category}


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def _no_controls(text: str, where: str) -> None:
    found = [repr(c) for c in CONTROLS if c in text and c not in "\t\n"]
    assert not found, f"{where}: {found}"


@pytest.mark.django_db
def test_feeds_survive_stored_control_characters(stored_dirty, client):
    for url in (reverse("disclosure:feed"),
                reverse("disclosure:category_feed", args=[stored_dirty["category"].number])):
        response = client.get(url)
        assert response.status_code == 200, url
        text = _body(response).decode()
        xml.dom.minidom.parseString(text.encode())  # noqa: S318 - our own feed: is it well-formed?
        assert "控制字符标题" in text
        _no_controls(text, url)


@pytest.mark.django_db
def test_excel_and_csv_exports_survive_stored_control_characters(stored_dirty, client, office_user):
    client.force_login(office_user)
    xlsx = client.get(reverse("admin:items_disclosureitem_export", args=["xlsx"]))
    assert xlsx.status_code == 200
    rows = list(load_workbook(io.BytesIO(_body(xlsx))).active.iter_rows(values_only=True))
    assert any(CLEAN.split("\n")[0] in str(cell) for cell in rows[1])
    csv_admin = client.get(reverse("admin:items_disclosureitem_export", args=["csv"]))
    assert csv_admin.status_code == 200
    _no_controls(_body(csv_admin).decode("utf-8-sig"), "admin csv")
    csv_api = client.get(reverse("api:export-items-csv"))
    assert csv_api.status_code == 200
    _no_controls(_body(csv_api).decode("utf-8-sig"), "api csv")


@pytest.mark.django_db
def test_json_and_html_survive_stored_control_characters(stored_dirty, client):
    item = stored_dirty["item"]
    for url in (reverse("api:export-items-json"), reverse("api:item-detail", args=[item.pk]),
                reverse("api:item-list")):
        response = client.get(url)
        assert response.status_code == 200, url
        json.loads(_body(response))
    for url in (item.get_absolute_url(), reverse("disclosure:home"),
                stored_dirty["category"].get_absolute_url(), reverse("disclosure:search") + "?q=控制"):
        response = client.get(url)
        assert response.status_code == 200, url


@pytest.mark.django_db
def test_reply_letter_survives_stored_control_characters(stored_dirty, client, office_user):
    req = stored_dirty["request"]
    client.force_login(office_user)
    step = reverse("admin:disclosure_requests_disclosurerequest_step", args=[req.pk, "generate_letter"])
    assert client.post(step, {"kind": "disclosed"}).status_code == 302
    letter = req.letters.get()
    response = client.get(reverse("admin:disclosure_requests_disclosurerequest_letter", args=[req.pk, letter.pk]))
    assert response.status_code == 200
    text = "\n".join(p.text for p in Document(io.BytesIO(_body(response))).paragraphs)
    assert "张三" in text
    _no_controls(text, "letter")


@pytest.mark.django_db
def test_report_docx_and_page_survive_stored_control_characters(stored_dirty, client, office_user):
    client.force_login(office_user)
    year = stored_dirty["report"].year
    response = client.get(reverse("disclosure:report_docx", args=[year]))
    assert response.status_code == 200
    document = Document(io.BytesIO(_body(response)))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "控制字符标题" in text
    _no_controls(text, "report docx")
    assert client.get(reverse("disclosure:report_detail", args=[year])).status_code == 200
