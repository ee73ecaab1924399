"""The opinion box and the survey in a real browser, with screenshots at desktop and phone width."""

import datetime as dt
import os
from pathlib import Path

import pytest

from disclosure.access import policy
from disclosure.feedback import actions as fs
from disclosure.feedback.models import Opinion, Question, Survey, SurveyResponse

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(os.environ.get("SCREENSHOT_DIR", Path(__file__).parent / "screenshots"))
WIDTHS = {"desktop": (1366, 900), "phone": (390, 844)}


def shoot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    for label, (width, height) in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=str(SHOTS / f"{name}-{label}.png"), full_page=True)
        # Nothing runs off the side at phone width.
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, (name, label, overflow)
    page.set_viewport_size({"width": 1366, "height": 900})


@pytest.fixture
def office(django_user_model):
    policy.sync_role_groups()
    return django_user_model.objects.create_user("office-f", password="pw-12345-long", is_staff=True,
                                                 is_superuser=True)


def test_visitor_sends_an_opinion_and_reads_the_answer(live_server, page, office):
    page.goto(live_server.url + "/")
    page.locator(".site-footer").get_by_role("link", name="意见箱").click()
    page.wait_for_url("**/opinions/")
    shoot(page, "opinion-form")
    page.get_by_label("建议").check()
    page.get_by_label("内容").fill("建议在首页增加招生信息的快捷入口。")
    page.get_by_label("称呼").fill("王同学")
    page.get_by_label("联系方式").fill("wang@example.com")
    # Sent faster than a person types: refused by the spam guard, and nothing typed is lost.
    page.get_by_role("button", name="提交意见").click()
    assert "提交过快" in page.locator("form.opinion-form").inner_text()
    assert page.get_by_label("内容").input_value() == "建议在首页增加招生信息的快捷入口。"
    assert page.get_by_label("联系方式").input_value() == "wang@example.com"
    assert page.get_by_label("建议").is_checked()
    shoot(page, "opinion-form-error")
    page.wait_for_timeout(3100)  # the spam guard's minimum fill time
    page.get_by_role("button", name="提交意见").click()
    page.wait_for_url("**/opinions/done/")
    opinion = Opinion.objects.get()
    assert opinion.number in page.content() and opinion.check_code in page.content()
    shoot(page, "opinion-created")

    fs.answer_opinion(opinion, by=office, answer="感谢建议，首页已增加“招生信息”入口。",
                      on=opinion.arrived_on)
    fs.publish_opinion(opinion, by=office, public_text="建议在首页增加招生信息的快捷入口。")
    page.get_by_role("link", name="查看答复").click()
    page.get_by_label("意见编号").fill(opinion.number)
    page.get_by_label("查询码").fill(opinion.check_code)
    page.get_by_role("button", name="查看").click()
    assert "首页已增加“招生信息”入口" in page.locator("main").inner_text()
    shoot(page, "opinion-status")
    page.goto(live_server.url + "/opinions/answered/")
    assert "首页已增加“招生信息”入口" in page.locator("main").inner_text()
    assert "王同学" not in page.content()
    shoot(page, "opinions-published")
    page.goto(live_server.url + "/guide/")
    assert page.locator("main").get_by_role("link", name="意见箱").count() >= 1


def test_visitor_answers_the_survey_once(live_server, page, office):
    today = dt.date.today()
    survey = fs.save_survey(Survey(title="信息公开工作满意度调查", slug="satisfaction",
                                   intro="匿名填写，约需 2 分钟。", opens_on=today - dt.timedelta(days=1),
                                   closes_on=today + dt.timedelta(days=30)), by=office)
    Question.objects.create(survey=survey, position=1, text="您的身份", choices="在校学生\n教职工\n校友\n其他")
    Question.objects.create(survey=survey, position=2, text="您对学校信息公开工作的总体评价",
                            kind=Question.Kind.RATING, is_satisfaction=True)
    Question.objects.create(survey=survey, position=3, text="其他意见和建议",
                            kind=Question.Kind.FREE_TEXT, required=False)
    fs.open_survey(survey, by=office)
    page.goto(live_server.url + "/surveys/satisfaction/")
    shoot(page, "survey")
    page.get_by_label("在校学生").check()
    page.wait_for_timeout(3100)
    page.get_by_role("button", name="提交问卷").click()
    assert "请选择此项" in page.locator("form.survey-form").inner_text()
    assert page.get_by_label("在校学生").is_checked()
    shoot(page, "survey-error")
    page.get_by_label("4 分 满意").check()
    page.get_by_label("3. 其他意见和建议").fill("希望信息更新更及时。")
    page.get_by_role("button", name="提交问卷").click()
    page.wait_for_url("**/thanks/")
    assert SurveyResponse.objects.count() == 1
    page.goto(live_server.url + "/surveys/satisfaction/")
    assert "您已参加过本次调查" in page.locator("main").inner_text()
    assert page.locator("form.survey-form").count() == 0
