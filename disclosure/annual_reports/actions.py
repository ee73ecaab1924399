"""The yearly report's life: the office writes a draft, then publishes it, which freezes its figures.

    draft      --publish_report-->  published   (figures computed and stored as they are now)
    published  --unpublish_report-> draft       (office, with a reason; figures dropped)

History (who, when, what) is kept by the model's history table: every save names its user and reason.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from disclosure.access import policy
from disclosure.access.action_tables import Action as Verb
from disclosure.access.action_tables import ActionTable
from disclosure.annual_reports.models import (
    AnnualReport,
    ChannelMetric,
    ChecklistStatement,
    Complaint,
    DocumentCount,
)
from disclosure.core.errors import NotAllowed, TransitionNotAllowed
from disclosure.core.institution import university_name
from disclosure.workcalendar.workdays import WorkdayCalendar, default_calendar

Status = AnnualReport.Status
OFFICE = frozenset({policy.Role.OFFICE})


def failed_checks(report: AnnualReport) -> list[str]:
    """The consistency checks of the report's live figures that fail (computed once per instance)."""
    from disclosure.annual_reports.figures import compute_figures

    if getattr(report, "_live_figures", None) is None:
        report._live_figures = compute_figures(report.year, report=report)
    return [check["message"] for check in report._live_figures["checks"] if not check["ok"]]


def _publish_guard(report: AnnualReport, **_) -> str:
    if report.period[1] >= timezone.localdate():
        return "学年尚未结束（8月31日之后才能发布该学年的报告）。"
    failed = failed_checks(report)
    # Two statements of one report must not contradict each other unless the office says why.
    if failed and not report.checks_note.strip():
        return ("数据核对未通过：" + "；".join(failed)
                + "。请更正数据，或在“数据核对说明”中写明原因（报告将印出该说明）后再发布。")
    return ""


# The verbs of a report, declared once; the admin's actions and buttons list what `available()` gives.
REPORT_ACTIONS = ActionTable(
    "annual_reports",
    state_of=lambda report: report.status,
    state_label=lambda report: report.get_status_display(),
    actions=[
        Verb("publish", "发布（冻结统计数据）", frozenset({Status.DRAFT}), OFFICE,
             guard=_publish_guard),
        Verb("unpublish", "撤回为草稿", frozenset({Status.PUBLISHED}), OFFICE,
             input="reason", input_label="撤回原因"),
    ],
)

def report_due_on(year: int, calendar: WorkdayCalendar | None = None) -> dt.date:
    """The day the office must have the report of academic year `year` published by.

    教办函〔2014〕23号: by 31 October. When that is a rest day the office's last chance is the last
    working day before it: the early side, never the late one.
    """
    calendar = calendar or default_calendar()
    day = dt.date(year + 1, 10, 31)
    while not calendar.is_workday(day):
        day -= dt.timedelta(days=1)
    return day


def recompute_report_due(*, calendar: WorkdayCalendar, before: WorkdayCalendar, **_) -> list:
    """The draft reports whose due date a calendar change moves (nothing is stored: it is derived;
    the move is recorded with the calendar change)."""
    from disclosure.workcalendar.services import DateMove

    moves = []
    for report in AnnualReport.objects.filter(status=Status.DRAFT).only("year", "title"):
        old, new = report_due_on(report.year, before), report_due_on(report.year, calendar)
        if old != new:
            moves.append(DateMove(report.display_title, "年度报告发布期限", old, new))
    return moves


NARRATIVE_FIELDS = (
    "title", "preface", "overview", "proactive_notes", "requests_notes", "evaluation",
    "complaints_notes", "problems", "measures", "other_matters", "signed_on", "university",
    "total_items_entered", "total_items_wording", "checks_note",
)


def _require_office(user) -> None:
    if not policy.is_office(user):
        raise NotAllowed("只有信息公开办公室可以编辑年度报告和统计数据。")


def _save(obj, *, by, reason: str, fields=None) -> None:
    obj._history_user = by
    obj._change_reason = reason
    obj.full_clean(exclude=["created_by", "published_by", "entered_by"], validate_unique=fields is None)
    obj.save(update_fields=fields)


