"""31 October: the board and the digest remind the office of the coming report; compliance marks a late
or missing one."""

import datetime as dt
import io

from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from disclosure.annual_reports import actions as report_services
from disclosure.annual_reports.models import AnnualReport
from disclosure.annual_reports.selectors import get_coming_report, get_report_deadline


def test_deadline_states(db, office_user):
    assert get_coming_report(dt.date(2026, 8, 31)) is None  # the season starts on 1 September
    assert get_coming_report(dt.date(2025, 12, 31))["state"] == "missing"
    coming = get_coming_report(dt.date(2026, 9, 1))
    assert coming["year"] == 2025 and coming["due_on"] == dt.date(2026, 10, 30)  # 31 October 2026 is a Saturday
    assert coming["state"] == "due" and "还有59天（尚未创建）" in coming["message"]
    late = get_report_deadline(2025, today=dt.date(2026, 11, 1))
    assert late["state"] == "missing" and late["late"]
    report = report_services.publish_report(report_services.create_report(by=office_user, year=2024),
                                            by=office_user)
    AnnualReport.objects.filter(pk=report.pk).update(
        published_at=timezone.make_aware(dt.datetime(2025, 11, 3, 10)))
    assert get_report_deadline(2024, today=dt.date(2026, 1, 1))["state"] == "published_late"
    AnnualReport.objects.filter(pk=report.pk).update(
        published_at=timezone.make_aware(dt.datetime(2025, 10, 20, 10)))
    assert get_report_deadline(2024, today=dt.date(2026, 1, 1))["state"] == "published"
    assert get_coming_report(dt.date(2025, 10, 21)) is None  # published: nothing to remind


def test_digest_reminds_the_office_and_compliance_marks_a_missing_report(
        db, office_user, client, django_capture_on_commit_callbacks, run_worker):
    office_user.email = "office@example.edu.cn"
    office_user.save()
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_deadline_digest", date="2026-09-15", stdout=out)
    run_worker()  # the mail goes through the outbox
    assert len(mail.outbox) == 1 and "年度报告待发布" in mail.outbox[0].subject
    assert "2025-2026学年信息公开年度报告：应于2026-10-30前发布" in mail.outbox[0].body
    client.force_login(office_user)
    page = client.get(reverse("disclosure:report_compliance", args=[2020])).content.decode()
    assert "✗ 已逾期：2021-10-29前应发布，尚未发布" in page


def test_board_shows_the_coming_report_to_the_office_only(db, office_user, editor, client):
    from unittest import mock

    with mock.patch("django.utils.timezone.localdate", return_value=dt.date(2026, 9, 10)):
        client.force_login(office_user)
        page = client.get(reverse("deadline_board")).content.decode()
        assert "2025-2026学年年度报告：应于2026-10-30前发布，还有50天（尚未创建）" in page
        client.force_login(editor)
        assert "年度报告" not in client.get(reverse("deadline_board")).content.decode()
