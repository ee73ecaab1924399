"""Read the State Council's yearly holiday notice into rest days and make-up workdays.

The text is 《国务院办公厅关于YYYY年部分节假日安排的通知》 as the government website publishes it, or as
a news site copies it: full- or half-width punctuation, 星期日 or 周日, sometimes traditional
characters. Each item ("二、春节：1月28日（农历除夕、周二）至2月4日（农历正月初七、周二）放假调休，共8天。
1月26日（周日）、2月8日（周六）上班。") gives rest days (放假, 放假调休, 补休, 连休) and make-up workdays
(上班). Sentences that only encourage rest ("鼓励各单位……安排职工在除夕（2月9日）休息") give nothing.

Pure text processing, no Django. Anything the parser cannot read raises `ValueError` with a Chinese
message, rather than guessing: a wrong day would silently move legal deadlines.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

from disclosure.workcalendar.provisional_holidays import HolidayRow

# Only the characters the parser looks at: keywords, holiday names, weekdays.
_TRADITIONAL = str.maketrans(
    "調補與連節勞動國慶農曆歷週關於辦廳務發電號",
    "调补与连节劳动国庆农历历周关于办厅务发电号",
)
_NUMERALS = "一二三四五六七八九十"
_WEEKDAYS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}
_WEEKDAY_NAMES = "周一 周二 周三 周四 周五 周六 周日".split()

_NAME = r"(?:元旦|春节|清明节?|劳动节|端午节|中秋节|国庆节)"
# "二、春节：", "（二）春节：", "——春节：", "春节：", "一、2018年元旦：", "六、中秋节、国庆节：".
_HEADER = re.compile(
    rf"(?:[{_NUMERALS}]+\s*[、.]|\(\s*[{_NUMERALS}]+\s*\)|\d+\s*[、.])?\s*[-—]*\s*"
    rf"(?P<name>(?:\d{{4}}\s*年\s*)?{_NAME}(?:\s*[、和与及]\s*{_NAME})*)\s*:"
)
_DATE = re.compile(
    r"(?:(?P<year>\d{4})\s*年\s*)?(?:(?P<month>\d{1,2})\s*月\s*)?(?P<day>\d{1,2})\s*日"
    r"(?:\s*\((?P<note>[^()]*)\))?"
)
_RANGE = re.compile(r"^\s*(?:至|到|~|-|—|–)\s*$")
_TOTAL = re.compile(r"共\s*(\d+)\s*天")
_SIGNATURE = re.compile(r"^\s*(?:国务院办公厅)?\s*\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*$")
# Sentences that ask employers to let people rest do not make a holiday (2024: 除夕).
_ENCOURAGEMENT = re.compile(r"鼓励|提倡|倡导|建议")
_MAX_RANGE_DAYS = 16


def normalise(text: str) -> str:
    """Half-width digits and punctuation (NFKC), simplified characters for the words read."""
    text = unicodedata.normalize("NFKC", text).translate(_TRADITIONAL)
    return text.replace("\u200b", "").replace("\ufeff", "")


def notice_year(text: str) -> int:
    """The year the notice arranges, from its title or its first sentence."""
    text = normalise(text)
    for pattern in (
        r"关于\s*(?:调整\s*)?(\d{4})\s*年\s*(?:部分)?\s*(?:节假日|.{0,8}?假期|.{0,8}?放假)",
        r"现将\s*(\d{4})\s*年",
        r"(\d{4})\s*年\s*(?:部分)?节假日安排",
    ):
        match = re.search(pattern, text)
        if match:
            return int(match.group(1))
    raise ValueError(
        "未能从通知中识别年份：请包含标题（如“国务院办公厅关于2026年部分节假日安排的通知”）"
        "或“现将2026年元旦、春节……”一句。"
    )


@dataclass
class _Token:
    """A date written in the notice, as far as it was written."""

    text: str
    year: int | None
    month: int | None
    day: int
    note: str
    start: int
    end: int


def parse_notice(text: str) -> list[HolidayRow]:
    """Every rest day and make-up workday the notice gives, in date order, named by its holiday.

    Raises ValueError, in Chinese, when the text holds no arrangement or a part cannot be read.
    """
    if not text or not text.strip():
        raise ValueError("通知内容为空。")
    text = normalise(text)
    year = notice_year(text)
    headers = list(_HEADER.finditer(text))
    if not headers:
        raise ValueError(
            "未在通知中找到各节日的安排（如“一、元旦：1月1日放假……”）。请粘贴通知正文。"
        )
    rows: dict[dt.date, HolidayRow] = {}
    for index, header in enumerate(headers):
        end = headers[index + 1].start() if index + 1 < len(headers) else len(text)
        name = _canonical_name(header.group("name"))
        found = _parse_item(text[header.end() : end], name, year)
        if not found:
            raise ValueError(f"“{name}”一项中没有可识别的放假或上班日期。")
        for row in found:
            known = rows.get(row.date)
            if known is not None and known.is_workday != row.is_workday:
                raise ValueError(f"{_label(row.date)}在通知中既是放假日又是上班日，请核对。")
            rows.setdefault(row.date, row)
    return sorted(rows.values(), key=lambda row: row.date)


def _canonical_name(raw: str) -> str:
    names = re.findall(_NAME, raw)
    return "、".join("清明节" if n == "清明" else n for n in names)


def _parse_item(body: str, name: str, year: int) -> list[HolidayRow]:
    """The rows of one item, reading sentence by sentence until the item's text ends."""
    rows: list[HolidayRow] = []
    context = {"year": year, "month": None}
    for sentence in re.split(r"[。\n;]", body):
        if not sentence.strip():
            continue
        tokens = _tokens(sentence)
        if not tokens:
            if rows:
                break  # "节假日期间，各地区……" or the signature: the item is over
            continue
        if _SIGNATURE.match(sentence):
            break  # "国务院办公厅 2025年11月4日" on the same line as the last item
        if _ENCOURAGEMENT.search(sentence):
            continue
        rows += _parse_sentence(sentence, tokens, name, year, context)
    return rows


