import csv
import io

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join

from disclosure.access.admin_base import DomainHistoryAdmin
from disclosure.annual_reports import actions as report_services
from disclosure.annual_reports.models import (
    AnnualReport,
    ChannelMetric,
    ChecklistStatement,
    Complaint,
    DocumentCount,
)


def _refuse(error: ValidationError):
    # Services refuse with Chinese messages; the admin shows them instead of a stack trace.
    raise PermissionDenied("；".join(error.messages)) from error


@admin.register(AnnualReport)
class AnnualReportAdmin(DomainHistoryAdmin):
    list_display = ["year", "display_title", "status", "published_at", "published_by", "links"]
    list_filter = ["status"]
    readonly_fields = ["status", "due_on", "published_at", "published_by", "created_by", "created_at",
                       "links", "checks"]
    actions = ["publish_selected"]
    fieldsets = [
        (None, {"fields": ["year", "university", "title", "preface", "signed_on", "links"]}),
        ("数据核对", {"fields": ["checks", "checks_note"],
                      "description": "核对未通过时不能发布，除非在“数据核对说明”中写明原因。"}),
        ("系统数据不全的学年", {"fields": ["total_items_entered", "total_items_wording"],
                               "description": "各清单事项的公开情况在“清单事项公开情况（录入）”中逐项录入。"}),
        ("报告正文（统计数字由系统生成）", {"fields": [
            "overview", "proactive_notes", "requests_notes", "evaluation", "complaints_notes",
            "problems", "measures", "other_matters",
        ]}),
        ("发布", {"fields": ["status", "due_on", "published_at", "published_by", "created_by",
                           "created_at"]}),
    ]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None:
            fields.append("year")
            if obj.is_published:
                fields += [*report_services.NARRATIVE_FIELDS]
        return fields

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser and (obj is None or not obj.is_published)

    @admin.display(description="发布期限")
    def due_on(self, obj):
        if obj is None or not obj.year:
            return "—"
        return f"{report_services.report_due_on(obj.year):%Y年%m月%d日}（10月31日前的最后一个工作日）"

    @admin.display(description="查看")
    def links(self, obj):
        if obj is None or not obj.pk:
            return "—"
        return format_html(
            '<a href="{}" target="_blank">{}</a> · <a href="{}">Word</a> · <a href="{}">合规检查</a>',
            obj.get_absolute_url(), "网页" if obj.is_published else "预览",
            reverse("disclosure:report_docx", kwargs={"year": obj.year}),
            reverse("disclosure:report_compliance", kwargs={"year": obj.year}),
        )

    @admin.display(description="核对结果")
    def checks(self, obj):
        if obj is None or not obj.pk:
            return "—"
        if obj.is_published:
            rows = obj.figures.get("checks", [])
        else:
            report_services.failed_checks(obj)
            rows = obj._live_figures["checks"]
        if not rows:
            return "无需核对的项目。"
        return format_html("<ul>{}</ul>", format_html_join(
            "", "<li>{}{}</li>",
            (("✓ ", c["message"]) if c["ok"] else ("✗ 不一致：", c["message"]) for c in rows),
        ))

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        try:
            if change:
                changes = {f: data[f] for f in form.changed_data if f in report_services.NARRATIVE_FIELDS}
                report_services.update_report(obj, by=request.user, changes=changes)
            else:
                report = report_services.create_report(
                    by=request.user, year=data["year"],
                    **{f: data[f] for f in report_services.NARRATIVE_FIELDS if f in data},
                )
                obj.pk = report.pk
        except ValidationError as error:
            _refuse(error)
        obj.refresh_from_db()

    @admin.action(description="发布所选报告（冻结统计数据）")
    def publish_selected(self, request, queryset):
        for report in queryset:
            try:
                report_services.publish_report(report, by=request.user)
            except (ValidationError, PermissionDenied) as error:
                text = "；".join(error.messages) if isinstance(error, ValidationError) else str(error)
                self.message_user(request, f"{report}：{text}", messages.ERROR)
            else:
                self.message_user(request, f"{report} 已发布。", messages.SUCCESS)


class MetricImportForm(forms.Form):
    file = forms.FileField(
        label="数据表", help_text="xlsx 或 csv，第一行为表头：渠道、栏目、学年、指标、数值、说明。"
    )


