"""Every public page type in a real browser at 1366 and 390 px: axe-core (WCAG 2.1 AA), no sideways
scrolling on a phone, checklist rows that stay whole, names that do not break, the catalogue data,
and the tasks a citizen does by keyboard alone.

axe-core comes from the dev dependency axe-playwright-python, which vendors `axe.min.js`; it is
injected into each page by the test (never loaded from a CDN). Screenshots of every page at both
widths go to `build/screenshots/` (or $BROWSER_SCREENSHOTS) for review.
"""

import datetime as dt
import os
from pathlib import Path

import pytest
from django.core.files.base import ContentFile

from disclosure.access import policy
from disclosure.annual_reports import actions as report_actions
from disclosure.catalogue.models import ChecklistEntry, Department
from disclosure.items import actions as item_actions
from disclosure.items.models import Attachment
from disclosure.site.models import SiteSettings

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = {"desktop": (1366, 900), "phone": (390, 844)}
# WCAG 2.0 and 2.1, levels A and AA: the level GB/T 37668-2019 asks of public websites.
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
               "resultTypes": ["violations"]}
BLOCKING = {"serious", "critical"}
SHOTS = Path(os.environ.get("BROWSER_SCREENSHOTS", Path(__file__).resolve().parents[2] / "build" / "screenshots"))
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def site(django_user_model):
    """A small university: departments with real names, items under their entries, a revised rule."""
    policy.sync_role_groups()
    office = django_user_model.objects.create_user("office-a11y", password="pw-12345-long",
                                                   is_staff=True, is_superuser=True)
    SiteSettings(
        university_name="示范大学", university_code="4133000001", office_name="党政办公室",
        office_address="示范市学府路 1 号行政楼 205 室", postal_address="示范市学府路 1 号（邮编 450001）",
        phone="0371-66660000", email="xxgk@example.edu.cn",
        office_hours="工作日上午 8:30—11:30，下午 14:30—17:00（法定节假日除外）",
        icp_number="豫ICP备05000000号", police_number="豫公网安备 41010502000000号",
        wechat_account="示范大学",
    ).save()
    students = Department.objects.create(name="学生工作处", code="xsgzc")
    admissions = Department.objects.create(name="招生就业处", code="zsjyc")
    Department.objects.create(name="马克思主义学院", code="mks", kind=Department.Kind.SCHOOL)
    Department.objects.create(name="研究生院（党委研究生工作部）", code="yjsy")

    def publish(title, department, entry, **fields):
        item = item_actions.create_item(
            by=office, entries=[ChecklistEntry.objects.get(number=entry)], title=title,
            department=department, produced_on=fields.pop("produced_on", dt.date(2026, 3, 2)),
            body=fields.pop("body", f"<p>{title}全文。</p>"), **fields)
        item = item_actions.submit_for_review(item, by=office)
        return item_actions.publish_item(item, by=office, confirm_review_now=True)

    new = publish("示范大学学生奖励办法（2026年修订）", students, 38, document_number="示大发〔2026〕12号",
                  body="<p>为激励学生勤奋学习、全面发展，根据《普通高等学校学生管理规定》，制定本办法。</p>")
    old = publish("示范大学学生奖励办法", students, 38, document_number="示大发〔2019〕3号",
                  produced_on=dt.date(2019, 9, 2))
    item_actions.edit_item(old, by=office, changes={"validity": "revised", "superseded_by": new})
    rules = publish("示范大学2026年本科招生章程", admissions, 7, document_number="示大招〔2026〕5号",
                    body="<p>为做好2026年本科招生工作，依据《中华人民共和国高等教育法》和教育部有关规定，制定本章程。</p>")
    Attachment.objects.create(item=rules, title="招生章程全文", file=ContentFile(PDF, name="招生章程.pdf"))
    report = report_actions.create_report(by=office, year=2024, overview="本学年学校信息公开工作平稳有序。")
    report_actions.publish_report(report, by=office)
    return {"new": new, "old": old, "rules": rules, "students": students}


