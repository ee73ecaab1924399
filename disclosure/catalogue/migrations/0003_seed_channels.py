"""The channels named in the university's yearly report (seed), with their own sections."""

from django.db import migrations

CHANNELS = [
    # name, kind, sections
    ("学校门户网站", "website", ["通知公告", "学校新闻", "院系动态等其他信息"]),
    ("信息公开网", "disclosure_column", ["学校动态", "学校文件", "院系动态", "校内通告"]),
    ("党史学习教育专题网站", "website", ["形势动态", "工作动态", "我为群众办实事", "主题活动", "学习简报", "学习心得"]),
    ("部门及二级学院网站", "department_website", []),
    ("学校官方微信公众号", "wechat", []),
    ("学校官方抖音号", "douyin", []),
    ("今日头条号", "toutiao", []),
    ("校报校刊", "newspaper", []),
    ("橱窗展板", "notice_board", []),
    ("校内会议", "meeting", ["党委会", "校长办公会", "专题会议", "中心组理论学习会"]),
    ("新闻发布会", "press_conference", []),
]


def seed_channels(apps, schema_editor):
    Channel = apps.get_model("catalogue", "Channel")
    Section = apps.get_model("catalogue", "ChannelSection")
    for order, (name, kind, sections) in enumerate(CHANNELS, start=1):
        channel, _ = Channel.objects.get_or_create(
            name=name, defaults={"kind": kind, "sort_order": order * 10}
        )
        for s_order, section in enumerate(sections, start=1):
            Section.objects.get_or_create(channel=channel, name=section, defaults={"sort_order": s_order})


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0002_load_checklist")]
    operations = [migrations.RunPython(seed_channels, migrations.RunPython.noop)]
