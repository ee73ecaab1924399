"""Project-wide middleware: a Chinese 503 page when the database is down."""

from __future__ import annotations

import logging
import sys

from django.conf import settings
from django.db.utils import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string

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
