"""What the API shows and accepts. Read and write serializers apart; nothing personal in public ones."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import RegexValidator
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from disclosure.annual_reports.models import AnnualReport
from disclosure.catalogue.models import (
    Channel,
    ChannelSection,
    ChecklistCategory,
    ChecklistEntry,
    Department,
)
from disclosure.core.spamguard import HONEYPOT_FIELD, TIMESTAMP_FIELD
from disclosure.core.validators import validate_attachment_file
from disclosure.disclosure_requests import actions as request_services
from disclosure.disclosure_requests.clock import RECEIPT_RULES
from disclosure.disclosure_requests.forms import DisclosureRequestForm
from disclosure.disclosure_requests.models import (
    REPLY_REASONS,
    DisclosureRequest,
    ReplyReason,
    ReplyType,
    RequestEvent,
)
from disclosure.items.models import Attachment, DisclosureItem, Publication
from disclosure.workcalendar.validators import (
    COUNTABLE_DATE_MESSAGE,
    COUNTABLE_DATE_PATTERN,
    validate_countable_date,
)

from .exceptions import Unprocessable
from .filters import CHECKLIST_ENTRIES, DEPARTMENT_CODE_PATTERN


def _absolute(request, url: str) -> str:
    return request.build_absolute_uri(url) if request is not None else url


# ---- Input: the types the schema states, and nothing else ----


def _type_error(field: serializers.Field, value) -> str | None:
    """Why `value` is not of the JSON type the schema declares for `field`, or None.

    DRF turns 5 into "5", "true" into True and "7" into 7; a client that sends the wrong type has a
    bug it should hear about, and the schema promises the type.
    """
    if value is None:
        return None  # allow_null decides, with its own message
    if isinstance(field, serializers.ManyRelatedField | serializers.ListField):
        if not isinstance(value, list):
            return "应为数组。"
        child = getattr(field, "child_relation", None) or field.child
        return next((e for e in (_type_error(child, v) for v in value) if e), None)
    if isinstance(field, serializers.BooleanField):
        return None if isinstance(value, bool) else "应为布尔值（true 或 false）。"
    if isinstance(field, serializers.IntegerField) or (
        isinstance(field, serializers.SlugRelatedField) and _slug_is_integer(field)
    ):
        return None if isinstance(value, int) and not isinstance(value, bool) else "应为整数。"
    if isinstance(field, serializers.CharField | serializers.ChoiceField | serializers.DateField
                  | serializers.SlugRelatedField):
        return None if isinstance(value, str) else "应为字符串。"
    return None


def _slug_is_integer(field: serializers.SlugRelatedField) -> bool:
    model_field = field.queryset.model._meta.get_field(field.slug_field)
    return model_field.get_internal_type().endswith("IntegerField")


class InputSerializer(serializers.Serializer):
    """What a client sends: each value of the JSON type the schema states, never coerced."""

    def to_internal_value(self, data):
        if isinstance(data, dict):
            errors = {
                name: [message]
                for name, field in self.fields.items()
                if not field.read_only and name in data
                and (message := _type_error(field, data[name]))
            }
            if errors:
                raise serializers.ValidationError(errors)
        return super().to_internal_value(data)


def _example(summary: str, value: dict):
    """A request body a client can send as it is: the documentation shows it, and the contract
    tests send it, so that every operation is tried at least once with input its rules accept."""
    return extend_schema_serializer(examples=[OpenApiExample(summary, value=value, request_only=True)])


@extend_schema_field({
    "type": "string", "format": "date", "pattern": COUNTABLE_DATE_PATTERN,
    "description": COUNTABLE_DATE_MESSAGE,
})
class CountableDateField(serializers.DateField):
    """A date that starts or moves a deadline: one the working-day calendar can count from."""

    def __init__(self, **kwargs):
        kwargs["validators"] = [*kwargs.get("validators", []), validate_countable_date]
        super().__init__(**kwargs)


class BlankAsNullChoiceField(serializers.ChoiceField):
    """A choice that is not made yet (stored as "") shown as null, as the schema says."""

    def __init__(self, **kwargs):
        super().__init__(read_only=True, allow_null=True, **kwargs)

    def to_representation(self, value):
        return super().to_representation(value) if value else None


class DepartmentBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Department
        fields = ["code", "name"]


class DepartmentSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    item_count = serializers.IntegerField(read_only=True, help_text="已公开的主动公开信息条数。")
    url = serializers.SerializerMethodField(help_text="门户中该部门的信息列表页。")

    class Meta:
        model = Department
        fields = ["code", "name", "kind", "kind_display", "item_count", "url"]

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, obj) -> str:
        return _absolute(self.context.get("request"), obj.get_absolute_url())


class EntryBriefSerializer(serializers.ModelSerializer):
    category = serializers.IntegerField(source="category.number", read_only=True)

    class Meta:
        model = ChecklistEntry
        fields = ["number", "title", "category"]


class AttachmentSerializer(serializers.ModelSerializer):
    size = serializers.IntegerField(read_only=True, help_text="字节数。")
    url = serializers.SerializerMethodField(help_text="下载地址。")
    searchable = serializers.BooleanField(
        read_only=True, help_text="附件文字是否已提取并可被全文检索（扫描件等无文字层的文件为 false）。")

    class Meta:
        model = Attachment
        fields = ["title", "size", "content_type", "url", "searchable"]

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, obj) -> str:
        return _absolute(self.context.get("request"), obj.get_absolute_url())


class PublicationSerializer(serializers.ModelSerializer):
    channel = serializers.CharField(source="channel.name", read_only=True)
    channel_kind = serializers.CharField(source="channel.kind", read_only=True)
    section = serializers.CharField(source="section.name", read_only=True, default="")

    class Meta:
        model = Publication
        fields = ["channel", "channel_kind", "section", "url", "published_on"]


class ItemSerializer(serializers.ModelSerializer):
    """A published item as the public sees it."""

    department = DepartmentBriefSerializer(read_only=True)
    entries = EntryBriefSerializer(many=True, read_only=True)
    document_kind_display = serializers.CharField(source="get_document_kind_display", read_only=True)
    url = serializers.SerializerMethodField(help_text="门户中的信息页面。")
    attachments = AttachmentSerializer(many=True, read_only=True)
    publications = PublicationSerializer(many=True, read_only=True)
    publisher = serializers.CharField(read_only=True, label="发布机构",
                                      help_text="编辑填写的发布机构；未填写时为发布部门。")
    validity_display = serializers.CharField(source="get_validity_display", read_only=True)
    scope_display = serializers.CharField(source="get_scope_display", read_only=True)

    class Meta:
        model = DisclosureItem
        fields = [
            "id", "index_number", "title", "summary", "department", "publisher", "entries",
            "document_number", "document_kind", "document_kind_display", "produced_on", "published_at",
            "changed_on", "updated_at", "disclosure_method", "scope", "scope_display", "validity",
            "validity_display", "superseded_by", "url", "attachments", "publications",
        ]

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, obj) -> str:
        return _absolute(self.context.get("request"), obj.get_absolute_url())


class ChecklistEntrySerializer(serializers.ModelSerializer):
    update_cadence_display = serializers.CharField(source="get_update_cadence_display", read_only=True)
    item_count = serializers.IntegerField(source="stats.count", read_only=True,
                                          help_text="已公开的主动公开信息条数。")
    items_this_year = serializers.IntegerField(source="stats.this_year", read_only=True,
                                               help_text="本学年（9月1日起）公开的条数。")
    latest_published_at = serializers.DateTimeField(source="stats.latest", read_only=True,
                                                    allow_null=True)
    url = serializers.SerializerMethodField(help_text="门户中该清单事项的信息列表页。")

    class Meta:
        model = ChecklistEntry
        fields = [
            "number", "title", "update_cadence", "update_cadence_display", "legal_basis",
            "not_applicable_note", "item_count", "items_this_year", "latest_published_at", "url",
        ]

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, obj) -> str:
        return _absolute(self.context.get("request"), obj.get_absolute_url())


class ChecklistCategorySerializer(serializers.ModelSerializer):
    entries = ChecklistEntrySerializer(source="entry_list", many=True, read_only=True)

    class Meta:
        model = ChecklistCategory
        fields = ["number", "name", "entries"]


class ChannelSectionSerializer(serializers.ModelSerializer):
    class Meta:
        model = ChannelSection
        fields = ["id", "name"]


class ChannelSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    sections = ChannelSectionSerializer(many=True, read_only=True)

    class Meta:
        model = Channel
        fields = ["id", "name", "kind", "kind_display", "url", "sections"]


# ---- Staff ----


class StaffItemSerializer(ItemSerializer):
    """An item as its department and the office see it: status, attribute, deadlines, version."""

    status_display = serializers.CharField(source="get_status_display", read_only=True)
    attribute_display = serializers.CharField(source="get_attribute_display", read_only=True)

    class Meta(ItemSerializer.Meta):
        fields = [
            *ItemSerializer.Meta.fields, "body", "status", "status_display", "attribute",
            "attribute_display", "exemption_reason", "attribute_referred", "publish_due",
            "update_due", "deadline_provisional", "reviewed_at", "review_comment",
            "withdrawn_reason", "version",
        ]


class StaffItemDetailSerializer(StaffItemSerializer):
    """One item for staff, with what they may do to it now and its pending revision (not in lists:
    both cost queries per item)."""

    available_actions = serializers.SerializerMethodField(
        help_text="当前用户此刻可对该事项执行的操作（来自事项的操作表）。")
    pending_revision = serializers.SerializerMethodField(
        help_text="已发布事项待审核的修订：每项修改的原内容与新内容；没有则为 null。")

    class Meta(StaffItemSerializer.Meta):
        fields = [*StaffItemSerializer.Meta.fields, "available_actions", "pending_revision"]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_available_actions(self, item) -> list[str]:
        from disclosure.items.actions import ITEM_ACTIONS

        request = self.context.get("request")
        user = getattr(request, "user", None)
        return [action.name for action in ITEM_ACTIONS.available(item, user)] if user else []

    @extend_schema_field(serializers.ListField(child=serializers.DictField(), allow_null=True))
    def get_pending_revision(self, item):
        from disclosure.items.actions import pending_revision, revision_diff

        revision = pending_revision(item)
        if revision is None:
            return None
        return [{"field": what, "before": before, "after": after}
                for what, before, after in revision_diff(revision)]


# What an applicant typed, as one example for the public form and the office's registration.
APPLICATION_EXAMPLE = {
    "applicant_type": "citizen", "applicant_name": "张三", "id_number": "410102198506153217",
    "phone": "13912345678", "email": "zhangsan@example.com",
    "description": "请公开学校2025年本科招生各省录取最低分数线。", "purpose": "报考参考",
    "preferred_form": "electronic", "delivery": "email",
}


@_example("新建或修改一条主动公开事项", {
    "title": "示范大学2026年本科招生章程", "department": "jwc", "entries": [7],
    "attribute": "proactive", "produced_on": "2026-03-02",
    "body": "<p>为做好2026年本科招生工作，制定本章程。</p>",
})
class ItemWriteSerializer(InputSerializer):
    """What staff may set; the services decide what is allowed and save it."""

    title = serializers.CharField(label="标题", max_length=300)
    summary = serializers.CharField(label="摘要", allow_blank=True, required=False)
    body = serializers.CharField(label="正文", allow_blank=True, required=False,
                                 help_text="基本 HTML；脚本和事件属性会被清除。")
    # A code that names no department is known only from the data: 422 (see `department_for`).
    department = serializers.RegexField(
        DEPARTMENT_CODE_PATTERN, label="发布部门（代码）", max_length=40,
        help_text="部门代码，见 /api/v1/departments/。",
    )
    # The checklist's 50 entries are reference data, numbered from 1: every number names one.
    entries = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=CHECKLIST_ENTRIES), required=False,
        label="清单事项序号", help_text=f"清单事项序号（1–{CHECKLIST_ENTRIES}）的数组。",
    )
    document_number = serializers.CharField(label="文号", max_length=100, allow_blank=True,
                                            required=False)
    document_kind = serializers.ChoiceField(
        label="公文类型", choices=DisclosureItem.DocumentKind.choices, allow_blank=True,
        required=False,
    )
    attribute = serializers.ChoiceField(label="公开属性", choices=DisclosureItem.Attribute.choices,
                                        required=False)
    exemption_reason = serializers.ChoiceField(
        label="不予公开理由", choices=DisclosureItem.ExemptionReason.choices, allow_blank=True,
        required=False,
    )
    produced_on = CountableDateField(label="信息制作完成或获取之日")
    changed_on = CountableDateField(label="变更之日", allow_null=True, required=False)
    version = serializers.IntegerField(
        label="版本", required=False, min_value=0, max_value=2**31 - 1, write_only=True,
        help_text="修改时传入读取到的 version：其间他人已修改则返回 409，不会覆盖。",
    )


class AttachmentUploadSerializer(serializers.Serializer):
    # The type, signature and size are checked by the view with the admin's one validator, after
    # the schema's own checks: a file the rules refuse is well-formed input, answered 422, not 400.
    file = serializers.FileField(
        label="文件", allow_empty_file=True,
        help_text="multipart/form-data 上传；类型与大小限制同管理后台，不符合的文件返回 422。"
                  "上传后由任务提取文字供全文检索。")
    title = serializers.CharField(label="附件名称", max_length=200, required=False, allow_blank=True,
                                  help_text="默认使用文件名。")
    # The column is a PostgreSQL integer: a larger number would fail in the database, not here.
    sort_order = serializers.IntegerField(label="排序", min_value=0, max_value=2**31 - 1,
                                          required=False, default=0)

    def checked_file(self):
        """The uploaded file, once the attachment rules (type, size, not empty, signature) accept
        it; Unprocessable (422) if not."""
        upload = self.validated_data["file"]
        try:
            validate_attachment_file(upload)
        except DjangoValidationError as error:
            raise Unprocessable({"file": error.messages}) from error
        return upload


def department_for(code: str) -> Department:
    """The department with this code; Unprocessable (422) when there is none."""
    department = Department.objects.filter(code=code).first()
    if department is None:
        raise Unprocessable({"department": ["没有该部门，可用的部门代码见 /api/v1/departments/。"]})
    return department


def entries_for(numbers: list[int]) -> list[ChecklistEntry]:
    return list(ChecklistEntry.objects.filter(number__in=numbers).order_by("number"))


@_example("审核意见", {"comment": "请补充招生计划附件后重新提交。"})
class CommentSerializer(InputSerializer):
    comment = serializers.CharField(label="审核意见", max_length=2000)


@_example("说明", {"note": "已核对。"})
class NoteSerializer(InputSerializer):
    note = serializers.CharField(label="说明", max_length=2000, allow_blank=True, required=False)


@_example("发布并同时登记保密审查", {"confirm_review": True})
class PublishSerializer(InputSerializer):
    confirm_review = serializers.BooleanField(
        label="同时登记保密审查", default=False,
        help_text="为 true 时，若尚未登记保密审查，先以当前用户登记再发布。",
    )


@_example("撤回原因", {"reason": "该文件已被新修订的办法替代。"})
class WithdrawSerializer(InputSerializer):
    reason = serializers.CharField(label="撤回原因", max_length=2000)


@_example("报请审定的原因", {"note": "涉及合作单位的商业信息，公开属性难以确定。"})
class ReferSerializer(InputSerializer):
    note = serializers.CharField(label="难以确定公开属性的原因", max_length=2000)


@_example("审定为主动公开", {"attribute": "proactive", "note": "经审定，主动公开。"})
class DecideSerializer(InputSerializer):
    attribute = serializers.ChoiceField(label="审定后的公开属性", choices=DisclosureItem.Attribute.choices)
    exemption_reason = serializers.ChoiceField(
        label="不予公开理由", choices=DisclosureItem.ExemptionReason.choices, required=False, allow_blank=True,
    )
    note = serializers.CharField(label="审定说明", max_length=2000, allow_blank=True, required=False)


@_example("登记变更", {"changed_on": "2026-11-30", "note": "招生计划调整。"})
class RecordChangeSerializer(InputSerializer):
    changed_on = CountableDateField(label="变更之日")
    note = serializers.CharField(label="说明", max_length=2000, allow_blank=True, required=False)


class ErrorSerializer(serializers.Serializer):
    """The one error shape of the API."""

    code = serializers.CharField(help_text="机器可读的错误代码，如 invalid、not_found、conflict。")
    message = serializers.CharField(help_text="中文说明。")
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()), required=False,
        help_text="按字段列出的错误。",
    )


# ---- Yearly reports ----


class ReportSerializer(serializers.ModelSerializer):
    title = serializers.CharField(source="display_title", read_only=True)
    period_start = serializers.SerializerMethodField()
    period_end = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField(help_text="门户中的报告页面。")

    class Meta:
        model = AnnualReport
        fields = ["year", "title", "period_start", "period_end", "signed_on", "published_at", "url"]

    @extend_schema_field(OpenApiTypes.DATE)
    def get_period_start(self, obj):
        return obj.period[0]

    @extend_schema_field(OpenApiTypes.DATE)
    def get_period_end(self, obj):
        return obj.period[1]

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, obj) -> str:
        return _absolute(self.context.get("request"), obj.get_absolute_url())


class ReportDetailSerializer(ReportSerializer):
    figures = serializers.JSONField(read_only=True, help_text="发布时冻结的统计数据。")

    class Meta(ReportSerializer.Meta):
        fields = [
            *ReportSerializer.Meta.fields, "preface", "overview", "proactive_notes",
            "requests_notes", "evaluation", "complaints_notes", "problems", "measures",
            "other_matters", "figures",
        ]


# ---- Requests (依申请公开) ----


# What a format can say of the request form's fields; check digits, birth dates and the rules
# between fields (a contact for organisations, an address for the delivery chosen) cannot be
# stated in the schema and are answered 400 by the form. Mobile numbers, or landlines with the
# area code; written without spaces (the portal's form also takes spaces and brackets).
PHONE_PATTERN = r"^(\+86)?(1[3-9]\d{9}|0\d{2,3}-?\d{7,8}(-\d{1,6})?)$"
# An identity number (GB 11643: 17 digits and a check digit or X) or a unified social credit code
# (GB 32100: 18 characters without I, O, Z, S, V), in capitals.
ID_NUMBER_PATTERN = r"^(\d{17}[0-9X]|[0-9A-HJ-NP-RTUWXY]{18})$"
POSTAL_CODE_PATTERN = r"^(\d{6})?$"


def _form_field(name: str, form_field, pattern: str | None = None) -> serializers.Field:
    """The request form's field as a serializer field: same label, lengths, choices, requiredness."""
    options = {"label": form_field.label, "required": form_field.required,
               "help_text": form_field.help_text or None}
    if isinstance(form_field, forms.ChoiceField):
        return serializers.ChoiceField(choices=form_field.choices, **options)
    options["allow_blank"] = not form_field.required
    options["max_length"] = form_field.max_length
    if getattr(form_field, "min_length", None):
        options["min_length"] = form_field.min_length
    if isinstance(form_field, forms.EmailField):
        return serializers.EmailField(**options)
    if pattern:
        options["validators"] = [RegexValidator(pattern, message=f"{form_field.label}格式不正确。")]
    return serializers.CharField(**options)