def read_sheet(upload) -> list[dict]:
    """Rows of an uploaded xlsx or csv as dicts keyed by the header row."""
    name = (upload.name or "").lower()
    if name.endswith(".csv"):
        text = upload.read().decode("utf-8-sig")
        return list(csv.DictReader(io.StringIO(text)))
    if name.endswith(".xlsx"):
        from openpyxl import load_workbook

        sheet = load_workbook(upload, read_only=True, data_only=True).active
        rows = list(sheet.iter_rows(values_only=True))
        if not rows:
            return []
        header = [str(h or "").strip() for h in rows[0]]
        return [dict(zip(header, r, strict=False)) for r in rows[1:] if any(v is not None for v in r)]
    raise ValidationError("只支持 xlsx 或 csv 文件。")


@admin.register(ChannelMetric)
class ChannelMetricAdmin(DomainHistoryAdmin):
    list_display = ["year", "channel", "section", "metric", "value", "note", "entered_by", "entered_at"]
    list_filter = ["year", "channel", "metric"]
    list_select_related = ["channel", "section", "entered_by"]
    fields = ["channel", "section", "year", "metric", "value", "note"]
    change_list_template = "admin/annual_reports/channelmetric/change_list.html"

    def get_urls(self):
        return [
            path("import/", self.admin_site.admin_view(self.import_view), name="annual_reports_channelmetric_import"),
            *super().get_urls(),
        ]

    def import_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = MetricImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                count = report_services.import_channel_metrics(read_sheet(form.cleaned_data["file"]),
                                                               by=request.user)
            except ValidationError as error:
                for message in error.messages:
                    form.add_error(None, message)
            except Exception as error:  # noqa: BLE001 - a broken file must give a message, not a 500
                form.add_error(None, f"无法读取该文件：{error.__class__.__name__}")
            else:
                self.message_user(request, f"已导入 {count} 项渠道统计数据。", messages.SUCCESS)
                return redirect("admin:annual_reports_channelmetric_changelist")
        return render(request, "admin/annual_reports/channelmetric/import.html", {
            **self.admin_site.each_context(request), "form": form, "opts": self.model._meta,
            "title": "导入渠道统计数据",
        })

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        try:
            saved = report_services.set_channel_metric(
                by=request.user, channel=data["channel"], section=data.get("section"),
                year=data["year"], metric=data["metric"], value=data["value"], note=data.get("note", ""),
            )
        except ValidationError as error:
            _refuse(error)
        obj.pk = saved.pk
        obj.refresh_from_db()


@admin.register(DocumentCount)
class DocumentCountAdmin(DomainHistoryAdmin):
    list_display = ["year", "kind", "value", "note", "entered_by", "entered_at"]
    list_filter = ["year", "kind"]
    fields = ["year", "kind", "value", "note"]

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        try:
            saved = report_services.set_document_count(
                by=request.user, year=data["year"], kind=data["kind"], value=data["value"],
                note=data.get("note", ""),
            )
        except ValidationError as error:
            _refuse(error)
        obj.pk = saved.pk
        obj.refresh_from_db()


@admin.register(ChecklistStatement)
class ChecklistStatementAdmin(DomainHistoryAdmin):
    list_display = ["year", "entry", "status", "note", "entered_by", "entered_at"]
    list_filter = ["year", "status"]
    list_select_related = ["entry", "entered_by"]
    fields = ["year", "entry", "status", "links", "note"]

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        try:
            saved = report_services.set_checklist_statement(
                by=request.user, year=data["year"], entry=data["entry"], status=data["status"],
                links=data.get("links", ""), note=data.get("note", ""),
            )
        except ValidationError as error:
            _refuse(error)
        obj.pk = saved.pk
        obj.refresh_from_db()


@admin.register(Complaint)
class ComplaintAdmin(DomainHistoryAdmin):
    list_display = ["received_on", "kind", "outcome", "decided_on", "created_by"]
    list_filter = ["kind", "outcome"]
    search_fields = ["summary", "outcome_note"]
    date_hierarchy = "received_on"
    fields = ["kind", "received_on", "summary", "outcome", "decided_on", "outcome_note"]

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        try:
            if change:
                report_services.update_complaint(
                    obj, by=request.user, changes={f: data[f] for f in form.changed_data if f in self.fields}
                )
            else:
                obj.pk = report_services.record_complaint(by=request.user, **{f: data[f] for f in self.fields}).pk
        except ValidationError as error:
            _refuse(error)
        obj.refresh_from_db()

