import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.core.validators import FileExtensionValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from disclosure.catalogue.models import Department
from disclosure.items.models import DisclosureItem


class PageQuerySet(models.QuerySet):
    def published(self):
        """What the public sees of the office's pages: the one rule, for views and the sitemap."""
        return self.filter(is_published=True)


class Page(models.Model):
    """A page of the site the office edits in the admin: the guide (信息公开指南) and others."""

    GUIDE = "guide"

    slug = models.SlugField(
        "网址标识", max_length=60, unique=True,
        help_text="英文字母、数字或连字符；信息公开指南固定为 guide。",
    )
    title = models.CharField("标题", max_length=200)
    body = models.TextField(
        "正文", blank=True, help_text="可使用基本 HTML 格式；脚本和事件属性会在保存时被清除。"
    )
    is_published = models.BooleanField("对外显示", default=True)
    sort_order = models.PositiveIntegerField("排序", default=100)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="更新人", null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+", editable=False,
    )

    history = HistoricalRecords(verbose_name="页面历史")

    objects = PageQuerySet.as_manager()

    class Meta:
        verbose_name = "页面"
        verbose_name_plural = "页面"
        ordering = ["sort_order", "slug"]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        from disclosure.core.sanitize import sanitize_html

        self.body = sanitize_html(self.body)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        if self.slug == self.GUIDE:
            return reverse("disclosure:guide")
        return reverse("disclosure:page", kwargs={"slug": self.slug})


def wechat_qr_upload_to(instance, filename: str) -> str:
    # Never the uploader's name: no path tricks, no clashes.
    suffix = PurePosixPath(filename).suffix.lower()[:5]
    return f"site/wechat-qr-{uuid.uuid4().hex}{suffix}"


def _default(name: str) -> str:
    return settings.DISCLOSURE.get(name, "")


class SiteSettings(models.Model):
    """The facts about the university and its disclosure office that the public site shows; one row.

    The guide (信息公开指南), the footer, the request letters and the yearly report read them from here,
    so the office changes an address or a phone number once, in the admin.
    """

    university_name = models.CharField("学校名称", max_length=100, default="")
    university_code = models.CharField(
        "学校标识码", max_length=20, default="",
        help_text="教育部学校标识码（10 位数字）。新事项的索引号由它、年份和序号生成；已生成的索引号不随之改变。",
    )
    office_name = models.CharField("信息公开工作机构", max_length=100, default="")
    office_address = models.CharField(
        "办公地点", max_length=200, blank=True, help_text="来访申请的地点，如：行政楼 205 室。"
    )
    postal_address = models.CharField(
        "通信地址", max_length=200, blank=True, help_text="信函申请的邮寄地址，含邮政编码。"
    )
    phone = models.CharField("联系电话", max_length=50, blank=True)
    email = models.EmailField("电子邮箱", blank=True)
    office_hours = models.CharField(
        "受理时间", max_length=200, blank=True,
        help_text="如：工作日上午 8:30—11:30，下午 14:30—17:00（法定节假日除外）。",
    )
    icp_number = models.CharField("ICP 备案号", max_length=50, blank=True, help_text="如：京ICP备05000000号。")
    police_number = models.CharField(
        "公安备案号", max_length=50, blank=True, help_text="如：京公网安备 11010802000000号。"
    )
    wechat_account = models.CharField("微信公众号名称", max_length=100, blank=True)
    wechat_qr = models.ImageField(
        "微信公众号二维码", upload_to=wechat_qr_upload_to, blank=True,
        validators=[FileExtensionValidator(["png", "jpg", "jpeg"])],
        help_text="PNG 或 JPEG 图片，显示在“订阅说明”页。",
    )
    modified_at = models.DateTimeField("修改时间", auto_now=True)
    modified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="修改人", null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+", editable=False,
    )

    history = HistoricalRecords(verbose_name="网站设置历史")

    class Meta:
        verbose_name = "网站设置"
        verbose_name_plural = "网站设置"

    def __str__(self) -> str:
        return "网站设置"

    def save(self, *args, **kwargs):
        # One row: whichever door saves it, it is the row every page reads.
        self.pk = 1
        super().save(*args, **kwargs)

    @classmethod
    def defaults(cls) -> "SiteSettings":
        """The settings before the office saved any: the names from the deployment's environment."""
        return cls(
            pk=1, university_name=_default("UNIVERSITY_NAME"), university_code=_default("UNIVERSITY_CODE"),
            office_name=_default("OFFICE_NAME"),
        )

    @classmethod
    def current(cls) -> "SiteSettings":
        """The settings in force, remembered until reference data next change (one purge)."""
        from disclosure.items.selectors import cached_until_reference_change

        return cached_until_reference_change(
            "site-settings", lambda: cls.objects.filter(pk=1).first() or cls.defaults()
        )


class ErrorReport(models.Model):
    """A reader's report of an error in an item, or a question about it (纠错), tracked to an outcome."""

    # Whoever reported the error: their name and contact are the office's and the department's alone.
    personal_fields = ("name", "contact")

    class Kind(models.TextChoices):
        ERROR = "error", "信息有误"
        QUESTION = "question", "咨询"

    class Status(models.TextChoices):
        NEW = "new", "待处理"
        IN_PROGRESS = "in_progress", "处理中"
        RESOLVED = "resolved", "已更正/已答复"
        REJECTED = "rejected", "不予采纳"

    item = models.ForeignKey(
        DisclosureItem, verbose_name="公开事项", on_delete=models.CASCADE, related_name="error_reports"
    )
    department = models.ForeignKey(
        Department, verbose_name="处理部门", on_delete=models.PROTECT, related_name="error_reports",
        help_text="提交时事项的发布部门。",
    )
    kind = models.CharField("类型", max_length=20, choices=Kind, default=Kind.ERROR)
    message = models.TextField("内容")
    name = models.CharField("称呼", max_length=50, blank=True)
    contact = models.CharField("联系方式", max_length=100, blank=True)
    status = models.CharField("状态", max_length=20, choices=Status, default=Status.NEW, db_index=True)
    submitted_at = models.DateTimeField("提交时间", default=timezone.now, editable=False, db_index=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="处理人", null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+", editable=False,
    )
    resolved_at = models.DateTimeField("办结时间", null=True, blank=True, editable=False)
    outcome = models.TextField(
        "处理结果", blank=True, help_text="办结时必填：更正了什么，或答复的内容，或不予采纳的理由。"
    )

    history = HistoricalRecords(verbose_name="纠错处理历史")

    class Meta:
        verbose_name = "纠错与咨询"
        verbose_name_plural = "纠错与咨询"
        ordering = ["-submitted_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["new", "in_progress"]) | ~Q(outcome=""),
                name="error_report_closed_has_outcome",
                violation_error_message="办结时必须填写处理结果。",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.item}"

    @property
    def is_closed(self) -> bool:
        return self.status in (self.Status.RESOLVED, self.Status.REJECTED)