def public_pages(site):
    return {
        "home": "/",
        "checklist": "/checklist/",
        "entry": "/checklist/38/",
        "category": "/categories/1/",
        "departments": "/departments/",
        "department": site["students"].get_absolute_url(),
        "item": site["rules"].get_absolute_url(),
        "item-revised": site["old"].get_absolute_url(),
        "item-report": f"/items/{site['rules'].pk}/report/",
        "search": "/search/?q=招生",
        "search-empty": "/search/?q=不存在的词语",
        "guide": "/guide/",
        "request": "/requests/new/",
        "request-status": "/requests/status/",
        "reports": "/reports/",
        "report": "/reports/2024/",
        "subscribe": "/subscribe/",
        "not-found": "/items/999999/",
    }


def axe_violations(page):
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options=AXE_OPTIONS)
    return [v for v in results.response["violations"] if v.get("impact") in BLOCKING]


def describe(violations):
    return "; ".join(
        f"{v['id']} ({v['impact']}): {v['help']} → "
        + ", ".join(str(n["target"]) for n in v["nodes"][:3]) for v in violations
    )


@pytest.mark.parametrize("width", WIDTHS)
def test_every_public_page_type_passes_axe_and_fits_the_screen(live_server, browser, site, width):
    context = browser.new_context(viewport=dict(zip(("width", "height"), WIDTHS[width], strict=True)),
                                  locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15000)
    SHOTS.mkdir(parents=True, exist_ok=True)
    found = {}
    try:
        for name, path in public_pages(site).items():
            page.goto(live_server.url + path)
            page.screenshot(path=str(SHOTS / f"{name}-{WIDTHS[width][0]}.png"), full_page=True)
            problems = axe_violations(page)
            # Nothing scrolls sideways: the page is no wider than the window.
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            if overflow > 0:
                problems.append({"id": "horizontal-scroll", "impact": "serious",
                                 "help": f"页面比窗口宽 {overflow}px", "nodes": []})
            if problems:
                found[name] = describe(problems)
    finally:
        context.close()
    assert not found, found


def test_phone_checklist_rows_stay_whole_and_names_do_not_break(live_server, page, site):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server.url + "/checklist/")
    rows = page.evaluate("""() => [...document.querySelectorAll('table.checklist tbody tr')].map(tr => {
        const box = tr.getBoundingClientRect();
        const cells = [...tr.cells].map(td => {
            const r = td.getBoundingClientRect(), s = getComputedStyle(td);
            return {top: r.top, bottom: r.bottom, left: r.left, right: r.right,
                    line: parseFloat(s.borderBottomWidth) + parseFloat(s.borderTopWidth)};
        });
        return {top: box.top, bottom: box.bottom, right: box.right, cells};
    })""")
    assert len(rows) == 50
    for row in rows:
        number, title, count, latest = row["cells"]
        # No line inside the row: the only line is the row's own.
        assert all(cell["line"] == 0 for cell in row["cells"]), row
        # Count and date sit together under the title, within the row and the screen.
        assert count["top"] >= title["bottom"] - 1 and abs(count["top"] - latest["top"]) < 2, row
        assert number["top"] == pytest.approx(title["top"], abs=2)
        # …in the title's column, not under the number.
        assert count["left"] == pytest.approx(title["left"], abs=2), row
        for cell in row["cells"]:
            assert row["top"] - 1 <= cell["top"] and cell["bottom"] <= row["bottom"] + 1, row
            assert cell["right"] <= 390
    page.goto(live_server.url + "/departments/")
    lines = page.evaluate("""() => [...document.querySelectorAll('.department-list a')]
        .map(a => [a.textContent, a.getClientRects().length])""")
    assert lines and all(count == 1 for _name, count in lines), lines
    page.goto(live_server.url + "/")
    broken = page.evaluate("""() => [...document.querySelectorAll('.name')]
        .filter(e => e.getClientRects().length > 1 && e.textContent.length <= 12).map(e => e.textContent)""")
    assert broken == []


