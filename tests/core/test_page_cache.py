"""The public page cache: anonymous GETs served from cache, every change to public content orphans it.

Pages are stored only where every web process sees the purge, and every answer says in
`Cache-Control` whether a shared cache may keep it.
"""

import datetime as dt
import uuid

import pytest
from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.test import RequestFactory, override_settings
from django.urls import reverse
from rest_framework.authtoken.models import Token

from disclosure.core.cache import (
    GENERATION_KEY,
    bump_generation,
    cache_public_page,
    generation,
    page_cache_enabled,
    purge_public_pages,
)
from disclosure.disclosure_requests import actions as request_services
from disclosure.items import actions as item_actions
from tests.test_two_processes import REDIS_HOST, REDIS_PORT, _redis_up

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


# ---- Only a cache that every process shares keeps pages ----

LOCMEM = "django.core.cache.backends.locmem.LocMemCache"


def _process(location: str, backend: str = LOCMEM, **options):
    """The settings of one web process whose cache is `backend` at `location`, pages kept."""
    return override_settings(
        CACHES={"default": {"BACKEND": backend, "LOCATION": location, **options}},
        PUBLIC_PAGE_CACHE_SINGLE_PROCESS=False,
        PUBLIC_PAGE_CACHE_SECONDS=300,
        PUBLIC_PAGE_CACHE_MEMO_SECONDS=0,
    )


@pytest.mark.parametrize("backend", [
    LOCMEM,
    "django.core.cache.backends.dummy.DummyCache",
    # Shared by the workers of one replica, not by the replicas.
    "django.core.cache.backends.filebased.FileBasedCache",
])
def test_page_cache_is_off_with_a_per_process_cache(backend, tmp_path):
    with _process(str(tmp_path / "cache"), backend):
        assert not page_cache_enabled()
        with override_settings(PUBLIC_PAGE_CACHE_SINGLE_PROCESS=True):
            assert page_cache_enabled()


@pytest.mark.parametrize("backend", [
    "django_redis.cache.RedisCache",
    "django.core.cache.backends.redis.RedisCache",
    "django.core.cache.backends.db.DatabaseCache",
])
def test_page_cache_stays_on_with_a_shared_cache(backend):
    with _process("redis://127.0.0.1:6379/15" if "redis" in backend else "cache_table", backend):
        assert page_cache_enabled()


def test_withdrawn_item_is_not_served_by_another_process_with_its_own_memory(
    client, make_item, department, office_user, django_capture_on_commit_callbacks
):
    # Two gunicorn workers with local-memory caches: each LOCATION stands for one process's memory.
    item = make_item("published", title="学校章程修订公告")
    url = reverse("disclosure:department", kwargs={"code": department.code})
    worker_a, worker_b = f"worker-a-{uuid.uuid4().hex}", f"worker-b-{uuid.uuid4().hex}"
    try:
        with _process(worker_a):
            client.get(url)
            assert "学校章程修订公告" in client.get(url).content.decode()
        with _process(worker_b), django_capture_on_commit_callbacks(execute=True):
            item_actions.withdraw_item(item, by=office_user, reason="信息有误")
        with _process(worker_a):
            after = client.get(url)
            assert not _hit(after)
            assert "学校章程修订公告" not in after.content.decode()
            # Not kept, yet still public for a shared cache in front: nginx's micro-cache works.
            assert after["Cache-Control"] == f"public, max-age={settings.PUBLIC_PAGE_MAX_AGE}"
    finally:
        for location in (worker_a, worker_b):
            with _process(location):
                cache.clear()


def test_withdrawn_item_leaves_every_process_with_redis(
    client, make_item, department, office_user, django_capture_on_commit_callbacks
):
    if not _redis_up():
        pytest.skip(f"需要 Redis（{REDIS_HOST}:{REDIS_PORT}），未连上，跳过")
    item = make_item("published", title="学校章程修订公告")
    url = reverse("disclosure:department", kwargs={"code": department.code})
    # Both processes reach the same Redis; the prefix keeps this run's keys apart from others'.
    shared = _process(f"redis://{REDIS_HOST}:{REDIS_PORT}/13", "django_redis.cache.RedisCache",
                      KEY_PREFIX=f"page-cache-test-{uuid.uuid4().hex[:8]}")
    try:
        with shared:
            bump_generation()
            client.get(url)
            assert _hit(client.get(url))  # on: the page is kept
            with django_capture_on_commit_callbacks(execute=True):
                item_actions.withdraw_item(item, by=office_user, reason="信息有误")
            after = client.get(url)
            assert not _hit(after) and "学校章程修订公告" not in after.content.decode()
    finally:
        with shared:
            cache.delete_pattern("*")


# ---- Cache-Control: who may keep the answer ----

