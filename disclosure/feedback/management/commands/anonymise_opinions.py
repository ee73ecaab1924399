"""Erase the senders' personal data of opinions answered longer ago than the retention period.

What part four of the yearly report counts (kind, dates, state, outcome) is kept.
"""

from django.conf import settings
from django.core.management.base import BaseCommand

from disclosure.feedback.actions import anonymise_opinion, opinions_to_anonymise


class Command(BaseCommand):
    help = "匿名化答复超过保存期限（DISCLOSURE['OPINION_RETENTION_YEARS'] 年）的意见箱来信的个人信息。"

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="只统计，不修改数据。")

    def handle(self, *args, dry_run: bool = False, **options):
        years = settings.DISCLOSURE.get("OPINION_RETENTION_YEARS", 5)
        due = opinions_to_anonymise()
        if dry_run:
            self.stdout.write(f"将匿名化 {due.count()} 件答复超过 {years} 年的意见（未修改数据）。")
            return
        done = 0
        for opinion in due.iterator(chunk_size=200):
            anonymise_opinion(opinion)
            done += 1
        self.stdout.write(self.style.SUCCESS(f"已匿名化 {done} 件答复超过 {years} 年的意见。"))
