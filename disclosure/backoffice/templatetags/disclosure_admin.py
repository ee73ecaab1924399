"""Tags of the admin pages: the user's own deadline counts on the admin index."""

from django import template
from django.urls import reverse

from disclosure.access.people import person_label as people_label
from disclosure.access.people import person_name
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


@register.filter
def person(user) -> str:
    """A person as every page shows one: the name, never the login name."""
    return person_name(user)


@register.filter
def person_label(user) -> str:
    """A person with their department: "张三（教务处）"."""
    return people_label(user)


@register.inclusion_tag("admin/backoffice/role_home.html", takes_context=True)
def role_home(context):
    """The user's to-do counts by role, each linking to the list it counts."""
    from disclosure.backoffice.home import home_sections

    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"sections": []}
    return {"sections": home_sections(user)}


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