APPLICANT = {
    "applicant_type": "citizen", "applicant_name": "张申请人", "id_number": "11010519491231002X",
    "phone": "13800138000", "description": "请公开2025年本科招生录取分数线。",
    "preferred_form": "electronic", "delivery": "post",
}
PRIVATE = "private, no-store"


def _vary(response) -> set[str]:
    return {part.strip().lower() for part in response.get("Vary", "").split(",") if part.strip()}


@pytest.fixture
def office_token(office_user):
    request_services.receive_request(by=office_user, received_on=dt.date(2026, 3, 2),
                                     channel="letter", **APPLICANT)
    return Token.objects.create(user=office_user).key


def test_staff_api_answer_to_a_token_is_private(client, office_token):
    response = client.get("/api/v1/staff/requests/", HTTP_AUTHORIZATION=f"Token {office_token}")
    assert response.status_code == 200 and "张申请人" in response.content.decode()
    assert response["Cache-Control"] == PRIVATE
    assert {"cookie", "authorization", "accept-language"} <= _vary(response)  # the Vary it had, kept


@CACHED
@pytest.mark.parametrize("credential", ["authorization", "session", "csrf"])
def test_any_answer_to_a_request_with_credentials_is_private(client, department, credential):
    url = reverse("disclosure:department", kwargs={"code": department.code})
    client.get(url)  # the anonymous page is now in the page cache
    headers = {}
    if credential == "authorization":
        headers["HTTP_AUTHORIZATION"] = "Token not-a-real-one"
    else:
        name = settings.SESSION_COOKIE_NAME if credential == "session" else settings.CSRF_COOKIE_NAME
        client.cookies[name] = "x" * 32
    response = client.get(url, **headers)
    assert response["Cache-Control"] == PRIVATE
    assert {"cookie", "authorization"} <= _vary(response)
    # Even a download that the view itself marks public for five minutes.
    download = client.get("/api/v1/export/items.csv", **headers)
    assert download["Cache-Control"] == PRIVATE


def test_signed_in_staff_get_private_pages(client, office_user, department):
    client.force_login(office_user)
    url = reverse("disclosure:department", kwargs={"code": department.code})
    assert client.get(url)["Cache-Control"] == PRIVATE


@CACHED
@override_settings(PUBLIC_PAGE_MAX_AGE=7)
def test_public_page_may_be_kept_briefly_by_shared_caches_on_a_miss_and_on_a_hit(client, department):
    url = reverse("disclosure:department", kwargs={"code": department.code})
    first, second = client.get(url), client.get(url)
    assert not _hit(first) and _hit(second)
    assert first["Cache-Control"] == second["Cache-Control"] == "public, max-age=7"
    assert not second.cookies


@CACHED
@override_settings(PUBLIC_PAGE_MAX_AGE=7)
def test_everything_else_is_private_unless_the_view_says_otherwise(client, make_item, department):
    item = make_item("published", title="学校章程")
    url = reverse("disclosure:department", kwargs={"code": department.code})
    # A form page hands out a CSRF token (and its cookie); a POST; a missing page.
    form = client.get(reverse("disclosure:item_report", args=[item.pk]))
    assert form.status_code == 200 and form.cookies
    assert form["Cache-Control"] == PRIVATE
    client.cookies.clear()
    assert client.post(url)["Cache-Control"] == PRIVATE
    assert client.get("/no-such-page/")["Cache-Control"] == PRIVATE
    # A pending message is shown to one visitor.
    client.cookies["messages"] = "pending"
    assert client.get(url)["Cache-Control"] == PRIVATE
    client.cookies.clear()
    # Views that chose a header keep it for anonymous visitors; an export is kept no longer than a
    # page, so that a withdrawn item leaves it as fast.
    assert client.get("/api/v1/export/items.csv")["Cache-Control"] == "public, max-age=7"
    assert "no-store" in client.get(reverse("disclosure:request_create"))["Cache-Control"]


def _changes():
    """One change of every kind of public content (door 6): each must orphan the cached pages."""
    from disclosure.annual_reports.models import AnnualReport
    from disclosure.catalogue.models import ChecklistEntry, Department
    from disclosure.site.models import Page

    def guide(ctx):
        page, _ = Page.objects.get_or_create(slug=Page.GUIDE, defaults={"title": "信息公开指南"})
        page.body = "<p>办公地点：行政楼 201 室</p>"
        page.save()

    def department(ctx):
        Department.objects.filter(pk=ctx["department"].pk).first().save()

    def renamed_department(ctx):
        d = Department.objects.get(pk=ctx["department"].pk)
        d.name = "教务部"
        d.save()

    def checklist_name(ctx):
        e = ChecklistEntry.objects.first()
        e.title = e.title + "（修订）"
        e.save()

    def report(ctx):
        AnnualReport.objects.update_or_create(year=2024, defaults={"title": "2024-2025学年报告"})

    def attachment(ctx):
        from django.core.files.base import ContentFile

        from disclosure.items.models import Attachment
        Attachment.objects.create(item=ctx["item"], title="附件", file=ContentFile(b"text", name="a.txt"))

    return {"guide": guide, "department": department, "renamed_department": renamed_department,
            "checklist_name": checklist_name, "report": report, "attachment": attachment}


