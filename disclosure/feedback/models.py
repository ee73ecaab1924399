"""What the public thinks of the university's disclosure work (《高等学校信息公开办法》 art. 13).

- `Opinion`: a message to the opinion box (意见箱), answered within working days, optionally published
  with its answer (never with the sender's name, contact or own words: the office writes the public
  summary). The sender reads the answer with the number and check code.
- `Survey`, `Question`, `SurveyResponse`, `Answer`: the yearly satisfaction survey (网络调查), anonymous.
- `EvaluationActivity`: meetings and visits (座谈会, 调研) the office enters for the report's part four.

Dates that happened are stored as facts; `Opinion.due_on` is derived from `received_on` and written by
the services only (`disclosure.feedback.actions`).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from disclosure.catalogue.models import Department
from disclosure.core.models import Event, YearlyCounter

RATING_SCALE = 5
# A rating of this or more counts as satisfied (满意, 非常满意) in the satisfaction rate.
SATISFIED_FROM = 4
RATING_LABELS = {1: "很不满意", 2: "不满意", 3: "一般", 4: "满意", 5: "非常满意"}


class OpinionCounter(YearlyCounter):
    """The opinions' numbers of each year (YJX-2026-0001)."""

    class Meta:
        verbose_name = "意见编号计数"
        verbose_name_plural = "意见编号计数"


class OpinionQuerySet(models.QuerySet):
    def open(self):
        """Opinions still owed an answer: the reply clock runs."""
        return self.filter(status__in=OPEN_OPINION_STATUSES)

    def published(self):
        """The one visibility queryset of the public page of answered opinions."""
        return self.filter(published_at__isnull=False, status=Opinion.Status.ANSWERED,
                           anonymised_at__isnull=True)


