"""Public pages kept whole in the Django cache (Redis in production), shared by every web process.

A page is stored under its path, query string and Accept header together with a generation number. Any change to
what the public sees (an item, its attachments, publications or entries) bumps the generation once
its transaction commits, which orphans every stored page at once: nothing has to know which pages
showed the item. Orphans expire by themselves.

Each process remembers the generation for `GENERATION_MEMO_SECONDS` to spare a round trip per
request, so another process may serve a page up to that long after a change (a withdrawn item
included); the process that made the change forgets its memo at once.

Only anonymous GET requests are cached: no session or pending-message cookie, no Authorization
header (an API token). Only complete 200 responses are stored that set no cookie, do not vary by
cookie and hold no per-visitor token (a CSRF token in a form, a CSP nonce). Such a page is marked
public (`is_public_page`), served from the store or not, so that disclosure.cache_headers lets
shared caches keep it for a few seconds too.

The purge works only if every web process reads the same generation. With a per-process cache
(local memory, the default without REDIS_URL) a purge in one gunicorn worker never reaches the
others, which would go on serving a withdrawn item for PAGE_TIMEOUT_SECONDS. So pages are stored
only in a backend that every process shares (`page_cache_enabled`), or when the setting
PUBLIC_PAGE_CACHE_SINGLE_PROCESS says that there is only one process.
"""

from __future__ import annotations

import functools
import hashlib
import threading
import time
from collections import OrderedDict

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import DEFAULT_CACHE_ALIAS, cache, caches
from django.db import transaction
from django.http import HttpResponse

from disclosure.core.replica import note_public_change

GENERATION_KEY = "public-pages:generation"
# The reference data every page shows (the checklist, departments, channels, the site settings)
# change seldom, items often: remembered under a generation of their own, bumped only by their own
# changes, a page that is rendered right after an item is published still reads none of them.
REFERENCE_GENERATION_KEY = "public-reference:generation"
PAGE_TIMEOUT_SECONDS = 300
GENERATION_MEMO_SECONDS = 0.5
# Pages each process keeps in its own memory too (_HotPages): about 300 × 25 KB = 7.5 MB at most.
HOT_PAGES = 300
HOT_PAGE_BYTES = 256 * 1024
# A copy fetched from the shared cache is kept here this long at most (its age there is unknown).
HOT_PAGE_SECONDS = 60
# Never cached: the back office, downloads (their own permission check) and anything personal.
EXCLUDED_PREFIXES = ("/admin/", "/attachments/", "/media/", "/static/", "/accounts/")
# The security headers are added afresh to every response by the middleware around this one.
_HEADERS_KEPT = ("Content-Type", "Content-Language", "Link", "Vary")
# Backends that every process of every replica reaches, subclasses included. Anything else (local
# memory, dummy, files on one replica's disk, a backend nobody vouched for) keeps pages uncached.
SHARED_BACKENDS = frozenset({
    "django_redis.cache.RedisCache",
    "django.core.cache.backends.redis.RedisCache",
    "django.core.cache.backends.memcached.BaseMemcachedCache",
    "django.core.cache.backends.db.DatabaseCache",
})
_PUBLIC_MARK = "_disclosure_public_page"

_memo = threading.local()


def _clock_generation() -> int:
    # Microseconds: a number lost and started again within the same millisecond (a purge right
    # after an eviction) would otherwise be the old one, and its pages would match again.
    return time.time_ns() // 1_000


def _setting(name: str, default):
    return getattr(settings, name, default)


def page_cache_enabled() -> bool:
    """Whether pages may be stored: the cache is shared by every web process, or there is only one."""
    if _setting("PUBLIC_PAGE_CACHE_SINGLE_PROCESS", False):
        return True
    backend = type(caches[DEFAULT_CACHE_ALIAS])
    return any(f"{k.__module__}.{k.__qualname__}" in SHARED_BACKENDS for k in backend.__mro__)


def is_public_page(response) -> bool:
    """Whether `response` is a public page that anyone may be served (stored or served from store)."""
    return getattr(response, _PUBLIC_MARK, False)


def _generation(key: str) -> int:
    now = time.monotonic()
    memos = getattr(_memo, "values", None)
    if memos is None:
        memos = _memo.values = {}
    memo = memos.get(key)
    if memo is not None and now - memo[0] < _setting("PUBLIC_PAGE_CACHE_MEMO_SECONDS", GENERATION_MEMO_SECONDS):
        return memo[1]
    value = cache.get(key)
    if value is None:
        # Lost (eviction, a Redis restart): start from the clock so that no old page matches again.
        cache.add(key, _clock_generation(), timeout=None)
        value = cache.get(key) or 0
    memos[key] = (now, value)
    return value


