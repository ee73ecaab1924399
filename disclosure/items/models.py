import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from disclosure.catalogue.models import Channel, ChannelSection, ChecklistEntry, Department
from disclosure.core.models import Event, YearlyCounter
from disclosure.core.validators import content_type_for, validate_attachment_file
from disclosure.workcalendar.validators import validate_countable_date


class TsVectorField(SearchVectorField):
    """A `tsvector` on PostgreSQL (filled by a trigger); an unused text column elsewhere."""

    def db_type(self, connection):
        return "tsvector" if connection.vendor == "postgresql" else "text"


class DisclosureItemQuerySet(models.QuerySet):
    def public(self):
        """What the public may see: published, proactive items. Every public door starts here."""
        return self.filter(
            status=DisclosureItem.Status.PUBLISHED,
            attribute=DisclosureItem.Attribute.PROACTIVE,
        )

    def visible_to(self, user):
        """Items a signed-in staff member may see in the back office."""
        from disclosure.access import policy

        if policy.sees_all_items(user):
            return self
        return self.filter(department__in=policy.user_department_ids(user))

    def awaiting_publication(self):
        """Proactive items that are produced but not yet published: the 15-working-day clock runs."""
        return self.filter(
            attribute=DisclosureItem.Attribute.PROACTIVE,
            status__in=[DisclosureItem.Status.DRAFT, DisclosureItem.Status.IN_REVIEW],
            publish_due__isnull=False,
        )

    def awaiting_update(self):
        """Published items whose information changed and whose update is not yet out."""
        return self.filter(
            status=DisclosureItem.Status.PUBLISHED,
            update_due__isnull=False,
            updated_at__isnull=True,
        )

    def drafts(self):
        return self.filter(status=DisclosureItem.Status.DRAFT)

    def returned_for_changes(self):
        """Drafts the office sent back with a comment (`return_to_draft`), not yet resubmitted."""
        return self.drafts().exclude(review_comment="")

    def in_review(self):
        return self.filter(status=DisclosureItem.Status.IN_REVIEW)

    def due_between(self, start=None, before=None):
        """Open deadlines (publication or update) falling in [start, before): the board's cut."""
        publish, update = Q(), Q()
        if start is not None:
            publish &= Q(publish_due__gte=start)
            update &= Q(update_due__gte=start)
        if before is not None:
            publish &= Q(publish_due__lt=before)
            update &= Q(update_due__lt=before)
        return (self.awaiting_publication().filter(publish)
                | self.awaiting_update().filter(update))

    def with_open_deadline(self):
        return self.filter(
            Q(pk__in=self.awaiting_publication().values("pk"))
            | Q(pk__in=self.awaiting_update().values("pk"))
        )


class IndexCounter(YearlyCounter):
    """The sequence numbers of the index numbers (索引号) given in a year."""

    year = models.PositiveIntegerField("年份", primary_key=True)

    class Meta:
        verbose_name = "索引号计数"
        verbose_name_plural = "索引号计数"


def format_index_number(code: str, year: int, sequence: int) -> str:
    return f"{code}-{year}-{sequence:05d}"


def new_index_number(year: int | None = None) -> str:
    """The next index number of `year` (the year the information was produced): 学校标识码-年份-序号.

    Taken inside the caller's transaction (YearlyCounter.take): two items saved at once never get
    the same number, and a save that is rolled back takes its number back with it.
    """
    from disclosure.core.institution import institution

    year = year or timezone.localdate().year
    return format_index_number(institution().university_code or "0", year, IndexCounter.take(year))


