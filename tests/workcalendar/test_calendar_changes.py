"""A calendar change moves dates: the notice (command and admin), an override, a library upgrade.

Every kind of date is checked to the day, under the provisional 2027 and under a (fictitious) 2027
notice that differs from it: 春节 from 初一 (6–13 February, 5 February worked) with 20 February
worked, where the provisional rule has 5–13 February off with 31 January and 14 February worked.
"""

import datetime as dt
import io
import types

import chinese_calendar
import pytest
from chinese_calendar import constants as official
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone

from disclosure.annual_reports import actions as report_actions
from disclosure.disclosure_requests import actions as rs
from disclosure.disclosure_requests.models import RequestEvent
from disclosure.items.models import ItemEvent
from disclosure.workcalendar import services as calendar_services
from disclosure.workcalendar.apps import check_calendar_after_migrate
from disclosure.workcalendar.models import CalendarChange, CalendarYear, Holiday

D = dt.date

NOTICE_2027 = """国务院办公厅关于2027年部分节假日安排的通知

各省、自治区、直辖市人民政府，国务院各部委、各直属机构：

经国务院批准，现将2027年元旦、春节放假调休日期的具体安排通知如下。

一、元旦：1月1日（周五）至3日（周日）放假，共3天。

二、春节：2月6日（农历正月初一、周六）至13日（农历正月初八、周六）放假调休，共8天。2月20日（周六）上班。

鼓励各单位结合带薪年休假等制度落实，安排职工在除夕（2月5日）休息。

国务院办公厅
2026年11月5日
"""

APPLICANT = {"applicant_type": "citizen", "applicant_name": "张三", "description": "学校预算",
             "email": "", "preferred_form": "electronic", "delivery": "email"}


@pytest.fixture
def dated(monkeypatch, make_item, office_user):
    """One of every date a 2027 calendar change moves, made through the services."""
    monkeypatch.setattr(rs, "_today", lambda: D(2027, 1, 25))
    item = make_item(title="跨年事项", produced_on=D(2027, 1, 20))
    # An online request sent on 除夕, a rest day by the provisional rule, a working day by the notice.
    online = rs.receive_request(submitted_at=timezone.make_aware(dt.datetime(2027, 2, 5, 10)),
                                **APPLICANT)
    extended = rs.receive_request(by=office_user, channel="letter", received_on=D(2026, 12, 28),
                                  **APPLICANT)
    extended = rs.extend_request(extended, by=office_user, workdays=15, approver="王主任",
                                 reason="需要调取档案", on=D(2027, 1, 8), notified_on=D(2027, 1, 8))
    consulting = rs.receive_request(by=office_user, channel="in_person", received_on=D(2027, 1, 4),
                                    **APPLICANT)
    rs.start_consultation(consulting, by=office_user, third_party="某公司", on=D(2027, 1, 20))
    report = report_actions.create_report(by=office_user, year=2026)
    return types.SimpleNamespace(item=item, online=online, extended=extended, consulting=consulting,
                                 report=report)


def _fresh(obj):
    obj.refresh_from_db()
    return obj


EXPECTED_MOVES = {
    ("事项“跨年事项”", "公开期限"): (D(2027, 2, 16), D(2027, 2, 17)),
    ("online", "收到申请之日"): (D(2027, 2, 14), D(2027, 2, 5)),
    ("online", "通知补正截止日"): (D(2027, 2, 23), D(2027, 2, 22)),
    ("online", "答复期限"): (D(2027, 3, 5), D(2027, 3, 4)),
    ("extended", "答复期限"): (D(2027, 2, 15), D(2027, 2, 16)),
    ("consulting", "第三方答复期限"): (D(2027, 2, 16), D(2027, 2, 17)),
    # Three working days were left when the clock stopped; they run after the limit, through the
    # make-up Saturday 20 February.
    ("consulting", "答复期限"): (D(2027, 2, 19), D(2027, 2, 20)),
}


def _expected(dated):
    names = {"online": f"申请 {dated.online.tracking_number}",
             "extended": f"申请 {dated.extended.tracking_number}",
             "consulting": f"申请 {dated.consulting.tracking_number}"}
    return {(names.get(subject, subject), what): dates
            for (subject, what), dates in EXPECTED_MOVES.items()}


def _as_dict(moves):
    return {(m.subject, m.what): (m.old, m.new) for m in moves}


def test_provisional_dates_before_the_notice(dated):
    assert dated.item.publish_due == D(2027, 2, 16) and dated.item.deadline_provisional
    assert dated.online.received_on == D(2027, 2, 14)
    assert dated.online.due_on == D(2027, 3, 5) and dated.online.due_provisional
    assert dated.extended.due_on == D(2027, 2, 15)
    assert report_actions.report_due_on(2026) == D(2027, 10, 29)  # 31 October 2027 is a Sunday


