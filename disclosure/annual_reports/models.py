"""The yearly report (信息公开年度报告) and the figures the portal cannot count by itself.

The academic year runs from 1 September to 31 August; `year` is the year it starts in
(2020 is 2020-2021). 教办函〔2014〕23号: published by 31 October on the disclosure column.
"""

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from disclosure.annual_reports.years import ReportYearValidator
from disclosure.catalogue.models import Channel, ChannelSection, ChecklistEntry
from disclosure.core.institution import university_name
from disclosure.items.models import DisclosureItem

YEAR_VALIDATORS = [ReportYearValidator()]


def academic_year_label(year: int) -> str:
    return f"{year}-{year + 1}学年"


def academic_year_bounds(year: int) -> tuple[dt.date, dt.date]:
    """First and last day (inclusive) of the academic year starting in September of `year`."""
    return dt.date(year, 9, 1), dt.date(year + 1, 8, 31)


def academic_year_of(day: dt.date) -> int:
    return day.year if day.month >= 9 else day.year - 1


class AnnualReportQuerySet(models.QuerySet):
    def published(self):
        """What the public sees of the reports: the one rule, for the site and the API."""
        return self.filter(status=AnnualReport.Status.PUBLISHED)


class AnnualReport(models.Model):
    """One academic year's report: narrative parts by the office, figures generated from data."""

    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        PUBLISHED = "published", "已发布"

    year = models.PositiveSmallIntegerField(
        "学年", unique=True, validators=YEAR_VALIDATORS,
        help_text="学年开始的年份：2020 表示 2020年9月1日至2021年8月31日。",
    )
    title = models.CharField(
        "标题", max_length=200, blank=True, help_text="留空时为“某某学年信息公开工作年度报告”。"
    )
    preface = models.TextField("前言", blank=True, help_text="报告依据、编制单位、统计时段等说明。")
    overview = models.TextField("一、概述", blank=True)
    proactive_notes = models.TextField(
        "二、主动公开情况（文字说明）", blank=True,
        help_text="统计数字由系统生成，这里只写数字以外的说明。",
    )
    requests_notes = models.TextField("三、依申请公开（文字说明）", blank=True)
    evaluation = models.TextField("四、对信息公开的评议情况", blank=True)
    complaints_notes = models.TextField("五、举报、复议、诉讼（文字说明）", blank=True)
    problems = models.TextField("六、存在的主要问题", blank=True)
    measures = models.TextField("六、改进措施", blank=True)
    other_matters = models.TextField("其他需要报告的事项", blank=True)
    signed_on = models.DateField("落款日期", null=True, blank=True)
    university = models.CharField(
        "署名单位", max_length=100, blank=True,
        help_text="留空时用站点设置中的学校名称；发布时记入报告，之后学校更名也不变。",
    )
    total_items_entered = models.PositiveIntegerField(
        "对外公布信息总数（录入）", null=True, blank=True,
        help_text="系统数据不全的学年（如系统上线前）由办公室录入，代替各渠道条数之和；报告中标“*”。",
    )
    total_items_wording = models.CharField(
        "总数的表述", max_length=30, blank=True,
        help_text="报告原文的写法，如“5000余条”；留空时印数字。",
    )
    checks_note = models.TextField(
        "数据核对说明", blank=True,
        help_text="数据核对未通过而仍要发布时，写明原因（如“各类会议有交叉，合计多于总数”）；报告中作为注释印出。",
    )

    status = models.CharField(
        "状态", max_length=20, choices=Status, default=Status.DRAFT, editable=False
    )
    figures = models.JSONField(
        "发布时的统计数据", null=True, blank=True, editable=False,
        help_text="发布时冻结；发布后数据再变化，已发布报告不变。",
    )
    published_at = models.DateTimeField("发布时间", null=True, blank=True, editable=False)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="发布人", null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+", editable=False,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="创建人", null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+", editable=False,
    )
    created_at = models.DateTimeField("创建时间", default=timezone.now, editable=False)
    modified_at = models.DateTimeField("修改时间", auto_now=True)

    history = HistoricalRecords(verbose_name="年度报告历史", excluded_fields=["modified_at"])

    objects = AnnualReportQuerySet.as_manager()

    class Meta:
        verbose_name = "信息公开年度报告"
        verbose_name_plural = "信息公开年度报告"
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="draft") | (Q(figures__isnull=False) & Q(published_at__isnull=False)),
                name="report_published_is_frozen",
                violation_error_message="已发布的报告必须保存发布时的统计数据。",
            ),
        ]

    def __str__(self) -> str:
        return self.display_title

    def get_absolute_url(self) -> str:
        return reverse("disclosure:report_detail", kwargs={"year": self.year})

    @property
    def university_label(self) -> str:
        """The name the report is signed with: its own once published, else the site's."""
        return self.university or university_name()

    @property
    def display_title(self) -> str:
        return self.title or f"{self.university_label}{academic_year_label(self.year)}信息公开工作年度报告"

    @property
    def period(self) -> tuple[dt.date, dt.date]:
        return academic_year_bounds(self.year)

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED


