"""Disclosure requests (依申请公开): the application, its steps, the reply and the reply letters.

The dates that happened are stored as facts (`received_on`, `correction_requested_on`, `corrected_on`,
each consultation's dates, the extension); `due_on` is derived from them by `disclosure.request_clock`
and written only by the services. Applicant personal data lives only in this table's applicant fields
and is shown only to the disclosure office and to the applicant who holds the check code.
"""

import datetime as dt
import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from disclosure.core.models import Event, YearlyCounter
from disclosure.core.validators import content_type_for, validate_attachment_file
from disclosure.workcalendar.validators import validate_countable_date


class ApplicantType(models.TextChoices):
    # The columns of the yearly report's request table (国办公开办函〔2021〕30号).
    CITIZEN = "citizen", "自然人"
    BUSINESS = "business", "商业企业"
    RESEARCH = "research", "科研机构"
    PUBLIC_INTEREST = "public_interest", "社会公益组织"
    LEGAL_SERVICE = "legal_service", "法律服务机构"
    OTHER_ORGANISATION = "other_organisation", "其他"


ORGANISATION_TYPES = frozenset(ApplicantType.values) - {ApplicantType.CITIZEN}


class ReplyType(models.TextChoices):
    # The rows of the yearly report's request table.
    DISCLOSED = "disclosed", "予以公开"
    PARTLY_DISCLOSED = "partly_disclosed", "部分公开"
    NOT_DISCLOSED = "not_disclosed", "不予公开"
    UNABLE = "unable", "无法提供"
    NOT_PROCESSED = "not_processed", "不予处理"
    OTHER = "other", "其他处理"


class ReplyReason(models.TextChoices):
    NONE = "", "—"
    # 不予公开
    STATE_SECRET = "state_secret", "属于国家秘密"
    PROHIBITED_BY_LAW = "prohibited_by_law", "其他法律行政法规禁止公开"
    ENDANGERS_SECURITY = "endangers_security", "危及“三安全一稳定”"
    THIRD_PARTY_RIGHTS = "third_party_rights", "保护第三方合法权益"
    INTERNAL_AFFAIRS = "internal_affairs", "属于三类内部事务信息"
    PROCESS_INFORMATION = "process_information", "属于四类过程性信息"
    ENFORCEMENT_FILE = "enforcement_file", "属于行政执法案卷"
    INQUIRY_MATTER = "inquiry_matter", "属于行政查询事项"
    # 无法提供
    NOT_HELD = "not_held", "本机关不掌握相关信息"
    NEEDS_CREATION = "needs_creation", "没有现成信息需要另行制作"
    UNCLEAR_AFTER_CORRECTION = "unclear_after_correction", "补正后申请内容仍不明确"
    # 不予处理
    PETITION = "petition", "信访举报投诉类申请"
    REPEATED = "repeated", "重复申请"
    PUBLICATION = "publication", "要求提供公开出版物"
    MASS_REPEATED = "mass_repeated", "无正当理由大量反复申请"
    RECONFIRMATION = "reconfirmation", "要求确认或重新出具已获取信息"
    # 其他处理
    NOT_CORRECTED = "not_corrected", "申请人无正当理由逾期不补正"
    FEE_UNPAID = "fee_unpaid", "申请人逾期未按收费通知缴纳费用"
    OTHER = "other", "其他"


R = ReplyReason
# Which reasons go with which reply type; an empty set means no reason is given.
REPLY_REASONS: dict[str, tuple[str, ...]] = {
    ReplyType.DISCLOSED: (),
    ReplyType.PARTLY_DISCLOSED: (),
    ReplyType.NOT_DISCLOSED: (
        R.STATE_SECRET, R.PROHIBITED_BY_LAW, R.ENDANGERS_SECURITY, R.THIRD_PARTY_RIGHTS,
        R.INTERNAL_AFFAIRS, R.PROCESS_INFORMATION, R.ENFORCEMENT_FILE, R.INQUIRY_MATTER,
    ),
    ReplyType.UNABLE: (R.NOT_HELD, R.NEEDS_CREATION, R.UNCLEAR_AFTER_CORRECTION),
    ReplyType.NOT_PROCESSED: (
        R.PETITION, R.REPEATED, R.PUBLICATION, R.MASS_REPEATED, R.RECONFIRMATION,
    ),
    ReplyType.OTHER: (R.NOT_CORRECTED, R.FEE_UNPAID, R.OTHER),
}


