"""The office's opinion box list and steps, the surveys with their results, the evaluation activities.

Only the disclosure office sees senders' names, contacts and words and free-text survey answers
(`personal_fields`, asked of the policy by DomainAdmin); the supervisor reads the rest and changes
nothing; department editors see nothing here.
"""

from __future__ import annotations

from urllib.parse import quote

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from disclosure.access import policy
from disclosure.access.admin_base import DomainAdmin, DomainHistoryAdmin, DomainTabularInline
from disclosure.catalogue.models import Department
from disclosure.feedback import actions as feedback_services
from disclosure.feedback.models import (
    EvaluationActivity,
    Opinion,
    OpinionEvent,
    Question,
    Survey,
)
from disclosure.feedback.selectors import survey_results, survey_workbook
from disclosure.items import deadlines


def _office(request) -> bool:
    return policy.is_office(request.user)


class OpinionEventInline(DomainTabularInline):
    model = OpinionEvent
    fields = ["at", "action", "actor", "note"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name_plural = "办理记录"

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


# ---- Step forms: one per verb of OPINION_ACTIONS ----


class _StepForm(forms.Form):
    def __init__(self, *args, opinion=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.opinion = opinion


def _today():
    return timezone.localdate()


class ForwardForm(_StepForm):
    department = forms.ModelChoiceField(label="转办部门", queryset=Department.objects.all())
    on = forms.DateField(label="转办日期", initial=_today)
    note = forms.CharField(label="转办说明", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class AnswerForm(_StepForm):
    answer = forms.CharField(label="答复内容", widget=forms.Textarea(attrs={"rows": 6}))
    outcome = forms.ChoiceField(label="办理结果", choices=Opinion.Outcome.choices, required=False,
                                help_text="可在答复后再登记。")
    on = forms.DateField(label="答复日期", initial=_today)


class OutcomeForm(_StepForm):
    outcome = forms.ChoiceField(label="办理结果", choices=Opinion.Outcome.choices[1:])
    note = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class PublishForm(_StepForm):
    public_text = forms.CharField(
        label="公开摘要", widget=forms.Textarea(attrs={"rows": 6}),
        help_text="将与答复一起公开。请删去姓名、电话、学号、邮箱等一切个人信息。",
    )


class UnpublishForm(_StepForm):
    note = forms.CharField(label="撤下原因", required=False, widget=forms.Textarea(attrs={"rows": 2}))


STEP_FORMS = {
    "forward_opinion": ForwardForm,
    "answer_opinion": AnswerForm,
    "mark_outcome": OutcomeForm,
    "publish_opinion": PublishForm,
    "unpublish_opinion": UnpublishForm,
}
# A form for every verb of the table, no more: a verb added there needs its page here.
assert set(STEP_FORMS) == set(feedback_services.OPINION_ACTIONS.actions)


@admin.register(Opinion)
class OpinionAdmin(DomainAdmin):
    list_display = ["number", "kind", "status", "received_on", "due_column", "forwarded_to",
                    "answered_on", "outcome", "is_published"]
    list_filter = ["status", "kind", "outcome", "forwarded_to"]
    search_fields = ["number", "name", "contact", "text"]
    date_hierarchy = "received_on"
    list_select_related = ["forwarded_to"]
    inlines = [OpinionEventInline]
    list_per_page = 50
    fieldsets = [
        ("来信", {"fields": ["number", "kind", "status", "text", "name", "contact", "check_code",
                           "submitted_at", "received_on", "due_on", "due_provisional"]}),
        ("办理", {"fields": ["steps", "forwarded_to", "forwarded_on", "answer", "answered_on",
                           "answered_by", "outcome"]}),
        ("选登", {"fields": ["public_text", "published_at"]}),
    ]

    def get_fieldsets(self, request, obj=None):
        # The step buttons are the office's; other roles would only meet a refusal.
        sets = super().get_fieldsets(request, obj)
        if _office(request):
            return sets
        return [(name, {**opts, "fields": [f for f in opts["fields"] if f != "steps"]})
                for name, opts in sets]

    def get_readonly_fields(self, request, obj=None):
        # Every field: the steps go through their own pages and the services.
        return self._visible(request, [f for _, opts in self.fieldsets for f in opts["fields"]])

    def get_queryset(self, request):
        if not policy.sees_all_items(request.user):
            return super().get_queryset(request).none()
        return super().get_queryset(request)

    def has_add_permission(self, request):
        # Opinions come from the public form only.
        return False

    def has_change_permission(self, request, obj=None):
        return _office(request) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        # The yearly report counts every opinion.
        return request.user.is_superuser

    def save_model(self, request, obj, form, change):
        # Nothing on the change form is editable; steps have their own pages.
        return

    @admin.display(description="答复期限", ordering="due_on")
    def due_column(self, obj):
        if not obj.is_open:
            return "已答复（超期）" if obj.answered_late else "已答复"
        status = deadlines.deadline_status(obj.due_on, provisional=obj.due_provisional)
        css = {"overdue": "deadline-overdue", "due_soon": "deadline-soon"}.get(status.state.value,
                                                                              "deadline-ok")
        return format_html('<span class="{}">{} {}</span>', css, obj.due_on, status.label)

    @admin.display(description="选登", boolean=True)
    def is_published(self, obj):
        return obj.published_at is not None

    @admin.display(description="可办理的步骤")
    def steps(self, obj):
        if obj is None or not obj.pk:
            return "—"
        actions = feedback_services.OPINION_ACTIONS.available(obj, None)
        buttons = [(reverse("admin:feedback_opinion_step", args=[obj.pk, a.name]), a.label)
                   for a in actions]
        return format_html_join(" ", '<a class="button" href="{}">{}</a>', buttons) or "—"

    def get_urls(self):
        return [
            path("<int:pk>/step/<str:step>/", self.admin_site.admin_view(self.step_view),
                 name="feedback_opinion_step"),
            *super().get_urls(),
        ]

    def step_view(self, request, pk: int, step: str):
        if not _office(request):
            raise PermissionDenied
        opinion = get_object_or_404(Opinion, pk=pk)
        form_class = STEP_FORMS.get(step)
        if form_class is None:
            raise Http404
        change_url = reverse("admin:feedback_opinion_change", args=[pk])
        refusal = feedback_services.OPINION_ACTIONS.refusal(step, opinion, request.user)
        if refusal is not None:
            self.message_user(request, "当前状态下不能办理该步骤：" + "；".join(
                getattr(refusal, "messages", [str(refusal)])), messages.ERROR)
            return HttpResponseRedirect(change_url)
        initial = {"public_text": opinion.text} if step == "publish_opinion" else {}
        form = form_class(request.POST or None, opinion=opinion, initial=initial)
        if request.method == "POST" and form.is_valid():
            try:
                feedback_services.run_opinion_action(step, opinion, by=request.user,
                                                     data=dict(form.cleaned_data))
            except (ValidationError, PermissionDenied) as error:
                for message in getattr(error, "messages", [str(error)]):
                    form.add_error(None, message)
            else:
                label = feedback_services.OPINION_ACTIONS[step].label
                self.message_user(request, f"已办理：{label}。", messages.SUCCESS)
                return HttpResponseRedirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "title": f"{opinion.number} · {feedback_services.OPINION_ACTIONS[step].label}",
            "form": form, "opinion": opinion, "opts": self.model._meta, "change_url": change_url,
        }
        return TemplateResponse(request, "admin/feedback/opinion/step.html", context,
                                status=400 if request.method == "POST" else 200)


# ---- Surveys ----


class QuestionInline(DomainTabularInline):
    model = Question
    fields = ["position", "text", "kind", "choices", "required", "is_satisfaction"]
    extra = 0
    formfield_overrides = {}

    def get_formset(self, request, obj=None, **kwargs):
        kwargs.setdefault("widgets", {"choices": forms.Textarea(attrs={"rows": 3, "cols": 30})})
        return super().get_formset(request, obj, **kwargs)

    def _editable(self, obj) -> bool:
        return obj is None or feedback_services.questions_editable(obj)

    def has_add_permission(self, request, obj=None):
        return self._editable(obj) and _office(request) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._editable(obj) and _office(request) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._editable(obj) and _office(request) and super().has_delete_permission(request, obj)


@admin.register(Survey)
class SurveyAdmin(DomainHistoryAdmin):
    list_display = ["title", "status", "opens_on", "closes_on", "response_count", "links"]
    list_filter = ["status"]
    search_fields = ["title", "slug"]
    inlines = [QuestionInline]
    fields = ["title", "slug", "intro", "opens_on", "closes_on", "status", "share_link", "actions_row"]
    readonly_fields = ["status", "share_link", "actions_row"]

    def get_queryset(self, request):
        if not policy.sees_all_items(request.user):
            return super().get_queryset(request).none()
        return super().get_queryset(request).annotate(response_total=Count("responses"))

    def has_change_permission(self, request, obj=None):
        return _office(request) and super().has_change_permission(request, obj)

    def has_add_permission(self, request):
        return _office(request) and super().has_add_permission(request)

    def has_delete_permission(self, request, obj=None):
        # A survey with answers is counted in the yearly report.
        return request.user.is_superuser and (obj is None or not obj.responses.exists())

    def get_readonly_fields(self, request, obj=None):
        fixed = ["title", "slug", "intro", "opens_on"] if obj and obj.status != Survey.Status.DRAFT else []
        return [*fixed, *self.readonly_fields]

    def save_model(self, request, obj, form, change):
        try:
            feedback_services.save_survey(obj, by=request.user)
        except (ValidationError, PermissionDenied) as error:
            raise PermissionDenied("；".join(getattr(error, "messages", [str(error)]))) from error

    @admin.display(description="答卷数", ordering="response_total")
    def response_count(self, obj):
        return getattr(obj, "response_total", None)

    @admin.display(description="")
    def links(self, obj):
        return format_html('<a href="{}">统计结果</a>', reverse("admin:feedback_survey_results", args=[obj.pk]))

    @admin.display(description="调查链接")
    def share_link(self, obj):
        if obj is None or not obj.pk:
            return "保存后生成"
        url = reverse("disclosure:survey_detail", args=[obj.slug])
        return format_html('<a href="{0}">{0}</a>（开放后可分享此链接）', url)

    @admin.display(description="操作")
    def actions_row(self, obj):
        if obj is None or not obj.pk:
            return "—"
        buttons = [(reverse("admin:feedback_survey_action", args=[obj.pk, a.name]), a.label)
                   for a in feedback_services.SURVEY_ACTIONS.available(obj, None)]
        buttons.append((reverse("admin:feedback_survey_results", args=[obj.pk]), "统计结果"))
        return format_html_join(" ", '<a class="button" href="{}">{}</a>', buttons)

    def get_urls(self):
        return [
            path("<int:pk>/results/", self.admin_site.admin_view(self.results_view),
                 name="feedback_survey_results"),
            path("<int:pk>/results.xlsx", self.admin_site.admin_view(self.export_view),
                 name="feedback_survey_export"),
            path("<int:pk>/action/<str:name>/", self.admin_site.admin_view(self.action_view),
                 name="feedback_survey_action"),
            *super().get_urls(),
        ]

    def _survey_for(self, request, pk: int) -> Survey:
        if not self.has_view_permission(request):
            raise PermissionDenied
        return get_object_or_404(self.get_queryset(request), pk=pk)

    def results_view(self, request, pk: int):
        survey = self._survey_for(request, pk)
        results = survey_results(survey, with_texts=policy.may_see_personal_data(request.user))
        context = {
            **self.admin_site.each_context(request),
            "title": f"{survey.title} · 统计结果",
            "survey": survey, "results": results, "opts": self.model._meta,
            "show_texts": policy.may_see_personal_data(request.user),
        }
        return TemplateResponse(request, "admin/feedback/survey/results.html", context)

    def export_view(self, request, pk: int):
        # The sheets hold the free-text answers: the office only.
        if not _office(request):
            raise PermissionDenied
        survey = self._survey_for(request, pk)
        response = HttpResponse(
            survey_workbook(survey),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        filename = f"{survey.title}-统计结果.xlsx"
        response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
        return response

    def action_view(self, request, pk: int, name: str):
        if not _office(request):
            raise PermissionDenied
        survey = get_object_or_404(Survey, pk=pk)
        if name not in feedback_services.SURVEY_EFFECTS:
            raise Http404
        change_url = reverse("admin:feedback_survey_change", args=[pk])
        if request.method != "POST":
            context = {
                **self.admin_site.each_context(request),
                "title": f"{survey.title} · {feedback_services.SURVEY_ACTIONS[name].label}",
                "survey": survey, "opts": self.model._meta, "change_url": change_url,
                "label": feedback_services.SURVEY_ACTIONS[name].label,
            }
            return TemplateResponse(request, "admin/feedback/survey/action.html", context)
        try:
            feedback_services.SURVEY_EFFECTS[name](survey, by=request.user)
        except (ValidationError, PermissionDenied) as error:
            self.message_user(request, "；".join(getattr(error, "messages", [str(error)])), messages.ERROR)
        else:
            self.message_user(request, f"已{feedback_services.SURVEY_ACTIONS[name].label}。", messages.SUCCESS)
        return HttpResponseRedirect(change_url)


@admin.register(EvaluationActivity)
class EvaluationActivityAdmin(DomainHistoryAdmin):
    list_display = ["held_on", "kind", "title", "participants"]
    list_filter = ["kind"]
    search_fields = ["title"]
    date_hierarchy = "held_on"
    fields = ["kind", "held_on", "title", "participants", "note"]

    def get_queryset(self, request):
        if not policy.sees_all_items(request.user):
            return super().get_queryset(request).none()
        return super().get_queryset(request)

    def has_change_permission(self, request, obj=None):
        return _office(request) and super().has_change_permission(request, obj)

    def has_add_permission(self, request):
        return _office(request) and super().has_add_permission(request)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.entered_by = request.user
        obj._history_user = request.user
        super().save_model(request, obj, form, change)