class ChannelMetric(models.Model):
    """A figure about a channel the portal cannot count itself, entered once by the office."""

    class Metric(models.TextChoices):
        ITEMS = "items", "发布信息条数"
        PUBLISHING_DAYS = "publishing_days", "发布天数"
        READS = "reads", "阅读量"
        FOLLOWERS = "followers", "粉丝数"
        FOLLOWER_GROWTH = "follower_growth", "粉丝净增长"
        LIKES = "likes", "点赞数"
        HITS_100K = "hits_100k", "10万+作品数"
        HITS_50K = "hits_50k", "5万+作品数"
        SITES = "sites", "网站数"
        ACCOUNTS = "accounts", "账号数"
        MEETINGS = "meetings", "会议次数"
        ISSUES = "issues", "期数"

    channel = models.ForeignKey(
        Channel, verbose_name="渠道", on_delete=models.PROTECT, related_name="metrics"
    )
    section = models.ForeignKey(
        ChannelSection, verbose_name="栏目", on_delete=models.PROTECT, null=True, blank=True,
        related_name="metrics",
        help_text="按栏目（如通知公告、党委会）统计时选择；整个渠道的数字留空。",
    )
    year = models.PositiveSmallIntegerField(
        "学年", validators=YEAR_VALIDATORS, help_text="学年开始的年份：2020 表示 2020-2021 学年。"
    )
    metric = models.CharField("指标", max_length=30, choices=Metric)
    value = models.PositiveBigIntegerField(
        "数值", help_text="填整数：133万填 1330000。“发布信息条数”填写后代替系统从发布记录统计的数字。"
    )
    note = models.CharField(
        "说明", max_length=200, blank=True, help_text="如“同比增长1个”“5000余人”，报告中照录。"
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="录入人", null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+", editable=False,
    )
    entered_at = models.DateTimeField("录入时间", auto_now=True)

    history = HistoricalRecords(verbose_name="渠道数据历史")

    class Meta:
        verbose_name = "渠道统计数据"
        verbose_name_plural = "渠道统计数据"
        ordering = ["-year", "channel", "section", "metric"]
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "section", "year", "metric"], name="unique_channel_metric",
                violation_error_message="该渠道（栏目）本学年已有此项数据。",
            ),
            models.UniqueConstraint(
                fields=["channel", "year", "metric"], condition=Q(section__isnull=True),
                name="unique_channel_metric_no_section",
                violation_error_message="该渠道本学年已有此项数据。",
            ),
        ]

    def __str__(self) -> str:
        where = self.section or self.channel
        return f"{academic_year_label(self.year)} {where} {self.get_metric_display()}：{self.value}"


class DocumentCount(models.Model):
    """Documents issued in a year (党委发文, 行政发文, 纪要), when not every one is an item."""

    Kind = DisclosureItem.DocumentKind

    year = models.PositiveSmallIntegerField(
        "学年", validators=YEAR_VALIDATORS, help_text="学年开始的年份：2020 表示 2020-2021 学年。"
    )
    kind = models.CharField("公文类型", max_length=30, choices=Kind)
    value = models.PositiveIntegerField(
        "数量", help_text="填写后代替系统按公文类型从已发布事项统计的数字。"
    )
    note = models.CharField("说明", max_length=200, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="录入人", null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+", editable=False,
    )
    entered_at = models.DateTimeField("录入时间", auto_now=True)

    history = HistoricalRecords(verbose_name="发文数量历史")

    class Meta:
        verbose_name = "发文数量"
        verbose_name_plural = "发文数量"
        ordering = ["-year", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "kind"], name="unique_document_count",
                violation_error_message="本学年该类公文已有数量。",
            ),
            models.CheckConstraint(
                condition=~Q(kind=""), name="document_count_has_kind",
                violation_error_message="请选择公文类型。",
            ),
        ]

    def __str__(self) -> str:
        return f"{academic_year_label(self.year)} {self.get_kind_display()}：{self.value}"


