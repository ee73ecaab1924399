"""Hostile input against every public URL that exists: a clear 4xx or an empty result, never a 500.

The URLs are found at run time (tests/security/urlmap.py), so new pages are covered as they appear.
"""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import NoReverseMatch, reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .urlmap import public_urls, with_values

URLS = public_urls()

QUERY_VALUES = [
    "& | ! : * ( ) ' \"", "&", "|", "!", "!!", ":*", "(", ")", "()", "'", '"', "''", "a & b | !c",
    "章程:*", "<->", "a <-> b", "'); DROP TABLE disclosure_disclosureitem;--", "1 OR 1=1",
    "' OR ''='", "1; SELECT pg_sleep(10)", "%", "_", "\\", "%%", "\x00", "章程\x00", "\x01\x02\x1b\x7f",
    "\t\r\n", "\u202e\u200b\ufeff", "x" * 10_000, "章" * 10_000, "-1", "0", "-0",
    "99999999999999999999999999", "1e308", "NaN", "inf", "[]", "{}", "null", "None",
    "<script>alert(1)</script>", "../../etc/passwd", " ", "", "2026-13-45", "9999-99-99",
]
PARAMS = [
    "q", "page", "cursor", "department", "entry", "category", "year", "status", "ordering", "sort",
    "type", "kind", "from", "to", "date_from", "date_to", "published_after", "published_before",
    "limit", "offset", "page_size", "number", "tracking_number", "code", "search", "fields",
]
RAW_QUERIES = ["%ff", "%c3%28", "%e2%82", "%ed%a0%80", "%00", "%", "%zz", "%ff%fe%fd" * 100]
PATH_INTS = ["0", "-1", "2147483648", "9223372036854775808", "9" * 40, "abc", "%ff", "%00", "1%00", "1.5"]
PATH_SLUGS = ["%ff%fe", "%00", "a%00b", "x" * 3000, "..%2f..%2fetc", "%27%3B%20DROP", "-1", "%E7%AB%A0"]


@pytest.fixture
def content(make_item, department):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from disclosure.items.models import Attachment

    item = make_item("published", title="学校章程", body="<p>章程全文：依法治校。</p>")
    Attachment.objects.create(item=item, title="章程", file=SimpleUploadedFile("章程.pdf", b"%PDF-1.7\n"))
    return item


class Failures:
    """Collects every 5xx and exception, so one run reports them all."""

    def __init__(self):
        self.found: list[str] = []
        self.client = Client(raise_request_exception=True)

    def request(self, method: str, url: str, **kwargs) -> int | None:
        try:
            if "content_type" in kwargs:
                # generic(): the body goes out as given, even with a charset the client cannot encode.
                response = self.client.generic(method.upper(), url, **kwargs)
            else:
                response = getattr(self.client, method)(url, **kwargs)
        except Exception as exc:  # noqa: BLE001 - any exception is the finding
            self.found.append(f"{method.upper()} {url[:120]!r} {self._short(kwargs)} -> {type(exc).__name__}: {str(exc)[:150]}")
            return None
        if response.status_code >= 500:
            self.found.append(f"{method.upper()} {url[:120]!r} {self._short(kwargs)} -> {response.status_code}")
        return response.status_code

    @staticmethod
    def _short(kwargs) -> str:
        data = kwargs.get("data")
        return repr(data)[:100] if data is not None else ""

    def check(self):
        assert not self.found, "\n".join(self.found[:40]) + f"\n({len(self.found)} in all)"


def _sample(url: str) -> str:
    return with_values(url, pk=1, slug="jwc")


@pytest.mark.django_db
def test_url_map_found_the_public_pages():
    names = {name for name, _ in URLS}
    assert {"disclosure:home", "disclosure:item", "disclosure:search"} <= names


SEARCH_LIKE = {"disclosure:search", "api:item-list"}


def _is_heavy(client, url: str) -> bool:
    # Pages that build large documents (the OpenAPI schema, the whole checklist) get a lighter sweep.
    import time

    started = time.perf_counter()
    client.get(url)
    return time.perf_counter() - started > 0.15


def _rotated_queries(offset: int, chunks: int) -> list[dict[str, str]]:
    """`chunks` query dicts that together put every hostile value on some parameter; the rotation
    moves with `offset` so that across URLs each parameter meets many values."""
    groups = [QUERY_VALUES[i::chunks] for i in range(chunks)]
    return [
        {param: group[(i + offset) % len(group)] for i, param in enumerate(PARAMS)} for group in groups
    ]


