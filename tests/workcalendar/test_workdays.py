import datetime as dt

import pytest

from disclosure.workcalendar.workdays import (
    Override,
    WorkdayCalendar,
    add_workdays,
    explain_workdays,
    provisional_holidays,
    workdays_between,
)

D = dt.date
CAL = WorkdayCalendar()  # the shipped official data, no overrides: no database needed


@pytest.mark.parametrize(
    ("start", "n", "due"),
    [
        # 2024 Spring Festival: 10-17 Feb off; Sun 4 Feb and Sun 18 Feb worked.
        (D(2024, 2, 2), 1, D(2024, 2, 4)),  # Fri -> the make-up Sunday
        (D(2024, 2, 8), 1, D(2024, 2, 9)),
        (D(2024, 2, 8), 2, D(2024, 2, 18)),  # over the whole holiday to the make-up Sunday
        (D(2024, 2, 9), 15, D(2024, 3, 7)),
        # 2025 National Day: 1-8 Oct off; Sun 28 Sep and Sat 11 Oct worked.
        (D(2025, 9, 26), 1, D(2025, 9, 28)),
        (D(2025, 9, 30), 1, D(2025, 10, 9)),
        (D(2025, 9, 30), 3, D(2025, 10, 11)),
        (D(2025, 9, 30), 15, D(2025, 10, 28)),
        # A start on a holiday: counting begins the next day all the same.
        (D(2025, 10, 1), 1, D(2025, 10, 9)),
        (D(2025, 10, 4), 2, D(2025, 10, 10)),
        # A plain week: 15 working days from a Monday.
        (D(2026, 3, 2), 15, D(2026, 3, 23)),
        # n = 0 is the start date itself.
        (D(2025, 10, 3), 0, D(2025, 10, 3)),
    ],
)
def test_add_workdays_real_cases(start, n, due):
    assert add_workdays(start, n, CAL) == due


def test_explanation_names_holidays_and_makeup_days():
    explanation = explain_workdays(D(2025, 9, 26), 15, CAL)
    assert explanation.due == D(2025, 10, 23)
    assert [d.date for d in explanation.makeup_days] == [D(2025, 9, 28), D(2025, 10, 11)]
    assert {d.date for d in explanation.holidays} == {D(2025, 10, i) for i in range(1, 9)}
    assert not explanation.provisional
    text = "\n".join(explanation.lines())
    assert "国庆节" in text and "调休上班" in text and "2025年10月23日" in text


def test_span_into_2027_is_computed_and_provisional():
    explanation = explain_workdays(D(2026, 12, 25), 5, CAL)
    # 28-31 Dec are working days; 1 Jan 2027 is New Year (computed), 2-3 Jan a weekend.
    assert explanation.due == D(2027, 1, 4)
    assert explanation.provisional
    assert any(d.name == "元旦" and d.provisional for d in explanation.skipped)
    assert "暂按周末和法定节日推算" in "".join(explanation.lines())


def test_span_within_official_years_is_not_provisional():
    assert not explain_workdays(D(2026, 12, 1), 15, CAL).provisional


def test_provisional_2027_holidays_from_lunar_calendar():
    days = provisional_holidays(2027)
    # Chinese New Year 2027 is 6 Feb: eve 5 Feb and days 1-3.
    assert [d for d, name in days.items() if name == "春节"] == [D(2027, 2, i) for i in (5, 6, 7, 8)]
    assert days[D(2027, 4, 5)] == "清明节"
    assert days[D(2027, 6, 9)] == "端午节"
    assert days[D(2027, 9, 15)] == "中秋节"
    assert {D(2027, 10, 1), D(2027, 10, 2), D(2027, 10, 3), D(2027, 5, 1), D(2027, 5, 2)} <= set(days)


def test_overrides_win_and_an_official_year_loaded_stops_being_provisional():
    calendar = WorkdayCalendar(
        overrides={D(2027, 1, 1): Override(False, "元旦"), D(2027, 1, 4): Override(False, "元旦")},
        official_years=frozenset({2027}),
    )
    explanation = explain_workdays(D(2026, 12, 31), 1, calendar)
    assert explanation.due == D(2027, 1, 5)
    assert not explanation.provisional
    # In a loaded year only the overrides are exceptions: the computed Spring Festival is not used.
    assert calendar.is_workday(D(2027, 2, 8))


def test_workdays_between_counts_after_start_and_is_signed():
    assert workdays_between(D(2025, 9, 30), D(2025, 10, 11), CAL) == 3
    assert workdays_between(D(2025, 10, 11), D(2025, 9, 30), CAL) == -3
    assert workdays_between(D(2025, 10, 3), D(2025, 10, 3), CAL) == 0


def test_negative_n_is_refused():
    with pytest.raises(ValueError, match="不能为负数"):
        add_workdays(D(2025, 1, 1), -1, CAL)


def test_calendar_agrees_with_the_official_library_every_day():
    import chinese_calendar

    day = D(2004, 1, 1)
    while day <= D(2026, 12, 31):
        assert CAL.is_workday(day) == chinese_calendar.is_workday(day), day
        day += dt.timedelta(days=1)
