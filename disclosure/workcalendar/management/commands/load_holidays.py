"""Load a year's official holiday arrangement (the State Council's notice) and recompute deadlines.

JSON (see disclosure/workcalendar/data/holidays/2026.json): {"year": 2026, "note": "...", "holidays": [{"name":
"春节", "off": ["2026-02-15", "2026-02-23"], "work": ["2026-02-14", "2026-02-28"]}, ...]}: "off" is the
first and last rest day (inclusive), "work" the weekend days worked (调休上班).

CSV, one day a line, with a header: 日期,是否上班,名称 (or date,is_workday,name); 是否上班 is 是/否,
1/0 or true/false.

The State Council's notice as published (《国务院办公厅关于YYYY年部分节假日安排的通知》, copied from the
government website or a news site), with --notice FILE: the days it names are read by
`disclosure.workcalendar.holiday_notice`.

--dry-run prints every rest day and make-up workday as CSV lines `日期,是否上班,名称` and every date
that would move (old → new), and saves nothing.

Running it again with the same file changes nothing: the year's official days are replaced.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from disclosure.workcalendar.models import CalendarChange
from disclosure.workcalendar.services import (
    CalendarResult,
    HolidayRow,
    apply_arrangement,
    load_notice,
)

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


def write_rows(out, rows: list[HolidayRow]) -> None:
    """The rows as `provisional_calendar` prints them and this command reads them back."""
    out.write("日期,是否上班,名称")
    for row in rows:
        out.write(f"{row.date.isoformat()},{int(row.is_workday)},{row.name}")


class Command(BaseCommand):
    help = (
        "载入某一年的官方放假安排（JSON 或 CSV 文件，或 --notice 国务院办公厅通知原文），"
        "并重算所有受影响的期限。"
    )

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", help="放假安排文件（.json 或 .csv）")
        parser.add_argument("--notice", metavar="FILE",
                            help="国务院办公厅关于某年部分节假日安排的通知（文本文件，原文粘贴即可）")
        parser.add_argument("--year", type=int, help="年份（JSON 文件中已写明时可省略）")
        parser.add_argument("--note", default="", help="说明，如通知文号")
        parser.add_argument("--dry-run", action="store_true",
                            help="只列出通知中的日期和将变动的期限，不保存")

    def handle(self, *args, file, notice, year, note, dry_run, **options):
        if bool(file) == bool(notice):
            raise CommandError("请给出一个放假安排文件，或用 --notice 给出通知原文文件（二者选一）。")
        if notice:
            path = Path(notice)
            if not path.is_file():
                raise CommandError(f"找不到文件：{path}")
            text = path.read_text(encoding="utf-8-sig")
            try:
                result = load_notice(text, dry_run=dry_run)
            except ValueError as error:
                raise CommandError(str(error)) from error
            return self.report(result, dry_run)
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
            raise CommandError("只支持 .json 或 .csv 文件；通知原文请用 --notice。")
        if not rows:
            raise CommandError("文件中没有日期。")
        years = {row.date.year for row in rows}
        year = year or (years.pop() if len(years) == 1 else None)
        if year is None:
            raise CommandError("文件中的日期跨越多个年份，请用 --year 指定年份。")
        try:
            result = apply_arrangement(year, rows, kind=CalendarChange.Kind.FILE, note=note,
                                       dry_run=dry_run)
        except ValueError as error:
            raise CommandError(str(error)) from error
        return self.report(result, dry_run)

    def report(self, result: CalendarResult, dry_run: bool) -> None:
        if dry_run:
            write_rows(self.stdout, result.rows)
            self.stdout.write("")
            self.stdout.write(f"将变动的期限（{len(result.moves)} 个）：")
            for move in result.moves:
                self.stdout.write(f"  {move.line()}")
        prefix = "（试运行，未保存）" if dry_run else ""
        self.stdout.write(self.style.SUCCESS(
            f"{prefix}已载入 {result.year} 年放假安排 {len(result.rows)} 天，"
            f"重算 {len(result.moves)} 个期限。"
        ))