@_example("公民提出申请", APPLICATION_EXAMPLE)
class RequestSubmitSerializer(InputSerializer):
    """The types and formats of a request; the portal's request form then validates it as a whole.

    The fields are the form's own (minus its bot guard), so the two cannot drift apart.
    """

    def get_fields(self):
        patterns = {"phone": PHONE_PATTERN, "id_number": ID_NUMBER_PATTERN,
                    "postal_code": POSTAL_CODE_PATTERN}
        return {
            name: _form_field(name, field, patterns.get(name))
            for name, field in DisclosureRequestForm.base_fields.items()
            if name not in (HONEYPOT_FIELD, TIMESTAMP_FIELD)
        }


@_example("登记当面提交的申请", {"channel": "in_person", **APPLICATION_EXAMPLE})
class StaffRequestLogSerializer(RequestSubmitSerializer):
    """A request that came by letter, in person, e-mail or fax, logged by the office (as in the admin)."""

    def get_fields(self):
        return {
            "channel": serializers.ChoiceField(
                label="申请方式", choices=DisclosureRequest.Channel.choices,
                help_text="网上申请以外的方式由信息公开办公室登记。"),
            "received_on": CountableDateField(
                label="收到申请之日", required=False,
                help_text="不填则按申请方式确定（条例第三十一条）；不能晚于今天。"),
            **super().get_fields(),
        }


