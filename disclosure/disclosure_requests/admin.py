"""The office's log of disclosure requests: every step through a service, the clock shown.

Only the disclosure office sees applicants' personal data and free text. A supervisor (view
permission) sees numbers, dates, states, reply types and the clock; department editors see nothing.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers, widgets
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from disclosure.access import policy
from disclosure.access.admin_base import DomainAdmin, DomainTabularInline
from disclosure.disclosure_requests import actions as request_services
from disclosure.disclosure_requests import letters
from disclosure.disclosure_requests.clock import RECEIPT_RULES, clock_for
from disclosure.disclosure_requests.models import (
    REPLY_REASONS,
    ConsultationPause,
    DisclosureRequest,
    FeeStatus,
    LetterKind,
    ReplyLetter,
    ReplyLetterTemplate,
    ReplyReason,
    ReplyType,
    RequestAttachment,
    RequestEvent,
)
from disclosure.workcalendar import deadlines
from disclosure.workcalendar.validators import validate_countable_date

PRIVATE_FIELDS = (*request_services.APPLICANT_FIELDS, "description", "purpose", "correction_note",
                  "reply_text", "closing_note", "check_code", "reply_refer_to", "extension_reason")


class RequestEventInline(DomainTabularInline):
    model = RequestEvent
    fields = ["at", "action", "on", "actor", "note"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name_plural = "办理记录"

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        return fields if policy.is_office(request.user) else [f for f in fields if f != "note"]

    def get_readonly_fields(self, request, obj=None):
        return self.get_fields(request, obj)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ConsultationPauseInline(RequestEventInline):
    model = ConsultationPause
    fields = ["third_party", "letter_sent_on", "letter_received_on", "answered_on", "note"]
    readonly_fields = fields
    verbose_name_plural = "征求第三方意见"

    def get_fields(self, request, obj=None):
        if policy.is_office(request.user):
            return self.fields
        return ["letter_sent_on", "letter_received_on", "answered_on"]


class ReplyLetterInline(DomainTabularInline):
    model = ReplyLetter
    fields = ["number", "kind", "generated_at", "generated_by", "delivered_via", "delivered_on",
              "postal_tracking", "download"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name_plural = "告知书"

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description="下载")
    def download(self, letter):
        url = reverse("admin:disclosure_requests_disclosurerequest_letter", args=[letter.request_id, letter.pk])
        if not letter.pdf:
            return format_html('<a href="{}">下载 .docx</a>', url)
        return format_html('<a href="{}">下载 .docx</a> · <a href="{}?format=pdf">PDF</a>', url, url)


class RequestAttachmentInline(DomainTabularInline):
    model = RequestAttachment
    fields = ["kind", "title", "file", "size", "download"]
    readonly_fields = ["size", "download"]
    # A plain file input: the default widget links to the stored file's media URL, which is not
    # served to anyone (replies can carry personal data); downloads go through `attachment_view`.
    formfield_overrides = {models.FileField: {"widget": forms.FileInput}}
    extra = 0

    @admin.display(description="下载")
    def download(self, attachment):
        if not attachment.pk:
            return "—"
        url = reverse("admin:disclosure_requests_disclosurerequest_attachment",
                      args=[attachment.request_id, attachment.pk])
        return format_html('<a href="{}">下载</a>', url)


class LogRequestForm(forms.ModelForm):
    """A request that came by letter, in person, email or fax, logged with its received date."""

    class Meta:
        model = DisclosureRequest
        fields = ["channel", "received_on", "applicant_type", *request_services.APPLICANT_FIELDS,
                  "description", "purpose", "preferred_form", "delivery"]


# ---- Step forms: one per service; the admin offers only the steps valid from the state ----


def _today():
    return timezone.localdate()


# Every step's date may start or move a deadline: only dates the working-day calendar can count.
COUNTABLE = [validate_countable_date]


class _StepForm(forms.Form):
    def __init__(self, *args, req=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.req = req


class ConfirmReceiptForm(_StepForm):
    received_on = forms.DateField(validators=COUNTABLE, label="收到申请之日（签收或确认收到之日）",
                                  help_text=" ".join(RECEIPT_RULES.values()))
    note = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class CorrectionForm(_StepForm):
    on = forms.DateField(validators=COUNTABLE, label="发出补正通知之日", initial=_today)
    note = forms.CharField(label="需补正的内容", widget=forms.Textarea(attrs={"rows": 3}))
    reply_by = forms.DateField(validators=COUNTABLE, label="补正截止日", required=False, help_text="留空按默认期限计算。")


class DateNoteForm(_StepForm):
    on = forms.DateField(validators=COUNTABLE, label="日期", initial=_today)
    note = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class WithdrawForm(_StepForm):
    on = forms.DateField(validators=COUNTABLE, label="撤回日期", initial=_today)
    note = forms.CharField(label="撤回方式与说明", widget=forms.Textarea(attrs={"rows": 2}))


LETTER_RECEIVED_HELP = ("第三方的 15 个工作日自其收到征求意见函之日起算（如邮件签收日）；"
                        "未填写时按发函之日计算。")


class ConsultationForm(_StepForm):
    third_party = forms.CharField(label="征求意见对象", max_length=200)
    on = forms.DateField(validators=COUNTABLE, label="发出征求意见函之日", initial=_today)
    letter_received_on = forms.DateField(validators=COUNTABLE, label="第三方收到征求意见函之日", required=False,
                                         help_text=LETTER_RECEIVED_HELP)
    note = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class EndConsultationForm(_StepForm):
    on = forms.DateField(validators=COUNTABLE, label="收到第三方意见之日", initial=_today,
                         help_text="第三方逾期未答复的，填写登记之日，征求意见期限届满后恢复计时。")
    letter_received_on = forms.DateField(validators=COUNTABLE, label="第三方收到征求意见函之日", required=False,
                                         help_text=LETTER_RECEIVED_HELP)
    note = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ExtensionForm(_StepForm):
    # The limit is the service's (settings), not a number of this form's own.
    workdays = forms.IntegerField(label="延期工作日数", min_value=None)
    approver = forms.CharField(label="批准人", max_length=50, help_text="信息公开工作机构负责人。")
    reason = forms.CharField(label="延期理由", widget=forms.Textarea(attrs={"rows": 2}))
    on = forms.DateField(validators=COUNTABLE, label="决定延期之日", initial=_today)
    notified_on = forms.DateField(validators=COUNTABLE, label="告知申请人之日", initial=_today)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit = request_services.extension_limit()
        self.fields["workdays"].initial = limit
        self.fields["workdays"].widget.attrs.update({"min": 1, "max": limit})

    def clean_workdays(self):
        workdays = self.cleaned_data["workdays"]
        request_services.validate_extension_workdays(workdays)
        return workdays


class AnswerForm(_StepForm):
    reply_type = forms.ChoiceField(label="答复类型", choices=[("", "—")] + ReplyType.choices)
    reason = forms.ChoiceField(label="理由", choices=ReplyReason.choices, required=False,
                               help_text="不予公开、无法提供、不予处理、其他处理须选择对应理由。")
    text = forms.CharField(label="答复内容", required=False, widget=forms.Textarea(attrs={"rows": 4}))
    refer_to = forms.CharField(label="建议咨询的机关", required=False, max_length=200,
                               help_text="非本校信息时填写。")
    on = forms.DateField(validators=COUNTABLE, label="答复日期", initial=_today)


class NotProcessedForm(_StepForm):
    reason = forms.ChoiceField(
        label="不予处理理由",
        choices=[(r, ReplyReason(r).label) for r in REPLY_REASONS[ReplyType.NOT_PROCESSED]],
    )
    note = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    on = forms.DateField(validators=COUNTABLE, label="日期", initial=_today)


class LetterForm(_StepForm):
    kind = forms.ChoiceField(label="告知书类型", choices=LetterKind.choices)


class DeliverLetterForm(_StepForm):
    letter = forms.TypedChoiceField(label="告知书", coerce=int)
    via = forms.ChoiceField(label="送达方式", choices=ReplyLetter.Delivery.choices)
    on = forms.DateField(label="送达日期", initial=_today,
                         help_text="当面领取为签收之日；邮寄为寄出之日，签收后可在说明中补记。")
    postal_tracking = forms.CharField(label="邮件单号", required=False, max_length=50)
    note = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        waiting = self.req.letters.filter(delivered_via="") if self.req is not None else ReplyLetter.objects.none()
        self.fields["letter"].choices = [
            (letter.pk, f"{letter.get_kind_display()}（第{letter.number}份，{letter.generated_at:%Y-%m-%d}生成）")
            for letter in waiting
        ]


class FeeForm(_StepForm):
    status = forms.ChoiceField(label="收费情况", choices=FeeStatus.choices)
    basis = forms.CharField(label="依据", max_length=200, help_text="收费标准的文件，或减免的理由。")
    amount = forms.DecimalField(label="金额（元）", required=False, min_value=0, max_digits=9, decimal_places=2)
    notified_on = forms.DateField(label="发出收费通知之日", required=False)
    paid_on = forms.DateField(label="缴费日期", required=False, help_text="尚未缴纳的留空。")
    note = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 2}))


STEP_FORMS = {
    "confirm_receipt": ConfirmReceiptForm,
    "request_correction": CorrectionForm,
    "receive_correction": DateNoteForm,
    "lapse_request": DateNoteForm,
    "start_consultation": ConsultationForm,
    "end_consultation": EndConsultationForm,
    "extend_request": ExtensionForm,
    "answer_request": AnswerForm,
    "mark_not_processed": NotProcessedForm,
    "withdraw_request": WithdrawForm,
    "generate_letter": LetterForm,
    "deliver_letter": DeliverLetterForm,
    "record_fee": FeeForm,
}
# A form for every verb of the table, no more: a verb added there needs its page here.
assert set(STEP_FORMS) == set(request_services.REQUEST_ACTIONS.actions)


class OpenRequestFilter(admin.SimpleListFilter):
    """Requests still being handled, answer due first: the office's queue (the home page links here)."""

    title = "办理情况"
    parameter_name = "open"

    def lookups(self, request, model_admin):
        return [("yes", "办理中（按答复期限）"), ("no", "已办结")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.open()
        if self.value() == "no":
            return queryset.closed()
        return queryset


def _admin_widgets(form) -> None:
    """The admin's widgets on a step form: the date picker on dates, the wide box on text."""
    for field in form.fields.values():
        if isinstance(field, forms.DateField) and not isinstance(field.widget, widgets.AdminDateWidget):
            field.widget = widgets.AdminDateWidget()
        elif isinstance(field.widget, forms.Textarea):
            field.widget.attrs.setdefault("class", "vLargeTextField")
        elif isinstance(field.widget, forms.TextInput):
            field.widget.attrs.setdefault("class", "vTextField")


@admin.register(DisclosureRequest)
class DisclosureRequestAdmin(DomainAdmin):
    # Chosen for a 1366 px screen; the applicant's type and the channel are filters.
    list_display = ["tracking_number", "status", "received_on", "due_column", "reply_type",
                    "answered_on"]
    list_filter = [OpenRequestFilter, "status", "applicant_type", "channel", "reply_type",
                   "due_provisional"]
    date_hierarchy = "received_on"
    inlines = [ConsultationPauseInline, RequestAttachmentInline, ReplyLetterInline,
               RequestEventInline]
    list_per_page = 50

    # -- who sees what --

    def _office(self, request) -> bool:
        return policy.is_office(request.user)

    def get_list_display(self, request):
        if self._office(request):
            return ["tracking_number", "applicant_name", *self.list_display[1:]]
        return self.list_display

    def get_ordering(self, request):
        # The queue of requests to answer reads soonest deadline first.
        if request.GET.get(OpenRequestFilter.parameter_name) == "yes":
            return ["due_on", "pk"]
        return super().get_ordering(request)

    def get_search_fields(self, request):
        # Searching by name or phone would let a non-office user probe for a person.
        if self._office(request):
            return ["tracking_number", "applicant_name", "phone", "email", "id_number"]
        return ["tracking_number"]

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return [
                ("申请方式", {"fields": ["channel", "received_on"]}),
                ("申请人", {"fields": ["applicant_type", *request_services.APPLICANT_FIELDS]}),
                ("所需信息", {"fields": ["description", "purpose", "preferred_form", "delivery"]}),
            ]
        office = self._office(request)
        sets = [
            ("办理", {"fields": ["tracking_number", "status", "channel",
                               *(["steps"] if office else []), "submitted_at",
                               "received_on", "receipt_confirmed_at", "due_on", "due_provisional",
                               "clock"]}),
        ]
        if office:
            sets.append(("申请人", {"fields": ["applicant_type", *request_services.APPLICANT_FIELDS,
                                              "check_code"]}))
            sets.append(("所需信息", {"fields": ["description", "purpose", "preferred_form",
                                             "delivery"]}))
        else:
            sets.append(("申请人", {"fields": ["applicant_type"]}))
        sets.append(("补正与延期", {"fields": [
            "correction_requested_on", "correction_reply_by", "corrected_on",
            *(["correction_note"] if office else []),
            "extension_workdays", "extended_on", "extension_approver",
            *(["extension_reason"] if office else []), "extension_notified_on"]}))
        sets.append(("答复", {"fields": [
            "reply_type", "reply_reason", *(["reply_text", "reply_refer_to", "closing_note"]
                                            if office else []),
            "answered_on", "answered_by"]}))
        sets.append(("收费", {"fields": ["fee_status", "fee_amount", "fee_basis", "fee_notified_on",
                                         "fee_paid_on"]}))
        return sets

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return [f for _, opts in self.get_fieldsets(request, obj) for f in opts["fields"]]

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = LogRequestForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_inlines(self, request, obj):
        if obj is None:
            return []
        if self._office(request):
            return self.inlines
        return [ConsultationPauseInline, RequestEventInline]

    def has_add_permission(self, request):
        return self._office(request) and super().has_add_permission(request)

    def has_change_permission(self, request, obj=None):
        return self._office(request) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        # Requests are closed, not deleted; the yearly report counts every one.
        return request.user.is_superuser

    def get_queryset(self, request):
        if not policy.sees_all_items(request.user):
            return super().get_queryset(request).none()
        return super().get_queryset(request)

    # -- columns --

    @admin.display(description="答复期限", ordering="due_on")
    def due_column(self, obj):
        if not obj.is_open:
            return "已办结"
        if obj.due_on is None:
            return "待补正"
        status = deadlines.deadline_status(obj.due_on, provisional=obj.due_provisional)
        css = {"overdue": "deadline-overdue", "due_soon": "deadline-soon"}.get(status.state.value,
                                                                              "deadline-ok")
        return format_html('<span class="{}">{} {}</span>', css, obj.due_on, status.label)

    @admin.display(description="期限计算")
    def clock(self, obj):
        lines = clock_for(obj).staff_lines
        return format_html("<ol>{}</ol>", format_html_join("", "<li>{}</li>", ((ln,) for ln in lines)))

    @admin.display(description="可办理的步骤")
    def steps(self, obj):
        if obj is None or not obj.pk:
            return "—"
        actions = request_services.REQUEST_ACTIONS.available(
            obj, None, today=timezone.localdate())  # the field is shown to the office only
        buttons = [(reverse("admin:disclosure_requests_disclosurerequest_step", args=[obj.pk, a.name]),
                    a.label) for a in actions]
        # The receipt is printed for a letter or a visit as for an online submission.
        buttons.append((reverse("admin:disclosure_requests_disclosurerequest_receipt", args=[obj.pk]),
                        "打印受理回执（PDF）"))
        return format_html_join(" ", '<a class="button" href="{}">{}</a>', buttons)

    # -- saving: logging a request goes through the service --

    def save_model(self, request, obj, form, change):
        if change:
            # Every field is read-only here: steps go through their own pages; only the
            # attachment inline is saved.
            return
        data = {f: form.cleaned_data[f] for f in form.cleaned_data if f != "received_on"}
        try:
            created = request_services.receive_request(
                by=request.user, received_on=form.cleaned_data["received_on"], **data
            )
        except ValidationError as error:
            raise PermissionDenied("；".join(error.messages)) from error
        obj.pk = created.pk
        obj.refresh_from_db()

    def save_related(self, request, form, formsets, change):
        if change:
            super().save_related(request, form, formsets, change)

    # -- the step pages --

    def get_urls(self):
        return [
            path("<int:pk>/step/<str:step>/", self.admin_site.admin_view(self.step_view),
                 name="disclosure_requests_disclosurerequest_step"),
            path("<int:pk>/letters/<int:letter_pk>/", self.admin_site.admin_view(self.letter_view),
                 name="disclosure_requests_disclosurerequest_letter"),
            path("<int:pk>/receipt/", self.admin_site.admin_view(self.receipt_view),
                 name="disclosure_requests_disclosurerequest_receipt"),
            path("<int:pk>/attachments/<int:attachment_pk>/",
                 self.admin_site.admin_view(self.attachment_view),
                 name="disclosure_requests_disclosurerequest_attachment"),
            *super().get_urls(),
        ]

    def step_view(self, request, pk: int, step: str):
        if not self._office(request):
            raise PermissionDenied
        req = get_object_or_404(DisclosureRequest, pk=pk)
        form_class = STEP_FORMS.get(step)
        if form_class is None:
            raise Http404
        change_url = reverse("admin:disclosure_requests_disclosurerequest_change", args=[pk])
        refusal = request_services.REQUEST_ACTIONS.refusal(step, req, request.user,
                                                           today=timezone.localdate())
        if refusal is not None:
            self.message_user(request, "当前状态下不能办理该步骤：" + "；".join(
                getattr(refusal, "messages", [str(refusal)])), messages.ERROR)
            return HttpResponseRedirect(change_url)
        initial = {}
        if step == "confirm_receipt":
            initial["received_on"] = req.received_on
        if step == "generate_letter":
            initial["kind"] = letters.letter_kind_for(req)
        form = form_class(request.POST or None, req=req, initial=initial)
        _admin_widgets(form)
        if request.method == "POST" and form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items()}
            try:
                request_services.run_request_action(step, req, by=request.user, data=data)
            except (ValidationError, PermissionDenied) as error:
                for message in getattr(error, "messages", [str(error)]):
                    form.add_error(None, message)
            else:
                label = request_services.REQUEST_ACTIONS[step].label
                self.message_user(request, f"已办理：{label}。", messages.SUCCESS)
                return HttpResponseRedirect(change_url)
        label = request_services.REQUEST_ACTIONS[step].label
        # Laid out by the admin's own fieldset template, as every change form is.
        adminform = helpers.AdminForm(form, [(None, {"fields": list(form.fields)})], {},
                                      model_admin=self)
        context = {
            **self.admin_site.each_context(request),
            "title": f"{label}：{req.tracking_number}",
            "step_label": label,
            "form": form,
            "adminform": adminform,
            "media": self.media + form.media,
            "req": req,
            "clock": clock_for(req).staff_lines,
            "opts": self.model._meta,
            "change_url": change_url,
        }
        return TemplateResponse(request, "admin/disclosure_requests/disclosurerequest/step.html", context,
                                status=400 if request.method == "POST" else 200)

    def receipt_view(self, request, pk: int):
        if not self._office(request):
            raise PermissionDenied
        req = get_object_or_404(DisclosureRequest, pk=pk)
        response = HttpResponse(letters.render_receipt_pdf(req), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{req.tracking_number}-receipt.pdf"'
        return response

    def letter_view(self, request, pk: int, letter_pk: int):
        # Letters carry the applicant's name and address: the office only, never a public URL.
        if not self._office(request):
            raise PermissionDenied
        letter = get_object_or_404(ReplyLetter, pk=letter_pk, request_id=pk)
        if request.GET.get("format") == "pdf" and letter.pdf:
            return FileResponse(letter.pdf.open("rb"), as_attachment=True, content_type="application/pdf",
                                filename=f"{letter.request.tracking_number}-{letter.get_kind_display()}.pdf")
        return FileResponse(
            letter.file.open("rb"), as_attachment=True,
            filename=f"{letter.request.tracking_number}-{letter.get_kind_display()}.docx",
            content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        )


    def attachment_view(self, request, pk: int, attachment_pk: int):
        if not self._office(request):
            raise PermissionDenied
        attachment = get_object_or_404(RequestAttachment, pk=attachment_pk, request_id=pk)
        return FileResponse(
            attachment.file.open("rb"), as_attachment=True,
            filename=attachment.original_name or attachment.file.name.rsplit("/", 1)[-1],
            content_type=attachment.content_type or "application/octet-stream",
        )


class ReplyLetterTemplateForm(forms.ModelForm):
    class Meta:
        model = ReplyLetterTemplate
        fields = ["kind", "title", "body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 16, "cols": 80})}


@admin.register(ReplyLetterTemplate)
class ReplyLetterTemplateAdmin(DomainAdmin):
    form = ReplyLetterTemplateForm
    list_display = ["kind", "title", "updated_at"]

    def has_module_permission(self, request):
        return policy.is_office(request.user)

    def has_view_permission(self, request, obj=None):
        return policy.is_office(request.user) and super().has_view_permission(request, obj)

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        kind = initial.get("kind") or request.GET.get("kind")
        if kind in letters.DEFAULT_TEMPLATES:
            initial["title"], initial["body"] = letters.DEFAULT_TEMPLATES[kind]
        return initial
