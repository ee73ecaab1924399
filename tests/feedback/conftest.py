import datetime as dt
import time

import pytest
from django.core import signing
from django.core.cache import cache
from django.utils import timezone

from disclosure.feedback import actions as fs
from disclosure.feedback.models import Question, Survey

TZ = timezone.get_current_timezone()


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=TZ)


def stamp() -> str:
    """The spam guard's signed start time, a minute ago."""
    return signing.dumps(time.time() - 60, salt="disclosure.core.spamguard")


@pytest.fixture(autouse=True)
def _clear_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def opinion(db):
    # Monday 2 March 2026, 10:00: received that day, due 15 working days later.
    return fs.receive_opinion(kind="suggestion", text="建议增加招生信息入口。", name="王同学",
                              contact="13900001111", submitted_at=at(dt.date(2026, 3, 2)))


@pytest.fixture
def make_survey(office_user):
    def make(*, opens_on=dt.date(2026, 3, 1), closes_on=dt.date(2027, 1, 31), open_it=True,
             slug="2026-satisfaction"):
        survey = fs.save_survey(Survey(title="2026年度信息公开满意度调查", slug=slug, intro="匿名填写。",
                                       opens_on=opens_on, closes_on=closes_on), by=office_user)
        Question.objects.create(survey=survey, position=1, text="您的身份", choices="学生\n教职工\n其他")
        Question.objects.create(survey=survey, position=2, text="总体评价", kind=Question.Kind.RATING,
                                is_satisfaction=True)
        Question.objects.create(survey=survey, position=3, text="其他建议", kind=Question.Kind.FREE_TEXT,
                                required=False)
        if open_it:
            survey = fs.open_survey(survey, by=office_user)
        return survey

    return make


def answers(survey, role="学生", rating="5", text=""):
    q = {question.position: question.pk for question in survey.questions.all()}
    return {q[1]: role, q[2]: rating, q[3]: text}
