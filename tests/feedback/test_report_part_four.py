"""Part four of the yearly report (对信息公开的评议情况) from the data, against counts written here."""

import datetime as dt
import io

from django.urls import reverse
from docx import Document

from disclosure.annual_reports import actions as report_services
from disclosure.annual_reports.docx import build_report_docx
from disclosure.annual_reports.figures import (
    compute_figures,
    evaluation_figures,
    exhibits,
    report_parts,
)
from disclosure.feedback import actions as fs
from disclosure.feedback.models import EvaluationActivity
from tests.feedback.conftest import answers, at

D = dt.date
YEAR = 2025  # 1 September 2025 – 31 August 2026


def _year(office_user, make_survey):
    # Three opinions in the year (two opinions, one complaint), one the day before it began.
    fs.receive_opinion(kind="opinion", text="上一学年", submitted_at=at(D(2025, 8, 29)))
    on_time = fs.receive_opinion(kind="opinion", text="甲", submitted_at=at(D(2026, 3, 2)))
    late = fs.receive_opinion(kind="opinion", text="乙", submitted_at=at(D(2026, 3, 2)))
    fs.receive_opinion(kind="complaint", text="丙", submitted_at=at(D(2026, 3, 3)))
    fs.answer_opinion(on_time, by=office_user, answer="答", on=D(2026, 3, 23))  # the due date itself
    fs.answer_opinion(late, by=office_user, answer="答", on=D(2026, 3, 24))
    fs.publish_opinion(late, by=office_user, public_text="摘要")
    survey = make_survey()
    for rating in "5543214":  # satisfied (4 or 5): 4 of 7
        fs.submit_survey_response(survey, answers(survey, rating=rating))
    for day, kind, people in ((D(2025, 11, 5), "meeting", 20), (D(2026, 4, 8), "meeting", 15),
                              (D(2026, 5, 12), "visit", None), (D(2026, 9, 1), "visit", 5)):
        EvaluationActivity.objects.create(kind=kind, held_on=day, title="座谈", participants=people)
    return survey


def test_part_four_figures_equal_a_count_written_here(db, office_user, make_survey):
    _year(office_user, make_survey)
    figures = evaluation_figures(YEAR)
    ops = figures["opinions"]
    assert ops["total"]["value"] == 3
    assert {k["kind"]: k["value"] for k in ops["by_kind"]} == {"opinion": 2, "suggestion": 0, "complaint": 1}
    assert (ops["answered"]["value"], ops["on_time"]["value"], ops["late"]["value"], ops["open"]["value"],
            ops["published"]["value"]) == (2, 1, 1, 1, 1)
    [survey] = figures["surveys"]
    assert survey["responses"]["value"] == 7 and survey["satisfaction_permille"] == 571
    assert {a["kind"]: (a["value"], a["source"], a["participants"]) for a in figures["activities"]} == {
        "meeting": (2, "entered", 35), "visit": (1, "entered", 0), "other": (0, "entered", 0)}


def test_part_four_in_the_report_page_and_the_docx(db, office_user, make_survey, client):
    _year(office_user, make_survey)
    report = report_services.create_report(by=office_user, year=YEAR, evaluation="学校还召开了学生代表座谈会。")
    figures = compute_figures(YEAR)
    part = next(p for p in report_parts(report, figures) if p["key"] == "evaluation")
    text = "".join(part["paragraphs"])
    for expected in ("收到来信3件（意见2件、投诉1件）", "已答复2件", "按期答复1件", "超过答复期限的1件",
                     "正在办理1件", "公开选登1件", "收到有效问卷7份", "为57.1%", "开展座谈会2次*（参加35人次）",
                     "开展调研1次*", "学校还召开了学生代表座谈会。"):
        assert expected in text, expected
    client.force_login(office_user)
    page = client.get(reverse("disclosure:report_detail", args=[YEAR])).content.decode()
    assert "意见箱来信情况" in page and "57.1%" in page and "收到来信3件" in page
    doc = Document(io.BytesIO(build_report_docx(report, figures)))
    body = "\n".join(p.text for p in doc.paragraphs)
    # Part four's tables are numbered in the report's one sequence (after parts two and three's).
    captions = [ex["caption"] for ex in exhibits(figures)["evaluation"]]
    assert captions == ["表4 意见箱来信情况", "表5 网络调查", "表6 座谈与调研"]
    assert all(c in body and c in page for c in captions) and "收到有效问卷7份" in body
    table = next(t for t in doc.tables if t.rows[0].cells[0].text == "项目" and t.rows[1].cells[0].text == "意见")
    assert [r.cells[1].text for r in table.rows[1:]] == ["2", "0", "1", "3", "1", "1", "1"]


def test_a_year_without_such_data_keeps_its_text(db, office_user):
    report = report_services.create_report(by=office_user, year=2020,
                                           evaluation="学校通过座谈会、调研等方式听取意见，满意度较高。")
    figures = compute_figures(2020)
    part = next(p for p in report_parts(report, figures) if p["key"] == "evaluation")
    assert part["paragraphs"] == ["学校通过座谈会、调研等方式听取意见，满意度较高。"]
    # A report frozen before the opinion box existed has no such figures at all.
    del figures["evaluation"]
    part = next(p for p in report_parts(report, figures) if p["key"] == "evaluation")
    assert part["paragraphs"] == ["学校通过座谈会、调研等方式听取意见，满意度较高。"]
    build_report_docx(report, figures)
