"""The item admin: every door (list, form, history, autocomplete, actions, export) is scoped to what
the user may see, and every state change goes through a service."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from disclosure.access import policy
from disclosure.access.admin_base import DomainHistoryAdmin, DomainTabularInline
from disclosure.access.display import format_moment
from disclosure.access.people import person_label
from disclosure.core.rich_text import rich_text_formfield
from disclosure.items import actions as item_actions
from disclosure.items import deadlines, transfer
from disclosure.items.actions import EDITABLE_FIELDS, can_edit_item, check_edit
from disclosure.items.models import Attachment, DisclosureItem, ItemEvent, ItemRevision, Publication
from disclosure.workcalendar.deadlines import DeadlineState, due_soon_limit

Status = DisclosureItem.Status

# The session key of an uploaded import file between its preview and its confirmation.
IMPORT_SESSION_KEY = "disclosure_item_import"


def _messages(error: Exception) -> list[str]:
    return list(getattr(error, "messages", None) or [str(error) or "您没有执行此操作的权限。"])


class ItemRowInline(DomainTabularInline):
    """Attachments and publication records: saved one by one through `save_item_row`."""

    extra = 0

    def has_change_permission(self, request, obj=None):
        # On a published item the department adds rows (to its pending revision) but changes none.
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or item_actions.may_change_rows(request.user, obj))

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or item_actions.may_change_rows(request.user, obj))


class AttachmentInline(ItemRowInline):
    model = Attachment
    fields = ["title", "file", "sort_order", "size", "content_type", "text_state", "pending"]
    readonly_fields = ["size", "content_type", "text_state", "pending"]

    def get_queryset(self, request):
        return super().get_queryset(request).without_text()

    @admin.display(description="公开状态")
    def pending(self, row):
        return "待审核后公开" if row.pending_revision_id else "—"

    @admin.display(description="全文检索")
    def text_state(self, row):
        # "无可检索文本" tells the office a scanned PDF needs a text version to be found by search.
        if not row.pk:
            return "—"
        label = row.get_text_status_display()
        return f"{label}：{row.text_error}" if row.text_error else label


class PublicationInline(ItemRowInline):
    model = Publication
    fields = ["channel", "section", "url", "published_on", "pending"]
    readonly_fields = ["pending"]

    @admin.display(description="公开状态")
    def pending(self, row):
        return "待审核后公开" if row.pending_revision_id else "—"


class ItemEventInline(DomainTabularInline):
    model = ItemEvent
    fields = ["at", "action", "actor_label", "note"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name_plural = "操作记录（每次状态变化的操作人和时间）"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor").prefetch_related(
            "actor__departments")

    @admin.display(description="操作人")
    def actor_label(self, event):
        return person_label(event.actor)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ItemRevisionInline(DomainTabularInline):
    model = ItemRevision
    fields = ["status", "created_by_label", "created_at", "decided_by_label", "decided_at", "comment"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name_plural = "修订记录（已发布事项的修改，经办公室审核后公开）"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("created_by", "decided_by").prefetch_related(
            "created_by__departments", "decided_by__departments")

    @admin.display(description="提交人")
    def created_by_label(self, revision):
        return person_label(revision.created_by)

    @admin.display(description="审核人")
    def decided_by_label(self, revision):
        return person_label(revision.decided_by) if revision.decided_by_id else "—"

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class DisclosureItemForm(forms.ModelForm):
    # The version the editor started from, posted back to detect a concurrent save; never shown.
    expected_version = forms.IntegerField(label="版本核对", widget=forms.HiddenInput, required=False)

    class Meta:
        model = DisclosureItem
        fields = [*EDITABLE_FIELDS, "entries"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if "body" in self.fields:
            self.fields["body"] = rich_text_formfield(
                label=self.fields["body"].label, required=False,
                help_text="可直接从 Word 粘贴：标题、列表、表格和链接会保留，字体和颜色不保留。")
        if self.instance.pk:
            self.fields["expected_version"].initial = self.instance.version
        if "department" in self.fields and user is not None and not policy.is_office(user):
            self.fields["department"].queryset = self.fields["department"].queryset.filter(
                pk__in=policy.user_department_ids(user)
            )

    def clean(self):
        cleaned = super().clean()
        if not self.instance.pk or self.user is None:
            return cleaned
        expected = cleaned.get("expected_version")
        current = (
            DisclosureItem.objects.filter(pk=self.instance.pk).values_list("version", flat=True).first()
        )
        if expected is not None and expected != current:
            raise ValidationError(
                "该事项已被他人修改，您的修改未保存。请重新打开页面，在最新内容上修改。",
                code="conflict",
            )
        changes = {f: cleaned[f] for f in self.changed_data if f in EDITABLE_FIELDS and f in cleaned}
        # The instance already holds the posted values; the service checks against the saved item.
        saved = DisclosureItem.objects.get(pk=self.instance.pk)
        try:
            check_edit(saved, by=self.user, changes=changes)
        except (ValidationError, PermissionDenied) as error:
            raise ValidationError(_messages(error)) from error
        return cleaned


class ProducedYearFilter(admin.SimpleListFilter):
    """The year the information was produced: the last ten years, then everything earlier.

    The choices are fixed by today's date: finding the years that occur (what `date_hierarchy`
    does) scans every item on each page view.
    """

    title = "制作年份"
    parameter_name = "produced_year"
    YEARS = 10

    def lookups(self, request, model_admin):
        this_year = timezone.localdate().year
        years = [(str(y), f"{y}年") for y in range(this_year, this_year - self.YEARS, -1)]
        return [*years, ("earlier", f"{this_year - self.YEARS}年及以前")]

    def queryset(self, request, queryset):
        value = self.value()
        if not value:
            return queryset
        this_year = timezone.localdate().year
        if value == "earlier":
            return queryset.filter(produced_on__lt=dt.date(this_year - self.YEARS + 1, 1, 1))
        try:
            year = int(value)
        except ValueError:
            return queryset.none()
        if not 1 <= year < 9999:
            return queryset.none()
        return queryset.filter(produced_on__gte=dt.date(year, 1, 1),
                               produced_on__lt=dt.date(year + 1, 1, 1))


def work_queues(today: dt.date | None = None) -> dict[str, tuple[str, object]]:
    """The queues of work on items, as querysets narrowers: the list filter and the home page's
    counts use these and nothing else, so a count and the list it links to always agree."""
    today = today or timezone.localdate()
    soon_until = due_soon_limit(today)
    return {
        "drafts": ("草稿", lambda qs: qs.drafts()),
        "returned": ("退回修改", lambda qs: qs.returned_for_changes()),
        "in_review": ("待审核", lambda qs: qs.in_review()),
        "due_soon": ("3 个工作日内到期", lambda qs: qs.due_between(today, soon_until)),
        "overdue": ("已逾期", lambda qs: qs.due_between(before=today)),
    }


class WorkQueueFilter(admin.SimpleListFilter):
    """What waits for someone: the home page's counts link here."""

    title = "待办"
    parameter_name = "queue"

    def lookups(self, request, model_admin):
        return [(key, label) for key, (label, _narrow) in work_queues().items()]

    def queryset(self, request, queryset):
        queue = work_queues().get(self.value() or "")
        return queue[1](queryset) if queue else queryset