def test_dry_run_lists_every_move_and_saves_nothing(dated):
    result = calendar_services.load_notice(NOTICE_2027, dry_run=True)
    assert result.year == 2027 and result.change is None
    assert _as_dict(result.moves) == _expected(dated)
    # 除夕 is only encouraged off: not a rest day; 5 February is a working day.
    assert [(r.date, r.is_workday) for r in result.rows if r.date.month == 2] == [
        *[(D(2027, 2, d), False) for d in range(6, 14)], (D(2027, 2, 20), True)
    ]
    assert not Holiday.objects.exists() and not CalendarChange.objects.exists()
    assert _fresh(dated.item).publish_due == D(2027, 2, 16)
    assert _fresh(dated.online).received_on == D(2027, 2, 14)
    assert not ItemEvent.objects.filter(action=ItemEvent.Action.DEADLINE_RECOMPUTED).exists()
    assert not RequestEvent.objects.filter(action=RequestEvent.Action.DEADLINE_RECOMPUTED).exists()


def test_the_notice_rows_are_the_days_it_names():
    rows = calendar_services.parse_notice(NOTICE_2027)
    assert [(r.date, int(r.is_workday), r.name) for r in rows] == [
        (D(2027, 1, 1), 0, "元旦"), (D(2027, 1, 2), 0, "元旦"), (D(2027, 1, 3), 0, "元旦"),
        *[(D(2027, 2, d), 0, "春节") for d in range(6, 14)],
        (D(2027, 2, 20), 1, "春节"),
    ]


def test_load_holidays_notice_dry_run_prints_the_csv_and_the_moves(dated, tmp_path):
    path = tmp_path / "notice.txt"
    path.write_text(NOTICE_2027, encoding="utf-8")
    out = io.StringIO()
    call_command("load_holidays", "--notice", str(path), "--dry-run", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0] == "日期,是否上班,名称"
    assert lines[1:13] == (
        ["2027-01-01,0,元旦", "2027-01-02,0,元旦", "2027-01-03,0,元旦"]
        + [f"2027-02-{d:02d},0,春节" for d in range(6, 14)] + ["2027-02-20,1,春节"]
    )
    assert "  事项“跨年事项”，公开期限：2027-02-16 → 2027-02-17" in lines
    assert f"  申请 {dated.online.tracking_number}，收到申请之日：2027-02-14 → 2027-02-05" in lines
    assert "（试运行，未保存）已载入 2027 年放假安排 12 天，重算 7 个期限。" in lines
    assert not Holiday.objects.exists()


def test_load_holidays_notice_loads_recomputes_and_records(dated, tmp_path):
    path = tmp_path / "notice.txt"
    path.write_text(NOTICE_2027, encoding="utf-8")
    call_command("load_holidays", "--notice", str(path), stdout=io.StringIO())
    assert set(Holiday.objects.values_list("source", flat=True)) == {Holiday.Source.OFFICIAL}
    item = _fresh(dated.item)
    assert item.publish_due == D(2027, 2, 17) and not item.deadline_provisional
    event = item.events.get(action=ItemEvent.Action.DEADLINE_RECOMPUTED)
    assert event.data["before"]["publish_due"] == "2027-02-16"
    assert event.data["after"]["publish_due"] == "2027-02-17"
    online = _fresh(dated.online)
    assert (online.received_on, online.due_on, online.due_provisional) == (
        D(2027, 2, 5), D(2027, 3, 4), False)
    recorded = online.events.get(action=RequestEvent.Action.DEADLINE_RECOMPUTED)
    assert ["收到申请之日", "2027-02-14", "2027-02-05"] in recorded.data["moves"]
    assert _fresh(dated.extended).due_on == D(2027, 2, 16)
    # The third party's limit moved a day later; the reply clock stands still through it.
    assert _fresh(dated.consulting).due_on == D(2027, 2, 20)
    change = CalendarChange.objects.get()
    assert change.kind == CalendarChange.Kind.NOTICE and change.by is None and change.year == 2027
    assert len(change.moves) == 7 and change.text.startswith("国务院办公厅关于2027年")
    assert CalendarYear.objects.get(year=2027).source == CalendarYear.Source.NOTICE
    # Again: nothing moves any more.
    call_command("load_holidays", "--notice", str(path), stdout=io.StringIO())
    assert CalendarChange.objects.order_by("-id").first().moves == []


