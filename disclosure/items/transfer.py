"""Items out to Excel/CSV and in from Excel, in one format with Chinese headers.

Import is all or nothing: every row is checked first and every problem is reported in Chinese with its
row number; only a file without a single error is saved, in one transaction, each row through
`create_item` as a draft.
"""

from __future__ import annotations

import base64
import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from disclosure.catalogue.models import ChecklistEntry, Department
from disclosure.core.hygiene import clean_text
from disclosure.items.actions import can_edit_item, create_item
from disclosure.items.models import DisclosureItem, ItemEvent

MAX_IMPORT_BYTES = 2 * 1024 * 1024
MAX_IMPORT_ROWS = 2000
# Excel's limit per cell; longer bodies are cut on export (and said so in the cell).
EXCEL_CELL_MAX = 32767

# (key, header). The export writes all; the import reads IMPORT_COLUMNS and ignores the rest.
EXPORT_COLUMNS = [
    ("id", "编号"),
    ("title", "标题"),
    ("department", "发布部门"),
    ("entries", "清单事项序号"),
    ("document_number", "文号"),
    ("document_kind", "公文类型"),
    ("attribute", "公开属性"),
    ("exemption_reason", "不予公开理由"),
    ("produced_on", "信息制作完成或获取之日"),
    ("changed_on", "变更之日"),
    ("status", "状态"),
    ("publish_due", "公开期限"),
    ("update_due", "更新期限"),
    ("published_at", "发布时间"),
    ("summary", "摘要"),
    ("body", "正文"),
]
IMPORT_COLUMNS = [
    (key, label) for key, label in EXPORT_COLUMNS
    if key in {"title", "department", "entries", "document_number", "document_kind", "attribute",
               "exemption_reason", "produced_on", "changed_on", "summary", "body"}
]
REQUIRED_COLUMNS = {"title", "department", "produced_on"}


def _export_rows(queryset: QuerySet[DisclosureItem]):
    items = queryset.select_related("department").prefetch_related("entries")
    for item in items.iterator(chunk_size=500):
        published_at = timezone.localtime(item.published_at) if item.published_at else None
        yield {
            "id": item.pk,
            "title": item.title,
            "department": item.department.name,
            "entries": ",".join(str(e.number) for e in item.entries.all()),
            "document_number": item.document_number,
            "document_kind": item.get_document_kind_display() if item.document_kind else "",
            "attribute": item.get_attribute_display(),
            "exemption_reason": item.get_exemption_reason_display() if item.exemption_reason else "",
            "produced_on": item.produced_on,
            "changed_on": item.changed_on,
            "status": item.get_status_display(),
            "publish_due": item.publish_due,
            "update_due": item.update_due,
            "published_at": published_at.replace(tzinfo=None) if published_at else None,
            "summary": item.summary,
            "body": item.body,
        }


def _safe_text(value: Any) -> Any:
    if isinstance(value, str):
        # Excel's XML cannot carry control characters (openpyxl refuses the cell): text stored with
        # one past `save()` is cleaned here, in the CSV alike.
        value = clean_text(value)
    # A cell starting with = + - @ would run as a formula in Excel (CSV injection).
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def export_items_xlsx(queryset: QuerySet[DisclosureItem]) -> bytes:
    """The items as an .xlsx workbook with Chinese headers, one row per item."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("公开事项")
    sheet.append([label for _key, label in EXPORT_COLUMNS])
    for row in _export_rows(queryset):
        values = []
        for key, _label in EXPORT_COLUMNS:
            value = row[key]
            if isinstance(value, str) and len(value) > EXCEL_CELL_MAX:
                value = value[: EXCEL_CELL_MAX - 10] + "……（已截断）"
            values.append(_safe_text(value))
        sheet.append(values)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def export_items_csv(queryset: QuerySet[DisclosureItem]) -> bytes:
    """The items as CSV in UTF-8 with a byte-order mark, so that Excel opens the Chinese right."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([label for _key, label in EXPORT_COLUMNS])
    for row in _export_rows(queryset):
        writer.writerow(["" if row[key] is None else _safe_text(row[key])
                         for key, _label in EXPORT_COLUMNS])
    return buffer.getvalue().encode("utf-8-sig")


@dataclass
class ImportRow:
    number: int  # the row number in the sheet, as Excel shows it
    values: dict[str, Any]
    errors: list[str] = field(default_factory=list)
    fields: dict[str, Any] = field(default_factory=dict)
    entries: list[ChecklistEntry] = field(default_factory=list)


@dataclass
class ImportPreview:
    rows: list[ImportRow] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # problems of the file itself

    @property
    def ok(self) -> bool:
        return bool(self.rows) and not self.errors and not any(r.errors for r in self.rows)

    def all_errors(self) -> list[str]:
        return [*self.errors, *(f"第 {r.number} 行：{e}" for r in self.rows for e in r.errors)]


def encode_upload(content: bytes) -> str:
    return base64.b64encode(content).decode("ascii")


def decode_upload(data: str) -> bytes:
    return base64.b64decode(data.encode("ascii"))


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    return text[1:] if text.startswith("'") else text


def _date(value: Any, label: str, errors: list[str]) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = _text(value).replace("/", "-").replace(".", "-")
    for pattern in ("%Y-%m-%d", "%Y年%m月%d日"):
        try:
            return dt.datetime.strptime(text, pattern).date()  # noqa: DTZ007 - a calendar date
        except ValueError:
            continue
    errors.append(f"“{label}”不是有效日期：{text}（请填写如 2026-03-02）。")
    return None


