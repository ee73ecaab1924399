"""The base classes of every domain ModelAdmin and inline: each asks the one policy.

A new admin inherits the doors shut: personal fields are never shown, filtered (by any lookup,
`?phone=…`, `?id_number__startswith=…`, across relations), searched, sorted or put in a form for a
role that may not see them; the supervisor changes nothing. `tests/access/test_doors.py` walks every
registered model admin and checks each one is built on these classes.
"""

from __future__ import annotations

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from disclosure.access import policy


def _strip_fieldsets(user, model, fieldsets):
    shown = []
    for name, options in fieldsets:
        fields = []
        for entry in options.get("fields", ()):
            if isinstance(entry, (list, tuple)):
                kept = policy.visible_fields(user, model, entry)
                if kept:
                    fields.append(tuple(kept))
            elif policy.visible_fields(user, model, [entry]):
                fields.append(entry)
        if fields:
            shown.append((name, {**options, "fields": fields}))
    return shown


class PolicyAdminMixin:
    """What a role may see and do, asked of `disclosure.access.policy` at every door of the admin."""

    def _visible(self, request, names):
        return policy.visible_fields(request.user, self.model, names)

    def lookup_allowed(self, lookup, value, request):
        # A lookup on a field of the model itself is allowed by Django whatever it is; a personal one
        # would let a role without the right recover a value by prefix guessing.
        if not policy.may_look_up(request.user, self.model, lookup):
            return False
        return super().lookup_allowed(lookup, value, request)

    def get_search_fields(self, request):
        return self._visible(request, super().get_search_fields(request))

    def get_list_display(self, request):
        return self._visible(request, super().get_list_display(request))

    def get_list_display_links(self, request, list_display):
        links = super().get_list_display_links(request, list_display)
        return links if links is None else self._visible(request, links)

    def get_list_filter(self, request):
        filters = super().get_list_filter(request)
        return [f for f in filters if not isinstance(f, str) or self._visible(request, [f])]

    def get_sortable_by(self, request):
        return self._visible(request, super().get_sortable_by(request))

    def get_ordering(self, request):
        return self._visible(request, super().get_ordering(request) or ())

    def get_fields(self, request, obj=None):
        return self._visible(request, super().get_fields(request, obj))

    def get_fieldsets(self, request, obj=None):
        fieldsets = _strip_fieldsets(request.user, self.model, super().get_fieldsets(request, obj))
        if obj is not None and not self.has_change_permission(request, obj):
            # Read only, every field is shown as a value; a field that lives only in the form (a
            # version check, a decision to take) has none, and Django would print its code name.
            fieldsets = [
                (name, {**options, "fields": [f for f in options["fields"] if not self._form_only(f)]})
                for name, options in fieldsets
            ]
        return fieldsets

    def _form_only(self, entry) -> bool:
        from django.core.exceptions import FieldDoesNotExist

        if isinstance(entry, (list, tuple)):
            return all(self._form_only(name) for name in entry)
        try:
            self.model._meta.get_field(entry)
        except FieldDoesNotExist:
            return not (hasattr(self, entry) or hasattr(self.model, entry))
        return False

    def get_readonly_fields(self, request, obj=None):
        return self._visible(request, super().get_readonly_fields(request, obj))

    def get_exclude(self, request, obj=None):
        exclude = list(super().get_exclude(request, obj) or ())
        if not policy.may_see_personal_data(request.user):
            exclude += [f for f in policy.personal_fields(self.model) if f not in exclude]
        return exclude or None

    def has_add_permission(self, request, *args, **kwargs):
        return not policy.is_read_only(request.user) and super().has_add_permission(request, *args, **kwargs)

    def has_change_permission(self, request, obj=None):
        return not policy.is_read_only(request.user) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not policy.is_read_only(request.user) and super().has_delete_permission(request, obj)


class DomainAdmin(PolicyAdminMixin, admin.ModelAdmin):
    """A ModelAdmin of the domain."""


class DomainHistoryAdmin(PolicyAdminMixin, SimpleHistoryAdmin):
    """A ModelAdmin of the domain whose model keeps django-simple-history records.

    The history pages rebuild a past version with the admin's own form and fieldsets, so they show
    no more than the change form does.
    """

    def get_historical_record_context_helper(self, request, historical_record):
        # Choice labels and yes/no in the list of changes, not the stored codes.
        from disclosure.access.display import ChineseHistoryHelper

        return ChineseHistoryHelper(self.model, historical_record)


class PolicyInlineMixin:
    def get_fields(self, request, obj=None):
        return policy.visible_fields(request.user, self.model, super().get_fields(request, obj))

    def get_readonly_fields(self, request, obj=None):
        return policy.visible_fields(request.user, self.model,
                                     super().get_readonly_fields(request, obj))

    def get_exclude(self, request, obj=None):
        exclude = list(super().get_exclude(request, obj) or ())
        if not policy.may_see_personal_data(request.user):
            exclude += [f for f in policy.personal_fields(self.model) if f not in exclude]
        return exclude or None

    def has_add_permission(self, request, obj=None):
        return not policy.is_read_only(request.user) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return not policy.is_read_only(request.user) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not policy.is_read_only(request.user) and super().has_delete_permission(request, obj)


class DomainTabularInline(PolicyInlineMixin, admin.TabularInline):
    pass


class DomainStackedInline(PolicyInlineMixin, admin.StackedInline):
    pass
