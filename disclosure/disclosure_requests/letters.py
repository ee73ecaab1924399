"""Reply letters (告知书) as .docx and PDF, from the office's templates.

The office edits each kind's wording in the admin (`ReplyLetterTemplate`); a kind without a saved
template uses the default below. Placeholders are written {申请人} and filled from the request; an
unknown placeholder is refused when the template is saved, so that no letter goes out with a gap.

What makes a letter fit to sign is not left to the editable wording: the renderer adds the letter's
number, its legal basis (when the template does not place {法律依据} itself), the remedies open to the
applicant for every answer but full disclosure, and the signature block (university, office, a place
for the seal, the date written in Chinese). Letters are A4.
"""

from __future__ import annotations

import io
import re

from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.utils import timezone
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from disclosure.core.hygiene import clean_text
from disclosure.core.institution import (
    education_department,
    office_name,
    supervisor_name,
    university_name,
)
from disclosure.disclosure_requests.models import LetterKind, ReplyReason, ReplyType

PLACEHOLDER = re.compile(r"\{([^{}\s]{1,20})\}")

PLACEHOLDERS = (
    "申请人", "申请编号", "收到日期", "申请内容", "答复内容", "答复理由", "答复期限", "延期后期限",
    "延期理由", "补正内容", "补正截止日", "建议咨询机关", "答复日期", "学校名称", "办公室名称",
    "法律依据", "处理理由说明",
)

BANLI = "《高等学校信息公开办法》"
TIAOLI = "《中华人民共和国政府信息公开条例》"
_OPENING = "{申请人}：\n我校于{收到日期}收到您提出的信息公开申请（申请编号：{申请编号}），申请获取：{申请内容}。\n"

DEFAULT_TEMPLATES: dict[str, tuple[str, str]] = {
    LetterKind.DISCLOSED: (
        "信息公开申请答复告知书",
        _OPENING + "经审查，您申请获取的信息属于可以公开的信息，根据{法律依据}的规定，现予以公开。{答复内容}",
    ),
    LetterKind.PARTLY_DISCLOSED: (
        "信息公开申请部分公开告知书",
        _OPENING + "经审查，您申请获取的信息中含有不应当公开的内容（{答复理由}），根据{法律依据}的规定，"
        "我校对可以公开的部分予以提供，对不予公开的部分说明理由如上。{答复内容}",
    ),
    LetterKind.NOT_DISCLOSED: (
        "信息公开申请不予公开告知书",
        _OPENING + "经审查，您申请获取的信息{答复理由}，根据{法律依据}的规定，不予公开。{答复内容}",
    ),
    LetterKind.NOT_EXIST: (
        "信息不存在告知书",
        _OPENING + "经检索查找，我校未制作或获取您申请的信息，该信息不存在。根据{法律依据}的规定，特此告知。{答复内容}",
    ),
    LetterKind.NOT_OURS: (
        "非本校信息告知书",
        _OPENING + "经审查，您申请获取的信息不属于我校制作或保存的信息，根据{法律依据}的规定，"
        "建议您向{建议咨询机关}咨询或申请。{答复内容}",
    ),
    LetterKind.NEEDS_CREATION: (
        "无现成信息告知书",
        _OPENING + "经审查，我校没有您所申请的现成信息，提供该信息需要我校对现有信息进行加工、汇总、分析"
        "或者另行制作。根据{法律依据}的规定，我校无法提供。{答复内容}",
    ),
    LetterKind.UNCLEAR: (
        "申请内容不明确告知书",
        _OPENING + "我校已请您对申请内容作出补正，补正后的申请内容仍不明确，我校无法确定您所需要的信息。"
        "根据{法律依据}的规定，我校无法提供。您可以写明所需信息的名称、文号或者其他特征描述后重新提出申请。{答复内容}",
    ),
    LetterKind.CORRECTION: (
        "信息公开申请补正通知书",
        "{申请人}：\n我校于{收到日期}收到您提出的信息公开申请（申请编号：{申请编号}）。"
        "\n经审查，您的申请内容不明确，请就以下内容作出补正：{补正内容}。\n"
        "请于{补正截止日}前补正。答复期限自我校收到补正后的申请之日起计算；"
        "无正当理由逾期不补正的，视为放弃申请。",
    ),
    LetterKind.REPEATED: (
        "重复申请不予处理告知书",
        _OPENING + "经审查，您已就相同内容提出过申请并已获答复，且该信息未发生变化，本次申请属于重复申请。"
        "根据{法律依据}的规定，我校不再重复处理。{答复内容}",
    ),
    LetterKind.NOT_PROCESSED: (
        "信息公开申请不予处理告知书",
        _OPENING + "经审查，{处理理由说明}根据{法律依据}的规定，我校不作为信息公开申请处理。{答复内容}",
    ),
    LetterKind.OTHER: (
        "信息公开申请处理告知书",
        _OPENING + "{处理理由说明}根据{法律依据}的规定，特此告知。{答复内容}",
    ),
    LetterKind.EXTENSION: (
        "延期答复通知书",
        "{申请人}：\n我校于{收到日期}收到您提出的信息公开申请（申请编号：{申请编号}）。"
        "\n因{延期理由}，不能在{答复期限}前作出答复。经信息公开工作机构负责人同意，答复期限延长至"
        "{延期后期限}。",
    ),
}

