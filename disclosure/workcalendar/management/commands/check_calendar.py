"""Daily check of the working-day calendar (cron, like send_deadline_digest).

When the installed `chinesecalendar` has come to cover a year the portal counted with the
provisional rule, every date that year moves is recomputed and recorded, as for a notice loaded by
hand. Also says which years deadlines reach without official days yet. Running it twice changes
nothing the second time.

    30 7 * * * cd /srv/portal && .venv/bin/python manage.py check_calendar
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from disclosure.workcalendar.services import check_calendar, pending_warning


class Command(BaseCommand):
    help = "检查官方放假数据（chinesecalendar）是否新收录了按暂定规则计算的年份；如有，重算受影响的期限。"

    def handle(self, *args, **options):
        result = check_calendar()
        if result.covered:
            years = "、".join(str(y) for y in result.covered)
            self.stdout.write(self.style.SUCCESS(
                f"chinesecalendar {result.version} 收录了 {years} 年官方放假安排，"
                f"已重算 {len(result.moves)} 个期限。"
            ))
            for move in result.moves:
                self.stdout.write(f"  {move.line()}")
        else:
            self.stdout.write(f"chinesecalendar {result.version}：没有新收录的年份。")
        warning = pending_warning()
        if warning:
            self.stdout.write(self.style.WARNING(f"{warning}。"))