class RequestReceiptSerializer(serializers.ModelSerializer):
    """What the applicant is told on submission: the number and the code to follow the request."""

    status_display = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = DisclosureRequest
        fields = ["tracking_number", "check_code", "status", "status_display", "received_on",
                  "due_on"]


@_example("凭编号和查询码查询", {"tracking_number": "YSQ-2026-0001", "secret": "K7M2QX"})
class RequestLookupSerializer(InputSerializer):
    tracking_number = serializers.CharField(max_length=20, label="申请编号")
    secret = serializers.CharField(max_length=30, label="查询码")


class RequestStepSerializer(serializers.ModelSerializer):
    action_display = serializers.CharField(source="get_action_display", read_only=True)

    class Meta:
        model = RequestEvent
        fields = ["action", "action_display", "at", "on"]


class RequestStatusSerializer(serializers.ModelSerializer):
    """A request's progress, for whoever holds its number and code. No personal data."""

    status_display = serializers.CharField(source="get_status_display", read_only=True)
    reply_type = BlankAsNullChoiceField(choices=ReplyType.choices, help_text="未答复时为 null。")
    reply_type_display = serializers.CharField(source="get_reply_type_display", read_only=True)
    steps = RequestStepSerializer(many=True, read_only=True, source="public_steps")

    class Meta:
        model = DisclosureRequest
        fields = ["tracking_number", "status", "status_display", "received_on", "due_on",
                  "due_provisional", "answered_on", "reply_type", "reply_type_display", "steps"]