class Complaint(models.Model):
    """A complaint, administrative review or lawsuit about the university's disclosure work."""

    class Kind(models.TextChoices):
        REPORT = "report", "举报"
        REVIEW = "review", "行政复议"
        LAWSUIT = "lawsuit", "行政诉讼"

    class Outcome(models.TextChoices):
        # The rows of the national report format (国办公开办函〔2021〕30号).
        PENDING = "pending", "尚未审结"
        MAINTAINED = "maintained", "结果维持"
        CORRECTED = "corrected", "结果纠正"
        OTHER = "other", "其他结果"

    kind = models.CharField("类型", max_length=20, choices=Kind)
    received_on = models.DateField("收到日期", help_text="按该日期所在学年计入年度报告。")
    summary = models.TextField("事由")
    outcome = models.CharField("结果", max_length=20, choices=Outcome, default=Outcome.PENDING)
    decided_on = models.DateField("审结日期", null=True, blank=True)
    outcome_note = models.TextField("处理情况", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="登记人", null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+", editable=False,
    )
    created_at = models.DateTimeField("登记时间", default=timezone.now, editable=False)

    history = HistoricalRecords(verbose_name="举报复议诉讼历史")

    class Meta:
        verbose_name = "举报、复议、诉讼"
        verbose_name_plural = "举报、复议、诉讼"
        ordering = ["-received_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome="pending") | Q(decided_on__isnull=False),
                name="complaint_decided_has_date",
                violation_error_message="已审结的须填写审结日期。",
            ),
            models.CheckConstraint(
                condition=Q(decided_on__isnull=True) | Q(decided_on__gte=models.F("received_on")),
                name="complaint_decided_after_received",
                violation_error_message="审结日期不能早于收到日期。",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.received_on:%Y-%m-%d}"


class ChecklistStatement(models.Model):
    """How one checklist entry was disclosed in a year, as the office states it (years before the
    portal's own records, or an entry published elsewhere). It replaces the counted row, marked "*".
    """

    class Status(models.TextChoices):
        DISCLOSED = "disclosed", "已公开"
        EARLIER = "earlier", "往年已公开，本学年无变化"
        NOT_APPLICABLE = "not_applicable", "不适用"
        NONE = "none", "本学年未公开"

    year = models.PositiveSmallIntegerField(
        "学年", validators=YEAR_VALIDATORS, help_text="学年开始的年份：2020 表示 2020-2021 学年。"
    )
    entry = models.ForeignKey(
        ChecklistEntry, verbose_name="清单事项", on_delete=models.PROTECT, related_name="statements"
    )
    status = models.CharField("公开情况", max_length=20, choices=Status)
    links = models.TextField(
        "链接", blank=True, help_text="每行一个网址，可在网址前写标题并以空格分隔。"
    )
    note = models.CharField(
        "说明", max_length=300, blank=True, help_text="如公开渠道、不适用的理由、链接缺失的原因，报告中照录。"
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="录入人", null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+", editable=False,
    )
    entered_at = models.DateTimeField("录入时间", auto_now=True)

    history = HistoricalRecords(verbose_name="清单事项公开情况录入历史")

    class Meta:
        verbose_name = "清单事项公开情况（录入）"
        verbose_name_plural = "清单事项公开情况（录入）"
        ordering = ["-year", "entry__number"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "entry"], name="unique_checklist_statement",
                violation_error_message="本学年该清单事项已有录入的公开情况。",
            ),
        ]

    def __str__(self) -> str:
        return f"{academic_year_label(self.year)} 第{self.entry.number}项：{self.get_status_display()}"

    def link_list(self) -> list[dict[str, str]]:
        """The links as (title, url) pairs; a line without a title shows its address."""
        rows = []
        for line in self.links.splitlines():
            line = line.strip()
            if not line:
                continue
            title, _, url = line.rpartition(" ")
            rows.append({"title": title.strip() or url, "url": url})
        return rows
