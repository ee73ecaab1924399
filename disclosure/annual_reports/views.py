"""The yearly reports on the portal: the public sees published reports; the office previews drafts."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.generic import ListView

from disclosure.access import policy
from disclosure.annual_reports.docx import build_report_docx
from disclosure.annual_reports.figures import (
    SOURCE_LABELS,
    SOURCE_LEGEND,
    compliance,
    compute_figures,
    has_evaluation_data,
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


def report_detail(request, year: int):
    report, figures, preview = _report_and_figures(request, year)
    portal = figures["portal"]
    proactive_charts = [
        ("本网公开事项按月份统计", chart_bars(portal["by_month"], label_width=70)),
        ("本网公开事项按清单类别统计", chart_bars(portal["by_category"])),
        ("本网公开事项按部门统计", chart_bars(portal["by_department"][:15])),
    ]
    request_charts = [
        ("依申请公开办理结果", chart_bars(figures["requests"]["outcomes"], label_width=90)),
    ]
    response = render(request, "disclosure/reports/report_detail.html", {
        "report": report,
        "figures": figures,
        "parts": report_parts(report, figures),
        "proactive_charts": [(t, c) for t, c in proactive_charts if c["bars"]],
        "request_charts": [(t, c) for t, c in request_charts if c["bars"]],
        "show_evaluation": has_evaluation_data(figures.get("evaluation")),
        "preview": preview,
        "source_labels": SOURCE_LABELS,
        "source_legend": SOURCE_LEGEND,
    })
    if preview:
        response["Cache-Control"] = "private, no-store"
    return response


def report_docx(request, year: int):
    report, figures, preview = _report_and_figures(request, year)
    content = build_report_docx(report, figures, site_url=request.build_absolute_uri("/").rstrip("/"))
    suffix = "（草稿）" if preview else ""
    filename = f"{academic_year_label(report.year)}信息公开工作年度报告{suffix}.docx"
    response = HttpResponse(
        content,
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    if preview:
        response["Cache-Control"] = "private, no-store"
    return response


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