class DisclosureItem(models.Model):
    """One piece of published or publishable information (公开事项)."""

    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        IN_REVIEW = "in_review", "待审核"
        PUBLISHED = "published", "已发布"
        WITHDRAWN = "withdrawn", "已撤回"

    class Attribute(models.TextChoices):
        PROACTIVE = "proactive", "主动公开"
        ON_REQUEST = "on_request", "依申请公开"
        EXEMPT = "exempt", "不予公开"

    class ExemptionReason(models.TextChoices):
        # 《高等学校信息公开办法》 art. 10
        STATE_SECRET = "state_secret", "涉及国家秘密"
        COMMERCIAL_SECRET = "commercial_secret", "涉及商业秘密"
        PERSONAL_PRIVACY = "personal_privacy", "涉及个人隐私"
        OTHER_LAW = "other_law", "法律、法规和学校规定不予公开的其他信息"

    class DocumentKind(models.TextChoices):
        NONE = "", "—"
        PARTY_DOCUMENT = "party_document", "党委发文"
        ADMIN_DOCUMENT = "admin_document", "行政发文"
        PARTY_MINUTES = "party_minutes", "党委会纪要"
        PRESIDENT_MINUTES = "president_minutes", "校长办公会议纪要"

    class Validity(models.TextChoices):
        # Set by the editor: a regulation replaced or repealed stays public, marked, with its successor.
        VALID = "valid", "有效"
        VOID = "void", "失效"
        REVISED = "revised", "已修订"
        REPEALED = "repealed", "已废止"

    class Scope(models.TextChoices):
        SOCIETY = "society", "面向社会"
        CAMPUS = "campus", "校内"

    title = models.CharField("标题", max_length=300)
    index_number = models.CharField(
        "索引号", max_length=40, unique=True, null=True, blank=True, editable=False,
        help_text="保存时自动生成：学校标识码-年份-序号，此后不再改变。",
    )
    summary = models.TextField("摘要", blank=True)
    body = models.TextField(
        "正文", blank=True, help_text="可使用基本 HTML 格式；脚本和事件属性会在保存时被清除。"
    )
    department = models.ForeignKey(
        Department, verbose_name="发布部门", on_delete=models.PROTECT, related_name="items"
    )
    entries = models.ManyToManyField(
        ChecklistEntry, verbose_name="清单事项", related_name="items", blank=True
    )
    document_number = models.CharField("文号", max_length=100, blank=True)
    issuing_organ = models.CharField(
        "发布机构", max_length=100, blank=True,
        help_text="以谁的名义发布，如“校长办公室”或“学校”；留空时为发布部门。",
    )
    disclosure_method = models.CharField(
        "公开方式", max_length=100, default="网站公开", blank=True,
        help_text="如：网站公开；网站、公告栏公开。",
    )
    scope = models.CharField("公开范围", max_length=20, choices=Scope, default=Scope.SOCIETY)
    validity = models.CharField(
        "有效性", max_length=20, choices=Validity, default=Validity.VALID,
        help_text="规章制度被修订或废止后改为“已修订”或“失效/已废止”，并指明取代它的文件。",
    )
    superseded_by = models.ForeignKey(
        "self", verbose_name="取代它的文件", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="supersedes",
        help_text="本文件失效或被修订后，现行有效的文件；公开页面会提示读者前往。",
    )
    document_kind = models.CharField(
        "公文类型", max_length=30, choices=DocumentKind, default=DocumentKind.NONE, blank=True
    )
    attribute = models.CharField(
        "公开属性", max_length=20, choices=Attribute, default=Attribute.PROACTIVE
    )
    exemption_reason = models.CharField(
        "不予公开理由", max_length=30, choices=ExemptionReason, blank=True,
        help_text="公开属性为“不予公开”时必填。",
    )
    attribute_referred = models.BooleanField(
        "报请学校审定", default=False,
        help_text="公开属性难以确定时勾选，由信息公开办公室审定。",
    )
    status = models.CharField(
        "状态", max_length=20, choices=Status, default=Status.DRAFT, db_index=True
    )

    produced_on = models.DateField(
        "信息制作完成或获取之日", help_text="公开期限自次日起算。",
        validators=[validate_countable_date],
    )
    published_at = models.DateTimeField("发布时间", null=True, blank=True, db_index=True)
    changed_on = models.DateField(
        "变更之日", null=True, blank=True, help_text="已公开信息发生变更的日期，更新期限自次日起算。",
        validators=[validate_countable_date],
    )
    updated_at = models.DateTimeField(
        "更新发布时间", null=True, blank=True, help_text="变更后的内容对外发布的时间。"
    )
    publish_due = models.DateField("公开期限", null=True, blank=True, db_index=True, editable=False)
    update_due = models.DateField("更新期限", null=True, blank=True, db_index=True, editable=False)
    deadline_provisional = models.BooleanField(
        "期限为暂定", default=False, editable=False,
        help_text="期限跨越尚未公布官方放假安排的年份，安排公布后自动重算。",
    )

    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="保密审查人", null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    reviewed_at = models.DateTimeField("保密审查时间", null=True, blank=True)
    review_comment = models.TextField("审核意见", blank=True)
    withdrawn_reason = models.TextField("撤回原因", blank=True)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="创建人", null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    created_at = models.DateTimeField("创建时间", default=timezone.now, editable=False)
    modified_at = models.DateTimeField("修改时间", auto_now=True)
    # Optimistic locking: a save based on an older version is refused instead of overwriting.
    version = models.PositiveIntegerField("版本", default=0, editable=False)

    # Segmented text (jieba), space-separated words: the search index is built over these.
    search_title = models.TextField(editable=False, default="")
    search_body = models.TextField(editable=False, default="")
    # The segmented text of the item's reviewed attachments, kept by disclosure/items/tasks.py; it
    # enters the vector with the lowest weight of the three (see migration 0005).
    search_attachments = models.TextField(editable=False, default="")
    search_vector = TsVectorField(null=True, editable=False)

    objects = DisclosureItemQuerySet.as_manager()
    history = HistoricalRecords(
        verbose_name="公开事项历史",
        m2m_fields=[entries],
        excluded_fields=["search_title", "search_body", "search_attachments", "search_vector",
                         "modified_at"],
    )

    class Meta:
        verbose_name = "公开事项"
        verbose_name_plural = "公开事项"
        ordering = ["-published_at", "-id"]
        indexes = [
            models.Index(fields=["status", "attribute", "-published_at", "-id"], name="item_public_list"),
            models.Index(fields=["department", "-published_at"], name="item_department_list"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(attribute="exempt") | ~Q(exemption_reason=""),
                name="item_exempt_has_reason",
                violation_error_message="公开属性为“不予公开”时必须选择不予公开理由。",
            ),
            models.CheckConstraint(
                condition=Q(changed_on__isnull=True) | Q(changed_on__gte=models.F("produced_on")),
                name="item_changed_after_produced",
                violation_error_message="变更之日不能早于信息制作完成之日。",
            ),
            models.CheckConstraint(
                condition=Q(superseded_by__isnull=True) | ~Q(superseded_by=models.F("pk")),
                name="item_not_superseded_by_itself",
                violation_error_message="文件不能被自身取代。",
            ),
            models.CheckConstraint(
                condition=Q(validity="valid", superseded_by__isnull=True) | ~Q(validity="valid"),
                name="item_valid_has_no_successor",
                violation_error_message="有效的文件不能指定取代它的文件；请先把有效性改为“已修订”或“失效”。",
            ),
            models.CheckConstraint(
                condition=~Q(status="published") | Q(attribute="proactive"),
                name="item_published_is_proactive",
                violation_error_message="只有主动公开的信息可以发布。",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        # Derived fields are kept here so that no door (admin, API, import, shell) can skip them.
        from disclosure.core.sanitize import sanitize_html
        from disclosure.items import deadlines, search

        update_fields = kwargs.get("update_fields")
        derived = {"modified_at"}
        if not self.index_number and update_fields is None:
            self.index_number = new_index_number(self.produced_on.year if self.produced_on else None)
        if update_fields is None or {"title", "summary", "body", "document_number"} & set(update_fields):
            self.body = sanitize_html(self.body)
            self.search_title, self.search_body = search.segment_item(self)
            derived |= {"body", "search_title", "search_body"}
        if update_fields is None or {"produced_on", "changed_on"} & set(update_fields):
            deadlines.refresh_item_deadlines(self)
            derived |= {"publish_due", "update_due", "deadline_provisional"}
        if update_fields is not None:
            kwargs["update_fields"] = set(update_fields) | derived
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("disclosure:item", kwargs={"pk": self.pk})

    @property
    def publisher(self) -> str:
        """发布机构 as shown to the public: the organ named by the editor, else the department."""
        return self.issuing_organ or self.department.name

    @property
    def is_public(self) -> bool:
        return self.status == self.Status.PUBLISHED and self.attribute == self.Attribute.PROACTIVE

    @property
    def last_updated_at(self):
        return self.updated_at or self.published_at


def attachment_upload_to(instance: "Attachment", filename: str) -> str:
    # Stored names never come from the uploader: no path tricks, no clashes, no guessable URLs.
    suffix = PurePosixPath(filename).suffix.lower()[:10]
    return f"attachments/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{suffix}"


class ItemRowQuerySet(models.QuerySet):
    def live(self):
        """Rows the office has reviewed: not waiting in a pending revision."""
        return self.filter(pending_revision__isnull=True)

    def published(self):
        """What the public sees: reviewed rows of a public item. Every public door starts here."""
        return self.live().filter(item__in=DisclosureItem.objects.public().values("pk"))


class AttachmentQuerySet(ItemRowQuerySet):
    def without_text(self):
        """Rows without their extracted text (up to 200,000 characters each): for pages and lists."""
        return self.defer("text", "search_text")


class PublicationQuerySet(ItemRowQuerySet):
    pass


class Attachment(models.Model):
    """A file that belongs to an item; downloaded only through the item's visibility check."""

    class TextStatus(models.TextChoices):
        PENDING = "pending", "等待提取"
        EXTRACTED = "extracted", "已提取"
        # A scanned PDF (no text layer), or a file with nothing to read: the office should attach a
        # text version, or the file's words stay unfindable.
        NO_TEXT = "no_text", "无可检索文本"
        FAILED = "failed", "提取失败"
        UNSUPPORTED = "unsupported", "不提取文字（格式不支持）"

    item = models.ForeignKey(
        DisclosureItem, verbose_name="公开事项", on_delete=models.CASCADE, related_name="attachments"
    )
    title = models.CharField("附件名称", max_length=200)
    file = models.FileField(
        "文件", upload_to=attachment_upload_to, max_length=255,
        validators=[validate_attachment_file],
        help_text="允许 PDF、Office 文档、图片和压缩包，大小受系统设置限制。",
    )
    original_name = models.CharField("原文件名", max_length=255, blank=True, editable=False)
    size = models.PositiveBigIntegerField("大小（字节）", default=0, editable=False)
    content_type = models.CharField("文件类型", max_length=100, blank=True, editable=False)
    sort_order = models.PositiveIntegerField("排序", default=0)
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)
    # Added by a department editor to a published item: public only once the office publishes the
    # revision it belongs to.
    pending_revision = models.ForeignKey(
        "ItemRevision", verbose_name="所属待审修订", null=True, blank=True, editable=False,
        on_delete=models.SET_NULL, related_name="attachments",
    )

    # Search inside the file (disclosure/items/tasks.py extracts it after the upload).
    text_status = models.CharField(
        "全文检索", max_length=12, choices=TextStatus.choices, default=TextStatus.PENDING,
        editable=False,
    )
    text = models.TextField("提取的文字", blank=True, default="", editable=False)
    search_text = models.TextField(editable=False, default="")
    text_error = models.CharField("提取失败原因", max_length=300, blank=True, default="", editable=False)
    text_extracted_at = models.DateTimeField("提取时间", null=True, blank=True, editable=False)

    objects = AttachmentQuerySet.as_manager()

    history = HistoricalRecords(
        verbose_name="附件历史",
        excluded_fields=["text_status", "text", "search_text", "text_error", "text_extracted_at"],
    )

    class Meta:
        verbose_name = "附件"
        verbose_name_plural = "附件"
        ordering = ["sort_order", "id"]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        if self.file and not self.file._committed:
            # Before the storage renames it: keep what the uploader called the file.
            self.original_name = PurePosixPath(self.file.name).name[:255]
            self.size = self.file.size
            self.content_type = content_type_for(self.original_name)
            # A new file: its text is read again by a task after the commit (items/signals.py).
            from disclosure.items.extract import SUPPORTED

            self.text_status = (self.TextStatus.PENDING if self.extension in SUPPORTED
                                else self.TextStatus.UNSUPPORTED)
            self.text = self.search_text = self.text_error = ""
            self.text_extracted_at = None
            self._file_changed = True
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "original_name", "size",
                                           "content_type", "text_status", "text", "search_text",
                                           "text_error", "text_extracted_at"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("disclosure:attachment", kwargs={"pk": self.pk})

    @property
    def searchable(self) -> bool:
        return self.text_status == self.TextStatus.EXTRACTED

    @property
    def extension(self) -> str:
        return PurePosixPath(self.original_name or self.file.name).suffix.lower().lstrip(".")


class Publication(models.Model):
    """An item shown on one channel, with its link and date (发布)."""

    item = models.ForeignKey(
        DisclosureItem, verbose_name="公开事项", on_delete=models.CASCADE, related_name="publications"
    )
    channel = models.ForeignKey(
        Channel, verbose_name="渠道", on_delete=models.PROTECT, related_name="publications"
    )
    section = models.ForeignKey(
        ChannelSection, verbose_name="栏目", on_delete=models.PROTECT, null=True, blank=True,
        related_name="publications",
    )
    url = models.URLField("链接", blank=True, max_length=500)
    published_on = models.DateField("发布日期", db_index=True)
    pending_revision = models.ForeignKey(
        "ItemRevision", verbose_name="所属待审修订", null=True, blank=True, editable=False,
        on_delete=models.SET_NULL, related_name="publications",
    )

    objects = PublicationQuerySet.as_manager()

    history = HistoricalRecords(verbose_name="发布记录历史")

    class Meta:
        verbose_name = "发布记录"
        verbose_name_plural = "发布记录"
        ordering = ["-published_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["item", "channel"], name="unique_publication_per_channel",
                violation_error_message="该事项在此渠道已有发布记录。",
            )
        ]

    def __str__(self) -> str:
        return f"{self.item} @ {self.channel}"