def _tokens(sentence: str) -> list[_Token]:
    return [
        _Token(
            m.group(0),
            int(m.group("year")) if m.group("year") else None,
            int(m.group("month")) if m.group("month") else None,
            int(m.group("day")),
            m.group("note") or "",
            m.start(),
            m.end(),
        )
        for m in _DATE.finditer(sentence)
    ]


def _clauses(sentence: str) -> list[tuple[int, int]]:
    """(start, end) of each comma-separated clause, commas inside brackets not counted."""
    spans, depth, start = [], 0, 0
    for i, char in enumerate(sentence):
        if char == "(":
            depth += 1
        elif char == ")":
            depth = max(depth - 1, 0)
        elif char == "," and depth == 0:
            spans.append((start, i))
            start = i + 1
    spans.append((start, len(sentence)))
    return spans


def _kind(clause: str) -> bool | None:
    """True for a make-up workday, False for a rest day, None when the clause does not say."""
    clause = re.sub(r"\([^()]*\)", "", clause)
    if "不上班" in clause:
        return False
    if "上班" in clause:
        return True
    if re.search("放假|补休|休息|调休|连休|休假", clause):
        return False
    return None


def _parse_sentence(
    sentence: str, tokens: list[_Token], name: str, year: int, context: dict
) -> list[HolidayRow]:
    clauses = _clauses(sentence)
    kinds = [_kind(sentence[a:b]) for a, b in clauses]
    rows: list[HolidayRow] = []
    rest_in_sentence = 0
    i = 0
    while i < len(tokens):
        token = tokens[i]
        first = _resolve(token, context, name, year)
        last = first
        if i + 1 < len(tokens) and _RANGE.match(sentence[token.end : tokens[i + 1].start]):
            last = _resolve(tokens[i + 1], context, name, year)
            if last < first and first.month == 12 and token.year is None:
                first = first.replace(year=first.year - 1)  # "12月31日至1月2日"
            if last < first:
                raise ValueError(f"日期范围首尾颠倒：{token.text}至{tokens[i + 1].text}。")
            if (last - first).days >= _MAX_RANGE_DAYS:
                raise ValueError(f"放假日期范围过长，请核对：{token.text}至{tokens[i + 1].text}。")
            i += 1
        kind = _clause_kind(clauses, kinds, tokens[i].start)
        if kind is None:
            raise ValueError(f"无法判断“{sentence.strip()}”中的日期是放假还是上班。")
        day = first
        while day <= last:
            rows.append(HolidayRow(day, kind, name))
            rest_in_sentence += not kind
            day += dt.timedelta(days=1)
        i += 1
    total = _TOTAL.search(sentence)
    if total and rest_in_sentence and int(total.group(1)) != rest_in_sentence:
        raise ValueError(
            f"“{sentence.strip()}”写明共{total.group(1)}天，但日期范围是{rest_in_sentence}天，请核对。"
        )
    return rows


def _clause_kind(
    clauses: list[tuple[int, int]], kinds: list[bool | None], position: int
) -> bool | None:
    """The kind of the clause holding `position`, or of the first later clause that says it."""
    index = next(i for i, (a, b) in enumerate(clauses) if a <= position <= b)
    for kind in kinds[index:]:
        if kind is not None:
            return kind
    return None


def _resolve(token: _Token, context: dict, name: str, year: int) -> dt.date:
    """The date a token means: a missing year or month comes from the dates written before it."""
    month = token.month or context["month"]
    if month is None:
        raise ValueError(f"无法确定“{token.text}”是几月。")
    if token.year is not None:
        date_year = token.year
    elif month == 12 and "元旦" in name:
        date_year = year - 1  # "元旦：12月30日至1月1日": the holiday starts in the year before
    elif token.month is None:
        date_year = context["year"]
    else:
        date_year = year
    try:
        date = dt.date(date_year, month, token.day)
    except ValueError as error:
        raise ValueError(f"通知中的日期无效：{token.text}。") from error
    context["year"], context["month"] = date.year, date.month
    _check_weekday(date, token)
    return date


def _check_weekday(date: dt.date, token: _Token) -> None:
    match = re.search(r"(?:周|星期|礼拜)([一二三四五六日天])", token.note)
    if match and _WEEKDAYS[match.group(1)] != date.weekday():
        raise ValueError(
            f"{_label(date)}是{_WEEKDAY_NAMES[date.weekday()]}，通知中却写作“{match.group(0)}”，"
            "请核对年份和日期。"
        )


def _label(date: dt.date) -> str:
    return f"{date.year}年{date.month}月{date.day}日"
