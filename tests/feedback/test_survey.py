"""The yearly survey from creation to results, one answer per browser, and its Excel export."""

import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from openpyxl import load_workbook

from disclosure.feedback import actions as fs
from disclosure.feedback.models import Question, Survey, SurveyResponse
from disclosure.feedback.selectors import survey_results
from tests.feedback.conftest import answers, stamp

D = dt.date


def post_data(survey, **kw):
    data = {f"q{pk}": value for pk, value in answers(survey, **kw).items()}
    data.update({"website": "", "form_started": stamp()})
    return data


def test_a_survey_from_creation_to_results(make_survey, office_user, client):
    survey = make_survey(open_it=False)
    url = reverse("disclosure:survey_detail", args=[survey.slug])
    # A draft has no public page.
    assert client.get(url).status_code == 404
    survey = fs.open_survey(survey, by=office_user)
    page = client.get(url)
    assert page.status_code == 200 and "总体评价" in page.content.decode()
    response = client.post(url, post_data(survey, rating="4", text="很好"))
    assert response.status_code == 302 and response["Location"].endswith("/thanks/")
    assert client.get(response["Location"]).status_code == 200
    # The same browser is told it has answered, and a second sheet is refused.
    again = client.get(url)
    assert "您已参加过本次调查" in again.content.decode()
    assert client.post(url, post_data(survey)).status_code == 409
    assert SurveyResponse.objects.count() == 1
    # Another browser answers too.
    from django.test import Client

    for rating, role in (("5", "学生"), ("2", "教职工"), ("4", "学生")):
        assert Client().post(url, post_data(survey, rating=rating, role=role)).status_code == 302
    results = survey_results(survey)
    assert results.responses == 4
    role_q, rating_q, text_q = results.questions
    assert [(r["label"], r["value"], r["percent"]) for r in role_q.rows] == [
        ("学生", 3, 75.0), ("教职工", 1, 25.0), ("其他", 0, 0.0)]
    assert [r["value"] for r in rating_q.rows] == [1, 2, 0, 1, 0]  # 5, 4, 3, 2, 1
    assert rating_q.average == 3.75 and rating_q.satisfaction == 75.0 and results.satisfaction == 75.0
    assert text_q.texts == ["很好"]
    # Closing ends the answering.
    fs.close_survey(survey, by=office_user)
    closed = Client().get(url)
    assert "本次调查已结束" in closed.content.decode()
    assert Client().post(url, post_data(survey)).status_code == 403


def test_results_page_chart_and_excel_for_the_office(make_survey, office_user, supervisor, editor, client,
                                                     django_assert_max_num_queries):
    survey = make_survey()
    for rating in "54321":
        fs.submit_survey_response(survey, answers(survey, rating=rating, text=f"=HYPERLINK(\"x\")建议{rating}"))
    client.force_login(office_user)
    url = reverse("admin:feedback_survey_results", args=[survey.pk])
    with django_assert_max_num_queries(20):
        response = client.get(url)
    body = response.content.decode()
    assert response.status_code == 200
    assert "有效答卷 <strong>5</strong>" in body and "满意度 <strong>40.0%</strong>" in body
    assert "<svg" in body and "<rect" in body and "20.0%" in body
    assert "建议3" in body
    export = client.get(reverse("admin:feedback_survey_export", args=[survey.pk]))
    assert export.status_code == 200 and "attachment" in export["Content-Disposition"]
    book = load_workbook(io.BytesIO(export.content))
    summary = [[c for c in row if c is not None] for row in book["统计"].iter_rows(values_only=True)]
    assert ["有效答卷", 5] in summary and ["满意度（%）", 40.0] in summary
    assert ["学生", 5, 100.0] in summary
    sheets = list(book["答卷"].iter_rows(values_only=True))
    assert len(sheets) == 6 and sheets[0][2] == "1. 您的身份"
    # A formula typed into a free-text answer stays text.
    assert all(not str(row[4]).startswith("=") for row in sheets[1:])
    # The supervisor reads the counts but not the free text, and cannot export.
    client.force_login(supervisor)
    body = client.get(url).content.decode()
    assert "满意度" in body and "建议3" not in body
    assert client.get(reverse("admin:feedback_survey_export", args=[survey.pk])).status_code == 403
    client.force_login(editor)
    assert client.get(url).status_code == 403


