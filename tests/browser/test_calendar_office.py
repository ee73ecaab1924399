"""The office's yearly calendar routine in a real browser: warned, pastes the notice, previews, confirms."""

import datetime as dt
import os
import types
from pathlib import Path

import pytest

from disclosure.access import policy
from disclosure.workcalendar import services as calendar_services
from disclosure.workcalendar.models import CalendarChange
from tests.workcalendar.test_calendar_changes import NOTICE_2027

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = (1366, 390)


@pytest.fixture
def shots(tmp_path):
    """Where the screenshots go: BROWSER_SCREENSHOTS if set, to look at them after the run."""
    folder = Path(os.environ.get("BROWSER_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _shoot(page, folder, name):
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(folder / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": WIDTHS[0], "height": 900})


def test_office_pastes_the_notice_after_the_warning(live_server, page, django_user_model, shots,
                                                    monkeypatch):
    monkeypatch.setattr(calendar_services, "timezone",
                        types.SimpleNamespace(localdate=lambda: dt.date(2026, 11, 20)))
    policy.sync_role_groups()
    office = django_user_model.objects.create_user("office-c", password="pw-12345-long",
                                                   is_staff=True)
    office.groups.add(policy.group_for(policy.OFFICE))
    page.goto(live_server.url + "/admin/login/")
    page.fill("#id_username", "office-c")
    page.fill("#id_password", "pw-12345-long")
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/")
    warning = page.locator(".calendar-warning")
    assert "2027年放假安排尚未录入，相关期限为暂定" in warning.inner_text()
    _shoot(page, shots, "admin-home-warning")

    warning.get_by_role("link").click()
    page.wait_for_url("**/workcalendar/holiday/notice/")
    page.fill("#id_text", NOTICE_2027)
    page.get_by_role("button", name="预览").click()
    assert "预览：2027 年放假安排（12 天，尚未保存）" in page.locator("#content-main").inner_text()
    _shoot(page, shots, "notice-preview")

    page.get_by_role("button", name="确认载入 2027 年放假安排").click()
    page.wait_for_url("**/workcalendar/holiday/year/2027/")
    assert "已载入国务院办公厅通知" in page.locator("#content-main").inner_text()
    assert CalendarChange.objects.get().by == office
    _shoot(page, shots, "calendar-2027")
    page.goto(live_server.url + "/admin/")
    assert page.locator(".calendar-warning").count() == 0