def test_item_page_shows_the_catalogue_data_and_prints(live_server, page, site):
    page.goto(live_server.url + site["old"].get_absolute_url())
    catalogue = page.locator("table.catalogue")
    assert catalogue.get_by_role("rowheader", name="索引号").count() == 1
    text = catalogue.inner_text()
    for value in (site["old"].index_number, "学生工作处", "示大发〔2019〕3号", "2019年9月2日", "网站公开",
                  "面向社会", "已修订"):
        assert value in text, value
    notice = page.get_by_role("note")
    assert "本文件已修订" in notice.inner_text()
    notice.get_by_role("link", name="示范大学学生奖励办法（2026年修订）").click()
    page.wait_for_url(f"**{site['new'].get_absolute_url()}")
    page.evaluate("window.print = () => { window.__printed = true; }")
    page.get_by_role("button", name="打印本页").click()
    assert page.evaluate("window.__printed === true")
    # The print stylesheet keeps the document and its catalogue data, not the navigation.
    page.emulate_media(media="print")
    assert page.locator(".site-nav").is_hidden()
    assert page.locator("table.catalogue").is_visible()
    assert page.get_by_role("button", name="打印本页").is_hidden()


def focused(page) -> str:
    return page.evaluate("document.activeElement.textContent.trim() || document.activeElement.id "
                         "|| document.activeElement.name || document.activeElement.tagName")


def tab_to(page, predicate_js: str, limit: int = 80) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"(e => {predicate_js})(document.activeElement)"):
            return
    raise AssertionError(f"键盘无法到达：{predicate_js}")


def test_keyboard_only_tasks(live_server, page, site):
    """A reader without a mouse: skip to the content, search, open an item, change the text size,
    open a checklist category, and send a request: Tab, Enter, Space and the arrow keys only."""
    page.goto(live_server.url + "/")
    page.keyboard.press("Tab")
    assert focused(page) == "跳到正文"
    # The focus is visible: a 3 px outline.
    assert page.evaluate("getComputedStyle(document.activeElement).outlineWidth") == "3px"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"

    tab_to(page, "e.id === 'text-size-toggle'")
    page.keyboard.press("Space")
    assert page.evaluate("document.documentElement.classList.contains('large-text')")
    page.keyboard.press("Space")

    tab_to(page, "e.tagName === 'SUMMARY'")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.parentElement.open")

    tab_to(page, "e.id === 'site-search-q'")
    page.keyboard.type("招生章程")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search/?q=*")
    tab_to(page, "e.closest && e.closest('.results') && e.tagName === 'A'")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**{site['rules'].get_absolute_url()}")
    tab_to(page, "e.textContent.trim() === '打印本页'")

    page.goto(live_server.url + "/requests/new/")
    tab_to(page, "e.name === 'applicant_type'")
    # Radio groups and selects answer the arrow keys.
    page.keyboard.press("Space")
    fields = {"applicant_name": "张三", "id_number": "110101199003072316", "phone": "13800138000",
              "email": "zhangsan@example.com", "description": "请公开学校2025年本科招生录取分数线。"}
    while fields:
        page.keyboard.press("Tab")
        name = page.evaluate("document.activeElement.name")
        if name in fields:
            page.keyboard.type(fields.pop(name))
        assert name != "website", "honeypot must not be reachable by keyboard"
        if name in ("preferred_form", "delivery"):
            page.keyboard.press("Space")
    tab_to(page, "e.type === 'submit'")
    # The spam guard refuses a form sent within 3 s of opening it; a person is never that fast.
    page.wait_for_timeout(3100)
    page.keyboard.press("Enter")
    page.wait_for_url("**/requests/new/done/**")
    assert page.locator("h1").inner_text() == "申请已提交"