# The article each answer rests on. The 办法 binds universities; the 条例 (art. 55) is the model
# their own rules follow where the 办法 is silent, hence "参照".
_ART18 = BANLI + "第十八条第（{}）项"
BASIS_BY_KIND = {
    LetterKind.DISCLOSED: _ART18.format("一"),
    LetterKind.PARTLY_DISCLOSED: BANLI + "第十条、第十八条第（四）项",
    LetterKind.NOT_DISCLOSED: BANLI + "第十条、第十八条第（二）项",
    LetterKind.NOT_EXIST: _ART18.format("三"),
    LetterKind.NOT_OURS: _ART18.format("三"),
    LetterKind.NEEDS_CREATION: _ART18.format("七") + "，参照" + TIAOLI + "第三十八条",
    LetterKind.UNCLEAR: _ART18.format("五"),
    LetterKind.CORRECTION: _ART18.format("五"),
    LetterKind.REPEATED: _ART18.format("六"),
    LetterKind.EXTENSION: BANLI + "及本校信息公开实施细则关于延期答复",
}
BASIS_BY_REASON = {
    ReplyReason.PETITION: _ART18.format("七") + "，参照" + TIAOLI + "第三十九条第一款",
    ReplyReason.PUBLICATION: _ART18.format("七") + "，参照" + TIAOLI + "第三十九条第二款",
    ReplyReason.MASS_REPEATED: _ART18.format("七") + "，参照" + TIAOLI + "第三十五条",
    ReplyReason.RECONFIRMATION: _ART18.format("七"),
    ReplyReason.NOT_CORRECTED: _ART18.format("五"),
    ReplyReason.FEE_UNPAID: _ART18.format("七") + "，参照" + TIAOLI + "第四十二条",
    ReplyReason.OTHER: _ART18.format("七"),
}
REASON_TEXT = {
    ReplyReason.PETITION: "您提出的申请属于信访、举报、投诉类诉求，请通过学校信访渠道或者相关职能部门反映。",
    ReplyReason.PUBLICATION: "您要求提供的是公开出版物，可以通过公开发行、图书馆等途径获取。",
    ReplyReason.MASS_REPEATED: "您申请公开信息的数量、频次明显超过合理范围，且未说明正当理由。",
    ReplyReason.RECONFIRMATION: "您要求确认或者重新出具已经获取的信息，不属于信息公开申请的范围。",
    ReplyReason.NOT_CORRECTED: "我校已通知您对申请内容作出补正，您无正当理由逾期未补正，视为放弃本次申请，我校不再处理。",
    ReplyReason.FEE_UNPAID: "我校已向您发出收费通知，您逾期未按通知缴纳费用，视为放弃本次申请，我校不再处理。",
    ReplyReason.OTHER: "",
}
# Answers after which the applicant is told where to turn: all but full disclosure (and the two
# procedural notices, which are not answers).
NO_REMEDIES = {LetterKind.DISCLOSED, LetterKind.CORRECTION, LetterKind.EXTENSION}
_OLD_CLOSING = re.compile(r"\n\{学校名称\}\{办公室名称\}\n\{答复日期\}\s*$")
# "。" typed by the applicant before the template's own "。", and the like.
_DOUBLED = re.compile(r"([。！？；，、：])[。；，、]+")
CN_DIGITS = "〇一二三四五六七八九"


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
    reason = request.reply_reason
    if request.reply_type:
        if request.reply_type == ReplyType.UNABLE:
            if request.reply_refer_to:
                return LetterKind.NOT_OURS
            return {ReplyReason.NEEDS_CREATION: LetterKind.NEEDS_CREATION,
                    ReplyReason.UNCLEAR_AFTER_CORRECTION: LetterKind.UNCLEAR}.get(reason, LetterKind.NOT_EXIST)
        if request.reply_type == ReplyType.NOT_PROCESSED:
            return LetterKind.REPEATED if reason == ReplyReason.REPEATED else LetterKind.NOT_PROCESSED
        return {
            ReplyType.DISCLOSED: LetterKind.DISCLOSED,
            ReplyType.PARTLY_DISCLOSED: LetterKind.PARTLY_DISCLOSED,
            ReplyType.NOT_DISCLOSED: LetterKind.NOT_DISCLOSED,
            ReplyType.OTHER: LetterKind.OTHER,
        }.get(request.reply_type, "")
    if request.correction_requested_on and not request.corrected_on:
        return LetterKind.CORRECTION
    if request.extension_workdays:
        return LetterKind.EXTENSION
    return ""


