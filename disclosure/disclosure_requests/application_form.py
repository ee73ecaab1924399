"""The application form (信息公开申请表) to print for a letter or a visit, as .docx and as PDF.

One declaration of the form's rows (`SECTIONS`) feeds both formats, and the choices come from the
request model, so the paper form asks what the online form asks. The office's address and the
university's name come from the site settings.
"""

from __future__ import annotations

import io

from django.conf import settings
from django.template.loader import render_to_string
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from disclosure.core.institution import institution
from disclosure.disclosure_requests.models import ApplicantType, DisclosureRequest

BOX = "□"


def _boxes(choices) -> str:
    return "　".join(f"{BOX}{label}" for value, label in choices if value)


# (section, [(label, what to write or tick), …]); an empty value is a blank line to fill in.
SECTIONS: list[tuple[str, list[tuple[str, str]]]] = [
    ("申请人信息", [
        ("申请人类型", _boxes(ApplicantType.choices)),
        ("姓名或名称", ""),
        ("身份证件号码或统一社会信用代码", ""),
        ("联系人（法人或其他组织填写）", ""),
        ("联系电话", ""),
        ("电子邮箱", ""),
        ("通信地址", ""),
        ("邮政编码", ""),
    ]),
    ("所需信息", [
        ("所需信息的名称、文号或便于查询的其他特征性描述", ""),
        ("用途（选填）", ""),
    ]),
    ("获取方式", [
        ("提供形式", _boxes(DisclosureRequest.PreferredForm.choices)),
        ("获取方式", _boxes(DisclosureRequest.Delivery.choices)),
    ]),
    ("申请人签名", [
        ("申请人签名或盖章", ""),
        ("申请日期", "　　　　年　　月　　日"),
    ]),
]
# Rows where the applicant writes several lines.
TALL_ROWS = {"所需信息的名称、文号或便于查询的其他特征性描述", "用途（选填）", "通信地址"}


def form_context() -> dict:
    facts = institution()
    return {
        "title": f"{facts.university_name}信息公开申请表",
        "sections": SECTIONS,
        "tall_rows": TALL_ROWS,
        "facts": facts,
    }


def render_docx() -> bytes:
    """The form as a Word document, for applicants who fill it in on a computer."""
    context = form_context()
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2.2)
    section.top_margin = section.bottom_margin = Cm(2.0)
    style = doc.styles["Normal"]
    style.font.name = "宋体"
    style.font.size = Pt(11)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "宋体")
    heading = doc.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = heading.add_run(context["title"])
    run.bold, run.font.size = True, Pt(16)
    table = doc.add_table(rows=0, cols=3)
    table.style = "Table Grid"
    for name, rows in context["sections"]:
        for index, (label, value) in enumerate(rows):
            cells = table.add_row().cells
            cells[0].text = name if index == 0 else ""
            cells[1].text = label
            cells[2].text = value + ("\n\n\n" if label in TALL_ROWS else "")
        if len(rows) > 1:
            first = len(table.rows) - len(rows)
            table.cell(first, 0).merge(table.cell(len(table.rows) - 1, 0))
            table.cell(first, 0).text = name
    for row in table.rows:
        row.cells[0].width, row.cells[1].width, row.cells[2].width = Cm(2.2), Cm(5.0), Cm(9.4)
    for line in _notes(context["facts"]):
        doc.add_paragraph(line)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def _notes(facts) -> list[str]:
    workdays = settings.DISCLOSURE.get("REQUEST_REPLY_WORKDAYS", 15)
    lines = ["填写说明：", "1. 请如实填写；所需信息描述越具体，越便于查找。带“□”处请勾选。",
             f"2. 学校自收到申请之日的次日起 {workdays} 个工作日内答复；需要补正的，自收到补正之日起重新计算。"]
    where = []
    if facts.postal_address:
        addressee = "" if facts.office_name in facts.postal_address else \
            f"（{facts.university_name}{facts.office_name}收）"
        where.append(f"信函请寄：{facts.postal_address}{addressee}")
    if facts.office_address:
        hours = f"，受理时间：{facts.office_hours}" if facts.office_hours else ""
        where.append(f"当面提交：{facts.office_address}{hours}")
    contact = "；".join(filter(None, [facts.phone and f"咨询电话：{facts.phone}",
                                       facts.email and f"电子邮箱：{facts.email}"]))
    if contact:
        where.append(contact)
    return lines + [f"{n}. {text}" for n, text in enumerate(where, start=3)]


# Setting the PDF takes about a second: each process keeps the last one, for the facts it shows.
_last_pdf: dict[tuple, bytes] = {}


def render_pdf() -> bytes:
    """The form as an A4 PDF (WeasyPrint, with the Noto CJK fonts the Makefile installs)."""
    from weasyprint import HTML

    context = form_context()
    context["notes"] = _notes(context["facts"])
    html = render_to_string("disclosure/requests/application_form_pdf.html", context)
    key = (html,)
    if key not in _last_pdf:
        _last_pdf.clear()
        _last_pdf[key] = HTML(string=html).write_pdf()
    return _last_pdf[key]
