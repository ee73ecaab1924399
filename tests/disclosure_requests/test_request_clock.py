"""The reply clock, as pure arithmetic over the official 2025–2026 calendars and a provisional 2027."""

import datetime as dt

import pytest
from django.utils import timezone

from disclosure.disclosure_requests.clock import (
    ClockFacts,
    ClockState,
    Pause,
    compute_clock,
    received_on_for,
)
from disclosure.workcalendar.workdays import WorkdayCalendar

D = dt.date
CAL = WorkdayCalendar()  # the shipped official data only: no database


def clock(received_on, **facts):
    return compute_clock(ClockFacts(received_on, **facts), CAL)


def test_plain_request_is_due_fifteen_working_days_after_receipt():
    result = clock(D(2026, 3, 2))  # a Monday
    assert result.due == D(2026, 3, 23)
    assert result.state == ClockState.RUNNING
    assert not result.provisional
    assert result.correction_ask_by == D(2026, 3, 11)
    assert any("2026年03月02日" in line for line in result.staff_lines)
    assert result.applicant_lines[-1] == "答复期限为2026年03月23日。"


def test_receipt_on_a_rest_day_counts_from_the_next_day():
    # Saturday 2026-03-07: the first counted day is Monday 9 March.
    assert clock(D(2026, 3, 7)).due == D(2026, 3, 27)


def test_correction_stops_the_clock_until_the_corrected_request_arrives():
    waiting = clock(D(2026, 3, 2), correction_requested_on=D(2026, 3, 4),
                    correction_reply_by=D(2026, 3, 25))
    assert waiting.due is None
    assert waiting.state == ClockState.AWAITING_CORRECTION
    assert any("2026年03月25日" in line for line in waiting.applicant_lines)


def test_correction_restarts_the_full_period_from_the_corrected_request():
    result = clock(D(2026, 3, 2), correction_requested_on=D(2026, 3, 4),
                   corrected_on=D(2026, 3, 16))
    # 15 working days after Monday 16 March, passing Qingming (4–6 April 2026).
    assert result.due == D(2026, 4, 7)
    assert any("清明节" in line for line in result.staff_lines)
    assert any("重新计算" in line for line in result.applicant_lines)


def test_no_correction_in_time_stops_the_clock_for_good():
    result = clock(D(2026, 3, 2), correction_requested_on=D(2026, 3, 4),
                   correction_reply_by=D(2026, 3, 25), closed_on=D(2026, 3, 26))
    assert result.due is None
    assert result.state == ClockState.STOPPED
    assert any("视为放弃" in line for line in result.applicant_lines)


def test_third_party_consultation_stops_the_clock_from_the_day_after_the_letter():
    # Counted: 3, 4 March (2). Stopped: 5, 6, 9, 10 March. Then 13 more from 11 March.
    result = clock(D(2026, 3, 2), pauses=(Pause(D(2026, 3, 4), D(2026, 3, 10)),))
    assert result.due == D(2026, 3, 27)
    assert any("停止计时期间 4 个工作日" in line for line in result.staff_lines)
    assert any("不计入答复期限" in line for line in result.applicant_lines)
    # The applicant is not told whom the office consulted.
    assert not any("意见对象" in line for line in result.applicant_lines)


def test_unanswered_consultation_stands_still_at_most_the_third_partys_fifteen_days():
    open_pause = clock(D(2026, 3, 2), pauses=(Pause(D(2026, 3, 4)),))
    # The third party's 15 working days after 4 March end on 25 March; 13 more days from there.
    assert open_pause.due == D(2026, 4, 14)
    late_answer = clock(D(2026, 3, 2), pauses=(Pause(D(2026, 3, 4), D(2026, 4, 1)),))
    assert late_answer.due == open_pause.due
    assert compute_clock(ClockFacts(D(2026, 3, 2), pauses=(Pause(D(2026, 3, 4)),)), CAL,
                         today=D(2026, 3, 10)).state == ClockState.PAUSED


def test_consultation_after_the_due_date_does_not_move_it():
    assert clock(D(2026, 3, 2), pauses=(Pause(D(2026, 3, 24), D(2026, 3, 30)),)).due == D(2026, 3, 23)


def test_extension_runs_on_from_the_original_due_date():
    result = clock(D(2026, 3, 2), extension_workdays=15)
    assert result.original_due == D(2026, 3, 23)
    # 24 March + 15 working days, skipping Qingming (4–6 April).
    assert result.due == D(2026, 4, 14)
    assert any("延长 15 个工作日" in line for line in result.applicant_lines)
    assert any("原答复期限为 2026年03月23日" in line for line in result.staff_lines)


def test_request_received_before_the_national_day_holiday():
    # Friday 26 September 2025: 1–8 October are off, Sunday 28 September and Saturday 11 October
    # are make-up workdays.
    result = clock(D(2025, 9, 26))
    assert result.due == D(2025, 10, 23)
    staff = "\n".join(result.staff_lines)
    assert "国庆节" in staff and "2025年09月28日（周日）为调休上班日" in staff
    assert any("国庆节" in line for line in result.applicant_lines)


def test_deadline_in_a_year_without_official_holiday_data_is_provisional():
    result = clock(D(2026, 12, 20))
    assert result.due == D(2027, 1, 11)  # 1 January 2027 assumed off by the statutory rule
    assert result.provisional
    assert any("暂定" in line for line in result.staff_lines)
    assert any("可能随官方安排" in line for line in result.applicant_lines)
    assert not clock(D(2026, 12, 1)).provisional


@pytest.mark.parametrize(
    ("local", "expected"),
    [
        (dt.datetime(2026, 3, 2, 9, 0), D(2026, 3, 2)),  # a working morning
        (dt.datetime(2026, 3, 2, 16, 59), D(2026, 3, 2)),
        (dt.datetime(2026, 3, 2, 17, 0), D(2026, 3, 3)),  # after office hours
        (dt.datetime(2026, 3, 6, 18, 30), D(2026, 3, 9)),  # Friday evening → Monday
        (dt.datetime(2026, 3, 7, 10, 0), D(2026, 3, 9)),  # Saturday
        (dt.datetime(2025, 9, 30, 18, 0), D(2025, 10, 9)),  # eve of the National Day holiday
        (dt.datetime(2025, 9, 28, 10, 0), D(2025, 9, 28)),  # a make-up Sunday is a working day
    ],
)
def test_received_on_follows_office_hours_and_rest_days(local, expected, settings):
    settings.DISCLOSURE = {**settings.DISCLOSURE, "OFFICE_CLOSES_AT_HOUR": 17}
    submitted = timezone.make_aware(local)
    assert received_on_for("online", submitted_at=submitted, calendar=CAL) == expected
