"""The admin home page per role: counts that link to the lists they count, in few queries."""

import datetime as dt

import pytest
from django.urls import reverse

from disclosure.backoffice.home import home_sections, next_report_due
from disclosure.items import actions as item_actions

pytestmark = pytest.mark.django_db
D = dt.date
INDEX = reverse("admin:index")


def tiles(sections):
    return {tile.label: tile for section in sections for tile in section.tiles}


@pytest.fixture
def editor_work(make_item, editor, other_editor, office_user, other_department):
    make_item(title="草稿甲", by=editor)
    returned = make_item("in_review", title="退回乙", by=editor)
    item_actions.return_to_draft(returned, by=office_user, comment="请补充附件")
    make_item("in_review", title="待审丙", by=editor)
    make_item(title="别的部门", by=other_editor, department=other_department)


def test_editor_sees_its_drafts_returned_and_deadlines(editor_work, editor):
    # All produced on Mon 2 Mar 2026: the publication is due Mon 23 Mar.
    soon = tiles(home_sections(editor, today=D(2026, 3, 18)))
    assert [soon[k].count for k in ("草稿", "退回修改", "3 个工作日内到期", "已逾期")] == [2, 1, 3, 0]
    late = tiles(home_sections(editor, today=D(2026, 3, 24)))
    assert late["3 个工作日内到期"].count == 0 and late["已逾期"].count == 3


def test_each_count_is_the_list_it_links_to(editor_work, editor, office_user, supervisor, client):
    for user in (editor, office_user, supervisor):
        client.force_login(user)
        for label, tile in tiles(home_sections(user)).items():
            if tile.count is None:
                continue
            response = client.get(tile.url)
            assert response.status_code == 200, (label, tile.url)
            assert response.context["cl"].result_count == tile.count, (user, label, tile.url)


def test_office_sees_review_requests_error_reports_and_the_yearly_report(world, office_user):
    shown = tiles(home_sections(office_user))
    assert shown["待审核"].count == 0
    assert shown["待答复的申请"].count == 1 and "最近答复期限" in shown["待答复的申请"].note
    assert shown["待处理的纠错与咨询"].count == 1
    report = next(t for label, t in shown.items() if label.endswith("年度报告"))
    assert "应于" in report.note


def test_the_next_yearly_report():
    # Before September the last ended academic year is the one before the previous.
    assert next_report_due(D(2026, 7, 1)) == (2024, D(2025, 10, 31))
    assert next_report_due(D(2026, 12, 3)) == (2025, D(2026, 10, 31))


def test_supervisor_sees_overdue_by_department(editor_work, supervisor, department, other_department):
    shown = tiles(home_sections(supervisor, today=D(2026, 3, 24)))
    assert shown[department.name].count == 3 and shown[other_department.name].count == 1
    assert "department__id__exact" in shown[department.name].url


def test_roles_see_only_their_sections(editor_work, editor, supervisor):
    assert [s.title for s in home_sections(editor)] == ["我的待办"]
    assert [s.title for s in home_sections(supervisor)] == ["各部门逾期情况"]


# The office home also asks whether next year's holidays are loaded (the calendar warning).
@pytest.mark.parametrize("role,limit", [("office", 21), ("editor", 16), ("supervisor", 14)])
def test_home_page_queries(role, limit, world, editor_work, office_user, editor, supervisor, client,
                           django_assert_max_num_queries, make_item):
    user = {"office": office_user, "editor": editor, "supervisor": supervisor}[role]
    client.force_login(user)
    client.get(INDEX)  # the calendar and the session warm up once
    with django_assert_max_num_queries(limit):
        response = client.get(INDEX)
    assert response.status_code == 200
    # Twenty more items cost no more queries: every count is one query.
    for n in range(20):
        make_item(title=f"新增{n}", by=office_user)
    with django_assert_max_num_queries(limit):
        client.get(INDEX)
