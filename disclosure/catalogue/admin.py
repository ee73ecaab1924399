from django.contrib import admin

from disclosure.access.admin_base import DomainAdmin, DomainTabularInline
from disclosure.catalogue.models import (
    Channel,
    ChannelSection,
    ChecklistCategory,
    ChecklistEntry,
    Department,
)


@admin.register(Department)
class DepartmentAdmin(DomainAdmin):
    list_display = ["name", "code", "kind", "active", "sort_order"]
    list_filter = ["kind", "active"]
    list_editable = ["sort_order"]
    search_fields = ["name", "code"]
    filter_horizontal = ["editors"]


class ChecklistEntryInline(DomainTabularInline):
    model = ChecklistEntry
    fields = ["number", "title"]
    readonly_fields = ["number", "title"]
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ChecklistCategory)
class ChecklistCategoryAdmin(DomainAdmin):
    list_display = ["number", "name"]
    readonly_fields = ["number", "name"]
    inlines = [ChecklistEntryInline]

    def has_add_permission(self, request):
        return False  # the official checklist is fixed: loaded by a migration

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ChecklistEntry)
class ChecklistEntryAdmin(DomainAdmin):
    list_display = ["number", "title", "category", "update_cadence"]
    list_filter = ["category", "update_cadence", "responsible_departments"]
    search_fields = ["title", "legal_basis"]
    readonly_fields = ["number", "title", "category"]
    filter_horizontal = ["responsible_departments"]
    list_select_related = ["category"]
    fields = ["number", "category", "title", "responsible_departments", "update_cadence",
              "legal_basis", "not_applicable_note"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ChannelSectionInline(DomainTabularInline):
    model = ChannelSection
    extra = 0


@admin.register(Channel)
class ChannelAdmin(DomainAdmin):
    list_display = ["name", "kind", "url", "active", "sort_order"]
    list_filter = ["kind", "active"]
    search_fields = ["name"]
    inlines = [ChannelSectionInline]
