"""Issue-2 ground: the checklist migration, derived fields, deadlines, calendar changes, demo data."""

import datetime as dt
import json
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from disclosure.catalogue.models import ChecklistCategory, ChecklistEntry
from disclosure.items import actions as item_actions
from disclosure.items.models import Attachment, DisclosureItem, ItemEvent
from disclosure.workcalendar import services as calendar_services
from disclosure.workcalendar.models import Holiday
from disclosure.workcalendar.services import HolidayRow

SHARED_CHECKLIST = Path(__file__).resolve().parents[3] / "shared" / "domain" / "checklist.json"
PROJECT_CHECKLIST = Path(__file__).resolve().parents[2] / "disclosure" / "catalogue" / "data" / "checklist.json"

pytestmark = pytest.mark.django_db


def test_project_checklist_reproduces_the_shared_file():
    if not SHARED_CHECKLIST.exists():
        pytest.skip("../shared/domain/checklist.json is not beside the project")
    assert json.loads(PROJECT_CHECKLIST.read_text()) == json.loads(SHARED_CHECKLIST.read_text())


def test_migrate_loads_exactly_the_official_checklist():
    data = json.loads(PROJECT_CHECKLIST.read_text())
    assert ChecklistCategory.objects.count() == 10
    assert list(ChecklistEntry.objects.values_list("number", flat=True)) == list(range(1, 51))
    for category in data["categories"]:
        db_category = ChecklistCategory.objects.get(number=category["number"])
        assert db_category.name == category["name"]
        assert [(e.number, e.title) for e in db_category.entries.order_by("number")] == [
            (e["number"], e["title"]) for e in category["entries"]
        ]


def test_body_is_sanitised_and_segmented_on_save(make_item):
    item = make_item(
        title="2026年本科招生章程",
        body='<p onclick="x()">招生章程全文<script>alert(1)</script>'
             '<a href="javascript:alert(1)">链接</a><img src=x onerror=alert(1)></p>',
    )
    assert "<script" not in item.body and "onclick" not in item.body
    assert "javascript:" not in item.body and "onerror" not in item.body
    assert "招生" in item.search_title.split()
    assert "章程" in item.search_body.split()


def test_publish_deadline_is_stored_and_follows_produced_on(make_item, office_user):
    item = make_item(produced_on=dt.date(2025, 9, 26))
    assert item.publish_due == dt.date(2025, 10, 23)  # over National Day, two make-up days counted
    assert not item.deadline_provisional
    item = item_actions.edit_item(item, by=office_user, changes={"produced_on": dt.date(2025, 9, 30)})
    item.refresh_from_db()
    assert item.publish_due == dt.date(2025, 10, 28)


def test_deadline_over_2027_is_provisional_and_shown_so_in_admin(make_item, client, office_user):
    item = make_item(produced_on=dt.date(2026, 12, 25))
    assert item.publish_due == dt.date(2027, 1, 18)
    assert item.deadline_provisional
    client.force_login(office_user)
    page = client.get(reverse("admin:items_disclosureitem_change", args=[item.pk]))
    assert page.status_code == 200
    assert "暂定" in page.content.decode()
    listing = client.get(reverse("admin:items_disclosureitem_changelist"))
    assert "暂定" in listing.content.decode()


def test_loading_an_official_year_recomputes_open_deadlines_and_records_it(make_item, office_user):
    item = make_item(produced_on=dt.date(2026, 12, 25))
    assert item.deadline_provisional
    published = make_item("published", produced_on=dt.date(2026, 12, 24), title="已发布")
    rows = [HolidayRow(dt.date(2027, 1, 1), False, "元旦"), HolidayRow(dt.date(2027, 1, 4), False, "元旦")]
    loaded, moved = calendar_services.load_holiday_arrangement(2027, rows, by=office_user)
    assert loaded == 2 and moved == 1
    item.refresh_from_db()
    assert not item.deadline_provisional
    assert item.publish_due == dt.date(2027, 1, 19)
    event = ItemEvent.objects.get(item=item, action=ItemEvent.Action.DEADLINE_RECOMPUTED)
    assert event.actor == office_user and "2027" in event.note
    # A published item's publication clock is closed: not touched.
    assert not ItemEvent.objects.filter(item=published, action=ItemEvent.Action.DEADLINE_RECOMPUTED).exists()


