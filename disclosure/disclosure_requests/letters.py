"""Reply letters (告知书) as .docx, from the office's templates.

The office edits each kind's wording in the admin (`ReplyLetterTemplate`); a kind without a saved
template uses the default below. Placeholders are written {申请人} and filled from the request; an
unknown placeholder is refused when the template is saved, so that no letter goes out with a gap.
"""

from __future__ import annotations

import io
import re

from django.core.exceptions import ValidationError
from django.utils import timezone
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

from disclosure.core.hygiene import clean_text
from disclosure.core.institution import institution
from disclosure.disclosure_requests.models import LetterKind, ReplyReason, ReplyType

PLACEHOLDER = re.compile(r"\{([^{}\s]{1,20})\}")

PLACEHOLDERS = (
    "申请人", "申请编号", "收到日期", "申请内容", "答复内容", "答复理由", "答复期限", "延期后期限",
    "延期理由", "补正内容", "补正截止日", "建议咨询机关", "答复日期", "学校名称", "办公室名称",
)

_CLOSING = "\n{学校名称}{办公室名称}\n{答复日期}"

DEFAULT_TEMPLATES: dict[str, tuple[str, str]] = {
    LetterKind.DISCLOSED: (
        "信息公开申请答复告知书",
        "{申请人}：\n我校于{收到日期}收到您提出的信息公开申请（申请编号：{申请编号}），"
        "申请获取：{申请内容}。\n经审查，您申请获取的信息属于可以公开的信息，现予以公开。{答复内容}" + _CLOSING,
    ),
    LetterKind.PARTLY_DISCLOSED: (
        "信息公开申请部分公开告知书",
        "{申请人}：\n我校于{收到日期}收到您提出的信息公开申请（申请编号：{申请编号}），"
        "申请获取：{申请内容}。\n经审查，您申请获取的信息中含有不应当公开的内容，"
        "我校对可以公开的部分予以提供。{答复内容}" + _CLOSING,
    ),
    LetterKind.NOT_DISCLOSED: (
        "信息公开申请不予公开告知书",
        "{申请人}：\n我校于{收到日期}收到您提出的信息公开申请（申请编号：{申请编号}），"
        "申请获取：{申请内容}。\n经审查，您申请获取的信息{答复理由}，"
        "依据《高等学校信息公开办法》第十条的规定，不予公开。{答复内容}\n"
        "如对本答复不服，可依法申请行政复议或者提起行政诉讼。" + _CLOSING,
    ),
    LetterKind.NOT_EXIST: (
        "信息不存在告知书",
        "{申请人}：\n我校于{收到日期}收到您提出的信息公开申请（申请编号：{申请编号}），"
        "申请获取：{申请内容}。\n经检索查找，我校未制作或获取您申请的信息，该信息不存在。{答复内容}" + _CLOSING,
    ),
    LetterKind.NOT_OURS: (
        "非本校信息告知书",
        "{申请人}：\n我校于{收到日期}收到您提出的信息公开申请（申请编号：{申请编号}），"
        "申请获取：{申请内容}。\n经审查，您申请获取的信息不属于我校制作或保存的信息，"
        "建议您向{建议咨询机关}咨询或申请。{答复内容}" + _CLOSING,
    ),
    LetterKind.CORRECTION: (
        "信息公开申请补正通知书",
        "{申请人}：\n我校于{收到日期}收到您提出的信息公开申请（申请编号：{申请编号}）。"
        "\n经审查，您的申请内容不明确，请就以下内容作出补正：{补正内容}\n"
        "请于{补正截止日}前补正。答复期限自我校收到补正后的申请之日起计算；"
        "无正当理由逾期不补正的，视为放弃申请。" + _CLOSING,
    ),
    LetterKind.REPEATED: (
        "重复申请不予处理告知书",
        "{申请人}：\n我校于{收到日期}收到您提出的信息公开申请（申请编号：{申请编号}），"
        "申请获取：{申请内容}。\n经审查，您已就相同内容提出过申请并已获答复，本次申请属于重复申请，"
        "我校不予重复处理。{答复内容}" + _CLOSING,
    ),
    LetterKind.EXTENSION: (
        "延期答复通知书",
        "{申请人}：\n我校于{收到日期}收到您提出的信息公开申请（申请编号：{申请编号}）。"
        "\n因{延期理由}，不能在{答复期限}前作出答复。经信息公开工作机构负责人同意，答复期限延长至"
        "{延期后期限}。" + _CLOSING,
    ),
}


