"""The outbox: every mail the portal sends, kept until the mail server has taken it; the yearly
counters that number requests, opinions and index numbers; and the shape of a workflow's event."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F
from django.utils import timezone


class Event(models.Model):
    """One step in the life of an item, a request or an opinion: who, when, what.

    Each workflow's event model adds what it belongs to and its own `Action` choices; only that
    workflow's actions write them, so the history is the record of every change.
    """

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="操作人", null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    at = models.DateTimeField("时间", default=timezone.now, db_index=True)
    note = models.TextField("说明", blank=True)
    data = models.JSONField("详情", default=dict, blank=True)

    class Meta:
        abstract = True


class YearlyCounter(models.Model):
    """The last sequence number given in a year, for numbers that restart every year.

    `take` is the one way to get a number, inside the caller's transaction: the row stays locked
    until it commits, so two numbers taken at once are never the same; a save that is rolled back
    takes its number back with it, so failed saves leave no gaps.
    """

    year = models.PositiveIntegerField("年份", unique=True)
    last = models.PositiveIntegerField("已用到的序号", default=0)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.year}：{self.last}"

    @classmethod
    def take(cls, year: int) -> int:
        """The next sequence number of `year` (1 for the year's first)."""
        cls.objects.get_or_create(year=year)
        # An UPDATE takes the row lock at once: two callers cannot read the same value.
        cls.objects.filter(year=year).update(last=F("last") + 1)
        return cls.objects.values_list("last", flat=True).get(year=year)


class OutgoingMailQuerySet(models.QuerySet):
    def waiting(self):
        """Mail not yet delivered that the worker will still try."""
        return self.filter(status=OutgoingMail.Status.WAITING)

    def failed(self):
        return self.filter(status=OutgoingMail.Status.FAILED)


class OutgoingMail(models.Model):
    """One mail: written in the transaction of the change it reports, sent by a task afterwards."""

    class Status(models.TextChoices):
        WAITING = "waiting", "等待发送"
        SENT = "sent", "已发送"
        FAILED = "failed", "发送失败"

    class Kind(models.TextChoices):
        RECEIPT = "receipt", "申请回执"
        REQUEST_UPDATE = "request_update", "申请进度通知"
        LETTER = "letter", "告知书通知"
        DIGEST = "digest", "期限提醒"
        ERROR_REPORT = "error_report", "纠错通知"
        OTHER = "other", "其他"

    kind = models.CharField("类别", max_length=20, choices=Kind.choices, default=Kind.OTHER)
    to = models.JSONField("收件人", default=list)
    subject = models.CharField("主题", max_length=255)
    body = models.TextField("正文")
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.WAITING)
    attempts = models.PositiveIntegerField("已尝试次数", default=0)
    last_error = models.CharField(
        "最近一次错误", max_length=300, blank=True,
        help_text="错误的类型和说明；收件地址已替换为“<收件人>”。",
    )
    created_at = models.DateTimeField("写入时间", auto_now_add=True)
    next_attempt_at = models.DateTimeField("下次尝试时间", null=True, blank=True)
    sent_at = models.DateTimeField("发送时间", null=True, blank=True)
    resent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="最近重新发送人", null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    resent_at = models.DateTimeField("最近重新发送时间", null=True, blank=True)

    objects = OutgoingMailQuerySet.as_manager()

    # Addresses, and bodies that name the applicant and hold the check code.
    personal_fields = ("to", "body")

    class Meta:
        verbose_name = "外发邮件"
        verbose_name_plural = "外发邮件"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="core_mail_status_next")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.subject}"