def _bump(key: str) -> None:
    getattr(_memo, "values", {}).pop(key, None)
    try:
        cache.incr(key)
    except ValueError:
        cache.add(key, _clock_generation(), timeout=None)


def generation() -> int:
    """The current generation of public pages, as this process last read it."""
    return _generation(GENERATION_KEY)


def reference_generation() -> int:
    """The current generation of the reference data (REFERENCE_CONTENT), as this process last read it."""
    return _generation(REFERENCE_GENERATION_KEY)


def bump_generation() -> None:
    """Orphan every cached public page now."""
    _bump(GENERATION_KEY)
    # The pages rendered next must not come from a replica that has not replayed the change yet.
    note_public_change()


def bump_reference_generation() -> None:
    """Orphan every cached public page and everything remembered of the reference data, now."""
    _bump(REFERENCE_GENERATION_KEY)
    bump_generation()


def purge_public_pages(*, reference: bool = False) -> None:
    """Orphan every cached public page when the current transaction commits (at once outside one);
    with `reference`, what is remembered of the reference data too."""
    transaction.on_commit(bump_reference_generation if reference else bump_generation)


def page_key(request) -> str:
    # The API answers JSON or its browsable HTML by the Accept header: it is part of the key.
    raw = (request.get_full_path() + "\n" + request.META.get("HTTP_ACCEPT", "")).encode(
        "utf-8", "surrogateescape"
    )
    return f"public-page:{generation()}:{hashlib.sha256(raw).hexdigest()}"


def _cacheable_request(request) -> bool:
    if request.method != "GET" or request.path.startswith(EXCLUDED_PREFIXES):
        return False
    # A token-authenticated API call looks anonymous to Django; a session may hold what a page shows
    # to its visitor alone; a pending message must be shown by a freshly rendered page.
    if "HTTP_AUTHORIZATION" in request.META:
        return False
    cookies = request.COOKIES
    if settings.SESSION_COOKIE_NAME in cookies or CookieStorage.cookie_name in cookies:
        return False
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return False
    return True


def _cacheable_response(request, response) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and "cookie" not in response.get("Vary", "").lower()
        # A page that used {% csrf_token %} holds a per-visitor token, one that used the CSP nonce a
        # per-response one: neither may be served to someone else.
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and not getattr(request, "_csp_nonce", None)
        and "no-store" not in response.get("Cache-Control", "")
        and "private" not in response.get("Cache-Control", "")
    )


class _HotPages:
    """The pages this process served last, in its own memory, in front of the shared cache.

    Under a crowd most visits ask for a few pages; each then costs a dictionary lookup instead of a
    round trip to Redis. Safe for the purge: an entry is found only under its key, which holds the
    generation, so a purge orphans these copies as it orphans the shared ones (this process sees
    the new generation within GENERATION_MEMO_SECONDS). A copy lives no longer than the shared one
    (pages that depend on the date, such as an open survey, are rendered again when it expires).
    Bounded by count and by size of each page.
    """

    def __init__(self, size: int = HOT_PAGES, largest: int = HOT_PAGE_BYTES):
        self.size, self.largest = size, largest
        self.pages: OrderedDict[str, tuple] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: str):
        with self.lock:
            found = self.pages.get(key)
            if found is None:
                return None
            expires, stored = found
            if time.monotonic() >= expires:
                del self.pages[key]
                return None
            self.pages.move_to_end(key)
            return stored

    def put(self, key: str, stored: tuple, timeout: float) -> None:
        if len(stored[0]) > self.largest or timeout <= 0:
            return
        with self.lock:
            self.pages[key] = (time.monotonic() + timeout, stored)
            self.pages.move_to_end(key)
            while len(self.pages) > self.size:
                self.pages.popitem(last=False)

    def clear(self) -> None:
        with self.lock:
            self.pages.clear()


hot_pages = _HotPages()