def test_load_holidays_notice_errors_are_chinese(tmp_path):
    path = tmp_path / "notice.txt"
    path.write_text("国务院办公厅关于2027年部分节假日安排的通知\n今年不放假。", encoding="utf-8")
    with pytest.raises(CommandError, match="未在通知中找到各节日的安排"):
        call_command("load_holidays", "--notice", str(path), stdout=io.StringIO())
    with pytest.raises(CommandError, match="二者选一"):
        call_command("load_holidays", stdout=io.StringIO())
    with pytest.raises(CommandError, match="找不到文件"):
        call_command("load_holidays", "--notice", str(tmp_path / "none.txt"))


def test_an_office_override_moves_the_report_due_date_and_is_recorded(dated, office_user):
    # The office makes Saturday 30 October 2027 a working day: the report may go out that day.
    moved = calendar_services.save_holiday(
        Holiday(date=D(2027, 10, 30), is_workday=True, name="调休上班", source="manual"),
        by=office_user,
    )
    assert report_actions.report_due_on(2026) == D(2027, 10, 30)
    change = CalendarChange.objects.get()
    assert change.kind == CalendarChange.Kind.OVERRIDE and change.by == office_user
    assert {"subject": dated.report.display_title, "what": "年度报告发布期限",
            "old": "2027-10-29", "new": "2027-10-30"} in change.moves
    assert moved == len(change.moves)


# ---- A library upgrade ----


def _library_gains_2027(monkeypatch):
    """As if chinesecalendar 1.12 shipped with the (fictitious) 2027 notice."""
    for day in (1, 2, 3):
        monkeypatch.setitem(official.holidays, D(2027, 1, day), "New Year's Day")
    for day in range(6, 14):
        monkeypatch.setitem(official.holidays, D(2027, 2, day), "Spring Festival")
    monkeypatch.setitem(official.workdays, D(2027, 2, 20), "Spring Festival")
    monkeypatch.setattr(chinese_calendar, "__version__", "1.12.0", raising=False)


def test_check_calendar_notices_a_library_that_gains_a_year(dated, monkeypatch):
    calendar_services.check_calendar(today=D(2026, 12, 3))
    assert CalendarYear.objects.get(year=2027).source == CalendarYear.Source.PROVISIONAL
    out = io.StringIO()
    call_command("check_calendar", stdout=out)
    assert "没有新收录的年份" in out.getvalue()
    _library_gains_2027(monkeypatch)
    out = io.StringIO()
    call_command("check_calendar", stdout=out)
    assert "chinesecalendar 1.12.0 收录了 2027 年官方放假安排，已重算 7 个期限。" in out.getvalue()
    item = _fresh(dated.item)
    assert item.publish_due == D(2027, 2, 17) and not item.deadline_provisional
    assert _fresh(dated.online).received_on == D(2027, 2, 5)
    change = CalendarChange.objects.get()
    assert change.kind == CalendarChange.Kind.LIBRARY and change.by is None
    assert len(change.moves) == 7
    year = CalendarYear.objects.get(year=2027)
    assert (year.source, year.library_version) == (CalendarYear.Source.LIBRARY, "1.12.0")
    out = io.StringIO()
    call_command("check_calendar", stdout=out)  # idempotent
    assert "没有新收录的年份" in out.getvalue() and CalendarChange.objects.count() == 1


def test_migrate_notices_a_library_that_gains_a_year(dated, monkeypatch):
    from django.apps import apps

    calendar_services.check_calendar(today=D(2026, 12, 3))
    _library_gains_2027(monkeypatch)
    # What `migrate` sends once every migration is applied.
    check_calendar_after_migrate(apps.get_app_config("workcalendar"), using="default", verbosity=0)
    assert _fresh(dated.item).publish_due == D(2027, 2, 17)
    assert CalendarChange.objects.get().kind == CalendarChange.Kind.LIBRARY


def test_migrate_runs_the_check(db, monkeypatch):
    calls = []
    monkeypatch.setattr(calendar_services, "check_calendar",
                        lambda **kw: calls.append(kw) or calendar_services.CoverageCheck([], [], ""))
    call_command("migrate", verbosity=0)
    assert calls


def test_a_year_loaded_by_notice_is_not_moved_again_by_the_library(dated, monkeypatch):
    calendar_services.check_calendar(today=D(2026, 12, 3))
    calendar_services.load_notice(NOTICE_2027)
    _library_gains_2027(monkeypatch)
    assert calendar_services.check_calendar(today=D(2026, 12, 3)).covered == []


# ---- What the office is told ----


def test_the_warning_runs_from_1_november_until_the_notice_is_loaded(db):
    assert calendar_services.pending_warning(today=D(2026, 10, 31)) == ""
    assert calendar_services.pending_warning(today=D(2026, 11, 1)) == "2027年放假安排尚未录入，相关期限为暂定"
    assert calendar_services.pending_warning(today=D(2027, 1, 4)) == "2027年放假安排尚未录入，相关期限为暂定"
    calendar_services.load_notice(NOTICE_2027)
    assert calendar_services.pending_warning(today=D(2026, 12, 3)) == ""