def _choice(choices, value: str, label: str, errors: list[str], *, default: str = "") -> str:
    if not value:
        return default
    for key, text in choices:
        if value in (key, text):
            return key
    options = "、".join(text for key, text in choices if key)
    errors.append(f"“{label}”只能是：{options}；而不是“{value}”。")
    return default


def _read_sheet(content: bytes, preview: ImportPreview) -> list[tuple[int, tuple]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - openpyxl raises many kinds on a file that is not .xlsx
        preview.errors.append("无法读取该文件，请上传由“导出 Excel”得到的 .xlsx 格式文件。")
        return []
    try:
        sheet = workbook.worksheets[0]
        rows = []
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            if number > MAX_IMPORT_ROWS + 1:
                preview.errors.append(f"一次最多导入 {MAX_IMPORT_ROWS} 行，请拆分文件。")
                return []
            rows.append((number, values))
        return rows
    finally:
        workbook.close()


def preview_import(content: bytes, *, by) -> ImportPreview:
    """Check every row of an .xlsx file; nothing is saved. Errors are in Chinese, with row numbers."""
    preview = ImportPreview()
    rows = _read_sheet(content, preview)
    if preview.errors:
        return preview
    if not rows:
        preview.errors.append("文件是空的。")
        return preview
    header_number, header = rows[0]
    labels = {label: key for key, label in IMPORT_COLUMNS}
    positions = {}
    for index, cell in enumerate(header):
        key = labels.get(_text(cell))
        if key:
            positions[key] = index
    missing = [label for key, label in IMPORT_COLUMNS if key in REQUIRED_COLUMNS and key not in positions]
    if missing:
        preview.errors.append(f"第 {header_number} 行表头缺少这些列：{'、'.join(missing)}。")
        return preview

    departments = {}
    for department in Department.objects.all():
        departments[department.name] = department
        departments[department.code] = department
    entries = {e.number: e for e in ChecklistEntry.objects.all()}

    for number, values in rows[1:]:
        raw = {key: (values[index] if index < len(values) else None) for key, index in positions.items()}
        if all(_text(v) == "" for v in raw.values()):
            continue  # blank lines between data are harmless
        row = ImportRow(number, {key: _text(value) for key, value in raw.items()})
        _check_row(row, raw, departments, entries, by)
        preview.rows.append(row)
    if not preview.rows:
        preview.errors.append("文件中没有数据行。")
    return preview


def _check_row(row: ImportRow, raw: dict[str, Any], departments, entries, by) -> None:
    errors, text = row.errors, row.values
    title = text.get("title", "")
    if not title:
        errors.append("“标题”不能为空。")
    department = departments.get(text.get("department", ""))
    if department is None:
        errors.append(f"没有名称或代码为“{text.get('department', '')}”的部门。"
                      if text.get("department") else "“发布部门”不能为空。")
    elif not can_edit_item(by, DisclosureItem(department=department)):
        errors.append(f"您不能为“{department.name}”导入事项。")
    chosen = []
    for part in text.get("entries", "").replace("，", ",").replace("、", ",").split(","):
        part = part.strip()
        if not part:
            continue
        entry = entries.get(int(part)) if part.isdigit() else None
        if entry is None:
            errors.append(f"清单事项序号“{part}”不存在（应为 1 到 50 的数字）。")
        else:
            chosen.append(entry)
    produced_on = _date(raw.get("produced_on"), "信息制作完成或获取之日", errors)
    if produced_on is None and not text.get("produced_on"):
        errors.append("“信息制作完成或获取之日”不能为空。")
    changed_on = _date(raw.get("changed_on"), "变更之日", errors)
    fields = {
        "title": title,
        "department": department,
        "document_number": text.get("document_number", ""),
        "document_kind": _choice(DisclosureItem.DocumentKind.choices, text.get("document_kind", ""),
                                 "公文类型", errors),
        "attribute": _choice(DisclosureItem.Attribute.choices, text.get("attribute", ""), "公开属性",
                             errors, default=DisclosureItem.Attribute.PROACTIVE),
        "exemption_reason": _choice(DisclosureItem.ExemptionReason.choices,
                                    text.get("exemption_reason", ""), "不予公开理由", errors),
        "produced_on": produced_on,
        "changed_on": changed_on,
        "summary": text.get("summary", ""),
        "body": text.get("body", ""),
    }
    if not errors:
        # The model's own rules (lengths, the check constraints) with their Chinese messages.
        candidate = DisclosureItem(**fields)
        try:
            candidate.full_clean(exclude=["created_by"], validate_unique=False)
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                label = DisclosureItem._meta.get_field(name).verbose_name if name != "__all__" else ""
                errors.extend(f"“{label}”：{m}" if label else m for m in messages)
    row.fields, row.entries = fields, chosen


@transaction.atomic
def import_items(preview: ImportPreview, *, by, source: str = "") -> int:
    """Save every row of a checked file as a draft, or nothing. Raises ValidationError on any error."""
    if not preview.ok:
        raise ValidationError(preview.all_errors() or ["文件中没有可导入的数据。"])
    for row in preview.rows:
        try:
            item = create_item(by=by, entries=row.entries, **row.fields)
        except (ValidationError, PermissionDenied) as error:
            messages = getattr(error, "messages", None) or [str(error)]
            raise ValidationError([f"第 {row.number} 行：{m}" for m in messages]) from error
        ItemEvent.objects.create(item=item, action=ItemEvent.Action.IMPORTED, actor=by,
                                 note=f"自文件导入：{source}" if source else "自文件导入",
                                 data={"row": row.number})
    return len(preview.rows)