class Opinion(models.Model):
    """One message to the opinion box (意见箱): an opinion, a suggestion or a complaint."""

    class Kind(models.TextChoices):
        OPINION = "opinion", "意见"
        SUGGESTION = "suggestion", "建议"
        COMPLAINT = "complaint", "投诉"

    class Status(models.TextChoices):
        RECEIVED = "received", "待答复"
        FORWARDED = "forwarded", "已转办"
        ANSWERED = "answered", "已答复"

    class Outcome(models.TextChoices):
        NONE = "", "—"
        ADOPTED = "adopted", "已采纳并改进"
        PARTLY_ADOPTED = "partly_adopted", "部分采纳"
        EXPLAINED = "explained", "已解释说明"
        NOT_ADOPTED = "not_adopted", "暂不采纳"
        OUT_OF_SCOPE = "out_of_scope", "不属于信息公开工作"

    number = models.CharField("意见编号", max_length=20, unique=True, editable=False)
    year = models.PositiveIntegerField("编号年份", editable=False)
    sequence = models.PositiveIntegerField("年度序号", editable=False)
    check_code = models.CharField("查询码", max_length=12, editable=False,
                                  help_text="与意见编号一起用于查看答复。")
    kind = models.CharField("类型", max_length=20, choices=Kind, default=Kind.OPINION, db_index=True)
    text = models.TextField("内容")
    # The sender (personal data: the disclosure office alone sees it).
    name = models.CharField("称呼", max_length=50, blank=True, help_text="可不填，匿名提交。")
    contact = models.CharField("联系方式", max_length=100, blank=True,
                               help_text="电话或电子邮箱，可不填。")

    status = models.CharField("状态", max_length=20, choices=Status, default=Status.RECEIVED,
                              db_index=True, editable=False)
    submitted_at = models.DateTimeField("提交时间", default=timezone.now, editable=False)
    received_on = models.DateField("收到之日", editable=False,
                                   help_text="答复期限自次日起按工作日计算。")
    due_on = models.DateField("答复期限", null=True, blank=True, db_index=True, editable=False)
    due_provisional = models.BooleanField(
        "期限为暂定", default=False, editable=False,
        help_text="期限跨越尚未公布官方放假安排的年份，安排公布后自动重算。",
    )
    forwarded_to = models.ForeignKey(
        Department, verbose_name="转办部门", null=True, blank=True, editable=False,
        on_delete=models.PROTECT, related_name="forwarded_opinions",
    )
    forwarded_on = models.DateField("转办日期", null=True, blank=True, editable=False)
    answer = models.TextField("答复内容", blank=True, editable=False)
    answered_on = models.DateField("答复日期", null=True, blank=True, db_index=True, editable=False)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="答复人", null=True, blank=True, editable=False,
        on_delete=models.SET_NULL, related_name="+",
    )
    outcome = models.CharField("办理结果", max_length=20, choices=Outcome, blank=True, editable=False)
    public_text = models.TextField(
        "公开摘要", blank=True, editable=False,
        help_text="选登时公开的意见内容，由信息公开办公室整理，不含姓名、联系方式等个人信息。",
    )
    published_at = models.DateTimeField("选登时间", null=True, blank=True, editable=False)
    anonymised_at = models.DateTimeField("匿名化时间", null=True, blank=True, editable=False)

    objects = OpinionQuerySet.as_manager()

    # The sender's name, contact and own words, and the code that opens the answer: the disclosure
    # office alone sees, filters, searches, sorts or exports these (disclosure.access.policy).
    personal_fields = ("name", "contact", "check_code", "text")

    class Meta:
        verbose_name = "意见箱来信"
        verbose_name_plural = "意见箱来信"
        ordering = ["-received_on", "-id"]
        indexes = [models.Index(fields=["status", "due_on"], name="opinion_open_due")]
        constraints = [
            models.UniqueConstraint(fields=["year", "sequence"], name="unique_opinion_sequence"),
            models.CheckConstraint(
                condition=~Q(status="answered") | (Q(answered_on__isnull=False) & ~Q(answer="")),
                name="opinion_answered_has_answer",
                violation_error_message="已答复的意见必须有答复内容和答复日期。",
            ),
            models.CheckConstraint(
                condition=Q(published_at__isnull=True) | (Q(status="answered") & ~Q(public_text="")),
                name="opinion_published_is_answered",
                violation_error_message="只有已答复的意见可以选登，且须有公开摘要。",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_OPINION_STATUSES

    @property
    def arrived_on(self) -> dt.date:
        """The day it was sent: an opinion sent after hours counts as received the next working
        day (the deadline runs from then), yet the office may answer it the same evening."""
        return min(timezone.localdate(self.submitted_at), self.received_on)

    def touches_public_pages(self, update_fields=None) -> bool:
        """Whether saving (or deleting) this row changes a public page: disclosure.core.cache asks."""
        return self.published_at is not None or bool(update_fields and "published_at" in update_fields)

    @property
    def answered_late(self) -> bool:
        return bool(self.answered_on and self.due_on and self.answered_on > self.due_on)


OPEN_OPINION_STATUSES = (Opinion.Status.RECEIVED, Opinion.Status.FORWARDED)


class OpinionEvent(Event):
    """One step in an opinion's life (actor, time, note and data from `Event`)."""

    # Notes may quote the sender.
    personal_fields = ("note", "data")

    class Action(models.TextChoices):
        RECEIVED = "received", "收到意见"
        FORWARDED = "forwarded", "转办"
        ANSWERED = "answered", "答复"
        OUTCOME = "outcome", "登记办理结果"
        PUBLISHED = "published", "选登"
        UNPUBLISHED = "unpublished", "撤下选登"
        DEADLINE_RECOMPUTED = "deadline_recomputed", "重算期限"
        ANONYMISED = "anonymised", "匿名化"

    opinion = models.ForeignKey(Opinion, verbose_name="意见", on_delete=models.CASCADE,
                                related_name="events")
    action = models.CharField("操作", max_length=30, choices=Action)

    class Meta:
        verbose_name = "意见办理记录"
        verbose_name_plural = "意见办理记录"
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} · {self.opinion}"


# ---- The survey (网络调查) ----


class SurveyQuerySet(models.QuerySet):
    def accepting(self, today=None):
        """Surveys the public may answer today: opened by the office and within their period."""
        today = today or timezone.localdate()
        return self.filter(status=Survey.Status.OPEN, opens_on__lte=today, closes_on__gte=today)


class Survey(models.Model):
    """A short satisfaction survey, open for a period, answered anonymously through its link."""

    class Status(models.TextChoices):
        DRAFT = "draft", "编辑中"
        OPEN = "open", "已开放"
        CLOSED = "closed", "已结束"

    title = models.CharField("标题", max_length=200)
    slug = models.SlugField(
        "网址标识", max_length=60, unique=True,
        help_text="调查链接的一部分（字母、数字或连字符），如 2026：链接为 /surveys/2026/。",
    )
    intro = models.TextField("说明", blank=True, help_text="显示在问卷开头，纯文本。")
    opens_on = models.DateField("开始日期")
    closes_on = models.DateField("结束日期", help_text="当天仍可作答。")
    status = models.CharField("状态", max_length=20, choices=Status, default=Status.DRAFT,
                              editable=False, db_index=True)
    opened_at = models.DateTimeField("开放时间", null=True, blank=True, editable=False)
    closed_at = models.DateTimeField("结束时间", null=True, blank=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="创建人", null=True,
                                   blank=True, on_delete=models.SET_NULL, related_name="+",
                                   editable=False)
    created_at = models.DateTimeField("创建时间", default=timezone.now, editable=False)

    objects = SurveyQuerySet.as_manager()
    history = HistoricalRecords(verbose_name="网络调查历史")

    class Meta:
        verbose_name = "网络调查"
        verbose_name_plural = "网络调查"
        ordering = ["-opens_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_on__gte=models.F("opens_on")), name="survey_closes_after_opening",
                violation_error_message="结束日期不能早于开始日期。",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def is_accepting(self, today=None) -> bool:
        today = today or timezone.localdate()
        return self.status == self.Status.OPEN and self.opens_on <= today <= self.closes_on


class Question(models.Model):
    """One question of a survey: a single choice, a rating from 1 to 5, or free text."""

    class Kind(models.TextChoices):
        SINGLE_CHOICE = "single_choice", "单选"
        RATING = "rating", "评分（1-5 分）"
        FREE_TEXT = "free_text", "文字"

    survey = models.ForeignKey(Survey, verbose_name="调查", on_delete=models.CASCADE,
                               related_name="questions")
    position = models.PositiveSmallIntegerField("序号", default=1)
    text = models.CharField("题目", max_length=300)
    kind = models.CharField("题型", max_length=20, choices=Kind, default=Kind.SINGLE_CHOICE)
    choices = models.TextField("选项", blank=True, help_text="单选题每行一个选项（2 至 10 个）。")
    required = models.BooleanField("必答", default=True)
    is_satisfaction = models.BooleanField(
        "计入满意度", default=False,
        help_text="评分题：给 4 分（满意）或 5 分（非常满意）的比例即年度报告中的满意度。每份调查至多一题。",
    )

    history = HistoricalRecords(verbose_name="调查题目历史")

    class Meta:
        verbose_name = "调查题目"
        verbose_name_plural = "调查题目"
        ordering = ["survey", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["survey"], condition=Q(is_satisfaction=True),
                                    name="one_satisfaction_question",
                                    violation_error_message="每份调查只能有一题计入满意度。"),
            models.CheckConstraint(condition=Q(is_satisfaction=False) | Q(kind="rating"),
                                   name="satisfaction_is_rating",
                                   violation_error_message="只有评分题可以计入满意度。"),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.text}"

    @property
    def choice_list(self) -> list[str]:
        return [line.strip() for line in self.choices.splitlines() if line.strip()]

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.kind == self.Kind.SINGLE_CHOICE and not 2 <= len(self.choice_list) <= 10:
            raise ValidationError({"choices": "单选题请填写 2 至 10 个选项，每行一个。"})
        if self.kind == self.Kind.SINGLE_CHOICE and len(set(self.choice_list)) != len(self.choice_list):
            raise ValidationError({"choices": "选项不能重复。"})
        if self.is_satisfaction and self.kind != self.Kind.RATING:
            raise ValidationError({"is_satisfaction": "只有评分题可以计入满意度。"})


class SurveyResponse(models.Model):
    """One anonymous answer sheet: nothing about who sent it is kept."""

    survey = models.ForeignKey(Survey, verbose_name="调查", on_delete=models.CASCADE,
                               related_name="responses")
    submitted_at = models.DateTimeField("提交时间", default=timezone.now, db_index=True)

    class Meta:
        verbose_name = "调查答卷"
        verbose_name_plural = "调查答卷"
        ordering = ["-submitted_at", "-id"]

    def __str__(self) -> str:
        return f"{self.survey} · {timezone.localtime(self.submitted_at):%Y-%m-%d %H:%M}"


class Answer(models.Model):
    """The answer to one question in one answer sheet."""

    # Free text may name the writer or others; the office alone reads it.
    personal_fields = ("text",)

    response = models.ForeignKey(SurveyResponse, verbose_name="答卷", on_delete=models.CASCADE,
                                 related_name="answers")
    question = models.ForeignKey(Question, verbose_name="题目", on_delete=models.CASCADE,
                                 related_name="answers")
    choice = models.CharField("所选选项", max_length=200, blank=True)
    rating = models.PositiveSmallIntegerField(
        "评分", null=True, blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(RATING_SCALE)],
    )
    text = models.TextField("文字回答", blank=True)

    class Meta:
        verbose_name = "答案"
        verbose_name_plural = "答案"
        ordering = ["response", "question__position"]
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="one_answer_per_question"),
            models.CheckConstraint(condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                                   name="answer_rating_in_scale",
                                   violation_error_message="评分应在 1 至 5 之间。"),
        ]

    def __str__(self) -> str:
        return f"{self.question.text}：{self.choice or self.rating or '（文字）'}"


class EvaluationActivity(models.Model):
    """A meeting or visit where the office heard opinions on its disclosure work (entered facts)."""

    class Kind(models.TextChoices):
        MEETING = "meeting", "座谈会"
        VISIT = "visit", "调研"
        OTHER = "other", "其他评议活动"

    kind = models.CharField("类型", max_length=20, choices=Kind)
    held_on = models.DateField("日期", help_text="按该日期所在学年计入年度报告第四部分。")
    title = models.CharField("名称", max_length=200, help_text="如“师生代表信息公开工作座谈会”。")
    participants = models.PositiveIntegerField("参加人数", null=True, blank=True)
    note = models.TextField("主要意见与改进", blank=True)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="录入人", null=True,
                                   blank=True, on_delete=models.SET_NULL, related_name="+",
                                   editable=False)

    history = HistoricalRecords(verbose_name="评议活动历史")

    class Meta:
        verbose_name = "评议活动（座谈会、调研）"
        verbose_name_plural = "评议活动（座谈会、调研）"
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return f"{self.held_on:%Y-%m-%d} {self.get_kind_display()}：{self.title}"