@admin.register(DisclosureItem)
class DisclosureItemAdmin(DomainHistoryAdmin):
    form = DisclosureItemForm
    # Chosen for a 1366 px screen: the title takes what the short columns leave.
    list_display = ["title", "department", "status", "attribute", "deadline_column", "published_at"]
    list_filter = [WorkQueueFilter, "status", "attribute", "attribute_referred", "deadline_provisional", "department",
                   "entries__category", "document_kind", ProducedYearFilter]
    search_fields = ["title", "document_number", "index_number", "summary"]
    # A select of every item would be 100,000 options: the successor is looked up by search.
    autocomplete_fields = ["superseded_by"]
    # The paginator counts the filtered rows once; a second count of the whole table adds nothing
    # the office needs on a list of 100,000 items.
    show_full_result_count = False
    list_select_related = ["department"]
    filter_horizontal = ["entries"]
    readonly_fields = ["status", "publish_due", "update_due", "deadline_column", "published_at",
                       "updated_at", "review_line", "review_comment", "withdrawn_reason",
                       "attribute_referred", "index_number"]
    inlines = [AttachmentInline, PublicationInline, ItemRevisionInline, ItemEventInline]
    actions = ["submit_selected", "review_selected", "publish_selected", "export_selected_xlsx",
               "export_selected_csv"]
    # In the order people think: what the public will see, then dates and deadlines, then review.
    # The version counter stays internal (the form posts it back hidden to catch a concurrent save).
    fieldsets = [
        ("公众看到的内容", {
            "fields": ["title", "department", ("document_number", "document_kind"), "summary", "body",
                       "expected_version"],
            "description": "保存后为草稿；提交审核、经信息公开办公室审核发布后，公众才能看到。",
        }),
        ("公开属性与目录", {"fields": ["attribute", "exemption_reason", "attribute_referred",
                                  "entries"]}),
        ("目录信息", {"fields": ["index_number", "issuing_organ", "disclosure_method", "scope",
                             "validity", "superseded_by"]}),
        ("日期与期限", {"fields": [("produced_on", "changed_on"), "deadline_column",
                               ("publish_due", "update_due"), ("published_at", "updated_at")]}),
        ("审核", {"fields": ["status", "review_line", "review_comment", "withdrawn_reason"]}),
    ]

    # ---- Scope: what each role may see and do ----

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)

    def has_view_permission(self, request, obj=None):
        allowed = super().has_view_permission(request, obj)
        if obj is None or not allowed:
            return allowed
        return policy.can_see_department(request.user, obj.department_id)

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        if obj is None or not allowed:
            return allowed
        # A withdrawn item is a closed record: the services refuse to edit it.
        return can_edit_item(request.user, obj) and obj.status != Status.WITHDRAWN

    def has_delete_permission(self, request, obj=None):
        # Items are withdrawn, not deleted; only the office administrator may delete.
        return request.user.is_superuser

    def has_publish_permission(self, request):
        return policy.can_publish(request.user)

    def has_import_permission(self, request):
        return policy.is_office(request.user) and self.has_add_permission(request)

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        # Another department's item and a missing one look the same: 404, never a hint.
        raise Http404("没有找到该公开事项，或您无权查看。")

    def _visible_or_404(self, request, object_id) -> DisclosureItem:
        return get_object_or_404(self.get_queryset(request), pk=object_id)

    def history_view(self, request, object_id, extra_context=None):
        # simple-history would rebuild an item it cannot find in our queryset from its history.
        self._visible_or_404(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self._visible_or_404(request, object_id)
        if request.method == "POST":
            raise PermissionDenied("历史版本只能查看；修改请在事项页面进行。")
        return super().history_form_view(request, object_id, version_id, extra_context)

    def revert_disabled(self, request, obj=None):
        # Reverting would set status and dates without the services.
        return True

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        user = request.user

        class Form(form):
            def __init__(self, *args, **kw):
                super().__init__(*args, user=user, **kw)

        return Form

    # ---- Saving through the services ----

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        try:
            if change:
                changes = {f: data[f] for f in form.changed_data if f in EDITABLE_FIELDS}
                item_actions.edit_item(obj, by=request.user, changes=changes,
                                   entries=data.get("entries"),
                                   expected_version=data.get("expected_version"))
            else:
                item = item_actions.create_item(
                    by=request.user, entries=data.get("entries", []),
                    **{f: data[f] for f in EDITABLE_FIELDS if f in data},
                )
                obj.pk = item.pk
        except (ValidationError, PermissionDenied) as error:
            # Rare: the form's own checks passed, then someone saved first. Nothing of this request
            # is kept (the admin wraps it in one transaction) and the user is told why.
            transaction.set_rollback(True)
            request._item_save_failed = True
            for message in _messages(error):
                self.message_user(request, message, messages.ERROR)
            return
        obj.refresh_from_db()

    def save_related(self, request, form, formsets, change):
        if not getattr(request, "_item_save_failed", False):
            super().save_related(request, form, formsets, change)

    def save_formset(self, request, form, formset, change):
        # Every attachment and publication record goes through the item's rule and its timeline.
        if formset.model not in (Attachment, Publication):
            return super().save_formset(request, form, formset, change)
        try:
            rows = formset.save(commit=False)
            for row in formset.deleted_objects:
                item_actions.save_item_row(row, by=request.user, removed=True)
            for row in rows:
                item_actions.save_item_row(row, by=request.user)
        except ValidationError as error:
            transaction.set_rollback(True)
            request._item_save_failed = True
            for message in _messages(error):
                self.message_user(request, message, messages.ERROR)
        except PermissionDenied as error:
            transaction.set_rollback(True)
            request._item_save_failed = True
            self.message_user(request, _messages(error)[0], messages.ERROR)

    def construct_change_message(self, request, form, formsets, add=False):
        if getattr(request, "_item_save_failed", False):
            return []
        return super().construct_change_message(request, form, formsets, add)

    def log_addition(self, request, obj, message):
        if not getattr(request, "_item_save_failed", False):
            return super().log_addition(request, obj, message)
        return None

    def log_change(self, request, obj, message):
        if not getattr(request, "_item_save_failed", False):
            return super().log_change(request, obj, message)
        return None

    def response_add(self, request, obj, post_url_continue=None):
        if getattr(request, "_item_save_failed", False):
            return HttpResponseRedirect(request.get_full_path())
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        if getattr(request, "_item_save_failed", False):
            return HttpResponseRedirect(request.get_full_path())
        return super().response_change(request, obj)

    # ---- Columns ----

    @admin.display(description="保密审查")
    def review_line(self, obj):
        if obj is None or not obj.reviewed_at:
            return "尚未审查"
        return f"{person_label(obj.reviewed_by)}，{format_moment(obj.reviewed_at)}"

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

    # ---- Bulk actions ----

    @admin.action(description="提交所选草稿审核", permissions=["change"])
    def submit_selected(self, request, queryset):
        self._run(request, queryset, lambda item: item_actions.submit_for_review(item, by=request.user))

    @admin.action(description="确认所选事项保密审查通过", permissions=["publish"])
    def review_selected(self, request, queryset):
        self._run(request, queryset, lambda item: item_actions.confirm_review(item, by=request.user))

    @admin.action(description="保密审查通过并发布所选事项", permissions=["publish"])
    def publish_selected(self, request, queryset):
        self._run(request, queryset,
                  lambda item: item_actions.publish_item(item, by=request.user, confirm_review_now=True))

    @admin.action(description="导出所选事项（Excel）", permissions=["view"])
    def export_selected_xlsx(self, request, queryset):
        return self._export(queryset, "xlsx")

    @admin.action(description="导出所选事项（CSV）", permissions=["view"])
    def export_selected_csv(self, request, queryset):
        return self._export(queryset, "csv")

    def _run(self, request, queryset, step):
        done, failed = 0, []
        for item in queryset.select_related("department"):
            try:
                step(item)
                done += 1
            except (ValidationError, PermissionDenied) as error:
                failed.append(f"《{item.title}》：{'；'.join(_messages(error))}")
        if done:
            self.message_user(request, f"已处理 {done} 项。", messages.SUCCESS)
        for line in failed:
            self.message_user(request, line, messages.ERROR)

    # ---- Extra pages: workflow buttons, board, export, import ----

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("export/<str:fmt>/", wrap(self.export_view), name="items_disclosureitem_export"),
            path("import/", wrap(self.import_view), name="items_disclosureitem_import"),
            path("<path:object_id>/workflow/<str:step>/", wrap(self.workflow_view),
                 name="items_disclosureitem_workflow"),
            *super().get_urls(),
        ]

    def workflow_steps(self, request, item: DisclosureItem):
        """The buttons: the verbs of the action table this user may run on this item now."""
        return [(action.name, action) for action in item_actions.ITEM_ACTIONS.available(item, request.user)]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = dict(extra_context or {})
        item = self.get_object(request, unquote(object_id))
        if item is not None:
            extra_context["workflow_steps"] = self.workflow_steps(request, item)
            revision = item_actions.pending_revision(item)
            if revision is not None:
                extra_context["pending_revision"] = revision
                extra_context["revision_diff"] = item_actions.revision_diff(revision)
            extra_context["attribute_choices"] = DisclosureItem.Attribute.choices
            extra_context["exemption_choices"] = DisclosureItem.ExemptionReason.choices
        return super().change_view(request, object_id, form_url, extra_context)

    def workflow_view(self, request, object_id, step):
        if request.method != "POST":
            return HttpResponse("请使用事项页面上的按钮。", status=405,
                                content_type="text/plain; charset=utf-8")
        item = self._visible_or_404(request, object_id)
        if step not in item_actions.ITEM_ACTIONS:
            raise Http404
        change_url = reverse("admin:items_disclosureitem_change", args=[item.pk])
        try:
            item_actions.run_item_action(step, item, by=request.user, data=request.POST)
        except ValidationError as error:
            for message in _messages(error):
                self.message_user(request, message, messages.ERROR)
        else:
            label = item_actions.ITEM_ACTIONS[step].label
            self.message_user(request, f"已{label}：《{item.title}》。", messages.SUCCESS)
        return HttpResponseRedirect(change_url)

    def changelist_view(self, request, extra_context=None):
        extra_context = dict(extra_context or {})
        query = request.GET.urlencode()
        suffix = f"?{query}" if query else ""
        extra_context["export_xlsx_url"] = (
            reverse("admin:items_disclosureitem_export", args=["xlsx"]) + suffix)
        extra_context["export_csv_url"] = (
            reverse("admin:items_disclosureitem_export", args=["csv"]) + suffix)
        extra_context["board_url"] = reverse("deadline_board")
        if self.has_import_permission(request):
            extra_context["import_url"] = reverse("admin:items_disclosureitem_import")
        return super().changelist_view(request, extra_context)

    def export_view(self, request, fmt):
        if fmt not in ("xlsx", "csv"):
            raise Http404
        if not self.has_view_permission(request):
            raise PermissionDenied
        # The same filters, search and order as the list the user was looking at.
        changelist = self.get_changelist_instance(request)
        return self._export(changelist.queryset, fmt)

    def _export(self, queryset, fmt):
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        if fmt == "xlsx":
            response = HttpResponse(
                transfer.export_items_xlsx(queryset),
                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
        else:
            response = HttpResponse(transfer.export_items_csv(queryset),
                                    content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="items-{stamp}.{fmt}"'
        return response

    def import_view(self, request):
        if not self.has_import_permission(request):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "从 Excel 导入公开事项",
            "columns": [label for _key, label in transfer.IMPORT_COLUMNS],
        }
        if request.method == "POST" and request.POST.get("confirm"):
            stored = request.session.get(IMPORT_SESSION_KEY)
            if not stored:
                self.message_user(request, "上传的文件已过期，请重新上传。", messages.ERROR)
                return HttpResponseRedirect(request.path)
            preview = transfer.preview_import(transfer.decode_upload(stored["data"]), by=request.user)
            try:
                count = transfer.import_items(preview, by=request.user, source=stored["name"])
            except ValidationError:
                context.update(preview=preview, file_name=stored["name"])
                self.message_user(request, "文件中有错误，未导入任何事项。", messages.ERROR)
                return TemplateResponse(request, "admin/items/disclosureitem/import.html",
                                        context, status=400)
            del request.session[IMPORT_SESSION_KEY]
            self.message_user(request, f"已导入 {count} 个公开事项（均为草稿）。", messages.SUCCESS)
            return HttpResponseRedirect(reverse("admin:items_disclosureitem_changelist"))
        if request.method == "POST":
            upload = request.FILES.get("file")
            if upload is None:
                context["upload_error"] = "请选择要导入的 Excel 文件（.xlsx）。"
                return TemplateResponse(request, "admin/items/disclosureitem/import.html",
                                        context, status=400)
            if upload.size > transfer.MAX_IMPORT_BYTES:
                context["upload_error"] = "文件过大，请把一次导入的文件控制在 2 MB 以内。"
                return TemplateResponse(request, "admin/items/disclosureitem/import.html",
                                        context, status=400)
            content = upload.read()
            preview = transfer.preview_import(content, by=request.user)
            context.update(preview=preview, file_name=upload.name)
            if preview.ok:
                request.session[IMPORT_SESSION_KEY] = {
                    "name": upload.name[:200], "data": transfer.encode_upload(content),
                }
            return TemplateResponse(request, "admin/items/disclosureitem/import.html", context,
                                    status=200 if preview.ok else 400)
        return TemplateResponse(request, "admin/items/disclosureitem/import.html", context)
