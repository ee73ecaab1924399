from django.conf import settings
from django.db import models
from django.urls import reverse


class Department(models.Model):
    """An office or a school that owns items (部门 / 二级学院)."""

    class Kind(models.TextChoices):
        OFFICE = "office", "党政管理部门"
        SCHOOL = "school", "二级学院"
        OTHER = "other", "直属及附属单位"

    name = models.CharField("名称", max_length=100, unique=True)
    code = models.SlugField(
        "代码", max_length=40, unique=True, help_text="英文字母、数字或连字符，用于网址，如 jwc。"
    )
    kind = models.CharField("类型", max_length=20, choices=Kind, default=Kind.OFFICE)
    active = models.BooleanField("启用", default=True)
    sort_order = models.PositiveIntegerField("排序", default=100)
    editors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name="信息员",
        related_name="departments",
        blank=True,
        help_text="可以编辑本部门公开事项的用户；一个用户可属于多个部门。",
    )

    class Meta:
        verbose_name = "部门"
        verbose_name_plural = "部门"
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("disclosure:department", kwargs={"code": self.code})


class ChecklistCategory(models.Model):
    """One of the 10 categories of 《高等学校信息公开事项清单》."""

    number = models.PositiveSmallIntegerField("序号", unique=True)
    name = models.CharField("名称", max_length=100)

    class Meta:
        verbose_name = "清单类别"
        verbose_name_plural = "清单类别"
        ordering = ["number"]

    def __str__(self) -> str:
        return f"{self.number}. {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("disclosure:category", kwargs={"number": self.number})


class ChecklistEntry(models.Model):
    """One of the 50 numbered entries; the official text is loaded by a migration."""

    class Cadence(models.TextChoices):
        ON_CHANGE = "on_change", "信息产生或变更时"
        YEARLY = "yearly", "每年"
        TERMLY = "termly", "每学期"
        QUARTERLY = "quarterly", "每季度"
        MONTHLY = "monthly", "每月"
        AS_NEEDED = "as_needed", "不定期"

    number = models.PositiveSmallIntegerField("序号", unique=True)
    title = models.TextField("事项（官方表述）")
    category = models.ForeignKey(
        ChecklistCategory, verbose_name="类别", on_delete=models.PROTECT, related_name="entries"
    )
    responsible_departments = models.ManyToManyField(
        Department, verbose_name="责任部门", related_name="responsible_entries", blank=True
    )
    update_cadence = models.CharField(
        "更新频率", max_length=20, choices=Cadence, default=Cadence.ON_CHANGE
    )
    legal_basis = models.TextField(
        "有关文件", blank=True, help_text="该事项公开的依据，如《高等学校信息公开办法》第七条。"
    )
    not_applicable_note = models.CharField(
        "不适用说明",
        max_length=200,
        blank=True,
        help_text="本校不涉及该事项时填写原因（如“学校无附属医院”），年度报告清单表中显示。",
    )

    class Meta:
        verbose_name = "清单事项"
        verbose_name_plural = "清单事项"
        ordering = ["number"]

    def __str__(self) -> str:
        title = self.title if len(self.title) <= 30 else self.title[:30] + "…"
        return f"{self.number}. {title}"

    def get_absolute_url(self) -> str:
        return reverse("disclosure:entry", kwargs={"number": self.number})


class Channel(models.Model):
    """A way the university publishes information (办法 art. 12)."""

    class Kind(models.TextChoices):
        WEBSITE = "website", "学校门户网站"
        DISCLOSURE_COLUMN = "disclosure_column", "信息公开网（专栏）"
        DEPARTMENT_WEBSITE = "department_website", "部门网站"
        WECHAT = "wechat", "微信公众号"
        DOUYIN = "douyin", "抖音"
        TOUTIAO = "toutiao", "今日头条"
        NEWSPAPER = "newspaper", "校报校刊"
        NOTICE_BOARD = "notice_board", "公告栏 / 橱窗展板"
        MEETING = "meeting", "会议"
        PRESS_CONFERENCE = "press_conference", "新闻发布会"
        OTHER = "other", "其他"

    name = models.CharField("名称", max_length=100, unique=True)
    kind = models.CharField("类型", max_length=30, choices=Kind)
    url = models.URLField("网址", blank=True)
    active = models.BooleanField("启用", default=True)
    sort_order = models.PositiveIntegerField("排序", default=100)

    class Meta:
        verbose_name = "公开渠道"
        verbose_name_plural = "公开渠道"
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.name


class ChannelSection(models.Model):
    """A channel's own section (栏目), e.g. the website's notices / news / other."""

    channel = models.ForeignKey(
        Channel, verbose_name="渠道", on_delete=models.CASCADE, related_name="sections"
    )
    name = models.CharField("栏目", max_length=100)
    sort_order = models.PositiveIntegerField("排序", default=100)

    class Meta:
        verbose_name = "渠道栏目"
        verbose_name_plural = "渠道栏目"
        ordering = ["channel", "sort_order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["channel", "name"], name="unique_section_per_channel")
        ]

    def __str__(self) -> str:
        return f"{self.channel.name} · {self.name}"