def legal_basis(kind: str, reason: str = "") -> str:
    """The article(s) a letter of `kind` (for `reason`) rests on."""
    if kind in (LetterKind.NOT_PROCESSED, LetterKind.OTHER):
        return BASIS_BY_REASON.get(reason, _ART18.format("七"))
    return BASIS_BY_KIND[kind]


def remedies(kind: str) -> str:
    """Where the applicant may turn when not satisfied; '' for a full disclosure and the notices."""
    if kind in NO_REMEDIES:
        return ""
    return (f"如对本答复不服，您可以向{university_name()}{supervisor_name()}投诉、举报；对学校的处理仍不服的，"
            f"可以向{education_department()}或者国务院教育行政部门投诉、举报。认为本答复侵犯您合法权益的，"
            "可以依法申请行政复议或者提起行政诉讼。")


def template_for(kind: str) -> tuple[str, str]:
    from disclosure.disclosure_requests.models import ReplyLetterTemplate

    saved = ReplyLetterTemplate.objects.filter(kind=kind).values_list("title", "body").first()
    return saved or DEFAULT_TEMPLATES[kind]


def _date(value) -> str:
    return f"{value.year}年{value.month}月{value.day}日" if value else ""


def chinese_date(value) -> str:
    """二〇二六年十二月三日: the date under the seal, in Chinese numerals."""
    def small(n: int) -> str:
        tens, units = divmod(n, 10)
        return ("" if tens < 2 else CN_DIGITS[tens]) + ("十" if tens else "") + (CN_DIGITS[units] if units else "")

    year = "".join(CN_DIGITS[int(d)] for d in str(value.year))
    return f"{year}年{small(value.month)}月{small(value.day)}日"


def _clause(text: str) -> str:
    """A value the template follows with its own punctuation: trailing stops and spaces removed."""
    return (text or "").strip().rstrip("。．.；;，,！!").strip()


def values_for(request, kind: str = "") -> dict[str, str]:
    from disclosure.disclosure_requests.clock import clock_for

    clock = clock_for(request)
    reason = request.reply_reason
    return {
        "申请人": (request.applicant_name or "").strip(),
        "申请编号": request.tracking_number,
        "收到日期": _date(request.received_on),
        "申请内容": _clause(request.description),
        "答复内容": (request.reply_text or "").strip(),
        "答复理由": request.get_reply_reason_display() if reason else "",
        "答复期限": _date(clock.original_due),
        "延期后期限": _date(clock.due),
        "延期理由": _clause(request.extension_reason),
        "补正内容": _clause(request.correction_note),
        "补正截止日": _date(request.correction_reply_by),
        "建议咨询机关": _clause(request.reply_refer_to),
        "答复日期": _date(request.answered_on or timezone.localdate()),
        "学校名称": university_name(),
        "办公室名称": office_name(),
        "法律依据": legal_basis(kind, reason) if kind else "",
        "处理理由说明": REASON_TEXT.get(reason, ""),
    }


