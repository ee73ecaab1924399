"""Reads about the yearly reports with a meaning: which report is due, by when, and whether it is late."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from disclosure.annual_reports.models import AnnualReport, academic_year_label, academic_year_of


def report_due_on(year: int) -> dt.date:
    """教办函〔2014〕23号: published by 31 October (or the last working day before it); the rule is
    `actions.report_due_on`, asked here so the board, the digest and compliance agree with the admin."""
    from disclosure.annual_reports.actions import report_due_on as due_on

    return due_on(year)


def get_report_deadline(year: int, *, today: dt.date | None = None) -> dict[str, Any]:
    """The state of one year's report against its 31 October deadline (late, missing, due, on time)."""
    today = today or timezone.localdate()
    due = report_due_on(year)
    report = AnnualReport.objects.filter(year=year).only("status", "published_at").first()
    published_on = (timezone.localtime(report.published_at).date()
                    if report is not None and report.is_published and report.published_at else None)
    if published_on is not None:
        state = "published_late" if published_on > due else "published"
    elif today > due:
        state = "missing"
    else:
        state = "due"
    labels = {
        "published": f"已于{published_on}发布",
        "published_late": f"{published_on}发布，晚于{due}的期限",
        "missing": f"已逾期：{due}前应发布，尚未发布",
        "due": f"应于{due}前发布，还有{(due - today).days}天" + ("（尚未创建）" if report is None else ""),
    }
    return {"year": year, "label": academic_year_label(year), "due_on": due, "state": state,
            "late": state in ("missing", "published_late"), "message": labels[state],
            "published_on": published_on, "exists": report is not None}


def get_coming_report(today: dt.date | None = None) -> dict[str, Any] | None:
    """From 1 September to 31 December, the report of the year just ended while it is unpublished
    (late after 31 October); else None. Later in the year the compliance view keeps a missing one."""
    today = today or timezone.localdate()
    if today.month < 9:
        return None
    deadline = get_report_deadline(academic_year_of(today) - 1, today=today)
    return None if deadline["state"] in ("published", "published_late") else deadline