@pytest.mark.django_db
def test_hostile_query_values_on_every_public_url(content):
    failures = Failures()
    for offset, (name, url) in enumerate(URLS):
        url = _sample(url)
        chunks = 3 if _is_heavy(failures.client, url) else 6
        for query in _rotated_queries(offset, chunks):
            failures.request("get", url, data=query)
        if name in SEARCH_LIKE:
            for value in QUERY_VALUES:
                failures.request("get", url, data={"q": value, "search": value})
    failures.check()


@pytest.mark.django_db
def test_invalid_utf8_and_broken_escapes_in_query_strings(content):
    failures = Failures()
    for _name, url in URLS:
        url = _sample(url)
        raws = RAW_QUERIES[:2] if _is_heavy(failures.client, url) else RAW_QUERIES
        for raw in raws:
            failures.request("get", f"{url}?q={raw}&page={raw}&department={raw}&{raw}={raw}")
    failures.check()


@pytest.mark.django_db
@pytest.mark.parametrize("page", ["2", "999999", "9" * 30, "-5", "0", "last", "1.5", "1e3"])
def test_huge_or_odd_page_numbers_are_4xx_or_empty(client, content, page):
    for name in ("disclosure:search", "disclosure:departments", "disclosure:home", "api:item-list"):
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        response = client.get(url, {"page": page, "q": "章程"})
        assert response.status_code in {200, 400, 404}, (name, page, response.status_code)


def _form_fields(html: str) -> set[str]:
    names = set(re.findall(r'name="([^"]+)"', html))
    return names - {"csrfmiddlewaretoken"}


def _post_targets(client) -> list[tuple[str, set[str]]]:
    """Form pages that take public POSTs, with the field names their form shows."""
    targets = []
    for _name, url in URLS:
        url = _sample(url)
        response = client.get(url)
        if response.status_code != 200 or response.streaming:
            continue
        if b"<form" in response.content and b'method="post"' in response.content:
            targets.append((url, _form_fields(response.content.decode())))
    return targets


@pytest.mark.django_db
def test_hostile_values_in_every_public_form(content):
    failures = Failures()
    targets = _post_targets(failures.client)
    for url, fields in targets:
        for value in QUERY_VALUES[::3] + ["a@b.c", "1" * 40]:
            failures.request("post", url, data=dict.fromkeys(fields | {"unknown_field"}, value))
    failures.check()


@pytest.mark.django_db
def test_oversized_and_malformed_bodies(content):
    failures = Failures()
    big = "x" * (3 * 1024 * 1024)
    for _name, url in URLS:
        url = _sample(url)
        failures.request("post", url, data={"q": big, "body": big})
        failures.request("post", url, data="{", content_type="application/json")
        failures.request("post", url, data=b"\xff\xfe\x00garbage", content_type="application/json")
        failures.request("post", url, data="a=%ff&b=%00", content_type="application/x-www-form-urlencoded")
        failures.request("post", url, data="a=1", content_type="application/x-www-form-urlencoded; charset=no-such-charset")
        failures.request("post", url, data=b"--x\r\nbroken", content_type="multipart/form-data; boundary=x")
    failures.check()


@pytest.mark.django_db
def test_oversized_body_is_refused_with_400(client, content):
    try:
        url = reverse("disclosure:request_create")
    except NoReverseMatch:
        pytest.skip("the request form is not there yet")
    response = Client(raise_request_exception=False).post(url, {"description": "x" * (3 * 1024 * 1024)})
    assert response.status_code in {400, 413}
    assert re.search("[\u4e00-\u9fff]", response.content.decode())  # a Chinese message


SEARCHABLE = [name for name in ("disclosure:search", "api:item-list") if name in dict(URLS)]
hostile_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",)), max_size=300
) | st.sampled_from(QUERY_VALUES)


@pytest.mark.django_db
@pytest.mark.parametrize("name", SEARCHABLE)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(q=hostile_text, page=hostile_text | st.integers(min_value=-(2**70), max_value=2**70).map(str))
def test_fuzzed_search_terms_and_pages(client, content, name, q, page):
    response = Client(raise_request_exception=True).get(reverse(name), {"q": q, "search": q, "page": page})
    assert response.status_code in {200, 400, 404}, (q, page, response.status_code)


@pytest.mark.django_db
@pytest.mark.parametrize("q", ["& | ! : * ( ) ' \"", "章程 & !", "'); DROP TABLE x;--", "章程:*"])
def test_search_operators_give_results_or_an_empty_list(client, content, q):
    if "disclosure:search" not in dict(URLS):
        pytest.skip("no search page yet")
    response = client.get(reverse("disclosure:search"), {"q": q})
    assert response.status_code == 200
