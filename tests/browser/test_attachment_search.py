"""A reader finds a word that only an attached file holds, and sees which file matched."""

import datetime as dt
import os
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command

from bench.attachment_files import cjk_pdf
from disclosure.access import policy
from disclosure.catalogue.models import ChecklistEntry, Department
from disclosure.items import actions as item_actions
from disclosure.items.models import Attachment

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def item_with_pdf(django_user_model):
    policy.sync_role_groups()
    office = django_user_model.objects.create_user("office-a", password="pw-12345-long", is_staff=True,
                                                   is_superuser=True)
    department = Department.objects.create(name="财务处", code="cwc-a")
    item = item_actions.create_item(
        by=office, entries=[ChecklistEntry.objects.get(number=7)], title="2026年收费项目公示",
        department=department, produced_on=dt.date(2026, 3, 2), body="<p>详见附件。</p>",
    )
    item = item_actions.submit_for_review(item, by=office)
    item = item_actions.publish_item(item, by=office, confirm_review_now=True)
    text = ["根据物价部门核定的标准，本学年各专业学费与住宿费如下表所列。"] * 8
    text.insert(4, "经学校研究决定，对家庭经济困难学生实行学费减免与勤工助学补贴。")
    Attachment.objects.create(item=item, title="2026年收费标准明细表",
                              file=ContentFile(cjk_pdf(text), name="收费标准.pdf"))
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    return item


@pytest.mark.parametrize("width", [1366, 390])
def test_search_result_names_the_matching_attachment(live_server, page, item_with_pdf, width, tmp_path):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(live_server.url + "/search/?q=勤工助学")
    result = page.locator(".results li").first
    assert "2026年收费项目公示" in result.locator(".result-title").inner_text()
    snippet = result.locator(".snippet-attachment")
    assert "2026年收费标准明细表" in snippet.inner_text()
    assert snippet.locator("mark").first.inner_text() == "勤工助学"
    # Nothing sticks out of a phone's screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    folder = Path(os.environ.get("SCREENSHOT_DIR", tmp_path))
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"search-attachment-{width}.png"), full_page=True)
