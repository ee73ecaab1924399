"""The deadline board page of the admin: each user's open deadlines, grouped by urgency."""

from __future__ import annotations

from django.conf import settings
from django.contrib import admin
from django.core.paginator import Paginator
from django.template.response import TemplateResponse

from disclosure.access import policy
from disclosure.annual_reports.selectors import get_coming_report
from disclosure.backoffice.board import GROUP_LABELS, attach_next_steps, build_board

# Rows shown per group. The counts above always cover every row; an office with a thousand
# years-old drafts pages through them instead of loading them all at once.
ROWS_PER_GROUP = 100


def deadline_board(request):
    """Everything in the user's scope that owes a publication, an update or an answer."""
    board = build_board(request.user)
    only = request.GET.get("group")
    only = only if only in GROUP_LABELS else None
    sections = []
    for key, label, entries in board.sections():
        if only and key != only:
            continue
        page = Paginator(entries, ROWS_PER_GROUP).get_page(request.GET.get("page") if only else 1)
        attach_next_steps(page.object_list, request.user, board.today)
        sections.append({"key": key, "label": label, "total": len(entries), "page": page})
    context = {
        **admin.site.each_context(request),
        "title": "期限看板",
        "board": board,
        "sections": sections,
        "only": only,
        "due_soon_workdays": settings.DISCLOSURE["DUE_SOON_WORKDAYS"],
        # The yearly report is the office's own deadline (31 October).
        "coming_report": get_coming_report(board.today) if policy.is_office(request.user) else None,
    }
    return TemplateResponse(request, "admin/backoffice/deadline_board.html", context)