def fill(body: str, values: dict[str, str]) -> str:
    # One pass: a value that itself contains "{申请人}" is printed as typed, never filled again.
    return PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), body)


def compose(request, kind: str, *, number: int | None = None) -> dict:
    """The letter as parts (title, number, addressee, paragraphs, signature): one content for .docx and PDF."""
    title, body = template_for(kind)
    values = values_for(request, kind)
    body = _OLD_CLOSING.sub("", body.rstrip())  # the signature block is the renderer's
    # .docx is XML: text stored with a control character past `save()` is cleaned here (both outputs).
    lines = [_DOUBLED.sub(r"\1", line).strip() for line in clean_text(fill(body, values)).split("\n")]
    lines = [line for line in lines if line]
    if "{法律依据}" not in body:
        lines.append(f"本答复依据{values['法律依据']}的规定作出。")
    if remedy := remedies(kind):
        lines.append(remedy)
    if number is None:
        number = request.letters.count() + 1 if request.pk else 1
    day = request.answered_on or timezone.localdate()
    if kind in (LetterKind.CORRECTION, LetterKind.EXTENSION):
        day = timezone.localdate()
    return {
        "title": clean_text(fill(title, values)),
        "number": f"告知书编号：{request.tracking_number}-{number:02d}",
        "addressee": lines[0] if lines and lines[0].endswith("：") else "",
        "paragraphs": lines[1:] if lines and lines[0].endswith("：") else lines,
        "signature": f"{values['学校名称']}{values['办公室名称']}",
        "seal": "（盖章）",
        "date": chinese_date(day),
    }


def _font(run, size: float, *, bold: bool = False, face: str = "仿宋") -> None:
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.name = "FangSong" if face == "仿宋" else face
    # Chinese text takes the East Asian font, which python-docx does not set by itself.
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), face)


def render_letter(request, kind: str, *, number: int | None = None) -> bytes:
    """The letter of `kind` for `request` as .docx bytes, on A4."""
    letter = compose(request, kind, number=number)
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)

    def add(text, size=16, *, align=None, indent=False, bold=False, face="仿宋"):
        paragraph = document.add_paragraph()
        if align is not None:
            paragraph.alignment = align
        if indent:
            paragraph.paragraph_format.first_line_indent = Pt(size * 2)
        _font(paragraph.add_run(text), size, bold=bold, face=face)
        return paragraph

    add(letter["title"], 22, align=WD_ALIGN_PARAGRAPH.CENTER, face="方正小标宋简体")
    add(letter["number"], 14, align=WD_ALIGN_PARAGRAPH.RIGHT)
    if letter["addressee"]:
        add(letter["addressee"])
    for line in letter["paragraphs"]:
        add(line, indent=True)
    add("")
    add(letter["signature"] + letter["seal"], align=WD_ALIGN_PARAGRAPH.RIGHT)
    add(letter["date"], align=WD_ALIGN_PARAGRAPH.RIGHT)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def render_letter_pdf(request, kind: str, *, number: int | None = None) -> bytes:
    """The same letter as an A4 PDF; everything typed by the applicant is escaped by the template."""
    from disclosure.core.pdf import build_pdf

    html = render_to_string("disclosure/requests/letter_pdf.html",
                            {"letter": compose(request, kind, number=number)})
    return build_pdf(html)


def render_receipt_pdf(request) -> bytes:
    """The acknowledgement of receipt (受理回执), A4 PDF: number, received date, due date, the request as
    typed (escaped by the template). The same for an online submission and for a letter or a visit."""
    from disclosure.core.pdf import build_pdf
    from disclosure.disclosure_requests.clock import clock_for

    clock = clock_for(request)
    html = render_to_string("disclosure/requests/receipt_pdf.html", {
        "req": request,
        "received": _date(request.received_on),
        "due": _date(request.due_on),
        "clock_lines": clock.applicant_lines,
        "signature": f"{university_name()}{office_name()}",
        "date": chinese_date(timezone.localdate()),
    })
    return build_pdf(html)