def test_an_override_edited_in_admin_moves_deadlines(make_item, client, office_user):
    item = make_item(produced_on=dt.date(2026, 3, 2))
    assert item.publish_due == dt.date(2026, 3, 23)
    client.force_login(office_user)
    response = client.post(reverse("admin:workcalendar_holiday_add"), {
        "date": "2026-03-10", "is_workday": "", "name": "校庆", "source": "manual", "note": "",
    })
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.publish_due == dt.date(2026, 3, 24)
    assert Holiday.objects.filter(date=dt.date(2026, 3, 10)).exists()


def _item_form(item, **overrides):
    data = {
        "title": item.title, "department": item.department_id, "entries": [e.pk for e in item.entries.all()],
        "document_number": "", "document_kind": "", "summary": "", "body": item.body,
        "attribute": item.attribute, "exemption_reason": item.exemption_reason,
        "produced_on": item.produced_on.isoformat(), "changed_on": "",
        "expected_version": item.version,
        "attachments-TOTAL_FORMS": "0", "attachments-INITIAL_FORMS": "0",
        "publications-TOTAL_FORMS": "0", "publications-INITIAL_FORMS": "0",
        "events-TOTAL_FORMS": "0", "events-INITIAL_FORMS": "0",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"attribute": "exempt", "exemption_reason": ""}, "必须选择不予公开理由"),
        ({"changed_on": "2026-01-05"}, "变更之日不能早于信息制作完成之日"),
    ],
)
def test_admin_refuses_bad_input_in_chinese_and_saves_nothing(make_item, client, office_user,
                                                              overrides, message):
    item = make_item()
    before = DisclosureItem.objects.values().get(pk=item.pk)
    client.force_login(office_user)
    url = reverse("admin:items_disclosureitem_change", args=[item.pk])
    response = client.post(url, _item_form(item, **overrides))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert DisclosureItem.objects.values().get(pk=item.pk) == before


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("page.html", b"<html><script>alert(1)</script></html>", "不允许上传该类型的文件"),
        ("fake.pdf", b"MZ\x90\x00 not a pdf", "文件内容与扩展名"),
    ],
)
def test_admin_refuses_forbidden_attachments(make_item, client, office_user, name, content, message):
    item = make_item()
    client.force_login(office_user)
    url = reverse("admin:items_disclosureitem_change", args=[item.pk])
    data = _item_form(item, **{
        "attachments-TOTAL_FORMS": "1", "attachments-0-title": "附件",
        "attachments-0-sort_order": "0",
        "attachments-0-file": SimpleUploadedFile(name, content),
    })
    response = client.post(url, data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Attachment.objects.exists()


def test_attachment_over_the_size_limit_is_refused(make_item, settings):
    settings.DISCLOSURE = {**settings.DISCLOSURE, "ATTACHMENT_MAX_BYTES": 1024}
    item = make_item()
    attachment = Attachment(item=item, title="大文件", file=SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * 2048))
    with pytest.raises(ValidationError, match="文件过大"):
        attachment.full_clean()


def test_item_history_records_who_and_what(make_item, office_user):
    item = make_item("published")
    records = list(item.history.order_by("history_date"))
    assert records[0].history_user == office_user
    assert [r.history_change_reason for r in records][-1] == "发布"
    actions = list(item.events.order_by("at", "id").values_list("action", flat=True))
    assert actions == ["created", "submitted", "reviewed", "published"]


def test_load_demo_twice_duplicates_nothing():
    call_command("load_demo", items=60, verbosity=0)
    counts = (DisclosureItem.objects.count(), Attachment.objects.count(), ItemEvent.objects.count())
    assert counts[0] == 60
    assert DisclosureItem.objects.filter(status="published").exists()
    assert set(DisclosureItem.objects.values_list("entries__number", flat=True)) >= set(range(1, 51))
    call_command("load_demo", items=60, verbosity=0)
    assert (DisclosureItem.objects.count(), Attachment.objects.count(), ItemEvent.objects.count()) == counts