class FeeStatus(models.TextChoices):
    CHARGED = "charged", "收费"
    WAIVED = "waived", "减免"


class LetterKind(models.TextChoices):
    DISCLOSED = "disclosed", "公开告知书"
    PARTLY_DISCLOSED = "partly_disclosed", "部分公开告知书"
    NOT_DISCLOSED = "not_disclosed", "不予公开告知书"
    NOT_EXIST = "not_exist", "信息不存在告知书"
    NOT_OURS = "not_ours", "非本校信息告知书"
    NEEDS_CREATION = "needs_creation", "无现成信息告知书"
    UNCLEAR = "unclear", "申请内容不明确告知书"
    CORRECTION = "correction", "补正通知书"
    REPEATED = "repeated", "重复申请不予处理告知书"
    NOT_PROCESSED = "not_processed", "不予处理告知书"
    OTHER = "other", "其他处理告知书"
    EXTENSION = "extension", "延期答复通知书"


class RequestCounter(YearlyCounter):
    """The requests' numbers of each year (YSQ-2026-0001)."""

    class Meta:
        verbose_name = "申请编号计数"
        verbose_name_plural = "申请编号计数"


class DisclosureRequestQuerySet(models.QuerySet):
    def open(self):
        """Requests still being handled: the reply clock runs or is paused."""
        return self.filter(status__in=OPEN_STATUSES)

    def closed(self):
        return self.exclude(status__in=OPEN_STATUSES)


