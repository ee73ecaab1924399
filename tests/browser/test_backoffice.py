"""The back office in a real browser, role by role: the home page's counts, the item editor (with a
paste from Word), the office's review, a request step with the date picker.

Screenshots at 1366 px (and 390 px for the home page and the deadline board) go to $MANUAL_SCREENSHOTS (docs/manual/img
with `make manual`: the staff manual shows what these tests saw), else to a temporary folder.
"""

import datetime as dt
import os
import tempfile
from pathlib import Path

import pytest
from django.urls import reverse

from disclosure.access import policy
from disclosure.catalogue.models import ChecklistEntry, Department
from disclosure.disclosure_requests import actions as request_actions
from disclosure.disclosure_requests.admin import STEP_FORMS
from disclosure.items import actions as item_actions
from disclosure.items.models import DisclosureItem

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "pw-12345-long"
SHOTS = Path(os.environ.get("MANUAL_SCREENSHOTS") or tempfile.mkdtemp(prefix="manual-shots-"))
# The editor's writing area (its menus are ProseMirror elements too).
EDITABLE = '.ProseMirror[contenteditable="true"]'
WIDE, NARROW = {"width": 1366, "height": 900}, {"width": 390, "height": 844}

# What Word puts on the clipboard, trimmed: Office namespaces, mso styles, spans with fonts, a
# conditional comment, and the structure worth keeping (a heading, a list, a table, bold, a link).
WORD_HTML = """<html xmlns:o="urn:schemas-microsoft-com:office:office"><head><style>
p.MsoNormal{mso-style-parent:"";font-family:宋体}</style></head><body>
<!--[if gte mso 9]><xml><w:WordDocument></w:WordDocument></xml><![endif]-->
<h2 style="mso-outline-level:2"><span style="font-family:黑体">一、招生计划</span></h2>
<p class="MsoNormal" style="text-indent:2em"><b><span style="color:red">本科</span></b>招生计划
<a href="https://www.example.edu.cn/zs">详见招生网</a>。<o:p></o:p></p>
<ul><li class="MsoListParagraph">普通类</li><li class="MsoListParagraph">艺术类</li></ul>
<table class="MsoTableGrid" border="1" style="border-collapse:collapse"><tr><td><p>省份</p></td>
<td><p>人数</p></td></tr><tr><td><p>浙江</p></td><td><p>120</p></td></tr></table>
<p onclick="alert(1)">结束<script>alert(2)</script></p></body></html>"""


@pytest.fixture
def staff(django_user_model):
    policy.sync_role_groups()
    department = Department.objects.create(name="招生办公室", code="zsb-b")

    def make(username, role, last, first, departments=()):
        user = django_user_model.objects.create_user(username, password=PASSWORD, is_staff=True,
                                                     last_name=last, first_name=first)
        user.groups.add(policy.group_for(role))
        for d in departments:
            d.editors.add(user)
        return user

    office = make("office-b", policy.Role.OFFICE, "王", "芳")
    editor = make("editor-b", policy.Role.DEPARTMENT_EDITOR, "李", "明", [department])
    supervisor = make("supervisor-b", policy.Role.SUPERVISOR, "赵", "强")
    entry = ChecklistEntry.objects.get(number=7)
    waiting = item_actions.create_item(
        by=editor, entries=[entry], title="2026年本科招生章程", department=department,
        produced_on=dt.date(2026, 3, 2), body="<p>为做好本科招生工作，制定本章程。</p>")
    item_actions.submit_for_review(waiting, by=editor)
    item_actions.create_item(by=editor, entries=[entry], title="2026年研究生复试录取工作方案（征求意见稿）",
                             department=department, produced_on=dt.date(2026, 11, 30))
    request = request_actions.receive_request(
        by=office, received_on=dt.date(2026, 11, 30), channel="letter", applicant_type="citizen",
        applicant_name="张三", id_number="11010519491231002X", phone="13900000000",
        email="a@example.com", postal_address="某市某路一号", description="学校2025年预算", purpose="研究")
    return {"office": office, "editor": editor, "supervisor": supervisor, "department": department,
            "waiting": waiting, "request": request}


def login(page, live_server, user):
    page.goto(live_server.url + "/admin/login/")
    page.fill("#id_username", user.get_username())
    page.fill("#id_password", PASSWORD)
    page.locator("input[type=submit]").click()
    page.wait_for_url(live_server.url + "/admin/")


def shot(page, name, viewport=WIDE):
    page.set_viewport_size(viewport)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def assert_no_english_in_view(page):
    from tests.backoffice.test_all_chinese import english_words, visible_text

    # Icon fonts draw icons from ligature names ("format_bold"): not words anyone reads.
    html = page.evaluate("""() => {
        const copy = document.documentElement.cloneNode(true);
        copy.querySelectorAll(".material-icons, [class*=material-icons]").forEach(e => e.remove());
        return copy.outerHTML;
    }""")
    words = english_words(visible_text(html))
    assert not words, words


