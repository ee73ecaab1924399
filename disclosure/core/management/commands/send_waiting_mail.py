"""Enqueue again the waiting mail whose task was lost; idempotent, safe to run from cron."""

import datetime as dt

from django.core.management.base import BaseCommand

from disclosure.core.mail import send_waiting_mail


class Command(BaseCommand):
    help = "将等待发送但发送任务已丢失的邮件重新排入队列（可由 cron 定时运行）。"

    def add_arguments(self, parser):
        parser.add_argument("--stale-minutes", type=int, default=10,
                            help="下次尝试时间已过去多少分钟的邮件才重新排队（默认 10）。")

    def handle(self, *args, stale_minutes: int, **options):
        count = send_waiting_mail(stale_after=dt.timedelta(minutes=max(0, stale_minutes)))
        self.stdout.write(self.style.SUCCESS(f"已将 {count} 封等待中的邮件重新排入队列。"))
