"""The deadline board page of the admin: each user's open deadlines, grouped by urgency."""

from __future__ import annotations

from django.conf import settings
from django.contrib import admin
from django.template.response import TemplateResponse

from disclosure.board import build_board


def deadline_board(request):
    """Everything in the user's scope that owes a publication, an update or an answer."""
    context = {
        **admin.site.each_context(request),
        "title": "期限看板",
        "board": build_board(request.user),
        "due_soon_workdays": settings.DISCLOSURE["DUE_SOON_WORKDAYS"],
    }
    return TemplateResponse(request, "admin/disclosure/deadline_board.html", context)