# ---- Office: requests ----


class StaffRequestEventSerializer(serializers.ModelSerializer):
    action_display = serializers.CharField(source="get_action_display", read_only=True)
    actor = serializers.CharField(source="actor.get_username", read_only=True, default="")

    class Meta:
        model = RequestEvent
        fields = ["action", "action_display", "actor", "at", "on", "note"]


class StaffRequestSerializer(serializers.ModelSerializer):
    """A request as the disclosure office handles it, applicant included."""

    status_display = serializers.CharField(source="get_status_display", read_only=True)
    reply_type = BlankAsNullChoiceField(choices=ReplyType.choices, help_text="未答复时为 null。")
    reply_reason = BlankAsNullChoiceField(choices=ReplyReason.choices,
                                          help_text="无理由（如予以公开）或未答复时为 null。")
    events = StaffRequestEventSerializer(many=True, read_only=True)

    class Meta:
        model = DisclosureRequest
        fields = [
            "id", "tracking_number", "status", "status_display", "channel", "applicant_type",
            "applicant_name", "id_number", "contact_name", "phone", "email", "postal_address",
            "postal_code", "description", "purpose", "preferred_form", "delivery", "submitted_at",
            "received_on", "correction_requested_on", "correction_reply_by", "corrected_on",
            "extension_workdays", "extended_on", "due_on", "due_provisional", "reply_type",
            "reply_reason", "reply_text", "answered_on", "events",
        ]