class DisclosureRequest(models.Model):
    """An application to disclose information (信息公开申请), from any channel."""

    class Status(models.TextChoices):
        RECEIVED = "received", "办理中"
        CORRECTION_REQUESTED = "correction_requested", "待申请人补正"
        CONSULTING = "consulting", "征求第三方意见中"
        EXTENDED = "extended", "已延期答复"
        ANSWERED = "answered", "已答复"
        WITHDRAWN = "withdrawn", "申请人已撤回"
        NOT_PROCESSED = "not_processed", "不予处理"
        LAPSED = "lapsed", "逾期未补正（视为放弃申请）"

    class Channel(models.TextChoices):
        ONLINE = "online", "网上申请"
        # 条例 art. 31 dates a letter by how it came: signed for, or confirmed by the office.
        REGISTERED_POST = "registered_post", "邮寄（挂号信、快递，需签收）"
        LETTER = "letter", "平常信函"
        IN_PERSON = "in_person", "当面提交"
        EMAIL = "email", "电子邮件"
        FAX = "fax", "传真"

    class PreferredForm(models.TextChoices):
        PAPER = "paper", "纸质文本"
        ELECTRONIC = "electronic", "电子文件"

    class Delivery(models.TextChoices):
        POST = "post", "邮寄"
        EMAIL = "email", "电子邮件"
        PICK_UP = "pick_up", "当面领取"

    tracking_number = models.CharField("申请编号", max_length=20, unique=True, editable=False)
    year = models.PositiveIntegerField("编号年份", editable=False)
    sequence = models.PositiveIntegerField("年度序号", editable=False)
    check_code = models.CharField(
        "查询码", max_length=12, editable=False,
        help_text="与申请编号一起用于申请人查询办理进度。",
    )
    channel = models.CharField("申请方式", max_length=20, choices=Channel, default=Channel.ONLINE)
    status = models.CharField(
        "状态", max_length=30, choices=Status, default=Status.RECEIVED, db_index=True, editable=False
    )

    # The applicant (personal data: visible to the disclosure office only).
    applicant_type = models.CharField(
        "申请人类型", max_length=30, choices=ApplicantType, default=ApplicantType.CITIZEN,
        db_index=True,
    )
    applicant_name = models.CharField(
        "申请人姓名或名称", max_length=100, help_text="法人或其他组织填写单位全称。"
    )
    id_number = models.CharField(
        "证件号码", max_length=30, blank=True,
        help_text="公民填写身份证号码；法人或其他组织填写统一社会信用代码。",
    )
    contact_name = models.CharField(
        "联系人", max_length=50, blank=True, help_text="法人或其他组织的经办人。"
    )
    phone = models.CharField("联系电话", max_length=30, blank=True)
    email = models.EmailField("电子邮箱", max_length=254, blank=True)
    postal_address = models.CharField("通信地址", max_length=200, blank=True)
    postal_code = models.CharField("邮政编码", max_length=10, blank=True)

    # What is asked.
    description = models.TextField("所需信息的内容描述")
    purpose = models.TextField("所需信息的用途", blank=True)
    preferred_form = models.CharField(
        "信息的提供形式", max_length=20, choices=PreferredForm, default=PreferredForm.ELECTRONIC
    )
    delivery = models.CharField(
        "获取信息的方式", max_length=20, choices=Delivery, default=Delivery.EMAIL
    )

    # Receipt.
    submitted_at = models.DateTimeField("提交时间", default=timezone.now)
    received_on = models.DateField(
        "收到申请之日",
        help_text="当面提交为提交之日；挂号信、快递为签收之日；平常信函、传真、电子邮件为确认收到之日；"
        "网上申请为提交之日（休息日或下班后提交的为下一个工作日）。答复期限自次日起算。",
        validators=[validate_countable_date],
    )
    receipt_confirmed_at = models.DateTimeField("确认收到时间", null=True, blank=True, editable=False)
    receipt_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="确认人", null=True, blank=True, editable=False,
        on_delete=models.SET_NULL, related_name="+",
    )

    # Correction (补正, 条例 art. 30).
    correction_requested_on = models.DateField("发出补正通知之日", null=True, blank=True, editable=False)
    correction_reply_by = models.DateField(
        "补正截止日", null=True, blank=True, editable=False,
        help_text="申请人应在此日前补正，逾期未补正视为放弃申请。",
    )
    correction_note = models.TextField("需补正的内容", blank=True, editable=False)
    corrected_on = models.DateField(
        "收到补正申请之日", null=True, blank=True, editable=False,
        help_text="答复期限自次日起重新计算。",
    )

    # Extension (延期答复): once, approved by the head of the disclosure office.
    extension_workdays = models.PositiveSmallIntegerField("延期工作日数", default=0, editable=False)
    extended_on = models.DateField("决定延期之日", null=True, blank=True, editable=False)
    extension_approver = models.CharField("延期批准人", max_length=50, blank=True, editable=False)
    extension_reason = models.TextField("延期理由", blank=True, editable=False)
    extension_notified_on = models.DateField(
        "告知申请人延期之日", null=True, blank=True, editable=False
    )

    # Derived, written by the services only.
    due_on = models.DateField("答复期限", null=True, blank=True, db_index=True, editable=False)
    due_provisional = models.BooleanField(
        "期限为暂定", default=False, editable=False,
        help_text="期限跨越尚未公布官方放假安排的年份，安排公布后自动重算。",
    )

    # The reply (答复), or how the request was otherwise closed.
    reply_type = models.CharField(
        "答复类型", max_length=30, choices=ReplyType, blank=True, db_index=True, editable=False
    )
    reply_reason = models.CharField(
        "答复理由", max_length=40, choices=ReplyReason, blank=True, editable=False
    )
    reply_text = models.TextField("答复内容", blank=True, editable=False)
    reply_refer_to = models.CharField(
        "建议咨询的机关", max_length=200, blank=True, editable=False,
        help_text="非本校信息时，告知申请人可向哪个机关申请。",
    )
    answered_on = models.DateField("答复（办结）日期", null=True, blank=True, db_index=True, editable=False)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="答复人", null=True, blank=True, editable=False,
        on_delete=models.SET_NULL, related_name="+",
    )
    closing_note = models.TextField("办结说明", blank=True, editable=False)
    # Fees (收费): charged only as the rules allow (e.g. 条例 art. 42 as the model), or waived.
    fee_status = models.CharField("收费情况", max_length=10, choices=FeeStatus, blank=True, editable=False)
    fee_amount = models.DecimalField("收费金额（元）", max_digits=9, decimal_places=2, null=True, blank=True,
                                     editable=False)
    fee_basis = models.CharField("收费或减免依据", max_length=200, blank=True, editable=False)
    fee_notified_on = models.DateField("发出收费通知之日", null=True, blank=True, editable=False)
    fee_paid_on = models.DateField("缴费日期", null=True, blank=True, editable=False)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="登记人", null=True, blank=True, editable=False,
        on_delete=models.SET_NULL, related_name="+", help_text="网上申请为空。",
    )
    created_at = models.DateTimeField("登记时间", default=timezone.now, editable=False)
    anonymised_at = models.DateTimeField("匿名化时间", null=True, blank=True, editable=False)

    objects = DisclosureRequestQuerySet.as_manager()

    # The applicant's personal data and what they wrote: the disclosure office alone sees, filters,
    # searches, sorts or exports these (disclosure.access.policy); the supervisor sees the rest.
    personal_fields = (
        "applicant_name", "id_number", "contact_name", "phone", "email", "postal_address",
        "postal_code", "check_code", "description", "purpose", "correction_note", "reply_text",
        "reply_refer_to", "closing_note", "extension_reason",
    )

    class Meta:
        verbose_name = "信息公开申请"
        verbose_name_plural = "信息公开申请"
        ordering = ["-received_on", "-id"]
        indexes = [
            models.Index(fields=["status", "due_on"], name="request_open_due"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["year", "sequence"], name="unique_request_sequence"),
            models.CheckConstraint(
                condition=Q(corrected_on__isnull=True) | Q(corrected_on__gte=models.F("received_on")),
                name="request_corrected_after_received",
                violation_error_message="收到补正之日不能早于收到申请之日。",
            ),
            models.CheckConstraint(
                condition=Q(answered_on__isnull=True) | ~Q(reply_type=""),
                name="request_answer_has_type",
                violation_error_message="办结的申请必须有答复类型。",
            ),
        ]

    def __str__(self) -> str:
        return self.tracking_number

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_organisation(self) -> bool:
        return self.applicant_type in ORGANISATION_TYPES

    @property
    def arrived_on(self) -> dt.date:
        """The first day the office may act on the request: the day it arrived.

        An online request sent after office hours counts as received the next working day (the
        deadline runs from then), yet the office may answer it the same evening; a paper request
        may be recorded as received before it was logged.
        """
        sent = timezone.localdate(self.submitted_at) if self.submitted_at else self.received_on
        return min(sent, self.received_on) if self.received_on else sent


