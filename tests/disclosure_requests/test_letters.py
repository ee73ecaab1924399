"""Reply letters fit to sign: the right letter for every reply type and reason, its legal basis, the
applicant's remedies, A4, the official layout, no doubled punctuation, hostile text kept as text."""

import datetime as dt
import io

import pytest
from docx import Document
from pypdf import PdfReader

from disclosure.disclosure_requests import actions as rs
from disclosure.disclosure_requests import letters
from disclosure.disclosure_requests.models import REPLY_REASONS, LetterKind, ReplyReason, ReplyType

D = dt.date
APPLICANT = {
    "applicant_type": "citizen", "applicant_name": "张三", "id_number": "11010519491231002X",
    "phone": "13800138000", "email": "zhangsan@example.com", "postal_address": "北京市海淀区某路 1 号",
    "description": "2025年学校预算执行情况。", "preferred_form": "electronic", "delivery": "email",
}

# Every reply type with every reason it takes (or none), and the letter each calls for.
EXPECTED_KIND = {
    (ReplyType.DISCLOSED, ""): LetterKind.DISCLOSED,
    (ReplyType.PARTLY_DISCLOSED, ""): LetterKind.PARTLY_DISCLOSED,
    **{(ReplyType.NOT_DISCLOSED, r): LetterKind.NOT_DISCLOSED for r in REPLY_REASONS[ReplyType.NOT_DISCLOSED]},
    (ReplyType.UNABLE, ReplyReason.NOT_HELD): LetterKind.NOT_EXIST,
    (ReplyType.UNABLE, ReplyReason.NEEDS_CREATION): LetterKind.NEEDS_CREATION,
    (ReplyType.UNABLE, ReplyReason.UNCLEAR_AFTER_CORRECTION): LetterKind.UNCLEAR,
    (ReplyType.NOT_PROCESSED, ReplyReason.REPEATED): LetterKind.REPEATED,
    **{(ReplyType.NOT_PROCESSED, r): LetterKind.NOT_PROCESSED
       for r in REPLY_REASONS[ReplyType.NOT_PROCESSED] if r != ReplyReason.REPEATED},
    **{(ReplyType.OTHER, r): LetterKind.OTHER for r in REPLY_REASONS[ReplyType.OTHER]},
}
# What each letter must say of its ground, in words a reader can check against the reply.
MUST_SAY = {
    LetterKind.NOT_EXIST: "该信息不存在",
    LetterKind.NEEDS_CREATION: "另行制作",
    LetterKind.UNCLEAR: "补正后的申请内容仍不明确",
    LetterKind.REPEATED: "重复申请",
}
BASIS = {
    LetterKind.DISCLOSED: "第十八条第（一）项",
    LetterKind.PARTLY_DISCLOSED: "第十八条第（四）项",
    LetterKind.NOT_DISCLOSED: "第十条、第十八条第（二）项",
    LetterKind.NOT_EXIST: "第十八条第（三）项",
    LetterKind.NEEDS_CREATION: "第三十八条",
    LetterKind.UNCLEAR: "第十八条第（五）项",
    LetterKind.REPEATED: "第十八条第（六）项",
}


def test_every_reply_type_and_reason_is_covered():
    pairs = {(t, "") for t in (ReplyType.DISCLOSED, ReplyType.PARTLY_DISCLOSED)}
    pairs |= {(t, r) for t, reasons in REPLY_REASONS.items() for r in reasons}
    assert set(EXPECTED_KIND) == pairs


@pytest.mark.parametrize(("reply_type", "reason"), list(EXPECTED_KIND))
def test_the_right_letter_for_every_reply(db, office_user, reply_type, reason):
    req = rs.receive_request(by=office_user, channel="letter", received_on=D(2026, 3, 2), **APPLICANT)
    req = rs.answer_request(req, by=office_user, reply_type=reply_type, reason=reason,
                            text="详见附件。", on=D(2026, 3, 10))
    letter = rs.generate_reply_letter(req, by=office_user)
    kind = EXPECTED_KIND[(reply_type, reason)]
    assert letter.kind == kind
    doc = Document(io.BytesIO(letter.file.read()))
    paragraphs = [p.text for p in doc.paragraphs]
    text = "\n".join(paragraphs)
    section = doc.sections[0]
    assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (21.0, 29.7)
    assert paragraphs[0] == letters.template_for(kind)[0]
    assert paragraphs[1] == f"告知书编号：{req.tracking_number}-01"
    assert paragraphs[2] == "张三："
    assert "申请获取：2025年学校预算执行情况。" in text and "。。" not in text and "{" not in text
    assert "《高等学校信息公开办法》" in text
    assert BASIS.get(kind, letters.legal_basis(kind, reason)) in text
    if kind in MUST_SAY:
        assert MUST_SAY[kind] in text
    if kind != LetterKind.NOT_EXIST:
        assert "该信息不存在" not in text  # 另行制作 / 仍不明确 are not "does not exist"
    if reason and kind in (LetterKind.NOT_PROCESSED, LetterKind.OTHER) and reason != ReplyReason.OTHER:
        assert letters.REASON_TEXT[reason] in text
    remedy = "可以依法申请行政复议或者提起行政诉讼"
    assert (remedy in text) == (kind != LetterKind.DISCLOSED)
    if kind != LetterKind.DISCLOSED:
        assert "省级教育行政部门" in text and "信息公开监督部门" in text
    assert paragraphs[-2].endswith("（盖章）") and paragraphs[-1] == "二〇二六年三月十日"


def test_chinese_date():
    assert letters.chinese_date(D(2026, 12, 3)) == "二〇二六年十二月三日"
    assert letters.chinese_date(D(2020, 10, 20)) == "二〇二〇年十月二十日"
    assert letters.chinese_date(D(2021, 1, 31)) == "二〇二一年一月三十一日"


def test_hostile_text_stays_text_in_docx_and_pdf(db, office_user):
    hostile = '<b>粗体</b>{申请人}&amp;<script>alert(1)</script>。'
    req = rs.receive_request(by=office_user, channel="letter", received_on=D(2026, 3, 2),
                             **{**APPLICANT, "applicant_name": "<i>李四</i>", "description": hostile})
    req = rs.answer_request(req, by=office_user, reply_type=ReplyType.DISCLOSED, on=D(2026, 3, 10))
    text = "\n".join(p.text for p in Document(io.BytesIO(letters.render_letter(req, LetterKind.DISCLOSED))).paragraphs)
    # Typed "{申请人}" is printed as typed (never filled), and the trailing "。" is not doubled.
    assert "申请获取：<b>粗体</b>{申请人}&amp;<script>alert(1)</script>。" in text
    assert "<i>李四</i>：" in text
    pdf = PdfReader(io.BytesIO(letters.render_letter_pdf(req, LetterKind.DISCLOSED)))
    box = pdf.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)
    pdf_text = "".join(p.extract_text() for p in pdf.pages).replace("\n", "")
    assert "<script>alert(1)</script>" in pdf_text and "<i>李四</i>" in pdf_text
    assert "二〇二六年三月十日" in pdf_text and "信息公开申请答复告知书" in pdf_text