def _on(label="生效日期", required=True, **kwargs):
    return CountableDateField(label=label, required=required, **kwargs)


def _text(label, required=True, max_length=2000):
    return serializers.CharField(label=label, required=required, allow_blank=not required,
                                 max_length=max_length)


@_example("按申请方式确定收到之日", {"note": "已签收。"})
class ConfirmReceiptSerializer(InputSerializer):
    received_on = _on("收到申请之日（签收或确认收到之日）", required=False,
                      help_text=" ".join(RECEIPT_RULES.values()))
    note = _text("说明", required=False)


@_example("今天通知补正", {"note": "请写明所需信息的年份和范围。"})
class RequestCorrectionSerializer(InputSerializer):
    on = _on("发出补正通知之日", required=False, help_text="不填为今天。")
    note = _text("需补正的内容")
    reply_by = _on("补正期限", required=False)


@_example("今天办理", {"note": "已登记。"})
class DatedNoteSerializer(InputSerializer):
    on = _on(required=False, help_text="不填为今天。")
    note = _text("说明", required=False)


@_example("今天发出征求意见函", {"third_party": "某某科技有限公司", "note": "涉及其商业信息。"})
class StartConsultationSerializer(InputSerializer):
    third_party = _text("征求意见对象", max_length=200)
    on = _on("发出征求意见函之日", required=False, help_text="不填为今天。")
    letter_received_on = _on("第三方收到征求意见函之日（其 15 个工作日自此起算）", required=False)
    note = _text("说明", required=False)