OPEN_STATUSES = (
    DisclosureRequest.Status.RECEIVED,
    DisclosureRequest.Status.CORRECTION_REQUESTED,
    DisclosureRequest.Status.CONSULTING,
    DisclosureRequest.Status.EXTENDED,
)


class ConsultationPause(models.Model):
    """A third-party consultation (征求第三方意见): the reply clock does not run meanwhile."""

    # Who the third party is, and what was written: the office's alone.
    personal_fields = ("third_party", "note")

    request = models.ForeignKey(
        DisclosureRequest, verbose_name="申请", on_delete=models.CASCADE, related_name="pauses"
    )
    third_party = models.CharField("征求意见对象", max_length=200)
    letter_sent_on = models.DateField("发出征求意见函之日")
    letter_received_on = models.DateField(
        "第三方收到征求意见函之日", null=True, blank=True,
        help_text="第三方的 15 个工作日自其收到征求意见函之日起算；未登记时按发函之日计算（期限只会偏早）。",
    )
    answered_on = models.DateField(
        "收到第三方意见之日", null=True, blank=True,
        help_text="第三方逾期未答复的，征求意见期限届满后恢复计时。",
    )
    note = models.TextField("说明", blank=True)

    class Meta:
        verbose_name = "征求第三方意见"
        verbose_name_plural = "征求第三方意见"
        ordering = ["letter_sent_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(answered_on__isnull=True) | Q(answered_on__gte=models.F("letter_sent_on")),
                name="pause_answered_after_sent",
                violation_error_message="收到意见之日不能早于发函之日。",
            ),
            models.CheckConstraint(
                condition=Q(letter_received_on__isnull=True)
                | Q(letter_received_on__gte=models.F("letter_sent_on")),
                name="pause_letter_received_after_sent",
                violation_error_message="第三方收到征求意见函之日不能早于发函之日。",
            ),
        ]

    def __str__(self) -> str:
        # Shown in lists and inlines to roles that may not see who the third party is.
        return f"征求第三方意见（{self.letter_sent_on}）"


