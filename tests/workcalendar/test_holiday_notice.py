"""The notice parser on the State Council's real notices, checked day by day against chinesecalendar."""

import datetime as dt
from pathlib import Path

import chinese_calendar
import pytest
from chinese_calendar import constants as official

from disclosure.workcalendar.holiday_notice import notice_year, parse_notice
from disclosure.workcalendar.provisional_holidays import HolidayRow
from disclosure.workcalendar.workdays import HOLIDAY_NAMES_ZH

D = dt.date
NOTICES = Path(__file__).resolve().parent.parent / "data" / "notices"
YEARS = sorted(int(path.stem) for path in NOTICES.glob("*.txt"))
# Announced by a notice of its own (国务院关于中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日调休放假
# 的通知), not by the yearly one.
SEPARATE_NOTICES = {"Anti-Fascist 70th Day"}


def notice(year):
    return (NOTICES / f"{year}.txt").read_text(encoding="utf-8")


def official_arrangement(year):
    """chinesecalendar's days of the notice for `year`: its 元旦 may lie in December of the year before."""
    days = {}
    for table, is_workday in ((official.holidays, False), (official.workdays, True)):
        for day, name in table.items():
            notice_of = day.year + 1 if day.month == 12 and name == "New Year's Day" else day.year
            if notice_of == year and name not in SEPARATE_NOTICES:
                days[day] = (is_workday, HOLIDAY_NAMES_ZH[name])
    return days


def test_at_least_five_years_of_real_notices():
    assert len(YEARS) >= 5
    assert YEARS == [2015, 2016, 2017, 2018, 2021, 2022, 2023, 2024, 2025, 2026]


@pytest.mark.parametrize("year", YEARS)
def test_notice_matches_the_official_calendar(year):
    rows = parse_notice(notice(year))
    assert notice_year(notice(year)) == year
    by_date = {row.date: row for row in rows}
    assert len(by_date) == len(rows)
    # Every day read is what the official calendar says of it.
    for row in rows:
        assert row.is_workday == chinese_calendar.is_workday(row.date), row
    # Every weekday off and every weekend day worked is read, under its holiday's name.
    for day, (is_workday, name) in official_arrangement(year).items():
        if is_workday == (day.weekday() >= 5):
            assert day in by_date, day
            assert by_date[day].is_workday == is_workday, day
            assert name in by_date[day].name, (day, name, by_date[day].name)


def test_rows_are_the_provisional_rule_s_row_type():
    rows = parse_notice(notice(2026))
    assert all(type(row) is HolidayRow for row in rows)
    assert rows[0] == HolidayRow(D(2026, 1, 1), False, "元旦")
    assert HolidayRow(D(2026, 2, 14), True, "春节") in rows


def test_ranges_across_months_and_years():
    rows = {r.date: r for r in parse_notice(notice(2025))}
    assert [d for d in rows if rows[d].name == "端午节"] == [
        D(2025, 5, 31),
        D(2025, 6, 1),
        D(2025, 6, 2),
    ]
    rows = {r.date: r for r in parse_notice(notice(2023))}
    assert [d for d in rows if rows[d].name == "元旦"] == [
        D(2022, 12, 31),
        D(2023, 1, 1),
        D(2023, 1, 2),
    ]


def test_give_back_and_weekend_phrases():
    rows = {r.date: r for r in parse_notice(notice(2015))}
    assert not rows[D(2015, 4, 6)].is_workday  # "4月6日（星期一）补休"
    assert not rows[D(2015, 6, 22)].is_workday
    assert D(2015, 5, 2) not in rows  # "5月1日放假，与周末连休": the weekend is not a row
    rows = parse_notice(notice(2025))
    assert [r for r in rows if r.name == "元旦"] == [
        HolidayRow(D(2025, 1, 1), False, "元旦")
    ]  # 不调休


def test_encouragement_to_rest_is_not_a_holiday():
    # 2024: "鼓励各单位结合带薪年休假等制度落实，安排职工在除夕（2月9日）休息。"
    assert D(2024, 2, 9) not in {r.date for r in parse_notice(notice(2024))}
    assert chinese_calendar.is_workday(D(2024, 2, 9))


def test_half_width_full_width_one_line_and_traditional_read_alike():
    text = notice(2024)
    expected = parse_notice(text)
    half = text.replace("（", "(").replace("）", ")").replace("：", ":").replace("，", ",")
    full = notice(2025).replace("(", "（").replace(")", "）").replace(":", "：").replace(",", "，")
    assert parse_notice(half) == expected
    assert parse_notice(full) == parse_notice(notice(2025))
    # Pasted from a page that lost its line breaks: the signature sits after the last item.
    assert parse_notice(text.replace("\n", " ")) == expected
    traditional = text.translate(str.maketrans("调补与连节劳动国庆", "調補與連節勞動國慶"))
    assert parse_notice(traditional) == expected


def test_news_copy_without_title_takes_the_year_from_the_text():
    body = notice(2022).split("\n", 3)[3]  # without the title and 文号
    assert "关于2022年" not in body
    assert parse_notice(body) == parse_notice(notice(2022))


def test_news_summary_with_dashes_and_week_names():
    text = (
        "国务院办公厅关于2026年部分节假日安排的通知\n"
        "——元旦：1月1日(周四)-3日(周六)放假调休，共3天。1月4日(周日)上班。\n"
        "——春节：2月15日~23日放假调休，共9天。2月14日（星期六）、2月28日（星期六）上班。\n"
    )
    rows = parse_notice(text)
    assert HolidayRow(D(2026, 1, 3), False, "元旦") in rows
    assert [r.date for r in rows if r.is_workday] == [D(2026, 1, 4), D(2026, 2, 14), D(2026, 2, 28)]
    assert len([r for r in rows if r.name == "春节" and not r.is_workday]) == 9


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "通知内容为空"),
        ("一、元旦：1月1日放假。", "未能从通知中识别年份"),
        (
            "国务院办公厅关于2026年部分节假日安排的通知\n各地区要妥善安排好值班。",
            "未在通知中找到各节日的安排",
        ),
        (
            "现将2026年放假安排通知如下。一、元旦：1月1日（周五）放假。",
            "是周四，通知中却写作“周五”",
        ),
        ("现将2026年放假安排通知如下。一、元旦：1月1日。", "无法判断"),
        ("现将2026年放假安排通知如下。一、元旦：2月30日放假。", "日期无效"),
        ("现将2026年放假安排通知如下。一、元旦：1月1日至3日放假，共4天。", "共4天"),
        (
            "现将2026年放假安排通知如下。一、元旦：另行通知。二、春节：2月16日放假。",
            "“元旦”一项中没有",
        ),
        (
            "现将2026年放假安排通知如下。一、春节：2月16日放假。2月16日上班。",
            "既是放假日又是上班日",
        ),
        ("现将2026年放假安排通知如下。一、春节：2月23日至2月15日放假。", "首尾颠倒"),
    ],
)
def test_what_cannot_be_read_is_refused_in_chinese(text, message):
    with pytest.raises(ValueError, match=message):
        parse_notice(text)
