"""Export to Excel/CSV and import from Excel: Chinese headers, scoped, all-or-nothing import."""

import csv
import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from disclosure.items import transfer
from disclosure.items.models import DisclosureItem, ItemEvent

pytestmark = pytest.mark.django_db
IMPORT = reverse("admin:items_disclosureitem_import")
HEADERS = [label for _key, label in transfer.IMPORT_COLUMNS]


def sheet(rows, headers=HEADERS):
    workbook = Workbook()
    ws = workbook.active
    ws.append(headers)
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def row(title="2026年本科招生章程", department="教务处", entries="7,8", produced="2026-03-02", **extra):
    values = {"title": title, "department": department, "entries": entries, "document_number": "",
              "document_kind": "", "attribute": "主动公开", "exemption_reason": "",
              "produced_on": produced, "changed_on": "", "summary": "", "body": ""}
    values.update(extra)
    return [values[key] for key, _label in transfer.IMPORT_COLUMNS]


def test_export_has_chinese_headers_and_values(make_item):
    item = make_item(title="=HYPERLINK(\"http://evil\")", document_number="教发〔2026〕1号")
    workbook = load_workbook(io.BytesIO(transfer.export_items_xlsx(DisclosureItem.objects.all())))
    rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    assert rows[0][:4] == ("编号", "标题", "发布部门", "清单事项序号")
    data = dict(zip(rows[0], rows[1], strict=True))
    assert data["编号"] == item.pk and data["发布部门"] == "教务处" and data["清单事项序号"] == "2"
    assert data["公开属性"] == "主动公开" and data["状态"] == "草稿"
    assert data["标题"].startswith("'=")  # never a formula
    assert data["公开期限"].date() == dt.date(2026, 3, 23)
    text = transfer.export_items_csv(DisclosureItem.objects.all()).decode("utf-8-sig")
    header, first = list(csv.reader(io.StringIO(text)))[:2]
    assert header[1] == "标题" and first[1].startswith("'=")


def test_export_then_import_round_trips(make_item, office_user):
    make_item(title="学校章程", summary="章程全文")
    content = transfer.export_items_xlsx(DisclosureItem.objects.all())
    preview = transfer.preview_import(content, by=office_user)
    assert preview.ok, preview.all_errors()
    assert transfer.import_items(preview, by=office_user, source="export.xlsx") == 1
    copy = DisclosureItem.objects.exclude(pk=DisclosureItem.objects.order_by("pk").first().pk).get()
    assert copy.title == "学校章程" and copy.summary == "章程全文" and copy.status == "draft"
    assert list(copy.entries.values_list("number", flat=True)) == [2]
    assert set(copy.events.values_list("action", flat=True)) == {"created", "imported"}


def test_preview_lists_every_rows_errors_in_chinese(office_user, department):
    content = sheet([
        row(),
        row(title="", department="不存在的处"),
        row(title="坏日期", produced="2026-13-45", entries="99"),
        row(title="不予公开无理由", attribute="不予公开"),
        row(title="属性错", attribute="半公开"),
    ])
    preview = transfer.preview_import(content, by=office_user)
    assert not preview.ok
    errors = {r.number: r.errors for r in preview.rows}
    assert errors[2] == []
    assert any("标题" in e for e in errors[3]) and any("不存在的处" in e for e in errors[3])
    assert any("不是有效日期" in e for e in errors[4]) and any("99" in e for e in errors[4])
    assert any("不予公开理由" in e for e in errors[5])
    assert any("主动公开" in e for e in errors[6])
    with pytest.raises(ValidationError):
        transfer.import_items(preview, by=office_user)
    assert not DisclosureItem.objects.exists()


def test_missing_columns_and_bad_files(office_user):
    preview = transfer.preview_import(sheet([["x"]], headers=["标题"]), by=office_user)
    assert "缺少" in preview.errors[0]
    preview = transfer.preview_import(b"not an excel file", by=office_user)
    assert "无法读取" in preview.errors[0]
    assert not transfer.preview_import(sheet([]), by=office_user).ok


def test_admin_import_preview_then_confirm(client, office_user, department):
    client.force_login(office_user)
    upload = io.BytesIO(sheet([row(), row(title="第二条", department="jwc")]))
    upload.name = "items.xlsx"
    response = client.post(IMPORT, {"file": upload})
    assert response.status_code == 200 and "可以导入" in response.content.decode()
    assert not DisclosureItem.objects.exists()  # the preview saves nothing
    response = client.post(IMPORT, {"confirm": "1"})
    assert response.status_code == 302
    assert set(DisclosureItem.objects.values_list("title", flat=True)) == {"2026年本科招生章程", "第二条"}
    assert ItemEvent.objects.filter(action="imported", actor=office_user).count() == 2


def test_admin_import_with_a_bad_row_saves_nothing(client, office_user, department):
    client.force_login(office_user)
    upload = io.BytesIO(sheet([row(), row(title="", produced="")]))
    upload.name = "items.xlsx"
    response = client.post(IMPORT, {"file": upload})
    page = response.content.decode()
    assert response.status_code == 400
    assert "“标题”不能为空" in page and "未导入任何事项" in page and "确认导入" not in page
    assert client.post(IMPORT, {"confirm": "1"}).status_code == 302  # nothing stored to confirm
    assert not DisclosureItem.objects.exists()


def test_admin_import_without_file_is_400(client, office_user):
    client.force_login(office_user)
    assert client.post(IMPORT, {}).status_code == 400
