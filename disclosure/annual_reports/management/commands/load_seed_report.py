"""The figures of the university's published 2020-2021 report, as data (channel metrics, meetings).

The items themselves of that year are not in the portal, so what the report counted by channel and
section is entered as the office would: one `ChannelMetric` per figure. Idempotent (a second run
corrects, never duplicates). With `--text`, the narrative parts are taken from the report's text.
"""

import datetime as dt
import re
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Q

from disclosure.access import policy
from disclosure.annual_reports import actions as report_services
from disclosure.annual_reports.models import AnnualReport
from disclosure.catalogue.models import Channel, ChannelSection, ChecklistEntry

YEAR = 2020
SIGNED_ON = dt.date(2021, 10, 25)
UNIVERSITY = "呼伦贝尔学院"
# "对外公布信息共5000余条": the seed's total, kept with its wording (the channels add up to 4372).
TOTAL_ITEMS, TOTAL_WORDING = 5000, "5000余条"
# "一一对应50条事项并附相关链接，全面、及时、准确地公开清单所有内容": every entry disclosed. The
# links are in the seed's appended table, which its text does not reproduce: the note says so.
CHECKLIST_STATUS = "disclosed"
CHECKLIST_NOTE = "原报告附表列有链接，本文本未含，待补录"

# channel name, kind, section ("" for the whole channel), metric, value, note
SEED_FIGURES = [
    ("学校门户网站", "website", "通知公告", "items", 54, ""),
    ("学校门户网站", "website", "学校新闻", "items", 633, ""),
    ("学校门户网站", "website", "院系动态等其他信息", "items", 1008, ""),
    ("党史学习教育专题网站", "website", "形势动态", "items", 57, ""),
    ("党史学习教育专题网站", "website", "工作动态", "items", 79, ""),
    ("党史学习教育专题网站", "website", "我为群众办实事", "items", 55, ""),
    ("党史学习教育专题网站", "website", "主题活动", "items", 152, ""),
    ("党史学习教育专题网站", "website", "学习简报", "items", 91, ""),
    ("党史学习教育专题网站", "website", "学习心得", "items", 25, ""),
    ("信息公开网", "disclosure_column", "学校动态", "items", 727, ""),
    ("信息公开网", "disclosure_column", "学校文件", "items", 214, ""),
    ("信息公开网", "disclosure_column", "院系动态", "items", 167, ""),
    ("信息公开网", "disclosure_column", "校内通告", "items", 60, ""),
    ("部门及二级学院网站", "department_website", "", "sites", 49, "同比增长1个"),
    ("学校官方微信公众号", "wechat", "", "items", 429, ""),
    ("学校官方微信公众号", "wechat", "", "publishing_days", 300, ""),
    ("学校官方微信公众号", "wechat", "", "reads", 1330000, "阅读总量"),
    ("学校官方微信公众号", "wechat", "", "followers", 47011, ""),
    ("学校官方微信公众号", "wechat", "", "follower_growth", 5000, "5000余人"),
    ("学校官方微信公众号", "wechat", "", "accounts", 31, "各部门及二级学院备案微信公众平台"),
    ("学校官方抖音号", "douyin", "", "items", 40, ""),
    ("学校官方抖音号", "douyin", "", "reads", 1217000, "总阅读量"),
    ("学校官方抖音号", "douyin", "", "hits_100k", 3, ""),
    ("学校官方抖音号", "douyin", "", "hits_50k", 6, ""),
    ("学校官方抖音号", "douyin", "", "likes", 32991, ""),
    ("今日头条号", "toutiao", "", "items", 180, ""),
    ("校报校刊", "newspaper", "", "issues", 16, ""),
    ("校报校刊", "newspaper", "", "items", 401, "论文篇目"),
    # The seed gives 58 meetings in all but 98 by kind; both are loaded as printed, and the
    # report's consistency check shows the office the disagreement.
    ("校内会议", "meeting", "", "meetings", 58, "各层级会议"),
    ("校内会议", "meeting", "党委会", "meetings", 21, ""),
    ("校内会议", "meeting", "校长办公会", "meetings", 36, ""),
    ("校内会议", "meeting", "专题会议", "meetings", 20, ""),
    ("校内会议", "meeting", "中心组理论学习会", "meetings", 21, ""),
]

