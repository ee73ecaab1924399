"""The daily digest: editors get their own due-soon and overdue items, the office a summary."""

import datetime as dt
import io
import json

import chinese_calendar
import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import CommandError, call_command

from disclosure.backoffice.board import build_board
from disclosure.workcalendar.models import Holiday

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def digest(db, django_capture_on_commit_callbacks, run_worker):
    """Run the command, then the worker: the mail goes through the outbox like in production."""

    def run(*args):
        out = io.StringIO()
        with django_capture_on_commit_callbacks(execute=True):
            call_command("send_deadline_digest", *args, stdout=out, stderr=io.StringIO())
        run_worker()
        return out.getvalue()

    return run


@pytest.fixture
def mailboxes(editor, other_editor, office_user, supervisor):
    for user in (editor, other_editor, office_user, supervisor):
        user.email = f"{user.username}@example.edu.cn"
        user.save()


def test_each_editor_gets_only_own_items_and_the_office_a_summary(make_item, other_department, mailboxes,
                                                                   digest):
    make_item(title="教务处逾期事项")  # due 23 Mar 2026
    make_item(title="财务处临近事项", department=other_department, produced_on=D(2026, 3, 6))  # due 27 Mar
    make_item(title="财务处远期事项", department=other_department, produced_on=D(2026, 3, 24))
    digest("--date", "2026-03-24")
    by_recipient = {m.to[0]: m for m in mail.outbox}
    assert set(by_recipient) == {"editor@example.edu.cn", "other_editor@example.edu.cn",
                                 "office@example.edu.cn"}
    mine = by_recipient["editor@example.edu.cn"].body
    assert "教务处逾期事项" in mine and "财务处" not in mine and "逾期 1 个工作日" in mine
    theirs = by_recipient["other_editor@example.edu.cn"].body
    assert "财务处临近事项" in theirs and "远期" not in theirs and "教务处" not in theirs
    summary = by_recipient["office@example.edu.cn"]
    assert "已逾期 1 项" in summary.subject and "即将到期 1 项" in summary.subject
    assert "教务处逾期事项" in summary.body and "财务处临近事项" in summary.body


def test_no_mail_when_nothing_to_say(make_item, mailboxes, digest):
    make_item(title="远期事项")
    digest("--date", "2026-03-03")
    assert mail.outbox == []
    make_item("published", title="已发布")
    digest("--date", "2026-12-01")
    assert [m.to for m in mail.outbox] == [["editor@example.edu.cn"], ["office@example.edu.cn"]]


def test_dry_run_sends_nothing(make_item, mailboxes, digest):
    make_item(title="逾期事项")
    output = digest("--dry-run", "--date", "2026-04-01")
    assert mail.outbox == []
    assert "逾期事项" in output and "将发送 2 封" in output


def test_bad_date_is_a_clear_error(digest):
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        digest("--date", "下周")


def test_digest_on_the_demo_data(db, digest):
    call_command("load_demo", items=40, stdout=io.StringIO())
    users = {u.username: u for u in get_user_model().objects.all()}
    digest()
    by_recipient = {m.to[0]: m.body for m in mail.outbox}
    assert "supervisor@example.edu.cn" not in by_recipient
    office = build_board(users["office"])
    urgent = office.overdue + office.due_soon
    assert urgent, "the demo keeps some drafts overdue"
    for entry in urgent:
        assert entry.row.title in by_recipient["office@example.edu.cn"]
    for name, departments in (("jwc_editor", {"教务处"}), ("zsjyc_editor", {"招生就业处", "学生工作处"})):
        mine = [e for e in urgent if e.row.department_name in departments]
        body = by_recipient.get(f"{name}@example.edu.cn")
        if not mine:
            assert body is None
            continue
        assert all(e.row.title in body for e in mine)
        assert all(e.row.title not in body for e in urgent if e not in mine
                   and not any(e.row.title == m.row.title for m in mine))


def test_load_holidays_example_file_matches_the_library(office_user):
    # The shipped 2026 file repeats the official notice that chinesecalendar also holds.
    out = io.StringIO()
    call_command("load_holidays", "disclosure/workcalendar/data/holidays/2026.json", stdout=out)
    assert "已载入 2026 年放假安排" in out.getvalue()
    days = Holiday.objects.filter(date__year=2026, source="official")
    assert days.count() == 39  # 33 rest days and 6 make-up workdays
    for day in days:
        assert day.is_workday == chinese_calendar.is_workday(day.date), day


def test_load_holidays_moves_provisional_deadlines(make_item, tmp_path):
    item = make_item(title="跨年", produced_on=D(2026, 12, 24))
    assert item.deadline_provisional
    path = tmp_path / "2027.json"
    path.write_text(json.dumps({"year": 2027, "holidays": [
        {"name": "元旦", "off": ["2027-01-01", "2027-01-03"], "work": []},
    ]}), encoding="utf-8")
    dry = io.StringIO()
    call_command("load_holidays", str(path), "--dry-run", stdout=dry)
    assert "试运行" in dry.getvalue()
    assert not Holiday.objects.filter(date__year=2027).exists()
    call_command("load_holidays", str(path), stdout=io.StringIO())
    item.refresh_from_db()
    assert not item.deadline_provisional
    call_command("load_holidays", str(path), stdout=io.StringIO())  # idempotent
    assert Holiday.objects.filter(date__year=2027).count() == 3


def test_load_holidays_csv_and_errors(tmp_path):
    path = tmp_path / "h.csv"
    path.write_text("日期,是否上班,名称\n2027-02-06,否,春节\n2027-02-20,是,春节调休上班\n", encoding="utf-8")
    call_command("load_holidays", str(path), stdout=io.StringIO())
    assert Holiday.objects.get(date=D(2027, 2, 20)).is_workday
    path.write_text("日期,是否上班,名称\n2027-02-06,也许,春节\n", encoding="utf-8")
    with pytest.raises(CommandError, match="是否上班"):
        call_command("load_holidays", str(path), stdout=io.StringIO())
    with pytest.raises(CommandError, match="找不到文件"):
        call_command("load_holidays", str(tmp_path / "none.json"))
