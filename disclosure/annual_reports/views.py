"""The yearly reports on the portal: the public sees published reports; the office previews drafts."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.generic import ListView

from disclosure.access import policy
from disclosure.annual_reports.docx import build_report_docx
from disclosure.annual_reports.figures import (
    SOURCE_LABELS,
    cn_date,
    compliance,
    compute_figures,
    exhibits,
    front_notes,
    report_parts,
)
from disclosure.annual_reports.models import AnnualReport, academic_year_label
from disclosure.core.charts import chart_bars


class ReportListView(ListView):
    template_name = "disclosure/reports/report_list.html"
    context_object_name = "reports"

    def get_queryset(self):
        return AnnualReport.objects.published().only(
            "year", "title", "published_at"
        )


def _report_and_figures(request, year: int):
    """A published report with its frozen figures; for the office, a draft with live figures."""
    report = AnnualReport.objects.filter(year=year).first()
    if report is None:
        raise Http404("该学年的年度报告不存在或尚未发布。")
    if report.is_published:
        return report, report.figures, False
    if not policy.is_office(request.user):
        raise Http404("该学年的年度报告不存在或尚未发布。")
    return report, compute_figures(report.year), True


def signed_date(report) -> str:
    day = report.signed_on or (timezone.localtime(report.published_at).date() if report.published_at else None)
    return cn_date(day) if day else ""


def report_context(report, figures, preview: bool) -> dict:
    """What the web page and the PDF print: the same parts, notes, tables and charts."""
    numbered = exhibits(figures)
    parts = report_parts(report, figures)
    for part in parts:
        part["exhibits"] = numbered.get(part["key"], [])
        for ex in part["exhibits"]:
            if ex["kind"] == "chart":
                wide = ex["key"] in ("portal_by_category", "portal_by_department", "channel_items")
                ex["chart"] = chart_bars(ex["rows"], label_width=190 if wide else 90)
    return {
        "report": report,
        "figures": figures,
        "parts": parts,
        "notes": front_notes(figures),
        "preview": preview,
        "source_labels": SOURCE_LABELS,
        "signed_date": signed_date(report),
    }


def report_detail(request, year: int):
    report, figures, preview = _report_and_figures(request, year)
    response = render(request, "disclosure/reports/report_detail.html",
                      report_context(report, figures, preview))
    if preview:
        response["Cache-Control"] = "private, no-store"
    return response


def _download(content: bytes, content_type: str, filename: str, preview: bool) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    if preview:
        response["Cache-Control"] = "private, no-store"
    return response


def report_pdf(request, year: int):
    """The same content as the page, as an A4 PDF for posting on the site (fonts embedded)."""
    from disclosure.annual_reports.pdf import build_report_pdf

    report, figures, preview = _report_and_figures(request, year)
    html = render_to_string("disclosure/reports/report_pdf.html",
                            report_context(report, figures, preview), request=request)
    suffix = "（草稿）" if preview else ""
    filename = f"{academic_year_label(report.year)}信息公开工作年度报告{suffix}.pdf"
    return _download(build_report_pdf(html, base_url=request.build_absolute_uri("/")),
                     "application/pdf", filename, preview)


def report_docx(request, year: int):
    report, figures, preview = _report_and_figures(request, year)
    content = build_report_docx(report, figures, site_url=request.build_absolute_uri("/").rstrip("/"))
    suffix = "（草稿）" if preview else ""
    filename = f"{academic_year_label(report.year)}信息公开工作年度报告{suffix}.docx"
    return _download(content, "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                     filename, preview)


@staff_member_required
def report_compliance(request, year: int):
    if not (policy.is_office(request.user) or policy.sees_all_items(request.user)):
        raise PermissionDenied("只有信息公开办公室和监督部门可以查看。")
    response = render(request, "disclosure/reports/compliance.html", {
        "year": year,
        "label": academic_year_label(year),
        "today": timezone.localdate(),
        **compliance(year),
    })
    response["Cache-Control"] = "private, no-store"
    return response
