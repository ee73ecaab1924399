from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from disclosure.access import actions as access_actions
from disclosure.access.admin_base import DomainAdmin
from disclosure.access.models import DeletionRecord, SecurityPolicy, TwoFactorEvent


@admin.register(SecurityPolicy)
class SecurityPolicyAdmin(DomainAdmin):
    fields = ["require_staff_totp", "modified_at"]
    readonly_fields = ["modified_at"]

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not SecurityPolicy.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        # One row only: the list is the form.
        policy = SecurityPolicy.objects.first()
        if policy is None:
            return redirect(reverse("admin:access_securitypolicy_add"))
        return redirect(reverse("admin:access_securitypolicy_change", args=[policy.pk]))


class RecordAdmin(DomainAdmin):
    """A record of what happened (a deletion, a change of second factor) is never added by hand,
    edited or deleted."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(DeletionRecord)
class DeletionRecordAdmin(RecordAdmin):
    list_display = ["deleted_at", "model", "object_pk", "object_repr", "deleted_by"]
    list_filter = ["model"]
    search_fields = ["object_repr", "object_pk"]
    readonly_fields = ["model", "object_pk", "object_repr", "data", "deleted_by", "deleted_at"]


@admin.register(TwoFactorEvent)
class TwoFactorEventAdmin(RecordAdmin):
    list_display = ["at", "username", "kind", "actor", "reason", "devices_removed"]
    list_filter = ["kind"]
    search_fields = ["username"]
    readonly_fields = ["user", "username", "kind", "actor", "at", "reason", "devices_removed"]


class TwoFactorResetForm(forms.Form):
    reason = forms.CharField(
        label="重置原因", widget=forms.Textarea(attrs={"rows": 3}),
        help_text="例如：手机遗失，本人于某日到办公室当面确认身份。将记入两步验证记录。",
    )


User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class StaffUserAdmin(UserAdmin):
    """Django's user admin, plus the second factor: its state and the office's reset of a lost one."""

    readonly_fields = [*UserAdmin.readonly_fields, "two_factor"]

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None:
            return fieldsets
        return [*fieldsets, ("两步验证", {"fields": ["two_factor"]})]

    @admin.display(description="两步验证")
    def two_factor(self, user):
        state = access_actions.state_label(user)
        if access_actions.TWO_FACTOR_ACTIONS.refusal("reset_two_factor", user, None) is not None:
            return state
        url = reverse("admin:auth_user_two_factor_reset", args=[user.pk])
        return format_html('{}　<a class="button" href="{}">重置两步验证（设备遗失）</a>', state, url)

    def get_urls(self):
        return [
            path("<int:pk>/two-factor-reset/", self.admin_site.admin_view(self.two_factor_reset_view),
                 name="auth_user_two_factor_reset"),
            *super().get_urls(),
        ]

    def two_factor_reset_view(self, request, pk: int):
        """The office resets a lost device: the action table says who may, the service records why."""
        target = get_object_or_404(User, pk=pk)
        change_url = reverse("admin:auth_user_change", args=[pk])
        refusal = access_actions.TWO_FACTOR_ACTIONS.refusal("reset_two_factor", target, request.user)
        if isinstance(refusal, PermissionDenied):
            raise refusal
        if refusal is not None:
            self.message_user(request, "；".join(refusal.messages), messages.ERROR)
            return HttpResponseRedirect(change_url)
        form = TwoFactorResetForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                access_actions.reset_two_factor(target, by=request.user, reason=form.cleaned_data["reason"])
            except ValidationError as error:
                for message in error.messages:
                    form.add_error(None, message)
            else:
                self.message_user(request, f"已重置 {target.get_username()} 的两步验证，已记录。",
                                  messages.SUCCESS)
                return HttpResponseRedirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "title": f"{target.get_username()} · 重置两步验证",
            "form": form, "target": target, "opts": self.model._meta, "change_url": change_url,
        }
        return TemplateResponse(request, "admin/access/two_factor_reset.html", context,
                                status=400 if request.method == "POST" else 200)
