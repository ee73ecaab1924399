"""Every staff page, for every role, speaks Chinese and names people, never their login names.

The pages are found the way the door tests find them (tests/access/test_doors.py): from the admin
registry (every registered model, not only the domain's: the login records of django-axes and the
devices of django-otp are staff pages too) and the admin's own pages, so a page added tomorrow is
crawled without anyone listing it. What is checked is the text a person reads: text nodes and the
attributes a browser shows (title, placeholder, alt, aria-label, button values); scripts, styles,
URLs and form field names are not read.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.contrib import admin
from django.urls import NoReverseMatch, reverse

from disclosure.disclosure_requests.admin import STEP_FORMS
from tests.access.test_doors import _admin_urls

# ASCII words a Chinese page may carry on purpose: file formats, standards and product names
# people know by these letters. Anything else in Latin letters is English left untranslated.
ALLOWED_WORDS = {
    "Excel", "CSV", "csv", "xlsx", "docx", "Word", "PDF", "pdf", "TOTP", "URL", "API", "HTML",
    "Email", "email", "IP", "ID", "OFD", "WPS", "QR", "http", "https", "www", "JSON", "jpg", "png",
    "Office", "Microsoft", "Google", "Authenticator", "SHA",
    # The official names of the 备案 (ICP) and of image formats in the site settings' help.
    "ICP", "PNG", "JPEG",
    # Django's own Chinese for the multiple-select hint names the keys as printed on them.
    "Control", "Command", "Mac",
    # The guide page's address (/pages/guide/), shown as its slug.
    "guide",
}
# Values in the data that are Latin by nature: tracking numbers, codes, addresses, the sample item.
ALLOWED_PATTERNS = [
    re.compile(r"\b[A-Z]{2,}-?\d[\w-]*"),          # codes with digits: YSQ-2026-0001, GB2312
    re.compile(r"\S+@\S+"),                         # e-mail addresses
    re.compile(r"https?://\S+"),                    # links shown as text
    re.compile(r"(?<!\w)/[\w./-]+/"),                # site paths shown as text: /requests/status/
    re.compile(r"\b[A-Z]{2,}(?:-[A-Z]{2,})+\b"),     # number formats: YJX-YYYY-NNNN
    re.compile(r"\b(?:jwc|cwc)\b"),                 # the departments' codes in the fixtures
]
WORD = re.compile(r"[A-Za-z][A-Za-z'’]+")
SHOWN_ATTRIBUTES = {"title", "placeholder", "alt", "aria-label"}
# <code> shows technical values verbatim (a device key, an otpauth:// address).
SKIPPED_TAGS = {"script", "style", "template", "noscript", "code"}


class _VisibleText(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in SKIPPED_TAGS:
            self._skipping += 1
        values = dict(attrs)
        for name in SHOWN_ATTRIBUTES & values.keys():
            self.parts.append(values[name] or "")
        if tag in ("input", "button") and values.get("type") in ("submit", "button", "reset"):
            self.parts.append(values.get("value") or "")

    def handle_endtag(self, tag):
        if tag in SKIPPED_TAGS and self._skipping:
            self._skipping -= 1

    def handle_data(self, data):
        if not self._skipping:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _VisibleText()
    parser.feed(html)
    return "\n".join(part for part in parser.parts if part.strip())


def english_words(text: str) -> list[str]:
    for pattern in ALLOWED_PATTERNS:
        text = pattern.sub(" ", text)
    return sorted({w for w in WORD.findall(text) if w not in ALLOWED_WORDS})


def staff_pages(world) -> dict[str, str]:
    """Every GET page of the back office, by name."""
    pages = {
        "首页": reverse("admin:index"),
        "修改密码": reverse("admin:password_change"),
        "期限看板": reverse("deadline_board"),
        "两步验证": reverse("otp_setup"),
        "导入事项": reverse("admin:items_disclosureitem_import"),
        "导入渠道数据": reverse("admin:annual_reports_channelmetric_import"),
    }
    for app_label in sorted({model._meta.app_label for model in admin.site._registry}):
        pages[f"app {app_label}"] = reverse("admin:app_list", args=[app_label])
    for model, model_admin in admin.site._registry.items():
        obj = model._default_manager.order_by("pk").first()
        for view, url in _admin_urls(model, model_admin, obj).items():
            pages[f"{model._meta.label} {view}"] = url
    for step in STEP_FORMS:
        try:
            pages[f"申请 {step}"] = reverse("admin:disclosure_requests_disclosurerequest_step",
                                          args=[world["request"].pk, step])
        except NoReverseMatch:  # pragma: no cover
            pass
    return pages


NAMES = {"office": ("王", "芳"), "editor": ("李", "明"), "supervisor": ("赵", "强")}


@pytest.fixture
def named(office_user, editor, supervisor):
    users = {"office": office_user, "editor": editor, "supervisor": supervisor}
    for role, user in users.items():
        user.last_name, user.first_name = NAMES[role]
        user.save(update_fields=["last_name", "first_name"])
    return users


@pytest.mark.parametrize("role", ["office", "editor", "supervisor"])
def test_every_staff_page_is_in_chinese_and_names_people(role, world, named, client):
    user = named[role]
    client.force_login(user)
    login_names = {u.get_username() for u in named.values()}
    problems, read = [], 0
    for name, url in staff_pages(world).items():
        response = client.get(url)
        assert response.status_code < 500, (name, url)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        read += 1
        text = visible_text(response.content.decode())
        # Values typed or drawn at random (numbers, check codes, a link's slug) are data, not UI text.
        for code in (world["request"].tracking_number, world["request"].check_code,
                     world["opinion"].check_code, world["survey"].slug):
            text = text.replace(code or "\0", " ")
        words = english_words(text)
        shown_logins = sorted(n for n in login_names if re.search(rf"\b{n}\b", text))
        if words or shown_logins:
            problems.append(f"{name} {url}: English {words} login names {shown_logins}")
    assert read > 20, read
    assert not problems, "\n".join(problems)


def test_the_crawl_would_see_english_and_login_names():
    html = ('<p>Filter by 日期</p><input type="submit" value="Save"><span title="office">王芳</span>'
            '<script>var x = "ignored";</script>')
    text = visible_text(html)
    assert english_words(text) == ["Filter", "Save", "by", "office"]
    assert "ignored" not in text
