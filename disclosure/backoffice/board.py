"""The deadline board: everything with a running working-day clock in a user's scope.

Items owe a publication (15 working days after `produced_on`) or an update (20 after `changed_on`);
open disclosure requests and opinions (意见箱) owe an answer. Each kind is a source in `BOARD_SOURCES`: a callable that
takes a `BoardContext` and yields `BoardRow`s of what that user may see. The board sits above the
apps it lists (it imports them; they never import it).

What can be done next on a row is not written here: `attach_next_steps` asks the kind's action
table (`ITEM_ACTIONS`, `REQUEST_ACTIONS`), as the admin's buttons and the API do.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property

from django.urls import reverse
from django.utils import timezone

from disclosure.access import policy
from disclosure.disclosure_requests.actions import REQUEST_ACTIONS, STEP_NAMES
from disclosure.disclosure_requests.models import DisclosureRequest
from disclosure.feedback.actions import OPINION_ACTIONS
from disclosure.feedback.models import Opinion
from disclosure.items.actions import ITEM_ACTIONS, for_action_listing
from disclosure.items.models import DisclosureItem
from disclosure.workcalendar.deadlines import DeadlineState, due_soon_limit
from disclosure.workcalendar.workdays import (
    ONE_DAY,
    WorkdayCalendar,
    default_calendar,
)

OVERDUE, DUE_SOON, LATER = "overdue", "due_soon", "later"
GROUP_LABELS = {OVERDUE: "已逾期", DUE_SOON: "3 个工作日内到期", LATER: "尚未临近"}


@dataclass(frozen=True)
class BoardRow:
    """One open deadline as a source reports it; the board works out how close it is."""

    kind: str  # what is owed, in Chinese: "公开", "更新", "答复申请"
    title: str
    department_id: int | None
    department_name: str
    due: dt.date
    url: str
    provisional: bool = False
    # Which object it is ("item" or "request", pk): where its next steps are looked up.
    subject: tuple[str, int] | None = None


@dataclass(frozen=True)
class NextStep:
    label: str
    url: str


@dataclass
class BoardEntry:
    row: BoardRow
    group: str
    counter: WorkdayCounter = field(repr=False, compare=False)
    # Filled for the rows shown only (`attach_next_steps`): the verbs this user may run now.
    next_steps: list[NextStep] = field(default_factory=list, compare=False)

    @cached_property
    def workdays_left(self) -> int:
        """Working days to the deadline; negative: past it. Counted only for the rows shown."""
        return self.counter.left(self.row.due)

    @property
    def state(self) -> DeadlineState:
        return {OVERDUE: DeadlineState.OVERDUE, DUE_SOON: DeadlineState.DUE_SOON}.get(
            self.group, DeadlineState.ON_TIME
        )

    @property
    def days_label(self) -> str:
        if self.workdays_left < 0 or (self.group == OVERDUE and self.workdays_left == 0):
            return f"逾期 {-self.workdays_left} 个工作日"
        return f"剩 {self.workdays_left} 个工作日"


class WorkdayCounter:
    """Working days between today and many due dates, walking the calendar once.

    `workdays_between` walks day by day for each call; a board of years-old overdue drafts would
    walk the same days hundreds of times.
    """

    def __init__(self, today: dt.date, calendar: WorkdayCalendar):
        self.today, self.calendar = today, calendar
        self._start = self._end = today
        self._cumulative = {today: 0}  # working days in (start, d], offset so that today is 0

    def _extend_to(self, date: dt.date) -> None:
        while self._end < date:
            previous = self._cumulative[self._end]
            self._end += ONE_DAY
            self._cumulative[self._end] = previous + self.calendar.is_workday(self._end)
        while self._start > date:
            # cum(d - 1) = cum(d) - [d is a working day]
            current = self._cumulative[self._start]
            counted = self.calendar.is_workday(self._start)
            self._start -= ONE_DAY
            self._cumulative[self._start] = current - counted

    def left(self, due: dt.date) -> int:
        """Working days in (today, due]; negative, counting (due, today], when due is past."""
        self._extend_to(due)
        return self._cumulative[due] - self._cumulative[self.today]


@dataclass
class BoardContext:
    user: object
    today: dt.date
    calendar: WorkdayCalendar
    counter: WorkdayCounter = field(init=False)

    def __post_init__(self):
        self.counter = WorkdayCounter(self.today, self.calendar)


BoardSource = Callable[[BoardContext], Iterable[BoardRow]]


def item_rows(context: BoardContext) -> Iterable[BoardRow]:
    """Items awaiting publication or an update, in the user's scope, in one query."""
    visible = DisclosureItem.objects.visible_to(context.user)
    # The two conditions side by side (not `pk IN` subqueries) and no ordering: the database reads
    # the due-date indexes instead of walking every item in publication order.
    items = (
        (visible.awaiting_publication() | visible.awaiting_update())
        .order_by()
        .values_list("pk", "title", "status", "publish_due", "update_due", "deadline_provisional",
                     "department_id", "department__name")
    )
    change_url = reverse("admin:items_disclosureitem_change", args=["__pk__"])
    published = DisclosureItem.Status.PUBLISHED
    for pk, title, status, publish_due, update_due, provisional, department_id, department in items:
        updating = status == published
        yield BoardRow(
            kind="更新" if updating else "公开",
            title=title,
            department_id=department_id,
            department_name=department,
            due=update_due if updating else publish_due,
            url=change_url.replace("__pk__", str(pk)),
            provisional=provisional,
            subject=("item", pk),
        )