@transaction.atomic
def create_report(*, by, year: int, **narrative: Any) -> AnnualReport:
    """Start the draft report of an academic year. Raises ValidationError if it exists already."""
    _require_office(by)
    unknown = set(narrative) - set(NARRATIVE_FIELDS)
    if unknown:
        raise TransitionNotAllowed(f"这些字段不能在此填写：{', '.join(sorted(unknown))}。")
    if AnnualReport.objects.filter(year=year).exists():
        raise TransitionNotAllowed(f"{year}-{year + 1}学年的年度报告已存在。", code="exists")
    report = AnnualReport(year=year, created_by=by, **narrative)
    _save(report, by=by, reason="创建")
    return report


@transaction.atomic
def update_report(report: AnnualReport, *, by, changes: dict[str, Any]) -> AnnualReport:
    """Change a draft's narrative parts. A published report is withdrawn to draft first."""
    _require_office(by)
    report = AnnualReport.objects.select_for_update().get(pk=report.pk)
    if report.is_published:
        raise TransitionNotAllowed("已发布的报告不能修改；如需修改，请先撤回为草稿。")
    unknown = set(changes) - set(NARRATIVE_FIELDS)
    if unknown:
        raise TransitionNotAllowed(f"这些字段不能在此修改：{', '.join(sorted(unknown))}。")
    changed = [name for name, value in changes.items() if getattr(report, name) != value]
    if not changed:
        return report
    for name in changed:
        setattr(report, name, changes[name])
    _save(report, by=by, reason="修改：" + "、".join(
        str(AnnualReport._meta.get_field(n).verbose_name) for n in changed), fields=changed)
    return report


@transaction.atomic
def publish_report(report: AnnualReport, *, by, figures: dict | None = None) -> AnnualReport:
    """Publish a draft: its figures are computed now and stored, so later data edits leave it as is."""
    report = AnnualReport.objects.select_for_update().get(pk=report.pk)
    # The name it is published under stays with it (a later rename does not change a signed report).
    report.university = report.university or university_name()
    REPORT_ACTIONS.check("publish", report, by)
    report.figures = figures if figures is not None else report._live_figures
    report.status = AnnualReport.Status.PUBLISHED
    report.published_at, report.published_by = timezone.now(), by
    _save(report, by=by, reason="发布",
          fields=["figures", "status", "published_at", "published_by", "university"])
    return report


@transaction.atomic
def unpublish_report(report: AnnualReport, *, by, reason: str) -> AnnualReport:
    """Take a published report back to draft, with the reason recorded; its frozen figures go."""
    report = AnnualReport.objects.select_for_update().get(pk=report.pk)
    REPORT_ACTIONS.check("unpublish", report, by)
    reason = (reason or "").strip()
    if not reason:
        raise TransitionNotAllowed("撤回报告时请填写原因。")
    report.status, report.figures = AnnualReport.Status.DRAFT, None
    report.published_at = report.published_by = None
    _save(report, by=by, reason=f"撤回：{reason}",
          fields=["figures", "status", "published_at", "published_by"])
    return report


@transaction.atomic
def set_channel_metric(*, by, channel, year: int, metric: str, value: int, section=None,
                       note: str = "") -> ChannelMetric:
    """Enter (or correct) one channel figure of a year: one row per channel, section and metric."""
    _require_office(by)
    if section is not None and section.channel_id != channel.pk:
        raise TransitionNotAllowed(f"栏目“{section.name}”不属于渠道“{channel.name}”。")
    obj = ChannelMetric.objects.filter(
        channel=channel, section=section, year=year, metric=metric
    ).first() or ChannelMetric(channel=channel, section=section, year=year, metric=metric)
    reason = "修改" if obj.pk else "录入"
    obj.value, obj.note, obj.entered_by = value, note, by
    _save(obj, by=by, reason=reason)
    return obj


@transaction.atomic
def set_document_count(*, by, year: int, kind: str, value: int, note: str = "") -> DocumentCount:
    """Enter (or correct) the number of documents of one kind issued in a year."""
    _require_office(by)
    obj = DocumentCount.objects.filter(year=year, kind=kind).first() or DocumentCount(year=year, kind=kind)
    reason = "修改" if obj.pk else "录入"
    obj.value, obj.note, obj.entered_by = value, note, by
    _save(obj, by=by, reason=reason)
    return obj