class RequestEvent(Event):
    """One step in a request's life (actor, time, note and data from `Event`)."""

    # Notes may quote the applicant; `data` may hold what an applicant typed.
    personal_fields = ("note", "data")

    class Action(models.TextChoices):
        RECEIVED = "received", "收到申请"
        RECEIPT_CONFIRMED = "receipt_confirmed", "确认收到"
        CORRECTION_REQUESTED = "correction_requested", "通知补正"
        CORRECTION_RECEIVED = "correction_received", "收到补正"
        LAPSED = "lapsed", "逾期未补正"
        CONSULTATION_STARTED = "consultation_started", "征求第三方意见"
        CONSULTATION_ENDED = "consultation_ended", "第三方意见答复"
        EXTENDED = "extended", "延期答复"
        ANSWERED = "answered", "答复"
        WITHDRAWN = "withdrawn", "申请人撤回"
        NOT_PROCESSED = "not_processed", "不予处理"
        LETTER_GENERATED = "letter_generated", "生成告知书"
        LETTER_DELIVERED = "letter_delivered", "告知书送达"
        FEE_RECORDED = "fee_recorded", "登记收费"
        DEADLINE_RECOMPUTED = "deadline_recomputed", "重算期限"
        ANONYMISED = "anonymised", "匿名化"
        CHECK_CODE_RESENT = "check_code_resent", "重发查询码"

    request = models.ForeignKey(
        DisclosureRequest, verbose_name="申请", on_delete=models.CASCADE, related_name="events"
    )
    action = models.CharField("操作", max_length=30, choices=Action)
    on = models.DateField("生效日期", null=True, blank=True, help_text="该步骤对计时生效的日期。")

    class Meta:
        verbose_name = "申请办理记录"
        verbose_name_plural = "申请办理记录"
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} · {self.request}"


def request_upload_to(instance, filename: str) -> str:
    # Not under the public attachments folder, and never named by the uploader.
    suffix = PurePosixPath(filename).suffix.lower()[:10]
    return f"requests/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{suffix}"