def _lookup(request):
    try:
        key = page_key(request)
        stored = hot_pages.get(key)
        if stored is None:
            stored = cache.get(key)
            if stored is not None:
                # Its time left in the shared cache is unknown: kept here HOT_PAGE_SECONDS at most, so
                # a page that depends on the date is at most that much older than the shared copy.
                hot_pages.put(key, stored, min(_page_timeout(), HOT_PAGE_SECONDS))
    except Exception:  # noqa: BLE001 - a cache outage serves pages uncached
        return None, None
    if stored is None:
        return key, None
    content, headers = stored
    response = HttpResponse(content)
    for name, value in headers:
        response[name] = value
    response["X-Page-Cache"] = "hit"
    setattr(response, _PUBLIC_MARK, True)
    return key, response


def _page_timeout() -> float:
    return _setting("PUBLIC_PAGE_CACHE_SECONDS", PAGE_TIMEOUT_SECONDS)


def _store(key, response) -> None:
    headers = [(name, response[name]) for name in _HEADERS_KEPT if response.has_header(name)]
    timeout = _page_timeout()
    if not timeout:
        return
    hot_pages.put(key, (response.content, headers), timeout)
    try:
        cache.set(key, (response.content, headers), timeout)
    except Exception:  # noqa: BLE001, S110 - a cache outage serves pages uncached
        pass


def _serve(request, respond):
    if not _cacheable_request(request):
        return respond()
    storing = page_cache_enabled()
    key, cached = _lookup(request) if storing else (None, None)
    if cached is not None:
        return cached
    response = respond()
    # A template fills in the CSRF token and the CSP nonce only while rendering.
    if hasattr(response, "render") and not response.is_rendered:
        response.render()
    if _cacheable_response(request, response):
        setattr(response, _PUBLIC_MARK, True)
        if key is not None:
            _store(key, response)
    return response


def cache_public_page(view):
    """Decorate a public view (function or `as_view()`) so that anonymous GETs are served from cache."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        return _serve(request, lambda: view(request, *args, **kwargs))

    return wrapped


class PublicPageCacheMiddleware:
    """The same cache for every public page.

    Goes below the middleware that add headers to every answer (security, CSP, Cache-Control,
    X-Frame-Options: they run on a hit as well) and above the session, locale, CSRF, authentication
    and messages middleware: a hit is decided from the raw request (no session or message cookie, no
    Authorization header) and costs none of their work. On a miss they run below it, and what they
    did to the request and the response (a CSRF token, a cookie, `Vary`) is what decides whether the
    page may be stored.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return _serve(request, lambda: self.get_response(request))


# Everything the public site shows comes from these models (and the items' entries). Any change to
# one of them (for a model with `touches_public_pages(update_fields)`, any change it says is seen by
# the public) orphans every cached public page once its transaction commits: nothing has to know
# which pages showed the row, so no page is forgotten (a withdrawn item, a new report, the guide).
PUBLIC_CONTENT = (
    "items.DisclosureItem",
    "items.Attachment",
    "items.Publication",
    "catalogue.Department",
    "catalogue.ChecklistCategory",
    "catalogue.ChecklistEntry",
    "catalogue.Channel",
    "catalogue.ChannelSection",
    "site.Page",
    "site.SiteSettings",
    "annual_reports.AnnualReport",
    "feedback.Opinion",
    "feedback.Survey",
)


# Of those, the reference data (see REFERENCE_GENERATION_KEY).
REFERENCE_CONTENT = (
    "catalogue.Department",
    "catalogue.ChecklistCategory",
    "catalogue.ChecklistEntry",
    "catalogue.Channel",
    "catalogue.ChannelSection",
    "site.SiteSettings",
)


def _public_content_changed(sender, instance=None, update_fields=None, **kwargs):
    # A model whose rows are only partly public (opinions: the published ones) says which changes
    # reach a public page, so that a new private row does not orphan every cached page.
    touches = getattr(instance, "touches_public_pages", None)
    if touches is None or touches(update_fields):
        purge_public_pages(reference=sender._meta.label in REFERENCE_CONTENT)


def connect_purge_signals() -> None:
    """Connect the one purge to every model the public sees (called once, from the app's ready())."""
    from django.apps import apps
    from django.db.models.signals import m2m_changed, post_delete, post_save

    for label in PUBLIC_CONTENT:
        model = apps.get_model(label)
        for signal in (post_save, post_delete):
            signal.connect(_public_content_changed, sender=model, dispatch_uid=f"purge:{label}")
        for field in model._meta.local_many_to_many:
            m2m_changed.connect(_public_content_changed, sender=field.remote_field.through,
                                dispatch_uid=f"purge:{label}.{field.name}")
