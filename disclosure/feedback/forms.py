"""Public forms: the opinion box, the answer lookup and a survey's answer sheet."""

from __future__ import annotations

from django import forms

from disclosure.core.spamguard import SpamGuardMixin
from disclosure.feedback.actions import FREE_TEXT_MAX_CHARS, TEXT_MAX_CHARS
from disclosure.feedback.models import RATING_LABELS, RATING_SCALE, Opinion, Question


def _chinese_messages(form: forms.Form) -> None:
    for field in form.fields.values():
        field.error_messages["required"] = (
            "请选择此项。" if isinstance(field, forms.ChoiceField) else "请填写此项。"
        )
        if isinstance(field, forms.CharField) and field.max_length:
            field.error_messages["max_length"] = (
                f"{field.label}不能超过 {field.max_length} 个字（当前 %(show_value)d 个字），请精简后再提交。"
            )


class OpinionForm(SpamGuardMixin, forms.Form):
    """The opinion box. Every message in Chinese; nothing typed is lost on an error."""

    kind = forms.ChoiceField(label="类型", choices=Opinion.Kind.choices, initial=Opinion.Kind.OPINION,
                             widget=forms.RadioSelect)
    text = forms.CharField(
        label="内容", max_length=TEXT_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 8, "maxlength": TEXT_MAX_CHARS}),
        help_text=f"对学校信息公开工作的意见、建议或投诉，不超过 {TEXT_MAX_CHARS} 字。",
    )
    name = forms.CharField(label="称呼", max_length=50, required=False,
                           help_text="可不填，匿名提交。")
    contact = forms.CharField(label="联系方式", max_length=100, required=False,
                              help_text="电话或电子邮箱，可不填；仅信息公开办公室可见，用于必要时与您联系。")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _chinese_messages(self)

    def clean_text(self):
        return self.cleaned_data["text"].strip()

    def opinion_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in ("kind", "text", "name", "contact")}


class OpinionLookupForm(forms.Form):
    """Number plus check code."""

    number = forms.CharField(label="意见编号", max_length=20, help_text="例如 YJX-2026-0007。")
    # Never echoed back: a wrong guess shows nothing of what was typed.
    code = forms.CharField(label="查询码", max_length=12,
                           widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
                           help_text="提交意见后显示的 6 位查询码。")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.error_messages["required"] = "请填写此项。"
            field.error_messages["max_length"] = "意见编号或查询码不正确。"


RATING_CHOICES = [(str(r), f"{r} 分 {RATING_LABELS[r]}") for r in range(RATING_SCALE, 0, -1)]


class SurveyForm(SpamGuardMixin, forms.Form):
    """A survey's answer sheet, one field per question (`q<id>`); the service checks the answers."""

    def __init__(self, *args, survey, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = list(survey.questions.all())
        for question in self.questions:
            label = f"{question.position}. {question.text}"
            if question.kind == Question.Kind.SINGLE_CHOICE:
                field = forms.ChoiceField(label=label, required=question.required,
                                          choices=[(c, c) for c in question.choice_list],
                                          widget=forms.RadioSelect)
            elif question.kind == Question.Kind.RATING:
                field = forms.ChoiceField(label=label, required=question.required,
                                          choices=RATING_CHOICES, widget=forms.RadioSelect)
            else:
                field = forms.CharField(label=label, required=question.required,
                                        max_length=FREE_TEXT_MAX_CHARS,
                                        widget=forms.Textarea(attrs={"rows": 4,
                                                                     "maxlength": FREE_TEXT_MAX_CHARS}))
            self.fields[f"q{question.pk}"] = field
        _chinese_messages(self)
        for question in self.questions:
            if question.kind != Question.Kind.FREE_TEXT:
                self.fields[f"q{question.pk}"].error_messages["invalid_choice"] = "请从选项中选择。"

    def question_fields(self):
        return [self[f"q{q.pk}"] for q in self.questions]

    def raw_answers(self) -> dict[int, str]:
        return {q.pk: self.cleaned_data.get(f"q{q.pk}") or "" for q in self.questions}
