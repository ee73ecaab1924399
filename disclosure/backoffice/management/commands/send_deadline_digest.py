"""Daily deadline reminders, run by cron: each department editor gets their items that are overdue or
due within 3 working days; the disclosure office gets a summary of all. Nobody gets an empty mail."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from disclosure.access import policy
from disclosure.annual_reports.selectors import get_coming_report
from disclosure.backoffice.board import Board, BoardEntry, build_board
from disclosure.core.mail import queue_mail
from disclosure.core.models import OutgoingMail
from disclosure.workcalendar.workdays import default_calendar


def _lines(entries: list[BoardEntry]) -> list[str]:
    return [
        f"  - 【{e.row.department_name}】{e.row.title}（{e.row.kind}期限 {e.row.due:%Y-%m-%d}，"
        f"{e.days_label}{'，暂定' if e.row.provisional else ''}）"
        for e in entries
    ]


def editor_message(user, board: Board) -> str:
    name = user.get_full_name() or user.get_username()
    parts = [f"{name}：", "", f"截至 {board.today:%Y年%m月%d日}，您负责的部门有以下期限需要处理。", ""]
    if board.overdue:
        parts += [f"已逾期（{len(board.overdue)} 项）：", *_lines(board.overdue), ""]
    if board.due_soon:
        parts += [f"3 个工作日内到期（{len(board.due_soon)} 项）：", *_lines(board.due_soon), ""]
    parts.append("请登录信息公开管理后台的“期限看板”查看和处理。")
    return "\n".join(parts)


def office_message(board: Board, coming_report: dict | None = None) -> str:
    parts = [f"截至 {board.today:%Y年%m月%d日}，全校信息公开期限情况：", ""]
    if coming_report:
        parts += [f"{coming_report['label']}信息公开年度报告：{coming_report['message']}。", ""]
    parts += [f"已逾期 {len(board.overdue)} 项，3 个工作日内到期 {len(board.due_soon)} 项。", "", "各部门："]
    parts += [f"  - {d.name}：逾期 {d.overdue}，即将到期 {d.due_soon}"
              for d in board.departments if d.overdue or d.due_soon]
    parts.append("")
    if board.overdue:
        parts += ["已逾期：", *_lines(board.overdue), ""]
    if board.due_soon:
        parts += ["3 个工作日内到期：", *_lines(board.due_soon), ""]
    return "\n".join(parts)


class Command(BaseCommand):
    help = "发送期限提醒邮件：各部门信息员收到本部门已逾期和 3 个工作日内到期的事项，信息公开办公室收到全校汇总。"

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="只显示将要发送的邮件，不发送")
        parser.add_argument("--date", help="按这一天计算（YYYY-MM-DD，默认今天）")

    def handle(self, *args, dry_run, date, **options):
        try:
            today = dt.date.fromisoformat(date) if date else None
        except ValueError as error:
            raise CommandError("日期格式应为 YYYY-MM-DD。") from error
        calendar = default_calendar()
        site = settings.DISCLOSURE["SITE_NAME"]
        users = get_user_model().objects.filter(is_active=True, is_staff=True)
        outbox: list[tuple[str, str, list[str]]] = []

        editors = users.filter(groups__staff_role__code=policy.DEPARTMENT_EDITOR).distinct().order_by("username")
        for user in editors:
            board = build_board(user, today=today, calendar=calendar)
            if not (board.overdue or board.due_soon):
                continue
            subject = (f"【{site}】期限提醒：已逾期 {len(board.overdue)} 项，"
                       f"即将到期 {len(board.due_soon)} 项")
            outbox.append((subject, editor_message(user, board), [user]))

        office = list(users.filter(groups__staff_role__code=policy.OFFICE).distinct().order_by("username"))
        if office:
            board = build_board(office[0], today=today, calendar=calendar)
            coming = get_coming_report(board.today)
            if board.overdue or board.due_soon or coming:
                subject = (f"【{site}】全校期限汇总：已逾期 {len(board.overdue)} 项，"
                           f"即将到期 {len(board.due_soon)} 项" + ("；年度报告待发布" if coming else ""))
                outbox.append((subject, office_message(board, coming), office))

        sent = skipped = 0
        for subject, body, recipients in outbox:
            addresses = [u.email for u in recipients if u.email]
            missing = [u.get_username() for u in recipients if not u.email]
            if missing:
                self.stderr.write(f"以下用户没有邮箱，未发送：{'、'.join(missing)}")
                skipped += len(missing)
            if not addresses:
                continue
            if dry_run:
                self.stdout.write(f"收件人：{', '.join(addresses)}\n主题：{subject}\n{body}\n")
            else:
                queue_mail(to=addresses, subject=subject, body=body, kind=OutgoingMail.Kind.DIGEST)
            sent += 1
        # Queued in the outbox; the task worker sends them (and retries while the server is down).
        message = (f"将发送 {sent} 封提醒邮件。" if dry_run
                   else f"已将 {sent} 封提醒邮件排入发送队列（由任务进程发送）。")
        self.stdout.write(self.style.SUCCESS(message))