@pytest.fixture
def november(monkeypatch):
    monkeypatch.setattr(calendar_services, "timezone",
                        types.SimpleNamespace(localdate=lambda: D(2026, 11, 20)))


def test_board_and_admin_home_warn_with_a_link_to_the_paste_page(client, office_user, november):
    client.force_login(office_user)
    paste = reverse("admin:workcalendar_holiday_notice")
    for url in (reverse("admin:index"), reverse("deadline_board")):
        body = client.get(url).content.decode()
        assert "2027年放假安排尚未录入，相关期限为暂定" in body, url
        assert f'href="{paste}"' in body, url
    calendar_services.load_notice(NOTICE_2027)
    assert "尚未录入" not in client.get(reverse("admin:index")).content.decode()


def test_the_supervisor_is_warned_without_the_paste_link(client, supervisor, november):
    client.force_login(supervisor)
    body = client.get(reverse("deadline_board")).content.decode()
    assert "2027年放假安排尚未录入" in body
    assert reverse("admin:workcalendar_holiday_notice") not in body


# ---- The paste page and the year page ----


def test_paste_preview_confirm(client, office_user, dated):
    client.force_login(office_user)
    url = reverse("admin:workcalendar_holiday_notice")
    assert client.get(url).status_code == 200
    preview = client.post(url, {"text": NOTICE_2027, "preview": "1"})
    body = preview.content.decode()
    assert preview.status_code == 200
    assert "预览：2027 年放假安排（12 天，尚未保存）" in body
    assert "载入后将变动的期限（7 个）" in body and "跨年事项" in body
    assert not Holiday.objects.exists()
    done = client.post(url, {"text": NOTICE_2027, "confirm": "1"})
    assert done.status_code == 302
    assert done["Location"] == reverse("admin:workcalendar_holiday_year", args=[2027])
    change = CalendarChange.objects.get()
    assert change.by == office_user and change.kind == CalendarChange.Kind.NOTICE
    assert _fresh(dated.item).publish_due == D(2027, 2, 17)


@pytest.mark.parametrize("text", ["", "随便写点什么", "国务院办公厅关于2027年部分节假日安排的通知\n一、春节：2月30日放假。"])
def test_paste_bad_text_is_a_400_in_chinese(client, office_user, text):
    client.force_login(office_user)
    response = client.post(reverse("admin:workcalendar_holiday_notice"), {"text": text, "preview": "1"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "errorlist" in body and not Holiday.objects.exists()


def test_only_the_office_pastes(client, supervisor, editor):
    url = reverse("admin:workcalendar_holiday_notice")
    assert client.get(url).status_code == 302  # to the login page
    for user in (supervisor, editor):
        client.force_login(user)
        assert client.get(url).status_code == 403
        assert client.post(url, {"text": NOTICE_2027, "confirm": "1"}).status_code == 403
    assert not Holiday.objects.exists()


def test_the_year_page_shows_each_day_and_its_source(client, office_user, supervisor):
    client.force_login(office_user)
    page = client.get(reverse("admin:workcalendar_holiday_year", args=[2026])).content.decode()
    assert "2026-02-14" in page and "调休上班" in page and "官方放假数据（随系统安装" in page
    page = client.get(reverse("admin:workcalendar_holiday_year", args=[2027])).content.decode()
    assert "尚未录入官方安排" in page and "暂定规则" in page and "2027-01-31" in page
    calendar_services.load_notice(NOTICE_2027, by=office_user)
    calendar_services.save_holiday(
        Holiday(date=D(2027, 3, 8), is_workday=False, name="校庆", source="manual"), by=office_user)
    page = client.get(reverse("admin:workcalendar_holiday_year", args=[2027])).content.decode()
    assert "国务院办公厅通知（已载入）" in page and "办公室调整" in page and "校庆" in page
    assert "暂定规则" not in page and "2027-01-31" not in page
    client.force_login(supervisor)
    assert client.get(reverse("admin:workcalendar_holiday_year", args=[2027])).status_code == 200
    assert client.get(reverse("admin:workcalendar_holiday_year", args=[3000])).status_code == 404


def test_the_year_page_queries_do_not_grow_with_the_days(client, office_user):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(office_user)
    url = reverse("admin:workcalendar_holiday_year", args=[2027])
    client.get(url)  # sessions, permissions and the calendar warmed up
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    calendar_services.load_notice(NOTICE_2027, by=office_user)
    for day in range(1, 11):
        calendar_services.save_holiday(
            Holiday(date=D(2027, 3, day), is_workday=False, name="校庆", source="manual"),
            by=office_user)
    client.get(url)
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(few) <= 12, [q["sql"] for q in many]
