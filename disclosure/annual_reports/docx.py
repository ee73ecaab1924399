"""The yearly report as a Word document, in the layout universities file with the education department.

Same content as the web page: the seven parts, the notes on the figures, the tables and charts in the
order and with the numbers `figures.exhibits` gives them, and the 50-row checklist table. Charts are
PNG images (charts.py); where no Chinese font is installed they become small tables instead.
"""

from __future__ import annotations

import io
from typing import Any

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from disclosure.annual_reports import charts
from disclosure.annual_reports.figures import (
    cn_date,
    exhibits,
    fmt,
    front_notes,
    report_parts,
    satisfaction_text,
)
from disclosure.core.hygiene import clean_text

BODY_FONT = "仿宋"
HEADING_FONT = "黑体"
TITLE_FONT = "方正小标宋简体"


def _font(run, name: str, size: float, bold: bool = False) -> None:
    run.font.name = name
    run.font.size = Pt(size)
    run.font.bold = bold
    # East-Asian text takes its font from w:eastAsia, not from the Latin name.
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)


def _paragraph(doc, text: str, *, font=BODY_FONT, size=16, bold=False, align=None, indent=True):
    p = doc.add_paragraph()
    if indent:
        p.paragraph_format.first_line_indent = Pt(size * 2)
    if align is not None:
        p.alignment = align
    # .docx is XML: text stored with a control character past `save()` is cleaned here.
    _font(p.add_run(clean_text(text)), font, size, bold)
    return p


def _table_style(doc, name: str, size: float):
    """A paragraph style for table text: set once, instead of formatting every run (much faster)."""
    styles = doc.styles
    if name in [s.name for s in styles]:
        return styles[name]
    style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = styles["Normal"]
    style.font.size = Pt(size)
    style.paragraph_format.first_line_indent = Pt(0)
    style.paragraph_format.space_after = Pt(0)
    return style


def _table(doc, header: list[str], rows: list[list[Any]], *, size=10.5, widths=None):
    # Set by id: the public `paragraph.style = ...` searches the style sheet on every call.
    style_id = _table_style(doc, f"表格文字{size:g}", size).style_id
    columns = len(header)
    table = doc.add_table(rows=len(rows) + 1, cols=columns)
    table.style = "Table Grid"
    cells = table._cells  # the whole grid at once; row by row access rebuilds it every time
    for index, value in enumerate([*header, *[v for row in rows for v in row]]):
        cell = cells[index]
        paragraph = cell.paragraphs[0]
        paragraph._p.get_or_add_pPr().style = style_id
        run = paragraph.add_run("" if value is None else clean_text(str(value)))
        if index < columns:
            run.bold = True
        if widths:
            cell.width = Cm(widths[index % columns])
    return table


def _merge(first, other) -> None:
    """Merge cells that repeat one header text, keeping that text once."""
    merged = first.merge(other)
    for paragraph in merged.paragraphs[1:]:
        paragraph._p.getparent().remove(paragraph._p)


def request_table_rows(requests: dict[str, Any]) -> tuple[list[str], list[list[Any]]]:
    """Two header rows as in the national form: 法人或其他组织 spans its kinds."""
    kinds = len(requests["columns"]) - 1
    header = ["项目", requests["columns"][0], *["法人或其他组织"] * kinds, "总计"]
    rows = [["项目", *requests["columns"], "总计"]]
    for row in requests["rows"]:
        label = "　" * row["level"] + row["label"]
        cells = row["cells"] or [None] * len(requests["columns"])
        rows.append([label, *cells, row["total"]])
    return header, rows


def checklist_table_rows(checklist: list[dict[str, Any]], site: str = "") -> list[list[Any]]:
    rows = []
    for row in checklist:
        where = "、".join(row["channels"]) if row["channels"] else ""
        links = "；".join(f"{i['title']} {site}{i['url']}" for i in row["items"][:5])
        if row["count"]["value"] > 5:
            links += f" 等{row['count']['value']}条，见 {site}{row['url']}"
        rows.append([row["number"], row["category"], row["title"], row["status_label"],
                     row["count"]["value"], where, links])
    return rows


def _caption(doc, text: str) -> None:
    _paragraph(doc, text, font=HEADING_FONT, size=12, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)


