"""Load a year's official holiday arrangement (the State Council's notice) and recompute deadlines.

JSON (see disclosure/workcalendar/data/holidays/2026.json): {"year": 2026, "note": "...", "holidays": [{"name":
"春节", "off": ["2026-02-15", "2026-02-23"], "work": ["2026-02-14", "2026-02-28"]}, ...]}: "off" is the
first and last rest day (inclusive), "work" the weekend days worked (调休上班).

CSV, one day a line, with a header: 日期,是否上班,名称 (or date,is_workday,name); 是否上班 is 是/否,
1/0 or true/false.

Running it again with the same file changes nothing: the year's official days are replaced.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from disclosure.workcalendar.services import HolidayRow, load_holiday_arrangement

ONE_DAY = dt.timedelta(days=1)
TRUE_WORDS = {"是", "1", "true", "yes", "上班", "y"}
FALSE_WORDS = {"否", "0", "false", "no", "放假", "n"}


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(str(text).strip())
    except ValueError as error:
        raise CommandError(f"日期格式不对：{text}（应为 2026-01-01 这样的格式）。") from error


def rows_from_json(data: dict) -> tuple[int | None, str, list[HolidayRow]]:
    rows = []
    for holiday in data.get("holidays", []):
        name = holiday.get("name", "")
        off = holiday.get("off") or []
        if off:
            if len(off) != 2:
                raise CommandError(f"{name}的 off 应为 [第一天, 最后一天]。")
            first, last = _date(off[0]), _date(off[1])
            if last < first:
                raise CommandError(f"{name}的放假日期首尾颠倒。")
            day = first
            while day <= last:
                rows.append(HolidayRow(day, False, name))
                day += ONE_DAY
        rows.extend(HolidayRow(_date(d), True, name) for d in holiday.get("work", []))
    return data.get("year"), data.get("note", ""), rows


def rows_from_csv(text: str) -> list[HolidayRow]:
    rows = []
    for number, record in enumerate(csv.DictReader(text.splitlines()), start=2):
        date = record.get("日期") or record.get("date") or ""
        flag = (record.get("是否上班") or record.get("is_workday") or "").strip().lower()
        name = (record.get("名称") or record.get("name") or "").strip()
        if flag not in TRUE_WORDS | FALSE_WORDS:
            raise CommandError(f"第 {number} 行：“是否上班”应为 是 或 否，而不是“{flag}”。")
        rows.append(HolidayRow(_date(date), flag in TRUE_WORDS, name))
    return rows


class Command(BaseCommand):
    help = "载入某一年的官方放假安排（JSON 或 CSV 文件），并重算所有受影响的未办结期限。"

    def add_arguments(self, parser):
        parser.add_argument("file", help="放假安排文件（.json 或 .csv）")
        parser.add_argument("--year", type=int, help="年份（JSON 文件中已写明时可省略）")
        parser.add_argument("--note", default="", help="说明，如通知文号")
        parser.add_argument("--dry-run", action="store_true", help="只显示结果，不保存")

    def handle(self, *args, file, year, note, dry_run, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"找不到文件：{path}")
        text = path.read_text(encoding="utf-8-sig")
        if path.suffix.lower() == ".json":
            try:
                data = json.loads(text)
            except json.JSONDecodeError as error:
                raise CommandError(f"JSON 格式错误：{error}") from error
            file_year, file_note, rows = rows_from_json(data)
            year = year or file_year
            note = note or file_note
        elif path.suffix.lower() == ".csv":
            rows = rows_from_csv(text)
        else:
            raise CommandError("只支持 .json 或 .csv 文件。")
        if not rows:
            raise CommandError("文件中没有日期。")
        years = {row.date.year for row in rows}
        year = year or (years.pop() if len(years) == 1 else None)
        if year is None:
            raise CommandError("文件中的日期跨越多个年份，请用 --year 指定年份。")
        dates = [row.date for row in rows]
        if len(dates) != len(set(dates)):
            raise CommandError("文件中有重复的日期。")
        try:
            loaded, moved = load_holiday_arrangement(year, rows, note=note, dry_run=dry_run)
        except ValueError as error:
            raise CommandError(str(error)) from error
        prefix = "（试运行，未保存）" if dry_run else ""
        self.stdout.write(self.style.SUCCESS(
            f"{prefix}已载入 {year} 年放假安排 {loaded} 天，重算 {moved} 个期限。"
        ))
