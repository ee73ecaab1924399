from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.urls import reverse

from disclosure.access import policy
from disclosure.access.admin_base import DomainHistoryAdmin
from disclosure.core.rich_text import rich_text_formfield
from disclosure.site import services as site_services
from disclosure.site.models import ErrorReport, Page, SiteSettings


@admin.register(Page)
class PageAdmin(DomainHistoryAdmin):
    list_display = ["title", "slug", "is_published", "updated_at", "updated_by"]
    list_filter = ["is_published"]
    search_fields = ["title", "slug"]
    readonly_fields = ["updated_at", "updated_by"]
    fields = ["title", "slug", "body", "is_published", "sort_order", "updated_at", "updated_by"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "body":
            # The office writes its pages in the same editor as item bodies.
            return rich_text_formfield(label=db_field.verbose_name, required=not db_field.blank,
                                       help_text=db_field.help_text)
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def has_change_permission(self, request, obj=None):
        return policy.is_office(request.user)

    def has_add_permission(self, request):
        return policy.is_office(request.user)

    def save_model(self, request, obj, form, change):
        try:
            site_services.save_page(obj, by=request.user)
        except (ValidationError, PermissionDenied) as exc:
            self.message_user(request, "；".join(getattr(exc, "messages", [str(exc)])), messages.ERROR)


@admin.register(SiteSettings)
class SiteSettingsAdmin(DomainHistoryAdmin):
    """One row: the list is the form. Only the office changes what every page shows."""

    fieldsets = [
        ("学校", {"fields": ["university_name", "university_code", "office_name"]}),
        ("受理申请", {"fields": ["office_address", "postal_address", "phone", "email", "office_hours"]}),
        ("页脚与关注", {"fields": ["icp_number", "police_number", "wechat_account", "wechat_qr"]}),
        ("修改记录", {"fields": ["modified_at", "modified_by"]}),
    ]
    readonly_fields = ["modified_at", "modified_by"]

    def has_add_permission(self, request):
        return policy.is_office(request.user) and not SiteSettings.objects.exists()

    def has_change_permission(self, request, obj=None):
        return policy.is_office(request.user)

    def has_delete_permission(self, request, obj=None):
        return False

    def get_changeform_initial_data(self, request):
        defaults = SiteSettings.defaults()
        return {name: getattr(defaults, name) for name in
                ("university_name", "university_code", "office_name")}

    def changelist_view(self, request, extra_context=None):
        if not self.has_change_permission(request):
            raise PermissionDenied
        if SiteSettings.objects.exists():
            return redirect(reverse("admin:site_sitesettings_change", args=[1]))
        return redirect(reverse("admin:site_sitesettings_add"))

    def save_model(self, request, obj, form, change):
        try:
            site_services.save_site_settings(obj, by=request.user)
        except (ValidationError, PermissionDenied) as exc:
            self.message_user(request, "；".join(getattr(exc, "messages", [str(exc)])), messages.ERROR)


class ResolveForm(forms.ModelForm):
    """What a handler enters: the outcome and whether the report was accepted."""

    decision = forms.ChoiceField(
        label="处理", required=False,
        choices=[("", "暂不办结"), ("start", "开始处理"), ("resolved", "已更正/已答复，办结"),
                 ("rejected", "不予采纳，办结")],
    )

    class Meta:
        model = ErrorReport
        fields = ["outcome"]

    def clean(self):
        cleaned = super().clean()
        decision = cleaned.get("decision")
        if decision in ("resolved", "rejected") and not (cleaned.get("outcome") or "").strip():
            self.add_error("outcome", "办结时请填写处理结果。")
        return cleaned


@admin.register(ErrorReport)
class ErrorReportAdmin(DomainHistoryAdmin):
    form = ResolveForm
    list_display = ["item", "kind", "department", "status", "submitted_at", "resolved_at"]
    list_filter = ["status", "kind", "department"]
    list_select_related = ["item", "department"]
    search_fields = ["message", "item__title", "outcome"]
    date_hierarchy = "submitted_at"
    readonly_fields = [
        "item", "department", "kind", "message", "name", "contact", "status", "submitted_at",
        "handled_by", "resolved_at",
    ]
    fields = [*readonly_fields, "outcome", "decision"]

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if policy.sees_all_items(request.user):
            return qs
        return qs.filter(department__in=policy.user_department_ids(request.user))

    def has_add_permission(self, request):
        # Reports come from readers on the item page only.
        return False

    def has_delete_permission(self, request, obj=None):
        return bool(request.user.is_superuser)

    def has_change_permission(self, request, obj=None):
        if obj is None:
            return super().has_change_permission(request)
        return site_services.can_handle_error_report(request.user, obj) and not obj.is_closed

    def save_model(self, request, obj, form, change):
        decision = form.cleaned_data.get("decision")
        try:
            if decision == "start":
                site_services.start_error_report(obj, by=request.user)
            elif decision in ("resolved", "rejected"):
                site_services.resolve_error_report(
                    obj, by=request.user, outcome=form.cleaned_data.get("outcome", ""),
                    accepted=decision == "resolved",
                )
            else:
                self.message_user(request, "未选择处理方式，未作更改。", messages.WARNING)
        except (ValidationError, PermissionDenied) as exc:
            self.message_user(request, "；".join(getattr(exc, "messages", [str(exc)])), messages.ERROR)