PART_HEADING = re.compile(r"^([一二三四五六七])、")


def split_parts(text: str) -> dict[str, list[str]]:
    """The report's text cut at its part headings (一、 … 七、); the lines before are the preface."""
    parts: dict[str, list[str]] = {"preface": []}
    current = "preface"
    for line in text.splitlines():
        match = PART_HEADING.match(line.strip())
        if match:
            current = match.group(1)
            parts[current] = []
        elif line.strip():
            parts[current].append(line.strip())
    return parts


def narrative_from_text(text: str) -> dict[str, str]:
    parts = split_parts(text)
    six = parts.get("六", [])
    cut = next((i for i, line in enumerate(six) if line.startswith("针对")), len(six))
    return {
        "preface": "\n".join(parts["preface"]),
        "overview": "\n".join(parts.get("一", [])),
        "evaluation": "\n".join(parts.get("四", [])),
        "problems": "\n".join(six[:cut]),
        "measures": "\n".join(six[cut:]),
    }


class Command(BaseCommand):
    help = "载入2020-2021学年年度报告中的渠道统计数据（可选：报告正文），可重复运行。"

    def add_arguments(self, parser):
        parser.add_argument("--user", help="以该信息公开办公室用户的名义录入（默认：第一个超级用户）。")
        parser.add_argument("--text", help="报告全文（UTF-8 文本），用于填写年度报告的文字部分。")
        parser.add_argument("--dry-run", action="store_true", help="只检查，不保存。")

    def handle(self, *args, user=None, text=None, dry_run=False, **options):
        by = self._user(user)
        narrative = {}
        if text:
            try:
                narrative = narrative_from_text(Path(text).read_text(encoding="utf-8"))
            except OSError as error:
                raise CommandError(f"无法读取报告全文：{error}") from error
        with transaction.atomic():
            count = self._load(by, narrative)
            if dry_run:
                transaction.set_rollback(True)
        verb = "将载入" if dry_run else "已载入"
        self.stdout.write(self.style.SUCCESS(f"{verb} {count} 项 {YEAR}-{YEAR + 1} 学年渠道统计数据。"))

    def _user(self, username):
        users = get_user_model().objects.filter(is_active=True)
        if username:
            user = users.filter(username=username).first()
        else:
            user = users.filter(Q(is_superuser=True) | Q(groups__staff_role__code=policy.OFFICE)).order_by(
                "-is_superuser", "pk").first()
        if user is None or not policy.is_office(user):
            raise CommandError("需要一个信息公开办公室用户（--user）或超级用户来录入数据。")
        return user

    def _load(self, by, narrative) -> int:
        order = Channel.objects.count()
        for number, (channel_name, kind, section_name, metric, value, note) in enumerate(SEED_FIGURES):
            channel, _ = Channel.objects.get_or_create(
                name=channel_name, defaults={"kind": kind, "sort_order": (order + number + 1) * 10}
            )
            section = None
            if section_name:
                section, _ = ChannelSection.objects.get_or_create(channel=channel, name=section_name)
            report_services.set_channel_metric(
                by=by, channel=channel, section=section, year=YEAR, metric=metric, value=value, note=note
            )
        for entry in ChecklistEntry.objects.all():
            report_services.set_checklist_statement(
                by=by, year=YEAR, entry=entry, status=CHECKLIST_STATUS, note=CHECKLIST_NOTE)
        report = AnnualReport.objects.filter(year=YEAR).first()
        fields = {"signed_on": SIGNED_ON, "university": UNIVERSITY, "total_items_entered": TOTAL_ITEMS,
                  "total_items_wording": TOTAL_WORDING, **narrative}
        if report is None:
            report_services.create_report(by=by, year=YEAR, **fields)
        elif fields and not report.is_published:
            report_services.update_report(report, by=by, changes=fields)
        return len(SEED_FIGURES)
