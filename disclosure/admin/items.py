from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.html import format_html
from simple_history.admin import SimpleHistoryAdmin

from disclosure import deadlines, roles, services
from disclosure.deadlines import DeadlineState
from disclosure.models import Attachment, DisclosureItem, ItemEvent, Publication
from disclosure.services.items import EDITABLE_FIELDS, can_edit_item


class AttachmentInline(admin.TabularInline):
    model = Attachment
    fields = ["title", "file", "sort_order", "size", "content_type"]
    readonly_fields = ["size", "content_type"]
    extra = 0


class PublicationInline(admin.TabularInline):
    model = Publication
    fields = ["channel", "section", "url", "published_on"]
    autocomplete_fields = []
    extra = 0


class ItemEventInline(admin.TabularInline):
    model = ItemEvent
    fields = ["at", "action", "actor", "note"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name_plural = "操作记录"

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class DisclosureItemForm(forms.ModelForm):
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = DisclosureItem
        fields = [*EDITABLE_FIELDS, "entries"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if self.instance.pk:
            self.fields["expected_version"].initial = self.instance.version
        if "department" in self.fields and user is not None and not roles.is_office(user):
            self.fields["department"].queryset = self.fields["department"].queryset.filter(
                pk__in=roles.user_department_ids(user)
            )

    def clean(self):
        cleaned = super().clean()
        expected = cleaned.get("expected_version")
        if self.instance.pk and expected is not None and expected != (
            DisclosureItem.objects.filter(pk=self.instance.pk).values_list("version", flat=True).first()
        ):
            raise ValidationError("该事项已被他人修改，您的修改未保存。请重新打开页面，在最新内容上修改。")
        return cleaned


@admin.register(DisclosureItem)
class DisclosureItemAdmin(SimpleHistoryAdmin):
    form = DisclosureItemForm
    list_display = ["title", "department", "status", "attribute", "produced_on", "published_at",
                    "deadline_column"]
    list_filter = ["status", "attribute", "deadline_provisional", "department", "entries__category",
                   "document_kind"]
    search_fields = ["title", "document_number", "summary"]
    date_hierarchy = "produced_on"
    list_select_related = ["department"]
    filter_horizontal = ["entries"]
    readonly_fields = ["status", "publish_due", "update_due", "deadline_column", "published_at",
                       "updated_at", "reviewed_by", "reviewed_at", "review_comment",
                       "withdrawn_reason", "attribute_referred", "version"]
    inlines = [AttachmentInline, PublicationInline, ItemEventInline]
    actions = ["submit_selected", "publish_selected"]
    fieldsets = [
        (None, {"fields": ["title", "department", "entries", "document_number", "document_kind",
                           "summary", "body", "expected_version"]}),
        ("公开属性", {"fields": ["attribute", "exemption_reason", "attribute_referred"]}),
        ("日期与期限", {"fields": ["produced_on", "changed_on", "publish_due", "update_due",
                               "deadline_column", "published_at", "updated_at"]}),
        ("审核", {"fields": ["status", "reviewed_by", "reviewed_at", "review_comment",
                           "withdrawn_reason", "version"]}),
    ]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        user = request.user

        class Form(form):
            def __init__(self, *args, **kw):
                super().__init__(*args, user=user, **kw)

        return Form

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        if obj is None or not allowed:
            return allowed
        return can_edit_item(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        # Items are withdrawn, not deleted; only the office administrator may delete.
        return request.user.is_superuser

    @admin.display(description="期限")
    def deadline_column(self, obj):
        if obj is None or not obj.pk:
            return "—"
        status = deadlines.item_deadline_status(obj)
        if status is None:
            return "—"
        css = {
            DeadlineState.OVERDUE: "deadline-overdue",
            DeadlineState.DUE_SOON: "deadline-soon",
        }.get(status.state, "deadline-ok")
        return format_html('<span class="{}">{} {}</span>', css, status.due, status.label)

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        try:
            if change:
                changes = {f: data[f] for f in form.changed_data if f in EDITABLE_FIELDS}
                services.edit_item(obj, by=request.user, changes=changes,
                                   entries=data.get("entries"),
                                   expected_version=data.get("expected_version"))
            else:
                item = services.create_item(
                    by=request.user, entries=data.get("entries", []),
                    **{f: data[f] for f in EDITABLE_FIELDS if f in data},
                )
                obj.pk = item.pk
        except ValidationError as error:
            raise PermissionDenied("；".join(error.messages)) from error
        obj.refresh_from_db()

    @admin.action(description="提交所选草稿审核")
    def submit_selected(self, request, queryset):
        self._run(request, queryset, lambda item: services.submit_for_review(item, by=request.user))

    @admin.action(description="保密审查通过并发布所选事项")
    def publish_selected(self, request, queryset):
        self._run(request, queryset,
                  lambda item: services.publish_item(item, by=request.user, confirm_review_now=True))

    def _run(self, request, queryset, step):
        done, failed = 0, []
        for item in queryset:
            try:
                step(item)
                done += 1
            except (ValidationError, PermissionDenied) as error:
                failed.append(f"《{item.title}》：{'；'.join(getattr(error, 'messages', [str(error)]))}")
        if done:
            self.message_user(request, f"已处理 {done} 项。", messages.SUCCESS)
        for line in failed:
            self.message_user(request, line, messages.ERROR)