class RequestAttachment(models.Model):
    """A file of a request: material from the applicant, or information given with the reply."""

    # Files sent by or to the applicant.
    personal_fields = ("title", "file", "original_name")

    class Kind(models.TextChoices):
        APPLICATION = "application", "申请材料"
        REPLY = "reply", "答复附件"

    request = models.ForeignKey(
        DisclosureRequest, verbose_name="申请", on_delete=models.CASCADE, related_name="attachments"
    )
    kind = models.CharField("类别", max_length=20, choices=Kind, default=Kind.REPLY)
    title = models.CharField("附件名称", max_length=200)
    file = models.FileField(
        "文件", upload_to=request_upload_to, max_length=255, validators=[validate_attachment_file]
    )
    original_name = models.CharField("原文件名", max_length=255, blank=True, editable=False)
    size = models.PositiveBigIntegerField("大小（字节）", default=0, editable=False)
    content_type = models.CharField("文件类型", max_length=100, blank=True, editable=False)
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = "申请附件"
        verbose_name_plural = "申请附件"
        ordering = ["kind", "id"]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        if self.file and not self.file._committed:
            self.original_name = PurePosixPath(self.file.name).name[:255]
            self.size = self.file.size
            self.content_type = content_type_for(self.original_name)
        super().save(*args, **kwargs)


class ReplyLetterTemplate(models.Model):
    """The office's wording of one kind of reply letter (告知书), with {占位符} filled in per request."""

    kind = models.CharField("告知书类型", max_length=30, choices=LetterKind, unique=True)
    title = models.CharField("标题", max_length=100)
    body = models.TextField(
        "正文",
        help_text="每段一行。可用占位符：{申请人}、{申请编号}、{收到日期}、{申请内容}、{答复内容}、"
        "{答复理由}、{答复期限}、{延期后期限}、{延期理由}、{补正内容}、{补正截止日}、"
        "{建议咨询机关}、{答复日期}、{学校名称}、{办公室名称}。",
    )
    updated_at = models.DateTimeField("修改时间", auto_now=True)

    class Meta:
        verbose_name = "告知书模板"
        verbose_name_plural = "告知书模板"
        ordering = ["kind"]

    def __str__(self) -> str:
        return self.get_kind_display()

    def clean(self):
        from disclosure.disclosure_requests.letters import check_placeholders

        check_placeholders(self.body)


class ReplyLetter(models.Model):
    """A reply letter produced for a request, archived with it."""

    # A letter names the applicant and their address.
    personal_fields = ("file", "pdf")

    class Delivery(models.TextChoices):
        ONLINE = "online", "网上送达（申请查询页）"
        EMAIL = "email", "电子邮件"
        POST = "post", "邮寄"
        IN_PERSON = "in_person", "当面领取"

    request = models.ForeignKey(
        DisclosureRequest, verbose_name="申请", on_delete=models.CASCADE, related_name="letters"
    )
    kind = models.CharField("告知书类型", max_length=30, choices=LetterKind)
    number = models.PositiveSmallIntegerField("序号", default=1, help_text="同一申请的第几份告知书，印在编号中。")
    file = models.FileField("文件", upload_to=request_upload_to, max_length=255)
    pdf = models.FileField("PDF 文件", upload_to=request_upload_to, max_length=255, blank=True)
    delivered_via = models.CharField("送达方式", max_length=20, choices=Delivery, blank=True)
    delivered_on = models.DateField("送达日期", null=True, blank=True)
    postal_tracking = models.CharField("邮件单号", max_length=50, blank=True)
    generated_at = models.DateTimeField("生成时间", default=timezone.now)
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="生成人", null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )

    class Meta:
        verbose_name = "告知书"
        verbose_name_plural = "告知书"
        ordering = ["-generated_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(delivered_via="") | Q(delivered_on__isnull=False),
                name="letter_delivered_has_date", violation_error_message="送达须有送达日期。",
            ),
            models.CheckConstraint(
                condition=~Q(delivered_via="post") | ~Q(postal_tracking=""),
                name="letter_posted_has_tracking", violation_error_message="邮寄送达须填写邮件单号。",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.request}"

    @property
    def is_delivered(self) -> bool:
        return bool(self.delivered_via)