def request_rows(context: BoardContext) -> Iterable[BoardRow]:
    """Open requests with a running clock, for the office and the supervisor; no personal data."""
    if not policy.sees_all_items(context.user):
        return
    open_requests = (DisclosureRequest.objects.open().filter(due_on__isnull=False)
                     .only("id", "tracking_number", "status", "due_on", "due_provisional"))
    change_url = reverse("admin:disclosure_requests_disclosurerequest_change", args=["__pk__"])
    shown_status = {DisclosureRequest.Status.CONSULTING, DisclosureRequest.Status.EXTENDED}
    for req in open_requests:
        title = req.tracking_number
        if req.status in shown_status:  # the clock is paused or stretched: say why
            title = f"{title}（{req.get_status_display()}）"
        yield BoardRow(
            kind="答复申请",
            title=title,
            department_id=None,
            department_name="依申请公开",
            due=req.due_on,
            url=change_url.replace("__pk__", str(req.pk)),
            provisional=req.due_provisional,
            subject=("request", req.pk),
        )


def opinion_rows(context: BoardContext) -> Iterable[BoardRow]:
    """Opinions owed an answer, for the office and the supervisor; number and kind, no words."""
    if not policy.sees_all_items(context.user):
        return
    url = reverse("admin:feedback_opinion_change", args=["__pk__"])
    for pk, number, kind, department, due, provisional in (
        Opinion.objects.open().filter(due_on__isnull=False).order_by()
        .values_list("pk", "number", "kind", "forwarded_to__name", "due_on", "due_provisional")
    ):
        yield BoardRow(
            kind="答复意见",
            title=f"{number}（{Opinion.Kind(kind).label}）",
            department_id=None,
            department_name=f"意见箱（转{department}）" if department else "意见箱",
            due=due,
            url=url.replace("__pk__", str(pk)),
            provisional=provisional,
            subject=("opinion", pk),
        )


# The sources of open deadlines; each filters by what `context.user` may see.
BOARD_SOURCES: list[BoardSource] = [item_rows, request_rows, opinion_rows]


def _item_steps(items: Iterable[DisclosureItem], user, today) -> dict[int, list[NextStep]]:
    # The buttons are on the item's page (they post there): link to them.
    steps = {}
    for item in items:
        url = reverse("admin:items_disclosureitem_change", args=[item.pk]) + "#workflow"
        steps[item.pk] = [NextStep(a.label, url) for a in ITEM_ACTIONS.available(item, user, today=today)]
    return steps


def _request_steps(requests: Iterable[DisclosureRequest], user, today) -> dict[int, list[NextStep]]:
    steps = {}
    for req in requests:
        steps[req.pk] = [
            NextStep(a.label, reverse("admin:disclosure_requests_disclosurerequest_step",
                                      args=[req.pk, a.name]))
            for a in REQUEST_ACTIONS.available(req, user, today=today) if a.name in STEP_NAMES
        ]
    return steps


def _opinion_steps(opinions: Iterable[Opinion], user, today) -> dict[int, list[NextStep]]:
    return {
        opinion.pk: [NextStep(a.label, reverse("admin:feedback_opinion_step", args=[opinion.pk, a.name]))
                     for a in OPINION_ACTIONS.available(opinion, user, today=today)]
        for opinion in opinions
    }


