"""Office-edited pages, and readers' error reports (纠错) from submission to a recorded outcome.

Error report moves:

    new          --start_error_report---->  in_progress
    new, in_progress --resolve_error_report-->  resolved | rejected   (outcome required)
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from disclosure.access import policy
from disclosure.core.errors import NotAllowed, TransitionNotAllowed
from disclosure.core.mail import queue_mail
from disclosure.core.models import OutgoingMail
from disclosure.items.models import DisclosureItem
from disclosure.site.models import ErrorReport, Page, SiteSettings

logger = logging.getLogger(__name__)
ReportStatus = ErrorReport.Status


def can_handle_error_report(user, report: ErrorReport) -> bool:
    """The office handles every report; a department's editors those about their items."""
    if policy.is_office(user):
        return True
    return policy.is_department_editor(user) and report.department_id in policy.user_department_ids(user)


def _notify(report: ErrorReport) -> None:
    # In the outbox with the report: the report is shown in the admin either way; mail points to it.
    User = get_user_model()
    recipients = set(
        User.objects.filter(departments=report.department_id, is_active=True)
        .exclude(email="").values_list("email", flat=True)
    )
    recipients |= set(
        User.objects.filter(groups__staff_role__code=policy.OFFICE, is_active=True)
        .exclude(email="").values_list("email", flat=True)
    )
    queue_mail(
        to=sorted(recipients),
        subject=f"【{settings.DISCLOSURE['SITE_NAME']}】新的{report.get_kind_display()}：{report.item.title}"[:150],
        body=f"事项：{report.item.title}\n内容：{report.message}\n请登录管理后台“纠错与咨询”处理。",
        kind=OutgoingMail.Kind.ERROR_REPORT,
    )


@transaction.atomic
def submit_error_report(
    item: DisclosureItem, *, kind: str, message: str, name: str = "", contact: str = ""
) -> ErrorReport:
    """Record a reader's report on a public item for its department and the office."""
    if not DisclosureItem.objects.public().filter(pk=item.pk).exists():
        raise TransitionNotAllowed("该信息不存在或未公开，不能提交纠错。", code="not_public")
    message = (message or "").strip()
    if not message:
        raise TransitionNotAllowed("请填写纠错或咨询的内容。", code="empty")
    report = ErrorReport(
        item=item, department_id=item.department_id, kind=kind, message=message,
        name=(name or "").strip(), contact=(contact or "").strip(),
    )
    report.full_clean()
    report._change_reason = "读者提交"
    report.save()
    _notify(report)
    return report


def _locked(report: ErrorReport) -> ErrorReport:
    return ErrorReport.objects.select_for_update().get(pk=report.pk)


@transaction.atomic
def start_error_report(report: ErrorReport, *, by) -> ErrorReport:
    """Mark a new report as being handled, by whom."""
    report = _locked(report)
    if not can_handle_error_report(by, report):
        raise NotAllowed("您没有处理该纠错的权限。")
    if report.status != ReportStatus.NEW:
        raise TransitionNotAllowed(f"“{report.get_status_display()}”的纠错不能再开始处理。")
    report.status, report.handled_by = ReportStatus.IN_PROGRESS, by
    report._history_user, report._change_reason = by, "开始处理"
    report.save(update_fields=["status", "handled_by"])
    return report


@transaction.atomic
def resolve_error_report(
    report: ErrorReport, *, by, outcome: str, accepted: bool = True
) -> ErrorReport:
    """Close a report with its recorded outcome: corrected/answered, or not accepted."""
    report = _locked(report)
    if not can_handle_error_report(by, report):
        raise NotAllowed("您没有处理该纠错的权限。")
    if report.is_closed:
        raise TransitionNotAllowed("该纠错已办结。")
    outcome = (outcome or "").strip()
    if not outcome:
        raise TransitionNotAllowed("办结时请填写处理结果。", code="outcome")
    report.status = ReportStatus.RESOLVED if accepted else ReportStatus.REJECTED
    report.outcome, report.handled_by, report.resolved_at = outcome, by, timezone.now()
    report._history_user, report._change_reason = by, report.get_status_display()
    report.save(update_fields=["status", "outcome", "handled_by", "resolved_at"])
    return report


@transaction.atomic
def save_page(page: Page, *, by) -> Page:
    """Save an office-edited page; only the office edits what the site says about itself."""
    if not policy.is_office(by):
        raise NotAllowed("只有信息公开办公室可以修改页面。")
    page.updated_by = by
    page._history_user = by
    page.full_clean()
    page.save()
    return page


@transaction.atomic
def save_site_settings(site_settings: SiteSettings, *, by) -> SiteSettings:
    """Save the office's facts; the history row says who; every public page shows them after the commit."""
    if not policy.is_office(by):
        raise NotAllowed("只有信息公开办公室可以修改网站设置。")
    site_settings.modified_by = by
    site_settings._history_user = by
    site_settings.full_clean()
    site_settings.save()
    return site_settings