def _exhibit(doc, ex: dict[str, Any], figures: dict[str, Any], site_url: str) -> None:
    """One numbered table or chart, its caption above it as in the web page."""
    if ex["kind"] == "chart":
        if charts.charts_available():
            picture = doc.add_paragraph()
            picture.alignment = WD_ALIGN_PARAGRAPH.CENTER
            title = ex["caption"].split(" ", 1)[1]
            picture.add_run().add_picture(io.BytesIO(charts.bar_chart_png(title, ex["rows"])), width=Cm(15))
            _caption(doc, ex["caption"])
        else:
            _caption(doc, ex["caption"])
            _table(doc, ["项目", "数量"], [[r["label"], r["value"]] for r in ex["rows"]])
        return
    _caption(doc, ex["caption"])
    key = ex["key"]
    if key == "channels":
        _table(doc, ["渠道", "发布条数", "栏目", "其他数据"], [
            [c["channel"], fmt(c["items"]),
             "、".join(f"{s['section']} {fmt(s['items'])}" for s in c["sections"]),
             "；".join(f"{m['section']}{m['label']} {fmt(m)}" for m in c["metrics"])]
            for c in figures["channels"]
        ], widths=[3.5, 2.0, 5.5, 5.0])
    elif key == "documents":
        _table(doc, ["公文类型", "数量"], [[d["label"], fmt(d)] for d in figures["documents"]])
    elif key == "requests":
        header, rows = request_table_rows(figures["requests"])
        table = _table(doc, header, rows, size=9, widths=[5.6, 1.4, 1.4, 1.4, 1.4, 1.4, 1.4, 1.4])
        top, sub = table.rows[0].cells, table.rows[1].cells
        last = len(header) - 1
        for index in (0, 1, last):
            _merge(top[index], sub[index])
        _merge(top[2], top[last - 1])
    elif key == "evaluation_opinions":
        ops = figures["evaluation"]["opinions"]
        _table(doc, ["项目", "件数"], [
            *[[k["label"], k["value"]] for k in ops["by_kind"]],
            ["合计", ops["total"]["value"]], ["按期答复", ops["on_time"]["value"]],
            ["超过答复期限答复", ops["late"]["value"]], ["正在办理", ops["open"]["value"]],
        ])
    elif key == "evaluation_surveys":
        _table(doc, ["调查", "时间", "有效问卷", "满意度"], [
            [sv["title"], f"{sv['opens_on']} 至 {sv['closes_on']}", sv["responses"]["value"],
             satisfaction_text(sv["satisfaction_permille"])]
            for sv in figures["evaluation"]["surveys"]
        ])
    elif key == "evaluation_activities":
        _table(doc, ["类型", "次数", "参加人次"], [
            [a["label"], fmt(a), a["participants"]] for a in figures["evaluation"]["activities"]
        ])
    elif key == "complaints":
        complaints = figures["complaints"]
        header = ["类型", "总计", *[o["label"] for o in complaints[0]["outcomes"]]]
        _table(doc, header, [
            [c["label"], c["total"]["value"], *[o["value"] for o in c["outcomes"]]] for c in complaints
        ])
    elif key == "checklist":
        _table(doc, ["序号", "类别", "清单事项", "公开情况", "本学年条数", "公开渠道", "链接"],
               checklist_table_rows(figures["checklist"], site_url), size=8,
               widths=[1.0, 2.2, 7.0, 3.5, 1.5, 3.5, 7.0])


def build_report_docx(report, figures: dict[str, Any], *, site_url: str = "") -> bytes:
    """The report as .docx bytes, from the given (live or frozen) figures."""
    doc = Document()
    normal = doc.styles["Normal"]
    normal.font.name, normal.font.size = BODY_FONT, Pt(16)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)
    section = doc.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)

    _paragraph(doc, report.display_title, font=TITLE_FONT, size=22, align=WD_ALIGN_PARAGRAPH.CENTER,
               indent=False)
    for line in report.preface.splitlines():
        if line.strip():
            _paragraph(doc, line)
    for note in front_notes(figures):
        _paragraph(doc, note, size=12)

    numbered = exhibits(figures)
    for part in report_parts(report, figures):
        if part["key"] == "checklist":
            # The checklist table is wide: it gets a landscape section of its own.
            landscape = doc.add_section()
            landscape.orientation = WD_ORIENT.LANDSCAPE
            landscape.page_width, landscape.page_height = Cm(29.7), Cm(21.0)
            landscape.left_margin = landscape.right_margin = Cm(2.0)
        _paragraph(doc, part["heading"], font=HEADING_FONT, size=16, indent=False)
        if part["key"] != "checklist":
            for text in part["paragraphs"]:
                _paragraph(doc, text)
        for ex in numbered.get(part["key"], []):
            _exhibit(doc, ex, figures, site_url)

    _paragraph(doc, report.university_label, align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False)
    day = report.signed_on or (report.published_at.date() if report.published_at else None)
    if day:
        _paragraph(doc, cn_date(day), align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
