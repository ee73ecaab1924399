"""Erase the personal data of requests closed longer ago than the retention period.

What the yearly report counts (applicant type, dates, state, reply type and reason) is kept.
"""

from django.conf import settings
from django.core.management.base import BaseCommand

from disclosure.disclosure_requests.actions import anonymise_request, requests_to_anonymise


class Command(BaseCommand):
    help = "匿名化办结超过保存期限（DISCLOSURE['REQUEST_RETENTION_YEARS'] 年）的信息公开申请的申请人信息。"

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="只统计，不修改数据。")

    def handle(self, *args, dry_run: bool = False, **options):
        years = settings.DISCLOSURE.get("REQUEST_RETENTION_YEARS", 5)
        due = requests_to_anonymise()
        count = due.count()
        if dry_run:
            self.stdout.write(f"将匿名化 {count} 件办结超过 {years} 年的申请（未修改数据）。")
            return
        done = 0
        for request in due.iterator(chunk_size=200):
            anonymise_request(request)
            done += 1
        self.stdout.write(self.style.SUCCESS(f"已匿名化 {done} 件办结超过 {years} 年的申请。"))