@_example("今天收到第三方意见", {"note": "第三方同意公开。"})
class EndConsultationSerializer(serializers.Serializer):
    on = _on("收到第三方意见之日", required=False, help_text="不填为今天。")
    letter_received_on = _on("第三方收到征求意见函之日（其 15 个工作日自此起算）", required=False)
    note = _text("说明", required=False)


@_example("延期 10 个工作日", {"workdays": 10, "approver": "王主任", "reason": "需汇总多个部门的数据。"})
class ExtendRequestSerializer(InputSerializer):
    # The bounds come from the service's one setting (`extension_limit`), stated in the schema too.
    workdays = serializers.IntegerField(
        label="延期工作日数", min_value=1, max_value=request_services.extension_limit(),
        error_messages={key: f"延期工作日数应在 1 至 {request_services.extension_limit()} 之间。"
                        for key in ("min_value", "max_value")},
    )
    approver = _text("批准人", max_length=50)
    reason = _text("延期理由")
    on = _on("决定延期之日", required=False)
    notified_on = _on("告知申请人之日", required=False)

    def validate_workdays(self, workdays: int) -> int:
        # The service's rule and sentence (settings' limit), not a number of the API's own.
        request_services.validate_extension_workdays(workdays)
        return workdays


@_example("予以公开", {"reply_type": "disclosed", "text": "现将所申请的信息提供如下。"})
class AnswerRequestSerializer(InputSerializer):
    reply_type = serializers.ChoiceField(label="答复类型", choices=ReplyType.choices)
    reason = serializers.ChoiceField(label="理由", choices=ReplyReason.choices, required=False,
                                     allow_blank=True)
    text = _text("答复内容", required=False, max_length=20000)
    refer_to = _text("告知获取途径", required=False, max_length=500)
    on = _on("答复之日", required=False)


@_example("申请人撤回", {"note": "申请人来电撤回申请。"})
class WithdrawRequestSerializer(InputSerializer):
    note = _text("撤回说明")
    on = _on("撤回之日", required=False)


@_example("不予处理", {"reason": REPLY_REASONS[ReplyType.NOT_PROCESSED][0], "note": "重复申请。"})
class NotProcessedSerializer(InputSerializer):
    reason = serializers.ChoiceField(
        label="不予处理理由",
        choices=[(r, ReplyReason(r).label) for r in REPLY_REASONS[ReplyType.NOT_PROCESSED]],
    )
    note = _text("说明", required=False)
    on = _on("日期", required=False)
