"""The public page cache: anonymous GETs served from cache, every change to public content orphans it."""

import pytest
from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.test import RequestFactory, override_settings
from django.urls import reverse

from disclosure.core.cache import (
    GENERATION_KEY,
    bump_generation,
    cache_public_page,
    generation,
    purge_public_pages,
)
from disclosure.items import actions as item_actions

CACHED = override_settings(PUBLIC_PAGE_CACHE_SECONDS=300, PUBLIC_PAGE_CACHE_MEMO_SECONDS=0)


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    bump_generation()
    yield
    cache.clear()


def _hit(response) -> bool:
    return response.get("X-Page-Cache") == "hit"


@CACHED
def test_public_list_is_served_from_cache_until_an_item_is_withdrawn(
    client, make_item, department, office_user, django_capture_on_commit_callbacks
):
    item = make_item("published", title="学校章程修订公告")
    url = reverse("disclosure:department", kwargs={"code": department.code})

    first = client.get(url)
    second = client.get(url)
    assert first.status_code == second.status_code == 200
    assert not _hit(first) and _hit(second)
    assert "学校章程修订公告" in second.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        item_actions.withdraw_item(item, by=office_user, reason="信息有误")

    after = client.get(url)
    assert not _hit(after)
    assert "学校章程修订公告" not in after.content.decode()


@CACHED
def test_purge_waits_for_the_commit(db, django_capture_on_commit_callbacks):
    before = generation()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        purge_public_pages()
    assert generation() == before  # a rolled-back change must not purge, nor purge early
    for callback in callbacks:
        callback()
    assert generation() > before


@CACHED
def test_signed_in_staff_and_posts_are_never_cached(client, office_user, department):
    url = reverse("disclosure:department", kwargs={"code": department.code})
    client.force_login(office_user)
    client.get(url)
    assert not _hit(client.get(url))
    client.logout()
    client.post(url)
    assert not _hit(client.post(url))


@CACHED
def test_query_string_is_part_of_the_key(client, department):
    url = reverse("disclosure:department", kwargs={"code": department.code})
    client.get(url)
    assert not _hit(client.get(url + "?before=1.1"))
    assert _hit(client.get(url))


@CACHED
def test_decorator_keeps_pages_that_set_cookies_or_fail_out_of_the_cache(db):
    calls = []

    @cache_public_page
    def view(request, status=200, cookie=False):
        calls.append(1)
        response = HttpResponse("页面", status=status)
        if cookie:
            response.set_cookie("seen", "1")
        return response

    factory = RequestFactory()
    for kwargs, expect_calls in (({}, 1), ({"status": 404}, 2), ({"cookie": True}, 2)):
        calls.clear()
        request = factory.get(f"/page-{kwargs}")
        view(request, **kwargs)
        view(factory.get(f"/page-{kwargs}"), **kwargs)
        assert len(calls) == expect_calls, kwargs


def test_lost_generation_starts_again_from_a_new_number(db):
    before = generation()
    cache.delete(GENERATION_KEY)
    bump_generation()
    assert generation() != before


@CACHED
def test_token_calls_sessions_and_pending_messages_bypass_the_cache(client, department):
    url = reverse("disclosure:department", kwargs={"code": department.code})
    client.get(url)
    assert _hit(client.get(url))
    # An API token is invisible to Django's user; a session may hold what only its visitor sees;
    # a pending message must be shown by a freshly rendered page.
    assert not _hit(client.get(url, HTTP_AUTHORIZATION="Token abc"))
    client.cookies[settings.SESSION_COOKIE_NAME] = "x" * 32
    assert not _hit(client.get(url))
    del client.cookies[settings.SESSION_COOKIE_NAME]
    client.cookies["messages"] = "pending"
    assert not _hit(client.get(url))


@CACHED
def test_pages_that_vary_by_cookie_are_not_stored(db):
    calls = []

    @cache_public_page
    def view(request):
        calls.append(1)
        response = HttpResponse("页面")
        response["Vary"] = "Cookie"
        return response

    factory = RequestFactory()
    view(factory.get("/vary"))
    view(factory.get("/vary"))
    assert len(calls) == 2