class ItemEvent(Event):
    """One state change of an item (actor, time, note and data from `Event`)."""

    class Action(models.TextChoices):
        CREATED = "created", "创建"
        EDITED = "edited", "修改"
        SUBMITTED = "submitted", "提交审核"
        TAKEN_BACK = "taken_back", "撤回提交"
        RETURNED = "returned", "退回修改"
        REVIEWED = "reviewed", "保密审查通过"
        PUBLISHED = "published", "发布"
        CHANGE_RECORDED = "change_recorded", "登记变更"
        UPDATED = "updated", "发布更新"
        WITHDRAWN = "withdrawn", "撤回"
        REFERRED = "referred", "报请学校审定"
        ATTRIBUTE_DECIDED = "attribute_decided", "审定公开属性"
        DEADLINE_RECOMPUTED = "deadline_recomputed", "重算期限"
        REVIEW_CLEARED = "review_cleared", "修改后须重新保密审查"
        REVISION_PROPOSED = "revision_proposed", "提交修订"
        REVISION_PUBLISHED = "revision_published", "发布修订"
        REVISION_REJECTED = "revision_rejected", "退回修订"
        CORRECTED = "corrected", "办公室更正"
        ATTACHMENT_ADDED = "attachment_added", "添加附件"
        ATTACHMENT_CHANGED = "attachment_changed", "修改附件"
        ATTACHMENT_REMOVED = "attachment_removed", "删除附件"
        PUBLICATION_ADDED = "publication_added", "添加发布记录"
        PUBLICATION_CHANGED = "publication_changed", "修改发布记录"
        PUBLICATION_REMOVED = "publication_removed", "删除发布记录"
        IMPORTED = "imported", "导入"
        DELETED = "deleted", "删除"

    item = models.ForeignKey(
        DisclosureItem, verbose_name="公开事项", on_delete=models.CASCADE, related_name="events"
    )
    action = models.CharField("操作", max_length=30, choices=Action)

    class Meta:
        verbose_name = "事项操作记录"
        verbose_name_plural = "事项操作记录"
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} · {self.item}"


