"""A visitor's path through the portal in a real browser."""

import datetime as dt

import pytest
from django.core.files.base import ContentFile

from disclosure.access import policy
from disclosure.catalogue.models import ChecklistEntry, Department
from disclosure.items import actions as item_actions
from disclosure.items.models import Attachment

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def published_item(django_user_model):
    policy.sync_role_groups()
    office = django_user_model.objects.create_user("office-b", password="pw-12345-long", is_staff=True,
                                                   is_superuser=True)
    department = Department.objects.create(name="招生就业处", code="zsjyc-b")
    item = item_actions.create_item(
        by=office, entries=[ChecklistEntry.objects.get(number=7)], title="2026年本科招生章程",
        department=department, produced_on=dt.date(2026, 3, 2),
        body="<p>为做好本科招生工作，根据教育部有关规定，制定本章程。</p>",
    )
    item = item_actions.submit_for_review(item, by=office)
    item = item_actions.publish_item(item, by=office, confirm_review_now=True)
    Attachment.objects.create(item=item, title="招生章程全文",
                              file=ContentFile(PDF, name="招生章程.pdf"))
    return item


def test_visitor_browses_downloads_and_searches(live_server, page, published_item):
    page.goto(live_server.url + "/checklist/")
    assert page.locator("h1").inner_text() == "信息公开事项清单"
    entry = ChecklistEntry.objects.get(number=7)
    page.get_by_role("link", name=entry.title, exact=True).click()
    page.wait_for_url("**/checklist/7/")
    page.get_by_role("link", name="2026年本科招生章程").click()
    page.wait_for_url(f"**/items/{published_item.pk}/")
    assert "本科招生工作" in page.locator(".item-body").inner_text()

    with page.expect_download() as download_info:
        page.get_by_role("link", name="招生章程全文").click()
    download = download_info.value
    assert download.suggested_filename == "招生章程.pdf"
    assert open(download.path(), "rb").read() == PDF

    page.get_by_label("搜索公开信息").fill("招生")
    page.get_by_label("搜索公开信息").press("Enter")
    page.wait_for_url("**/search/?q=*")
    marks = page.locator(".results mark")
    assert marks.count() >= 1
    assert marks.first.inner_text() == "招生"


def test_large_text_mode_persists(live_server, page, published_item):
    page.goto(live_server.url + "/")
    size = page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)")
    page.get_by_role("button", name="大字模式").click()
    assert page.evaluate("document.documentElement.classList.contains('large-text')")
    page.goto(live_server.url + "/checklist/")
    bigger = page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)")
    assert bigger > size
    assert page.get_by_role("button", name="标准字号").get_attribute("aria-pressed") == "true"
