from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone

from disclosure.access import policy
from disclosure.access.admin_base import DomainAdmin
from disclosure.workcalendar import selectors
from disclosure.workcalendar import services as calendar_services
from disclosure.workcalendar.models import CalendarChange, Holiday

# The pasted text of a notice runs to a few thousand characters; a page is far more than any notice.
NOTICE_MAX_LENGTH = 20_000


class NoticeForm(forms.Form):
    text = forms.CharField(
        label="通知原文", max_length=NOTICE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 18, "cols": 100}),
        help_text="从中国政府网或新闻网站复制《国务院办公厅关于某年部分节假日安排的通知》全文粘贴于此，"
        "含标题。先预览，核对无误后再确认载入。",
    )


@admin.register(Holiday)
class HolidayAdmin(DomainAdmin):
    list_display = ["date", "name", "is_workday", "source", "note"]
    list_filter = ["source", "is_workday"]
    search_fields = ["name", "note"]
    date_hierarchy = "date"
    change_list_template = "admin/workcalendar/holiday/change_list.html"

    def save_model(self, request, obj, form, change):
        try:
            moved = calendar_services.save_holiday(obj, by=request.user)
        except ValidationError as error:
            self.message_user(request, "；".join(error.messages), messages.ERROR)
            return
        if moved:
            self.message_user(request, f"已按新的节假日安排重算 {moved} 个期限。")

    def delete_model(self, request, obj):
        moved = calendar_services.delete_holiday(obj, by=request.user)
        if moved:
            self.message_user(request, f"已重算 {moved} 个期限。")

    def get_urls(self):
        return [
            path("notice/", self.admin_site.admin_view(self.notice_view),
                 name="workcalendar_holiday_notice"),
            path("year/<int:year>/", self.admin_site.admin_view(self.year_view),
                 name="workcalendar_holiday_year"),
            *super().get_urls(),
        ]

    def notice_view(self, request):
        """Paste the notice, preview its days and the dates they move, confirm: one change."""
        if not policy.is_office(request.user) or policy.is_read_only(request.user):
            raise PermissionDenied
        context = {**self.admin_site.each_context(request), "opts": self.model._meta,
                   "title": "载入国务院办公厅放假安排通知"}
        form = NoticeForm(request.POST or None)
        status = 200
        if request.method == "POST":
            if form.is_valid():
                confirm = "confirm" in request.POST
                try:
                    result = calendar_services.load_notice(
                        form.cleaned_data["text"], by=request.user, dry_run=not confirm
                    )
                except ValueError as error:
                    form.add_error("text", str(error))
                    status = 400
                else:
                    if confirm:
                        self.message_user(
                            request,
                            f"已载入 {result.year} 年放假安排 {len(result.rows)} 天，"
                            f"重算 {len(result.moves)} 个期限。",
                            messages.SUCCESS,
                        )
                        return HttpResponseRedirect(
                            reverse("admin:workcalendar_holiday_year", args=[result.year])
                        )
                    context["preview"] = result
            else:
                status = 400
        context["form"] = form
        return TemplateResponse(request, "admin/workcalendar/holiday/notice.html", context,
                                status=status)

    def year_view(self, request, year: int):
        """Each rest day and make-up workday of `year`, and where the calendar took it from."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        if not 1900 <= year <= 2099:
            context = {**self.admin_site.each_context(request), "opts": self.model._meta,
                       "title": "年份超出范围", "message": "请查看 1900–2099 年之间的年份。"}
            return TemplateResponse(request, "admin/workcalendar/holiday/year.html", context,
                                    status=404)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": f"{year}年工作日历",
            "year": year,
            "summary": selectors.get_year_summary(year),
            "days": selectors.list_year_days(year),
            "changes": CalendarChange.objects.filter(year=year).select_related("by")[:20],
            "may_load": policy.is_office(request.user) and not policy.is_read_only(request.user),
        }
        return TemplateResponse(request, "admin/workcalendar/holiday/year.html", context)

    def changelist_view(self, request, extra_context=None):
        this_year = timezone.localdate().year
        extra_context = {**(extra_context or {}), "calendar_years": [this_year, this_year + 1],
                         "may_load": policy.is_office(request.user)}
        return super().changelist_view(request, extra_context)


@admin.register(CalendarChange)
class CalendarChangeAdmin(DomainAdmin):
    """The record of every calendar change: read-only, written by the services."""

    list_display = ["at", "kind", "year", "reason", "by", "moved"]
    list_filter = ["kind", "year"]
    readonly_fields = ["at", "kind", "year", "by", "reason", "days", "move_lines", "text"]
    fields = readonly_fields

    @admin.display(description="变动的期限数")
    def moved(self, obj):
        return len(obj.moves or [])

    @admin.display(description="变动的期限（原 → 新）")
    def move_lines(self, obj):
        lines = [f"{m['subject']}，{m['what']}：{m['old'] or '无'} → {m['new'] or '无'}"
                 for m in obj.moves or []]
        return "\n".join(lines) or "—"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
