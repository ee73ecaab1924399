"""The reply letter templates as first issued; the office edits them in the admin afterwards."""

from django.db import migrations

# A frozen copy of the wording at the time: later edits are the office's, in the database.
TEMPLATES = {
    'disclosed': (
        '信息公开申请答复告知书',
        '{申请人}：\n我校于{收到日期}收到您提出的信息公开申请（申请编号：{申请编号}），申请获取：{申请内容}。\n经审查，您申请获取的信息属于可以公开的信息，现予以公开。{答复内容}\n{学校名称}{办公室名称}\n{答复日期}',
    ),
    'partly_disclosed': (
        '信息公开申请部分公开告知书',
        '{申请人}：\n我校于{收到日期}收到您提出的信息公开申请（申请编号：{申请编号}），申请获取：{申请内容}。\n经审查，您申请获取的信息中含有不应当公开的内容，我校对可以公开的部分予以提供。{答复内容}\n{学校名称}{办公室名称}\n{答复日期}',
    ),
    'not_disclosed': (
        '信息公开申请不予公开告知书',
        '{申请人}：\n我校于{收到日期}收到您提出的信息公开申请（申请编号：{申请编号}），申请获取：{申请内容}。\n经审查，您申请获取的信息{答复理由}，依据《高等学校信息公开办法》第十条的规定，不予公开。{答复内容}\n如对本答复不服，可依法申请行政复议或者提起行政诉讼。\n{学校名称}{办公室名称}\n{答复日期}',
    ),
    'not_exist': (
        '信息不存在告知书',
        '{申请人}：\n我校于{收到日期}收到您提出的信息公开申请（申请编号：{申请编号}），申请获取：{申请内容}。\n经检索查找，我校未制作或获取您申请的信息，该信息不存在。{答复内容}\n{学校名称}{办公室名称}\n{答复日期}',
    ),
    'not_ours': (
        '非本校信息告知书',
        '{申请人}：\n我校于{收到日期}收到您提出的信息公开申请（申请编号：{申请编号}），申请获取：{申请内容}。\n经审查，您申请获取的信息不属于我校制作或保存的信息，建议您向{建议咨询机关}咨询或申请。{答复内容}\n{学校名称}{办公室名称}\n{答复日期}',
    ),
    'correction': (
        '信息公开申请补正通知书',
        '{申请人}：\n我校于{收到日期}收到您提出的信息公开申请（申请编号：{申请编号}）。\n经审查，您的申请内容不明确，请就以下内容作出补正：{补正内容}\n请于{补正截止日}前补正。答复期限自我校收到补正后的申请之日起计算；无正当理由逾期不补正的，视为放弃申请。\n{学校名称}{办公室名称}\n{答复日期}',
    ),
    'repeated': (
        '重复申请不予处理告知书',
        '{申请人}：\n我校于{收到日期}收到您提出的信息公开申请（申请编号：{申请编号}），申请获取：{申请内容}。\n经审查，您已就相同内容提出过申请并已获答复，本次申请属于重复申请，我校不予重复处理。{答复内容}\n{学校名称}{办公室名称}\n{答复日期}',
    ),
    'extension': (
        '延期答复通知书',
        '{申请人}：\n我校于{收到日期}收到您提出的信息公开申请（申请编号：{申请编号}）。\n因{延期理由}，不能在{答复期限}前作出答复。经信息公开工作机构负责人同意，答复期限延长至{延期后期限}。\n{学校名称}{办公室名称}\n{答复日期}',
    ),
}


def seed(apps, schema_editor):
    ReplyLetterTemplate = apps.get_model("disclosure_requests", "ReplyLetterTemplate")
    for kind, (title, text) in TEMPLATES.items():
        ReplyLetterTemplate.objects.get_or_create(kind=kind, defaults={"title": title, "body": text})


class Migration(migrations.Migration):

    dependencies = [("disclosure_requests", "0001_initial")]

    operations = [
        migrations.RunPython(seed, migrations.RunPython.noop),
    ]
