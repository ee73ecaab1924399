"""Project-wide middleware: a Chinese 503 page when the database is down, and staff two-factor."""

from __future__ import annotations

import logging
import sys
from urllib.parse import urlencode

from django.conf import settings
from django.db.utils import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseRedirect
from django.template.loader import render_to_string
from django.urls import reverse

logger = logging.getLogger("disclosure.faults")

DATABASE_ERRORS = (OperationalError, InterfaceError)


def _page(template: str, status: int) -> HttpResponse:
    # Rendered without the request: no context processor may touch the session or the database.
    context = {
        "university_name": settings.DISCLOSURE["UNIVERSITY_NAME"],
        "site_name": settings.DISCLOSURE["SITE_NAME"],
        "office_name": settings.DISCLOSURE["OFFICE_NAME"],
    }
    return HttpResponse(render_to_string(template, context), status=status)


def database_unavailable(request, exception: BaseException | None = None) -> HttpResponse:
    """The friendly 503 page; the trace goes to the log, never to the reader."""
    logger.error("数据库不可用：%s %s", request.method, request.path, exc_info=exception)
    response = _page("503.html", 503)
    response["Retry-After"] = "60"
    response["Cache-Control"] = "no-store"
    return response


def server_error(request) -> HttpResponse:
    """handler500: a database outage raised outside a view (sessions, middleware) is a 503 too."""
    exception = sys.exc_info()[1]
    if isinstance(exception, DATABASE_ERRORS):
        return database_unavailable(request, exception)
    return _page("500.html", 500)


class DatabaseUnavailableMiddleware:
    """A view that cannot reach the database answers 503 in Chinese instead of a 500."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, DATABASE_ERRORS):
            return database_unavailable(request, exception)
        return None


class StaffTwoFactorMiddleware:
    """In the admin, staff with a TOTP device must enter its code; when the office makes two-factor
    mandatory, staff without a device must bind one first. Needs django-otp's OTPMiddleware before it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self._redirect(request) or self.get_response(request)

    def _redirect(self, request):
        admin_root = reverse("admin:index")
        if not request.path.startswith(admin_root):
            return None
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not user.is_staff:
            return None
        verify, setup = reverse("otp_verify"), reverse("otp_setup")
        if request.path in {verify, setup, reverse("admin:logout"), reverse("admin:jsi18n")}:
            return None
        if getattr(user, "is_verified", lambda: False)():
            return None
        from django_otp import user_has_device

        from disclosure.models import SecurityPolicy

        if user_has_device(user, confirmed=True):
            target = verify
        elif SecurityPolicy.current().require_staff_totp:
            target = setup
        else:
            return None
        return HttpResponseRedirect(f"{target}?{urlencode({'next': request.get_full_path()})}")
