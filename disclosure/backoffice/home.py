"""The admin home page per role: what waits for this person, as counts that link to the lists.

Each count is the same queryset as the list it links to (the items' work queues, the requests'
open filter, the board's department counts), so a number never disagrees with its list.
- a department editor: drafts, items returned for changes, items due within the warning window,
  overdue items (its own departments only);
- the office: items awaiting review, open requests by due date, error reports (纠错) to handle,
  the next yearly report's due date;
- the supervisor: overdue work by department.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from urllib.parse import urlencode

from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from disclosure.access import policy
from disclosure.annual_reports.models import AnnualReport, academic_year_label
from disclosure.disclosure_requests.models import DisclosureRequest
from disclosure.items.admin import work_queues
from disclosure.items.models import DisclosureItem
from disclosure.site.models import ErrorReport

# The yearly report covers the academic year to 31 August and is published by 31 October
# (教办函〔2014〕23号; ../shared/domain/rules.md).
REPORT_DUE_MONTH_DAY = (10, 31)
ERROR_REPORTS_TO_HANDLE = (ErrorReport.Status.NEW, ErrorReport.Status.IN_PROGRESS)


@dataclass(frozen=True)
class Tile:
    label: str
    count: int | None
    url: str
    note: str = ""
    css: str = ""


@dataclass
class HomeSection:
    title: str
    tiles: list[Tile]


def _items_url(**params) -> str:
    return reverse("admin:items_disclosureitem_changelist") + "?" + urlencode(params)


def _queue_tiles(user, keys, today) -> list[Tile]:
    queues = work_queues(today)
    items = DisclosureItem.objects.visible_to(user)
    css = {"overdue": "deadline-overdue", "due_soon": "deadline-soon"}
    return [
        Tile(queues[key][0], queues[key][1](items).count(), _items_url(queue=key), css=css.get(key, ""))
        for key in keys
    ]


def next_report_due(today: dt.date) -> tuple[int, dt.date]:
    """(academic year, due date) of the yearly report the office works on next.

    The last academic year that has ended is due on 31 October; once its report is published, the
    next year's is.
    """
    month, day = REPORT_DUE_MONTH_DAY
    year = today.year - 1 if today.month >= 9 else today.year - 2
    if AnnualReport.objects.published().filter(year=year).exists():
        year += 1
    return year, dt.date(year + 1, month, day)


def _office_section(user, today) -> HomeSection:
    tiles = _queue_tiles(user, ["in_review"], today)
    open_requests = DisclosureRequest.objects.open()
    first_due = open_requests.filter(due_on__isnull=False).order_by("due_on").values_list(
        "due_on", flat=True).first()
    requests_url = reverse("admin:disclosure_requests_disclosurerequest_changelist") + "?" + urlencode(
        {"open": "yes"})
    tiles.append(Tile("待答复的申请", open_requests.count(), requests_url,
                      note=f"最近答复期限 {first_due:%Y-%m-%d}" if first_due else "按答复期限排序"))
    to_handle = ErrorReport.objects.filter(status__in=ERROR_REPORTS_TO_HANDLE)
    tiles.append(Tile(
        "待处理的纠错与咨询", to_handle.count(),
        reverse("admin:site_errorreport_changelist") + "?" + urlencode(
            {"status__in": ",".join(ERROR_REPORTS_TO_HANDLE)}),
    ))
    year, due = next_report_due(today)
    overdue = due < today
    tiles.append(Tile(
        f"{academic_year_label(year)}年度报告", None,
        reverse("admin:annual_reports_annualreport_changelist"),
        note=f"应于 {due:%Y-%m-%d} 前发布" + ("（已逾期）" if overdue else ""),
        css="deadline-overdue" if overdue else "",
    ))
    return HomeSection("信息公开办公室待办", tiles)


def overdue_by_department(user, today: dt.date) -> list[Tile]:
    """Overdue items per department (two columns of one grouped query), then overdue requests."""
    overdue = work_queues(today)["overdue"][1](DisclosureItem.objects.visible_to(user))
    rows = (overdue.order_by().values("department_id", "department__name")
            .annotate(n=Count("pk")).order_by("-n", "department__name"))
    tiles = [
        Tile(row["department__name"], row["n"],
             _items_url(queue="overdue", department__id__exact=row["department_id"]),
             css="deadline-overdue")
        for row in rows
    ]
    late_requests = DisclosureRequest.objects.open().filter(due_on__lt=today).count()
    if late_requests:
        tiles.append(Tile(
            "依申请公开（逾期未答复）", late_requests,
            reverse("admin:disclosure_requests_disclosurerequest_changelist") + "?" + urlencode(
                {"open": "yes"}),
            css="deadline-overdue"))
    return tiles


def home_sections(user, *, today: dt.date | None = None) -> list[HomeSection]:
    """What the admin home page shows `user`, by role (a user with several roles sees each)."""
    today = today or timezone.localdate()
    sections = []
    if policy.is_department_editor(user):
        sections.append(HomeSection("我的待办", _queue_tiles(
            user, ["drafts", "returned", "due_soon", "overdue"], today)))
    if policy.is_office(user):
        sections.append(_office_section(user, today))
    if policy.is_supervisor(user):
        tiles = overdue_by_department(user, today)
        sections.append(HomeSection("各部门逾期情况", tiles or [
            Tile("目前没有逾期事项", None, reverse("deadline_board"))]))
    return sections
