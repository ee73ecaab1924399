"""Print the provisional rule's rest days and make-up workdays of one calendar year as CSV.

    python manage.py provisional_calendar 2027

One line a day, `日期,是否上班,名称` with a header, 是否上班 1 for a make-up workday and 0 for a rest
day: the format `load_holidays` reads. Only the days the rule changes are listed (ordinary weekends
and weekdays are not). The arrangement is inferred, not announced: the note saying so goes to
standard error, so that standard output stays a clean CSV file.
"""

from __future__ import annotations

import csv

from django.core.management.base import BaseCommand, CommandError

from disclosure.workcalendar.provisional_holidays import calendar_rows, law_for
from disclosure.workcalendar.workdays import OFFICIAL_LIBRARY_YEARS


class Command(BaseCommand):
    help = "按暂行规则推算某一年的放假日和调休上班日，输出 CSV（日期,是否上班,名称）。"

    def add_arguments(self, parser):
        parser.add_argument("year", type=int, help="年份，如 2027")

    def handle(self, *args, year, **options):
        try:
            rows = calendar_rows(year)
        except ValueError as error:
            raise CommandError(str(error)) from error
        note = (
            f"{year} 年放假安排按《全国年节及纪念日放假办法》（{law_for(year).revision}）"
            "和国务院历年放假调休原则推算，并非官方安排。"
        )
        if year in OFFICIAL_LIBRARY_YEARS:
            note += "该年已有官方安排，以下仅供对照。"
        self.stderr.write(note)
        writer = csv.writer(self.stdout, lineterminator="\n")
        writer.writerow(["日期", "是否上班", "名称"])
        for row in rows:
            writer.writerow([row.date.isoformat(), int(row.is_workday), row.name])
