"""Read the text of existing attachments into search: one task per file, run by the worker."""

from django.core.management.base import BaseCommand

from disclosure.items.tasks import attachments_to_reindex, reindex_attachments


class Command(BaseCommand):
    help = ("为附件全文检索排队提取文字：默认处理尚未提取和提取失败的附件，--all 处理全部附件。"
            "文字由任务进程（python manage.py db_worker）提取。")

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", dest="everything",
                            help="重新提取全部附件（例如提取规则变化后）。")
        parser.add_argument("--dry-run", action="store_true", help="只显示将排队的附件数，不做修改。")

    def handle(self, *args, everything: bool, dry_run: bool, **options):
        if dry_run:
            count = attachments_to_reindex(everything=everything).count()
            self.stdout.write(f"将为 {count} 个附件排队提取文字。")
            return
        count = reindex_attachments(everything=everything)
        self.stdout.write(self.style.SUCCESS(
            f"已为 {count} 个附件排队提取文字；请确认任务进程（python manage.py db_worker）正在运行。"))
