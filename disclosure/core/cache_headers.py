"""Every answer from Django says who may keep it.

A shared cache in front of the site (nginx's micro-cache, a CDN, a campus proxy) decides by
`Cache-Control`, and without it may store any 200 under its URL. The staff API answers a token with
applicants' names, ID numbers and phones under the same URL an anonymous visitor can ask for: kept
by such a cache, the next visitor would get them. So nothing is left to a cache's guess:

- a request with credentials (a session or CSRF cookie, an `Authorization` header) is answered
  `private, no-store` with `Vary: Cookie, Authorization`, whatever the view said: what it gets may
  be meant for that visitor alone;
- a public page that the page cache judged anyone may be served (disclosure.core.cache marks it, hits
  included) says `public, max-age=PUBLIC_PAGE_MAX_AGE`: short, because a withdrawn item stays in
  shared caches and browsers that long;
- anything else is `private, no-store`, unless the view chose its own `Cache-Control`.

In MIDDLEWARE it goes above SessionMiddleware, CsrfViewMiddleware and PublicPageCacheMiddleware, so
that it sees the cookies and `Vary` they add and the pages served from the page cache. Static files
are answered above it (WhiteNoise; nginx in production): the same for everyone, they keep their own
long-lived headers.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.cache import patch_vary_headers

from disclosure.core.cache import is_public_page

PRIVATE = "private, no-store"


def carries_credentials(request) -> bool:
    """Whether the request may be answered with something meant for its sender alone."""
    cookies = request.COOKIES
    return (
        "HTTP_AUTHORIZATION" in request.META
        or settings.SESSION_COOKIE_NAME in cookies
        or settings.CSRF_COOKIE_NAME in cookies
    )


class CacheHeadersMiddleware:
    """Sets `Cache-Control` (and `Vary` for requests with credentials) on every response."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if carries_credentials(request):
            response["Cache-Control"] = PRIVATE
            patch_vary_headers(response, ("Cookie", "Authorization"))
        elif not response.has_header("Cache-Control"):
            # A cookie added on the way out (a session, a CSRF token) makes the page one visitor's.
            public = is_public_page(response) and not response.cookies
            response["Cache-Control"] = (
                f"public, max-age={settings.PUBLIC_PAGE_MAX_AGE}" if public else PRIVATE
            )
        return response