def check_placeholders(body: str) -> None:
    """Refuse a template body with a placeholder the letters cannot fill."""
    unknown = sorted({name for name in PLACEHOLDER.findall(body or "") if name not in PLACEHOLDERS})
    if unknown:
        raise ValidationError(
            "模板中有无法识别的占位符：%(names)s。可用占位符：%(allowed)s。",
            code="placeholder",
            params={"names": "、".join("{" + n + "}" for n in unknown),
                    "allowed": "、".join("{" + n + "}" for n in PLACEHOLDERS)},
        )


def letter_kind_for(request) -> str:
    """The kind of letter that fits the request's reply or pending step; '' when none does."""
    if request.reply_type:
        return {
            ReplyType.DISCLOSED: LetterKind.DISCLOSED,
            ReplyType.PARTLY_DISCLOSED: LetterKind.PARTLY_DISCLOSED,
            ReplyType.NOT_DISCLOSED: LetterKind.NOT_DISCLOSED,
            ReplyType.UNABLE: LetterKind.NOT_OURS if request.reply_refer_to else LetterKind.NOT_EXIST,
            ReplyType.NOT_PROCESSED: (LetterKind.REPEATED
                                      if request.reply_reason == ReplyReason.REPEATED else ""),
        }.get(request.reply_type, "")
    if request.correction_requested_on and not request.corrected_on:
        return LetterKind.CORRECTION
    if request.extension_workdays:
        return LetterKind.EXTENSION
    return ""


def template_for(kind: str) -> tuple[str, str]:
    from disclosure.disclosure_requests.models import ReplyLetterTemplate

    saved = ReplyLetterTemplate.objects.filter(kind=kind).values_list("title", "body").first()
    return saved or DEFAULT_TEMPLATES[kind]


def _date(value) -> str:
    return f"{value:%Y年%m月%d日}" if value else ""


def values_for(request) -> dict[str, str]:
    from disclosure.disclosure_requests.clock import clock_for

    facts = institution()
    clock = clock_for(request)
    return {
        "申请人": request.applicant_name,
        "申请编号": request.tracking_number,
        "收到日期": _date(request.received_on),
        "申请内容": request.description,
        "答复内容": request.reply_text,
        "答复理由": request.get_reply_reason_display() if request.reply_reason else "",
        "答复期限": _date(clock.original_due),
        "延期后期限": _date(clock.due),
        "延期理由": request.extension_reason,
        "补正内容": request.correction_note,
        "补正截止日": _date(request.correction_reply_by),
        "建议咨询机关": request.reply_refer_to,
        "答复日期": _date(request.answered_on or timezone.localdate()),
        "学校名称": facts.university_name,
        "办公室名称": facts.office_name,
    }


def fill(body: str, values: dict[str, str]) -> str:
    return PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), body)


def _font(run, size: float, *, bold: bool = False) -> None:
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.name = "FangSong"
    # Chinese text takes the East Asian font, which python-docx does not set by itself.
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "仿宋")


def render_letter(request, kind: str) -> bytes:
    """The letter of `kind` for `request` as .docx bytes."""
    title, body = template_for(kind)
    values = values_for(request)
    document = Document()
    heading = document.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(heading.add_run(clean_text(fill(title, values))), 18, bold=True)
    number = document.add_paragraph()
    number.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _font(number.add_run(f"申请编号：{request.tracking_number}"), 12)
    # .docx is XML: text stored with a control character past `save()` is cleaned here.
    lines = clean_text(fill(body, values)).split("\n")
    closing_from = len(lines) - 2 if body.rstrip().endswith(_CLOSING.strip().split("\n")[-1]) else len(lines)
    for index, line in enumerate(lines):
        paragraph = document.add_paragraph()
        if index >= closing_from:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        elif index > 0:
            paragraph.paragraph_format.first_line_indent = Pt(32)
        _font(paragraph.add_run(line), 16)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