# Per kind of row: how to fetch the shown objects in one query, and the steps of its action table.
NEXT_STEPS = {
    "item": (lambda pks: for_action_listing(DisclosureItem.objects.filter(pk__in=pks)), _item_steps),
    "request": (lambda pks: DisclosureRequest.objects.filter(pk__in=pks).prefetch_related("pauses", "letters"),
                _request_steps),
    "opinion": (lambda pks: Opinion.objects.filter(pk__in=pks), _opinion_steps),
}


def attach_next_steps(entries: Iterable[BoardEntry], user, today: dt.date) -> None:
    """Fill `next_steps` of the shown entries from the action tables: one query per kind."""
    entries = list(entries)
    by_kind: dict[str, list[int]] = {}
    for entry in entries:
        if entry.row.subject:
            by_kind.setdefault(entry.row.subject[0], []).append(entry.row.subject[1])
    found: dict[tuple[str, int], list[NextStep]] = {}
    for kind, pks in by_kind.items():
        fetch, steps_of = NEXT_STEPS[kind]
        for pk, steps in steps_of(fetch(pks), user, today).items():
            found[(kind, pk)] = steps
    for entry in entries:
        entry.next_steps = found.get(entry.row.subject, [])


@dataclass
class DepartmentCount:
    name: str
    overdue: int = 0
    due_soon: int = 0
    later: int = 0

    @property
    def total(self) -> int:
        return self.overdue + self.due_soon + self.later


@dataclass
class Board:
    today: dt.date
    groups: dict[str, list[BoardEntry]]
    departments: list[DepartmentCount]

    @property
    def overdue(self) -> list[BoardEntry]:
        return self.groups[OVERDUE]

    @property
    def due_soon(self) -> list[BoardEntry]:
        return self.groups[DUE_SOON]

    @property
    def later(self) -> list[BoardEntry]:
        return self.groups[LATER]

    @property
    def provisional_count(self) -> int:
        return sum(e.row.provisional for entries in self.groups.values() for e in entries)

    def sections(self) -> list[tuple[str, str, list[BoardEntry]]]:
        return [(key, GROUP_LABELS[key], self.groups[key]) for key in (OVERDUE, DUE_SOON, LATER)]


def _group(due: dt.date, today: dt.date, soon_until: dt.date) -> str:
    # The same cut as deadlines.deadline_status: past the date is overdue, then the warning window.
    if due < today:
        return OVERDUE
    if due < soon_until:
        return DUE_SOON
    return LATER


def soon_limit(today: dt.date, calendar: WorkdayCalendar) -> dt.date:
    """The first due date past the warning window (`due_soon_limit`: lists filter by the same)."""
    return due_soon_limit(today, calendar)


def build_board(
    user,
    *,
    today: dt.date | None = None,
    calendar: WorkdayCalendar | None = None,
    sources: Iterable[BoardSource] | None = None,
) -> Board:
    """The open deadlines `user` may see, grouped overdue / due soon / later, soonest first."""
    context = BoardContext(user, today or timezone.localdate(), calendar or default_calendar())
    soon_until = soon_limit(context.today, context.calendar)
    groups: dict[str, list[BoardEntry]] = {OVERDUE: [], DUE_SOON: [], LATER: []}
    per_department: dict[str, Counter] = {}
    for source in BOARD_SOURCES if sources is None else sources:
        for row in source(context):
            group = _group(row.due, context.today, soon_until)
            groups[group].append(BoardEntry(row, group, context.counter))
            per_department.setdefault(row.department_name or "（未指定部门）", Counter())[group] += 1
    for entries in groups.values():
        entries.sort(key=lambda e: (e.row.due, e.row.department_name, e.row.title))
    departments = [
        DepartmentCount(name, counts[OVERDUE], counts[DUE_SOON], counts[LATER])
        for name, counts in per_department.items()
    ]
    departments.sort(key=lambda d: (-d.overdue, -d.due_soon, d.name))
    return Board(context.today, groups, departments)


def deadline_counts(user, *, today: dt.date | None = None) -> dict[str, int]:
    """The numbers the admin index shows at a glance: overdue and due soon in the user's scope."""
    board = build_board(user, today=today)
    return {"overdue": len(board.overdue), "due_soon": len(board.due_soon)}
