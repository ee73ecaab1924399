"""The guide page (信息公开指南) starts with a short text the office then edits in the admin."""

from django.db import migrations

GUIDE_BODY = """
<h2>一、公开范围</h2>
<p>学校依据《高等学校信息公开办法》和《高等学校信息公开事项清单》主动公开信息，清单所列 10 类 50 项信息在本网“信息公开事项清单”栏目中逐项公开。</p>
<h2>二、公开方式</h2>
<p>主动公开的信息通过本网、学校门户网站、校报、公告栏等渠道发布，自信息制作完成或获取之日起 15 个工作日内公开。</p>
<h2>三、依申请公开</h2>
<p>公民、法人和其他组织可以通过本网“依申请公开”栏目在线提交申请，学校自受理之日起 15 个工作日内答复。</p>
<h2>四、监督和保障</h2>
<p>认为学校未依法履行信息公开义务的，可以向学校信息公开工作机构或上级教育行政部门反映。发现已公开信息有误的，可在信息页面下方“纠错与咨询”处提交。</p>
"""


def forward(apps, schema_editor):
    Page = apps.get_model("site", "Page")
    Page.objects.get_or_create(
        slug="guide", defaults={"title": "信息公开指南", "body": GUIDE_BODY.strip(), "sort_order": 1}
    )


def backward(apps, schema_editor):
    pass


class Migration(migrations.Migration):
    dependencies = [("site", "0001_initial")]
    operations = [migrations.RunPython(forward, backward)]