def test_answers_are_checked_all_at_once_and_nothing_half_saved(make_survey, client):
    survey = make_survey()
    url = reverse("disclosure:survey_detail", args=[survey.slug])
    data = post_data(survey, role="校长", rating="9")
    response = client.post(url, data)
    body = response.content.decode()
    assert response.status_code == 400 and "请从选项中选择" in body
    assert not SurveyResponse.objects.exists()
    with pytest.raises(ValidationError) as error:
        fs.submit_survey_response(survey, {})
    assert "请回答第 1 题" in str(error.value) and "请回答第 2 题" in str(error.value)
    assert not SurveyResponse.objects.exists()


def test_spam_guard_and_rate_limit(make_survey, client, settings):
    from django.test import Client

    survey = make_survey()
    url = reverse("disclosure:survey_detail", args=[survey.slug])
    bot = post_data(survey)
    bot["website"] = "http://spam"
    assert client.post(url, bot).status_code == 400
    settings.DISCLOSURE = {**settings.DISCLOSURE, "SURVEY_SUBMIT_LIMIT": 2}
    codes = [Client().post(url, post_data(survey)).status_code for _ in range(3)]
    assert codes == [302, 302, 429]
    assert SurveyResponse.objects.count() == 2


def test_survey_period_and_editing_rules(make_survey, office_user, supervisor, client):
    future = make_survey(opens_on=D(2027, 1, 1), closes_on=D(2027, 1, 31), slug="later")
    page = client.get(reverse("disclosure:survey_detail", args=["later"])).content.decode()
    assert "尚未开始" in page
    with pytest.raises(ValidationError, match="不在开放期内"):
        fs.submit_survey_response(future, answers(future))
    with pytest.raises(PermissionDenied):
        fs.close_survey(future, by=supervisor)
    with pytest.raises(ValidationError, match="状态下不能开放调查"):
        fs.open_survey(future, by=office_user)
    empty = fs.save_survey(Survey(title="空", slug="empty", opens_on=D(2026, 12, 1),
                                  closes_on=D(2027, 1, 1)), by=office_user)
    with pytest.raises(ValidationError, match="至少需要一道题目"):
        fs.open_survey(empty, by=office_user)
    Question.objects.create(survey=empty, position=1, text="单选", choices="只有一个")
    with pytest.raises(ValidationError, match="2 至 10 个选项"):
        fs.open_survey(empty, by=office_user)
    # Once open, the questions are fixed and only the closing date may move.
    future.title = "改名"
    with pytest.raises(ValidationError, match="只能修改结束日期"):
        fs.save_survey(future, by=office_user)
    future.refresh_from_db()
    future.closes_on = D(2027, 2, 28)
    fs.save_survey(future, by=office_user)
    assert not fs.questions_editable(future)
    assert future.history.count() >= 3  # created, opened, date moved: who and when each time


def test_admin_survey_pages(make_survey, office_user, client):
    survey = make_survey(open_it=False)
    client.force_login(office_user)
    change = client.get(reverse("admin:feedback_survey_change", args=[survey.pk])).content.decode()
    assert "开放调查" in change and f"/surveys/{survey.slug}/" in change
    action = reverse("admin:feedback_survey_action", args=[survey.pk, "open_survey"])
    assert client.get(action).status_code == 200
    assert client.post(action).status_code == 302
    survey.refresh_from_db()
    assert survey.status == "open"
    assert client.post(reverse("admin:feedback_survey_action", args=[survey.pk, "nope"])).status_code == 404
