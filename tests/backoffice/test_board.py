"""The deadline board: grouping by working days, scope per role, provisional marks, extra sources."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from disclosure.backoffice import board as board_module
from disclosure.backoffice.board import BoardRow, WorkdayCounter, build_board
from disclosure.items import actions as item_actions
from disclosure.items.deadlines import item_deadline_status
from disclosure.items.models import DisclosureItem
from disclosure.workcalendar.workdays import WorkdayCalendar, workdays_between

pytestmark = pytest.mark.django_db
D = dt.date
BOARD = reverse("deadline_board")


def titles(entries):
    return [e.row.title for e in entries]


def test_groups_by_working_days_left(make_item, office_user):
    # produced 2 Mar 2026 (Mon): 15 working days → due Mon 23 Mar.
    item = make_item(title="章程")
    assert item.publish_due == D(2026, 3, 23)
    later = build_board(office_user, today=D(2026, 3, 17))  # 18, 19, 20, 23: four left
    assert titles(later.later) == ["章程"] and later.later[0].workdays_left == 4
    soon = build_board(office_user, today=D(2026, 3, 18))
    assert titles(soon.due_soon) == ["章程"] and soon.due_soon[0].days_label == "剩 3 个工作日"
    due_today = build_board(office_user, today=D(2026, 3, 23))
    assert titles(due_today.due_soon) == ["章程"] and due_today.due_soon[0].workdays_left == 0
    late = build_board(office_user, today=D(2026, 3, 25))
    assert titles(late.overdue) == ["章程"] and late.overdue[0].days_label == "逾期 2 个工作日"


def test_board_agrees_with_the_deadline_engine(make_item, office_user):
    for n in range(6):
        make_item(title=f"事项{n}", produced_on=D(2026, 9, 20) + dt.timedelta(days=n * 3))
    today = D(2026, 10, 9)
    board = build_board(office_user, today=today)
    for entry in board.overdue + board.due_soon + board.later:
        item = DisclosureItem.objects.get(title=entry.row.title)
        status = item_deadline_status(item, today=today)
        assert entry.workdays_left == status.workdays_left
        assert entry.state == status.state


def test_counter_matches_workdays_between():
    calendar = WorkdayCalendar()
    today = D(2025, 10, 5)
    counter = WorkdayCounter(today, calendar)
    for due in (D(2025, 9, 1), D(2025, 9, 28), D(2025, 10, 1), D(2025, 10, 11), D(2026, 2, 20),
                D(2025, 10, 5), D(2024, 12, 31)):
        assert counter.left(due) == workdays_between(today, due, calendar), due


def test_published_and_closed_items_leave_the_board(make_item, office_user, editor):
    make_item("published", title="已发布")
    make_item("withdrawn", title="已撤回")
    make_item(title="依申请", attribute="on_request")
    changed = make_item("published", title="有变更")
    item_actions.record_change(changed, by=editor, changed_on=D(2026, 6, 1))
    board = build_board(office_user, today=D(2026, 6, 2))
    rows = board.overdue + board.due_soon + board.later
    assert [(e.row.title, e.row.kind) for e in rows] == [("有变更", "更新")]
    item_actions.publish_update(changed, by=editor)
    assert build_board(office_user, today=D(2026, 6, 2)).later == []


def test_scope_per_role(make_item, editor, other_editor, office_user, supervisor, other_department):
    make_item(title="教务处事项")
    make_item(title="财务处事项", department=other_department)
    today = D(2026, 3, 25)
    everything = {"教务处事项", "财务处事项"}
    assert set(titles(build_board(office_user, today=today).overdue)) == everything
    assert set(titles(build_board(supervisor, today=today).overdue)) == everything
    assert titles(build_board(editor, today=today).overdue) == ["教务处事项"]
    assert titles(build_board(other_editor, today=today).overdue) == ["财务处事项"]
    counts = {d.name: (d.overdue, d.due_soon, d.later) for d in build_board(office_user, today=today).departments}
    assert counts == {"教务处": (1, 0, 0), "财务处": (1, 0, 0)}


def test_provisional_deadlines_are_marked(make_item, office_user):
    # 2027 has no official arrangement in the shipped library: the deadline is provisional.
    make_item(title="跨年事项", produced_on=D(2026, 12, 24))
    board = build_board(office_user, today=D(2026, 12, 25))
    entry = (board.overdue + board.due_soon + board.later)[0]
    assert entry.row.provisional and board.provisional_count == 1


def test_extra_sources_join_the_board(make_item, office_user, editor, monkeypatch):
    def requests_source(context):
        if context.user == office_user:
            yield BoardRow("答复申请", "申请 2026-001", None, "信息公开办公室", D(2026, 3, 24), "/x/")

    monkeypatch.setattr(board_module, "BOARD_SOURCES", [*board_module.BOARD_SOURCES, requests_source])
    make_item(title="章程")
    board = build_board(office_user, today=D(2026, 3, 23))
    assert titles(board.due_soon) == ["章程", "申请 2026-001"]
    assert titles(build_board(editor, today=D(2026, 3, 23)).due_soon) == ["章程"]


def test_board_page_per_role(client, make_item, editor, supervisor, other_department):
    make_item(title="教务处事项")
    make_item(title="财务处事项", department=other_department)
    client.force_login(editor)
    page = client.get(BOARD).content.decode()
    assert "教务处事项" in page and "财务处事项" not in page
    client.force_login(supervisor)
    page = client.get(BOARD).content.decode()
    assert "教务处事项" in page and "财务处事项" in page and "各部门统计" in page


def test_board_page_needs_staff(client, django_user_model):
    assert client.get(BOARD).status_code == 302  # to the login page
    user = django_user_model.objects.create_user("public", password="pw-12345-long")
    client.force_login(user)
    assert client.get(BOARD).status_code == 302


def test_board_query_count_is_bounded(client, make_item, office_user, django_assert_max_num_queries):
    from disclosure.disclosure_requests import actions as request_actions

    def receive(n: int):
        return request_actions.receive_request(
            by=office_user, channel="in_person", received_on=timezone.localdate() - dt.timedelta(days=n),
            applicant_type="citizen", applicant_name=f"申请人{n}", description="学校预算",
            preferred_form="electronic", delivery="email")

    client.force_login(office_user)
    make_item(title="一")
    receive(0)
    client.get(BOARD)
    # 17: session, user, OTP, roles, one query per source (items, requests, opinions), the items'
    # next steps (three), the requests' (with their pauses and letters: three), permissions (two), the security policy, the site settings (two), the
    # header's department of the user (one) and the office's yearly report deadline (one, from
    # 1 September to 31 December; 16 outside it): a fixed
    # number, whatever the rows.
    with django_assert_max_num_queries(20) as few:
        client.get(BOARD)
    for n in range(30):
        make_item(title=f"事项{n}", produced_on=D(2025, 1, 2) + dt.timedelta(days=n * 9))
    # Requests too: each row's next steps ask about its pauses and letters, never one query per row.
    for n in range(1, 8):
        receive(n)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(BOARD).content.decode()
    assert "事项29" in page


def test_demo_users_see_the_right_board(db):
    call_command("load_demo", items=40, stdout=io.StringIO())
    from django.contrib.auth import get_user_model

    users = {u.username: u for u in get_user_model().objects.all()}

    def item_rows(username):
        board = build_board(users[username])
        # Other registered sources (requests) may add rows of their own; these are the items'.
        return [e for e in board.overdue + board.due_soon + board.later if e.row.kind in ("公开", "更新")]

    open_items = DisclosureItem.objects.with_open_deadline()
    assert item_rows("office") and len(item_rows("office")) == open_items.count()
    assert len(item_rows("supervisor")) == open_items.count()
    for name, departments in (("jwc_editor", {"教务处"}), ("zsjyc_editor", {"招生就业处", "学生工作处"})):
        rows = item_rows(name)
        assert {e.row.department_name for e in rows} <= departments
        assert len(rows) == open_items.filter(department__name__in=departments).count()
        board = build_board(users[name])
        assert all(e.row.kind in ("公开", "更新") for e in board.overdue + board.due_soon + board.later)


def test_groups_agree_with_deadline_status_around_holidays(db):
    from disclosure.workcalendar.deadlines import DeadlineState, deadline_status

    # National Day 2025 and a weekend right after the third working day (Fri 20 Mar 2026).
    dues = [D(2025, 9, 25) + dt.timedelta(days=n) for n in range(25)]
    dues += [D(2026, 3, 16) + dt.timedelta(days=n) for n in range(12)]

    def source(context):
        for due in dues:
            yield BoardRow("公开", f"{due}", 1, "部门", due, "/x/")

    for today in [D(2025, 9, 26), D(2025, 9, 28), D(2025, 9, 30), D(2025, 10, 3), D(2025, 10, 8),
                  D(2026, 3, 17), D(2026, 3, 18), D(2026, 3, 21)]:
        board = build_board(None, today=today, sources=[source])
        entries = board.overdue + board.due_soon + board.later
        assert len(entries) == len(dues)
        for entry in entries:
            status = deadline_status(entry.row.due, today=today)
            assert (entry.state, entry.workdays_left) == (status.state, status.workdays_left), (
                today, entry.row.due)
    # Tue 17 Mar: Wed, Thu, Fri are the three working days; Saturday still has three left.
    board = build_board(None, today=D(2026, 3, 17), sources=[source])
    saturday = next(e for e in board.due_soon if e.row.due == D(2026, 3, 21))
    assert saturday.workdays_left == 3
    assert [e.row.due for e in board.later][:1] == [D(2026, 3, 23)]
    assert DeadlineState.DUE_SOON == saturday.state


def test_board_page_lists_a_page_per_group(client, make_item, office_user, monkeypatch):
    from disclosure.backoffice import views as board_page

    monkeypatch.setattr(board_page, "ROWS_PER_GROUP", 2)
    for n in range(5):
        make_item(title=f"逾期{n}", produced_on=D(2025, 1, 2) + dt.timedelta(days=n))
    client.force_login(office_user)
    page = client.get(BOARD).content.decode()
    assert "已逾期（5）" in page and "逾期0" in page and "逾期1" in page and "逾期2" not in page
    assert "查看全部 5 条" in page
    page = client.get(BOARD, {"group": "overdue", "page": 3}).content.decode()
    assert "逾期4" in page and "逾期0" not in page and "第 3 / 3 页" in page
    assert "3 个工作日内到期" not in page.split("各部门统计")[1]  # only the group asked for
    for bad in ({"group": "x", "page": "y"}, {"group": "overdue", "page": "-1"},
                {"group": "overdue", "page": "999"}):
        assert client.get(BOARD, bad).status_code == 200


def test_each_row_offers_what_its_action_table_allows_this_user(client, make_item, editor, supervisor,
                                                                office_user):
    make_item(title="草稿事项")
    client.force_login(editor)
    page = client.get(BOARD).content.decode()
    assert "提交审核" in page  # a draft of the editor's own department
    client.force_login(supervisor)
    page = client.get(BOARD).content.decode()
    assert "草稿事项" in page and "提交审核" not in page
    client.force_login(office_user)
    page = client.get(BOARD).content.decode()
    assert "提交审核" in page and "#workflow" in page