@CACHED
@pytest.mark.parametrize("change", sorted(_changes()))
def test_every_kind_of_public_content_orphans_the_cached_pages(
    change, make_item, department, django_capture_on_commit_callbacks
):
    item = make_item("published", title="学校章程")
    before = generation()
    with django_capture_on_commit_callbacks(execute=True):
        _changes()[change]({"department": department, "item": item})
    assert generation() != before


@CACHED
def test_a_hit_costs_no_session_auth_messages_or_template_work(
    client, make_item, department, monkeypatch, django_assert_num_queries
):
    from django.contrib.auth.middleware import AuthenticationMiddleware
    from django.contrib.messages.middleware import MessageMiddleware
    from django.contrib.sessions.middleware import SessionMiddleware
    from django.middleware.csrf import CsrfViewMiddleware
    from django.template.response import SimpleTemplateResponse

    make_item("published", title="学校章程")
    url = reverse("disclosure:department", kwargs={"code": department.code})
    miss = client.get(url)
    assert not _hit(miss)

    def forbidden(*args, **kwargs):
        raise AssertionError("a cache hit ran work below the page cache")

    for cls, name in ((SessionMiddleware, "process_request"), (AuthenticationMiddleware, "process_request"),
                      (MessageMiddleware, "process_request"), (CsrfViewMiddleware, "process_view"),
                      (SimpleTemplateResponse, "render")):
        monkeypatch.setattr(cls, name, forbidden)
    with django_assert_num_queries(0):
        hit = client.get(url)
    assert _hit(hit) and hit.content == miss.content
    # The headers of every answer are still there on a hit.
    for header in ("Content-Security-Policy", "X-Frame-Options", "X-Content-Type-Options", "Cache-Control"):
        assert hit.has_header(header), header
    assert hit["X-Frame-Options"] == miss["X-Frame-Options"]


# ---- Hot pages: the copies each process keeps in its own memory ----


@CACHED
def test_a_hot_page_is_served_from_process_memory_and_orphaned_by_a_purge(client, make_item, office_user,
                                                                            monkeypatch,
                                                                            django_capture_on_commit_callbacks):
    item = make_item("published", title="招生章程")
    url = item.get_absolute_url()
    assert not _hit(client.get(url))
    # The next visits never ask the shared cache for the page (only, at most, for the generation).
    asked = []
    real_get = cache.get
    monkeypatch.setattr(cache, "get", lambda key, *a, **kw: asked.append(key) or real_get(key, *a, **kw))
    assert _hit(client.get(url)) and _hit(client.get(url))
    assert not [key for key in asked if key.startswith("public-page:")]
    # Withdrawn: the purge changes the generation in every key, the copy in memory is never found again.
    with django_capture_on_commit_callbacks(execute=True):
        item_actions.withdraw_item(item, by=office_user, reason="内容有误")
    assert client.get(url).status_code == 404


def test_hot_pages_are_bounded_by_count_size_and_age(monkeypatch):
    from disclosure.core import cache as page_cache

    hot = page_cache._HotPages(size=2, largest=10)
    hot.put("a", (b"1", []), 60)
    hot.put("b", (b"2", []), 60)
    assert hot.get("a") == (b"1", [])  # now the most recently used
    hot.put("c", (b"3", []), 60)
    assert hot.get("b") is None and hot.get("a") and hot.get("c")  # the least recently used went
    hot.put("big", (b"x" * 11, []), 60)
    assert hot.get("big") is None  # larger than a page may be
    hot.put("off", (b"4", []), 0)
    assert hot.get("off") is None  # the cache is off: nothing kept
    now = page_cache.time.monotonic()
    monkeypatch.setattr(page_cache.time, "monotonic", lambda: now + 61)
    assert hot.get("a") is None and hot.get("c") is None  # outlived the shared copy


@CACHED
def test_an_item_change_keeps_the_reference_data_remembered_a_department_change_does_not(
        make_item, department, django_capture_on_commit_callbacks):
    from disclosure.core.cache import reference_generation

    pages, reference = generation(), reference_generation()
    with django_capture_on_commit_callbacks(execute=True):
        make_item("published", title="招生章程")
    assert generation() != pages and reference_generation() == reference
    pages = generation()
    with django_capture_on_commit_callbacks(execute=True):
        department.name = "招生办公室"
        department.save()
    assert generation() != pages and reference_generation() != reference