def test_editor_home_and_item_with_a_paste_from_word(live_server, page, staff):
    login(page, live_server, staff["editor"])
    home = page.locator(".role-home")
    assert "我的待办" in home.inner_text()
    assert "李明（招生办公室）" in page.locator("#user-tools").inner_text()
    assert "editor-b" not in page.locator("#header").inner_text()
    shot(page, "editor-home")
    shot(page, "editor-home-390", NARROW)
    page.set_viewport_size(WIDE)

    page.goto(live_server.url + "/admin/items/disclosureitem/add/")
    page.fill("#id_title", "2026年本科招生计划")
    page.select_option("#id_department", str(staff["department"].pk))
    page.fill("#id_produced_on", "2026-12-01")
    editor = page.locator(EDITABLE).first
    editor.wait_for()
    editor.click()
    page.evaluate(
        """([selector, html]) => {
            const target = document.querySelector(selector);
            const data = new DataTransfer();
            data.setData("text/html", html);
            data.setData("text/plain", "一、招生计划");
            target.dispatchEvent(new ClipboardEvent("paste", {clipboardData: data, bubbles: true,
                                                              cancelable: true}));
        }""",
        [EDITABLE, WORD_HTML],
    )
    assert editor.locator("h2").inner_text() == "一、招生计划"
    assert editor.locator("li").count() == 2 and editor.locator("table td").count() == 4
    shot(page, "editor-item-form")
    page.locator("input[name=_save]").click()
    page.wait_for_url("**/admin/items/disclosureitem/")

    body = DisclosureItem.objects.get(title="2026年本科招生计划").body
    for kept in ("<h2>一、招生计划</h2>", "<strong>本科</strong>", "<li>", "<table>", "<td>",
                 'href="https://www.example.edu.cn/zs"'):
        assert kept in body.replace("<p>", "").replace("</p>", "") or kept in body, (kept, body)
    for dropped in ("mso", "style=", "class=", "onclick", "<script", "alert", "font-family", "<o:p"):
        assert dropped not in body, (dropped, body)


def test_office_home_list_review_and_request_step(live_server, page, staff):
    login(page, live_server, staff["office"])
    tiles = page.locator(".role-home")
    assert "待审核" in tiles.inner_text() and "待答复的申请" in tiles.inner_text()
    assert_no_english_in_view(page)
    shot(page, "office-home")
    shot(page, "office-home-390", NARROW)
    page.set_viewport_size(WIDE)

    # The deadline board: each row says what the office may do next, as links to those steps.
    page.goto(live_server.url + reverse("deadline_board"))
    request_row = page.locator("tr", has_text=staff["request"].tracking_number)
    steps = request_row.locator("td.next-steps a")
    assert {"答复", "通知补正"} <= set(steps.all_inner_texts())
    assert "/step/" in steps.first.get_attribute("href")
    assert_no_english_in_view(page)
    shot(page, "office-board")
    shot(page, "office-board-390", NARROW)
    page.set_viewport_size(WIDE)

    page.goto(live_server.url + "/admin/")
    page.get_by_role("link", name="待审核").first.click()
    page.wait_for_url("**/admin/items/disclosureitem/?queue=in_review")
    row = page.locator("#result_list tbody tr").first
    assert "2026年本科招生章程" in row.inner_text()
    # At 1366 px a status fits on one line: its cell is no taller than one line of text.
    status = row.locator("td.field-status")
    line = page.evaluate("parseFloat(getComputedStyle(document.body).lineHeight) || 18")
    assert status.bounding_box()["height"] < 2.5 * line
    shot(page, "office-item-list")

    row.locator("th a").click()
    page.wait_for_selector("#workflow")
    assert_no_english_in_view(page)
    shot(page, "office-item-review")
    page.get_by_role("button", name="确认保密审查通过", exact=True).click()
    page.wait_for_selector(".messagelist")
    page.get_by_role("button", name="发布", exact=True).click()
    page.wait_for_selector(".messagelist")
    staff["waiting"].refresh_from_db()
    assert staff["waiting"].status == DisclosureItem.Status.PUBLISHED
    assert "office-b" not in page.locator("#content").inner_text()

    request = staff["request"]
    step = next(a.name for a in request_actions.REQUEST_ACTIONS.available(request, staff["office"])
                if a.name in STEP_FORMS and any(
                    f.__class__.__name__ == "DateField" for f in STEP_FORMS[a.name].base_fields.values()))
    page.goto(f"{live_server.url}/admin/disclosure_requests/disclosurerequest/{request.pk}/step/{step}/")
    crumbs = page.locator(".breadcrumbs").inner_text()
    assert "依申请公开" in crumbs and request.tracking_number in crumbs
    page.locator("#calendarlink0").click()  # the date picker of the first date field
    page.locator("#calendarbox0").wait_for(state="visible")
    assert_no_english_in_view(page)
    shot(page, "office-request-step")


def test_supervisor_home_by_department(live_server, page, staff):
    login(page, live_server, staff["supervisor"])
    text = page.locator(".role-home").inner_text()
    assert "各部门逾期情况" in text and "招生办公室" in text
    assert_no_english_in_view(page)
    shot(page, "supervisor-home")
