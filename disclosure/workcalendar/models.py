from django.db import models


class Holiday(models.Model):
    """One day of the official arrangement, or a correction: overrides the shipped calendar."""

    class Source(models.TextChoices):
        OFFICIAL = "official", "国务院办公厅通知"
        MANUAL = "manual", "人工设置"
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