class ItemRevision(models.Model):
    """A change to a published item that waits for review; the public keeps the reviewed version.

    As a live page keeps its draft revision in Wagtail: `changes` holds the new field values (and
    entry ids), `before` the values they replace, so the office sees the difference before it
    publishes. Attachments and publication records added with the revision point at it.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "待审核"
        PUBLISHED = "published", "已发布"
        REJECTED = "rejected", "已退回"

    item = models.ForeignKey(
        DisclosureItem, verbose_name="公开事项", on_delete=models.CASCADE, related_name="revisions"
    )
    status = models.CharField("状态", max_length=20, choices=Status, default=Status.PENDING, db_index=True)
    changes = models.JSONField("修改内容", default=dict, blank=True)
    before = models.JSONField("修改前内容", default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="提交人", null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    created_at = models.DateTimeField("提交时间", default=timezone.now)
    modified_at = models.DateTimeField("最后修改", auto_now=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="审核人", null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    decided_at = models.DateTimeField("审核时间", null=True, blank=True)
    comment = models.TextField("审核意见", blank=True)

    class Meta:
        verbose_name = "待审修订"
        verbose_name_plural = "待审修订"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["item"], condition=Q(status="pending"), name="one_pending_revision_per_item",
                violation_error_message="该事项已有一份待审修订。",
            )
        ]

    def __str__(self) -> str:
        return f"{self.item} · {self.get_status_display()}"
