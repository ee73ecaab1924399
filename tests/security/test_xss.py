"""Stored text can never run script in a reader's browser, wherever it is shown."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from xml.etree import ElementTree

import pytest
from django.urls import NoReverseMatch, reverse

MARK = "XSSMARK"
PAYLOADS = [
    f'<script>alert("{MARK}")</script>',
    f'<img src=x onerror=alert("{MARK}")>',
    f'<a href="javascript:alert(\'{MARK}\')">点我</a>',
    f'<a href="JaVaScRiPt:alert(1)" title="{MARK}">大小写</a>',
    f'<a href="&#106;avascript:alert(1)" title="{MARK}">实体</a>',
    f'<svg onload=alert("{MARK}")><script>alert("{MARK}")</script></svg>',
    f'"><script>alert("{MARK}")</script>',
    f"</title><script>alert('{MARK}')</script>",
    f'<iframe src="javascript:alert(1)" title="{MARK}"></iframe>',
    f'<math><mtext><table><mglyph><style><img src=x onerror=alert("{MARK}")>',
    f'<div style="background:url(javascript:alert(1))" title="{MARK}">样式</div>',
    f'<body onload=alert("{MARK}")>',
    f"<<script>script>alert('{MARK}')<</script>/script>",
    f'<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==" title="{MARK}">数据</a>',
]
FORBIDDEN_TAGS = {"script", "iframe", "object", "embed", "base", "frame", "applet"}
# The admin draws its own icons with inline SVG: these count only when they came from the payload.
MARKED_TAGS = {"svg", "math", "style", "form", "meta", "link"}
DANGEROUS_URL = re.compile(r"^\s*(javascript|vbscript|data\s*:\s*text/html)", re.I)


class DangerFinder(HTMLParser):
    """Everything in a page that could run script; our own script files (src=/static/…) are fine."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script":
            self._in_script = True
            src = attrs.get("src") or ""
            if not src.startswith("/static/") and not attrs.get("nonce") and "json" not in (attrs.get("type") or ""):
                self.found.append(f"<script {attrs}>")
        elif tag in FORBIDDEN_TAGS or (tag in MARKED_TAGS and MARK in (self.get_starttag_text() or "")):
            self.found.append(f"<{tag} {attrs}>")
        for name, value in attrs.items():
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}={value!r}>")
            if name in {"href", "src", "action", "formaction", "xlink:href", "data"} and value and DANGEROUS_URL.match(value):
                self.found.append(f"<{tag} {name}={value!r}>")
            if name == "style" and value and "javascript" in value.lower():
                self.found.append(f"<{tag} style={value!r}>")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script and MARK in data:
            self.found.append(f"script text {data[:60]!r}")


def dangers(html: str) -> list[str]:
    finder = DangerFinder()
    finder.feed(html)
    finder.close()
    return finder.found


def test_the_checker_catches_what_it_should():
    for payload in PAYLOADS[:3] + PAYLOADS[5:6] + PAYLOADS[13:]:
        assert dangers(payload), payload
    assert not dangers("&lt;script&gt;alert(1)&lt;/script&gt; <a href=\"/items/1/\">x</a>")


@pytest.fixture
def hostile_items(make_item):
    items = []
    for number, payload in enumerate(PAYLOADS):
        items.append(make_item(
            "published",
            title=f"章程{number}{payload}"[:300],
            summary=f"摘要 {payload} 章程",
            body=f"<p>章程正文 {payload}</p>{payload}",
            document_number=f"{payload}"[:100],
        ))
    return items


def _assert_safe(response, where: str):
    assert response.status_code == 200, (where, response.status_code)
    found = dangers(response.content.decode())
    assert not found, f"{where}: {found[:5]}"


def _url(name, **kwargs):
    try:
        return reverse(name, kwargs=kwargs or None)
    except NoReverseMatch:
        pytest.skip(f"{name} does not exist yet")


@pytest.mark.django_db
def test_item_pages_are_safe(client, hostile_items):
    for item in hostile_items:
        _assert_safe(client.get(item.get_absolute_url()), f"item {item.pk}")


@pytest.mark.django_db
def test_stored_body_is_cleaned_when_saved(hostile_items):
    for item in hostile_items:
        item.refresh_from_db()
        assert not dangers(item.body), item.body


@pytest.mark.django_db
@pytest.mark.parametrize("name, kwargs", [
    ("disclosure:home", {}), ("disclosure:department", {"code": "jwc"}), ("disclosure:entry", {"number": 2}),
    ("disclosure:checklist", {}), ("disclosure:departments", {}),
])
def test_lists_are_safe(client, hostile_items, name, kwargs):
    _assert_safe(client.get(_url(name, **kwargs)), name)


@pytest.mark.django_db
def test_category_list_is_safe(client, hostile_items):
    category = hostile_items[0].entries.first().category
    _assert_safe(client.get(_url("disclosure:category", number=category.number)), "category")


@pytest.mark.django_db
@pytest.mark.parametrize("q", ["章程", "script onerror", MARK, PAYLOADS[0], PAYLOADS[1]])
def test_search_results_and_highlighted_snippets_are_safe(client, hostile_items, q):
    response = client.get(_url("disclosure:search"), {"q": q})
    _assert_safe(response, f"search {q!r}")


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["disclosure:feed"])
def test_feeds_carry_no_markup_that_runs(client, hostile_items, name):
    response = client.get(_url(name))
    assert response.status_code == 200
    root = ElementTree.fromstring(response.content)  # noqa: S314 - our own feed
    for element in root.iter():
        # Atom text constructs of type html are rendered as HTML by feed readers.
        if element.get("type") in {"html", "xhtml"} and element.text:
            found = dangers(element.text)
            assert not found, f"{element.tag}: {found[:3]}"


@pytest.mark.django_db
def test_category_feed_is_safe(client, hostile_items):
    category = hostile_items[0].entries.first().category
    response = client.get(_url("disclosure:category_feed", number=category.number))
    root = ElementTree.fromstring(response.content)  # noqa: S314 - our own feed
    for element in root.iter():
        if element.get("type") in {"html", "xhtml"} and element.text:
            assert not dangers(element.text), element.tag


@pytest.mark.django_db
def test_api_answers_json_never_html(client, hostile_items):
    for name, kwargs in (("api:item-list", {}), ("api:item-detail", {"pk": hostile_items[0].pk})):
        response = client.get(_url(name, **kwargs), HTTP_ACCEPT="application/json")
        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/json")
        json.loads(response.content)


@pytest.mark.django_db
def test_admin_changelist_change_and_history_pages_are_safe(client, office_user, hostile_items):
    client.force_login(office_user)
    _assert_safe(client.get(reverse("admin:items_disclosureitem_changelist")), "changelist")
    _assert_safe(client.get(reverse("admin:items_disclosureitem_changelist"), {"q": PAYLOADS[0]}),
                 "changelist search")
    for item in hostile_items[:5]:
        _assert_safe(client.get(reverse("admin:items_disclosureitem_change", args=[item.pk])), "change")
        _assert_safe(client.get(reverse("admin:items_disclosureitem_history", args=[item.pk])), "history")
