from django.conf import settings
from django.db import models
from django.utils import timezone


class Holiday(models.Model):
    """One day of the official arrangement, or a correction: overrides the shipped calendar."""

    class Source(models.TextChoices):
        # Loaded from the State Council's notice (pasted, or a file transcribing it).
        OFFICIAL = "official", "国务院办公厅通知"
        # A correction by the disclosure office, over any other source.
        MANUAL = "manual", "办公室调整"
        PROVISIONAL = "provisional", "暂定"

    date = models.DateField("日期", unique=True)
    is_workday = models.BooleanField(
        "是否上班",
        help_text="勾选表示该日上班（如周末调休上班）；不勾选表示该日放假。",
    )
    name = models.CharField("名称", max_length=50, blank=True, help_text="如“春节”“国庆节”。")
    source = models.CharField("来源", max_length=20, choices=Source, default=Source.MANUAL)
    note = models.CharField("说明", max_length=200, blank=True, help_text="如通知文号。")
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "节假日安排"
        verbose_name_plural = "节假日安排"
        ordering = ["-date"]

    def __str__(self) -> str:
        kind = "上班" if self.is_workday else "放假"
        return f"{self.date:%Y-%m-%d} {self.name}{kind}"


class CalendarChange(models.Model):
    """One change to the working-day calendar and every date it moved: who, when, what.

    Written by `disclosure.workcalendar.services` only, in the transaction of the change.
    """

    class Kind(models.TextChoices):
        NOTICE = "notice", "载入国务院办公厅通知"
        FILE = "file", "载入放假安排文件"
        OVERRIDE = "override", "办公室调整某日"
        LIBRARY = "library", "官方放假数据（随系统安装）新收录年份"

    kind = models.CharField("变更方式", max_length=20, choices=Kind)
    year = models.PositiveSmallIntegerField("年份", null=True, blank=True)
    at = models.DateTimeField("时间", default=timezone.now, db_index=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="操作人", null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+", help_text="为空表示系统（命令行或升级后自动检查）。",
    )
    reason = models.CharField("说明", max_length=300)
    days = models.JSONField(
        "载入的日期", default=list, blank=True, help_text="每项为 [日期, 是否上班, 名称]。"
    )
    moves = models.JSONField(
        "变动的期限", default=list, blank=True,
        help_text="每项为 {对象, 期限, 原日期, 新日期}。",
    )
    text = models.TextField("通知原文", blank=True)

    class Meta:
        verbose_name = "日历变更记录"
        verbose_name_plural = "日历变更记录"
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_kind_display()}"


class CalendarYear(models.Model):
    """Where a year's arrangement came from when the calendar was last checked.

    `check_calendar` (daily, and after every `migrate`) compares it with the installed library: a
    year stored as provisional that the library now covers is a calendar change.
    """

    class Source(models.TextChoices):
        LIBRARY = "library", "官方放假数据（随系统安装）"
        NOTICE = "notice", "国务院办公厅通知（已载入）"
        PROVISIONAL = "provisional", "暂定规则"

    year = models.PositiveSmallIntegerField("年份", unique=True)
    source = models.CharField("来源", max_length=20, choices=Source)
    library_version = models.CharField("官方放假数据版本", max_length=20, blank=True)
    checked_at = models.DateTimeField("检查时间", auto_now=True)

    class Meta:
        verbose_name = "年度日历来源"
        verbose_name_plural = "年度日历来源"
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"{self.year}：{self.get_source_display()}"