@transaction.atomic
def set_checklist_statement(*, by, year: int, entry, status: str, links: str = "",
                            note: str = "") -> ChecklistStatement:
    """Enter (or correct) how one checklist entry was disclosed in a year, as the office states it."""
    _require_office(by)
    lines = [line.strip() for line in (links or "").splitlines() if line.strip()]
    bad = [line for line in lines if not line.rpartition(" ")[2].startswith(("http://", "https://", "/"))]
    if bad:
        raise TransitionNotAllowed(f"链接须以 http://、https:// 或 / 开头：{bad[0][:80]}")
    obj = ChecklistStatement.objects.filter(year=year, entry=entry).first() or ChecklistStatement(
        year=year, entry=entry)
    reason = "修改" if obj.pk else "录入"
    obj.status, obj.links, obj.note, obj.entered_by = status, "\n".join(lines), note, by
    _save(obj, by=by, reason=reason)
    return obj


@transaction.atomic
def record_complaint(*, by, kind: str, received_on, summary: str, outcome: str = "pending",
                     decided_on=None, outcome_note: str = "") -> Complaint:
    """Register a complaint, administrative review or lawsuit about disclosure work."""
    _require_office(by)
    obj = Complaint(kind=kind, received_on=received_on, summary=summary, outcome=outcome,
                    decided_on=decided_on, outcome_note=outcome_note, created_by=by)
    _save(obj, by=by, reason="登记")
    return obj


@transaction.atomic
def update_complaint(complaint: Complaint, *, by, changes: dict[str, Any]) -> Complaint:
    """Record the outcome (or correct the details) of a complaint, review or lawsuit."""
    _require_office(by)
    allowed = {"kind", "received_on", "summary", "outcome", "decided_on", "outcome_note"}
    unknown = set(changes) - allowed
    if unknown:
        raise TransitionNotAllowed(f"这些字段不能在此修改：{', '.join(sorted(unknown))}。")
    complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
    for name, value in changes.items():
        setattr(complaint, name, value)
    _save(complaint, by=by, reason="修改")
    return complaint


METRIC_BY_NAME = {
    **{m.value: m.value for m in ChannelMetric.Metric},
    **{m.label: m.value for m in ChannelMetric.Metric},
}


@transaction.atomic
def import_channel_metrics(rows: list[dict[str, Any]], *, by) -> int:
    """Enter many channel figures from a sheet (渠道, 栏目, 学年, 指标, 数值, 说明): all or none.

    Raises ValidationError listing every bad row; nothing is saved then.
    """
    from django.core.exceptions import ValidationError

    from disclosure.catalogue.models import Channel, ChannelSection

    _require_office(by)
    channels = {c.name: c for c in Channel.objects.all()}
    sections = {(s.channel_id, s.name): s for s in ChannelSection.objects.all()}
    errors, parsed = [], []
    for number, row in enumerate(rows, start=2):
        channel = channels.get(str(row.get("渠道") or "").strip())
        section_name = str(row.get("栏目") or "").strip()
        metric = METRIC_BY_NAME.get(str(row.get("指标") or "").strip())
        try:
            year = int(str(row.get("学年") or "").strip()[:4])
            value = int(float(str(row.get("数值") or "").replace(",", "").strip()))
        except ValueError:
            year = value = None
        problems = []
        if channel is None:
            problems.append(f"渠道“{row.get('渠道') or ''}”不存在")
        section = None
        if channel is not None and section_name:
            section = sections.get((channel.pk, section_name))
            if section is None:
                problems.append(f"渠道“{channel.name}”没有栏目“{section_name}”")
        if metric is None:
            problems.append(f"指标“{row.get('指标') or ''}”无法识别")
        if year is None or value is None or value < 0:
            problems.append("学年或数值不是有效的非负整数")
        if problems:
            errors.append(f"第{number}行：" + "；".join(problems))
        else:
            parsed.append((channel, section, year, metric, value, str(row.get("说明") or "").strip()))
    if errors:
        raise ValidationError(errors)
    for channel, section, year, metric, value, note in parsed:
        set_channel_metric(by=by, channel=channel, section=section, year=year, metric=metric,
                           value=value, note=note)
    return len(parsed)
