from django.core.management.base import BaseCommand

from disclosure.access.policy import sync_role_groups


class Command(BaseCommand):
    help = "创建或更新“信息公开办公室”“监督部门”“部门信息员”三个角色组及其权限（可重复运行）。"

    def handle(self, *args, **options):
        sync_role_groups()
        self.stdout.write(self.style.SUCCESS("角色组已同步。"))
