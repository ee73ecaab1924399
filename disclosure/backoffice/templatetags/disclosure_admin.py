"""Tags of the admin pages: the user's own deadline counts on the admin index."""

from django import template
from django.urls import reverse

from disclosure.backoffice.board import deadline_counts

register = template.Library()


@register.inclusion_tag("admin/backoffice/deadline_summary.html", takes_context=True)
def deadline_summary(context):
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"counts": None}
    return {
        "counts": deadline_counts(user),
        "board_url": reverse("deadline_board"),
    }


@register.inclusion_tag("admin/backoffice/calendar_warning.html", takes_context=True)
def calendar_warning(context):
    """"2027年放假安排尚未录入，相关期限为暂定", from 1 November until the notice is loaded."""
    from disclosure.access import policy
    from disclosure.workcalendar.services import pending_warning

    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"warning": ""}
    return {
        "warning": pending_warning(),
        "notice_url": reverse("admin:workcalendar_holiday_notice")
        if policy.is_office(user) and not policy.is_read_only(user) else "",
    }
