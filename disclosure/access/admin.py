from django.contrib import admin
from django.shortcuts import redirect
from django.urls import reverse

from disclosure.access.admin_base import DomainAdmin
from disclosure.access.models import DeletionRecord, SecurityPolicy


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


@admin.register(DeletionRecord)
class DeletionRecordAdmin(DomainAdmin):
    list_display = ["deleted_at", "model", "object_pk", "object_repr", "deleted_by"]
    list_filter = ["model"]
    search_fields = ["object_repr", "object_pk"]
    readonly_fields = ["model", "object_pk", "object_repr", "data", "deleted_by", "deleted_at"]

    # A record of a deletion is itself never edited or deleted.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
