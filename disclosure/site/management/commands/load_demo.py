"""Demo content: departments, staff accounts and a few hundred items over all 50 entries and several years.

Runs only on a database without items, so running it twice loses nothing and duplicates nothing.
Items go through the services, as staff would create them; only their dates are moved into the past.
"""

import datetime as dt
import random

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from disclosure.access import policy
from disclosure.catalogue.models import Channel, ChecklistEntry, Department
from disclosure.disclosure_requests import actions as request_services
from disclosure.disclosure_requests.models import (
    ApplicantType,
    DisclosureRequest,
    ReplyReason,
    ReplyType,
)
from disclosure.items import actions as item_actions
from disclosure.items.models import Attachment, DisclosureItem, Publication

DEMO_PASSWORD = "demo-2026"  # noqa: S105 - printed for the demo accounts, never used in production

DEPARTMENTS = [
    # name, code, kind, entries it is responsible for
    ("党政办公室", "dzb", "office", [1, 2, 3, 5, 6, 49, 50]),
    ("纪委监察专员办公室", "jw", "office", []),
    ("组织部", "zzb", "office", [22]),
    ("人事处", "rsc", "office", [22, 23, 24, 25, 26]),
    ("教务处", "jwc", "office", [27, 28, 29, 30, 31, 32, 33, 34, 35]),
    ("招生就业处", "zsjyc", "office", [7, 8, 9, 10, 11, 12, 13, 14, 35]),
    ("财务处", "cwc", "office", [15, 16, 17, 18, 19, 20]),
    ("国有资产管理处", "gzc", "office", [18, 21]),
    ("学生工作处", "xsc", "office", [36, 37, 38, 39]),
    ("科研处", "kyc", "office", [4, 40, 41, 42]),
    ("研究生处", "yjsc", "office", [43, 44, 45, 46]),
    ("国际交流合作处", "gjc", "office", [47, 48]),
    ("文学院", "wxy", "school", []),
    ("经济管理学院", "jgxy", "school", []),
    ("计算机科学与技术学院", "jsjxy", "school", []),
    ("外国语学院", "wgyxy", "school", []),
]

ACCOUNTS = [
    # username, full name, group, department codes
    ("office", "王主任（信息公开办公室）", policy.OFFICE, []),
    ("jwc_editor", "李老师（教务处信息员）", policy.DEPARTMENT_EDITOR, ["jwc"]),
    ("zsjyc_editor", "张老师（招生就业处、学生工作处信息员）", policy.DEPARTMENT_EDITOR, ["zsjyc", "xsc"]),
    ("supervisor", "赵老师（纪委监察专员办公室）", policy.SUPERVISOR, []),
]

TOPICS = {
    1: ["学校基本情况简介", "校级领导班子成员及分工", "学校机构设置一览"],
    2: ["学校章程", "教职工考勤管理办法", "学校规章制度汇编"],
    3: ["教职工代表大会工作报告", "教代会提案办理情况"],
    4: ["学术委员会章程", "学术委员会年度报告"],
    5: ["学校年度工作要点", "“十四五”发展规划"],
    6: ["信息公开年度报告"],
    7: ["本科招生章程", "分省分专业招生计划"],
    8: ["保送生、高水平运动队招生简章"],
    9: ["特殊类型招生入选考生名单公示"],
    10: ["招生录取情况统计"],
    11: ["招生咨询及申诉渠道"],
    12: ["硕士研究生招生简章", "研究生招生专业目录"],
    13: ["研究生复试录取办法"],
    14: ["拟录取研究生名单公示"],
    15: ["财务、资产管理制度"],
    16: ["受捐赠财产使用管理情况"],
    17: ["收费项目、依据及标准公示"],
    18: ["年度部门预算", "年度部门决算"],
    19: ["仪器设备、图书药品等物资设备采购公告"],
    20: ["重大基建工程招标公告", "基建工程中标结果公示"],
    21: ["国有资产出租出借情况"],
    22: ["校级领导干部社会兼职情况", "干部任前公示"],
    23: ["校级领导干部因公出国（境）情况"],
    24: ["岗位设置管理与聘用办法", "公开招聘工作人员公告"],
    25: ["教职工争议解决办法"],
    26: ["专任教师职称评审结果公示"],
    27: ["本科教学质量报告"],
    28: ["开设课程总数及主讲教授比例"],
    29: ["促进毕业生就业的政策措施"],
    30: ["毕业生就业质量年度报告"],
    31: ["专业设置与停招专业名单"],
    32: ["学生学籍管理办法"],
    33: ["学生奖学金、助学金评定办法", "国家奖学金获奖学生名单公示"],
    34: ["学生奖励处罚办法"],
    35: ["学生申诉办法"],
    36: ["学生管理规定"],
    37: ["勤工助学管理办法"],
    38: ["学生宿舍管理规定"],
    39: ["学生心理健康教育工作情况"],
    40: ["学风建设机构及工作情况"],
    41: ["学术规范制度"],
    42: ["学术不端行为查处机制"],
    43: ["授予博士、硕士、学士学位的基本程序和办法"],
    44: ["新增硕士学位授权点公示"],
    45: ["学科专业设置及调整情况"],
    46: ["拟授予学位人员名单公示"],
    47: ["中外合作办学情况"],
    48: ["来华留学生管理相关规定"],
    49: ["巡视整改情况", "重大突发事件调查处理情况"],
    50: ["教育部规定需公开的其他事项"],
}

SENTENCES = [
    "为进一步规范学校管理，保障师生员工和社会公众的知情权、参与权和监督权，现将有关情况公布如下。",
    "本办法根据《高等学校信息公开办法》和学校章程的有关规定制定，经校长办公会审议通过。",
    "学校坚持以公开为常态、不公开为例外，遵循公正、公平、合法、便民的原则。",
    "各学院、各部门应高度重视，认真组织学习，严格贯彻执行，确保各项工作落到实处。",
    "公示期间，如对公示内容有异议，请以书面形式向学校党政办公室反映，反映问题应实事求是。",
    "本年度学校招生计划根据社会需求、办学条件和生源情况确定，分省分专业计划另行公布。",
    "学校财务预算坚持量入为出、收支平衡的原则，统筹安排教学、科研和学生资助等各项支出。",
    "本科教学质量报告全面反映了学校人才培养目标、师资队伍、教学条件和质量保障体系建设情况。",
    "学生奖学金、助学金的评定坚持公开、公平、公正的原则，评审结果在学院和学校两级公示。",
    "学校将继续完善信息公开工作机制，加强对各部门信息公开工作的指导和监督检查。",
    "联系电话：0470-1234567；联系地址：学校行政楼二楼党政办公室。",
    "本通知自发布之日起施行，由学校相关职能部门负责解释。",
]

# A tiny but valid PDF, so that the demo's attachments open.
DEMO_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>"
    b"endobj\n3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


class Command(BaseCommand):
    help = "载入演示数据（部门、演示账号和数百条公开事项）；数据库中已有公开事项时不做任何改动。"

    def add_arguments(self, parser):
        parser.add_argument("--items", type=int, default=320, help="公开事项数量（默认 320）")
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args, items, seed, **options):
        self.rng = random.Random(seed)
        policy.sync_role_groups()
        users = self.create_accounts()
        if DisclosureItem.objects.exists():
            self.stdout.write("数据库中已有公开事项，未载入演示事项。")
        else:
            with transaction.atomic():
                self.create_departments()
                self.link_accounts(users)
                self.create_items(items, users["office"])
                requests = self.create_requests(users["office"])
                opinions = self.create_feedback(users["office"])
            self.stdout.write(self.style.SUCCESS(
                f"已载入 {items} 条演示公开事项、{requests} 件信息公开申请、{opinions} 件意见箱来信和一份网络调查。"
            ))
        self.stdout.write(f"演示账号（密码均为 {DEMO_PASSWORD}）：")
        for username, full_name, group, _codes in ACCOUNTS:
            self.stdout.write(f"  {username:<14} {group:<8} {full_name}")

    def create_accounts(self):
        User = get_user_model()
        users = {}
        for username, full_name, group, _codes in ACCOUNTS:
            user, created = User.objects.get_or_create(
                username=username, defaults={"first_name": full_name, "is_staff": True,
                                            "email": f"{username}@example.edu.cn"}
            )
            if created:
                user.set_password(DEMO_PASSWORD)
                user.save()
            user.groups.add(policy.group_for(group))
            users[username] = user
        return users

    def create_departments(self):
        for order, (name, code, kind, entries) in enumerate(DEPARTMENTS, start=1):
            department, _ = Department.objects.get_or_create(
                code=code, defaults={"name": name, "kind": kind, "sort_order": order * 10}
            )
            for entry in ChecklistEntry.objects.filter(number__in=entries):
                entry.responsible_departments.add(department)

    def link_accounts(self, users):
        for username, _full, _group, codes in ACCOUNTS:
            for department in Department.objects.filter(code__in=codes):
                department.editors.add(users[username])

    def create_items(self, count, office):
        rng = self.rng
        entries = list(ChecklistEntry.objects.prefetch_related("responsible_departments"))
        departments = list(Department.objects.all())
        channels = list(Channel.objects.prefetch_related("sections"))
        today = timezone.localdate()
        for i in range(count):
            entry = entries[i % len(entries)]
            owners = list(entry.responsible_departments.all()) or departments
            department = rng.choice(owners)
            year = today.year - rng.randint(0, 5)
            produced_on = min(dt.date(year, rng.randint(1, 12), rng.randint(1, 28)), today)
            topic = rng.choice(TOPICS[entry.number])
            title = f"{department.name}关于{year}年{topic}的公告" if i % 3 else f"{year}年{topic}"
            body = "".join(f"<p>{s}</p>" for s in rng.sample(SENTENCES, 4))
            item = item_actions.create_item(
                by=office, entries=[entry], title=title, department=department,
                summary=f"{topic}（{year}年）。", body=body, produced_on=produced_on,
                document_number=f"{department.code}发〔{year}〕{i % 40 + 1}号" if i % 4 == 0 else "",
                document_kind=(DisclosureItem.DocumentKind.ADMIN_DOCUMENT if i % 4 == 0
                               else DisclosureItem.DocumentKind.NONE),
            )
            if i % 5 == 0:
                Attachment.objects.create(
                    item=item, title=f"{topic}（全文）",
                    file=ContentFile(DEMO_PDF, name=f"{topic}.pdf"),
                )
            recent = (today - produced_on).days < 45
            if (recent and i % 3 == 0) or i % 37 == 5:
                continue  # stays a draft: some on time, some overdue on the deadline board
            item_actions.submit_for_review(item, by=office)
            if recent and i % 3 == 1:
                continue  # waits in review
            item_actions.publish_item(item, by=office, confirm_review_now=True)
            published_on = produced_on + dt.timedelta(days=rng.randint(1, 25))
            published_on = min(published_on, today)
            published_at = timezone.make_aware(dt.datetime.combine(published_on, dt.time(10, 0)))
            DisclosureItem.objects.filter(pk=item.pk).update(
                published_at=published_at, reviewed_at=published_at
            )
            for channel in rng.sample(channels, 2):
                sections = list(channel.sections.all())
                Publication.objects.create(
                    item=item, channel=channel, section=rng.choice(sections) if sections else None,
                    url=f"https://www.example.edu.cn/info/{item.pk}.htm" if channel.kind in (
                        "website", "disclosure_column") else "",
                    published_on=published_on,
                )
            if i % 17 == 0:
                item_actions.withdraw_item(item, by=office, reason="信息有误，已更正后重新发布。")
            elif i % 11 == 0 and (today - published_on).days > 10:
                item_actions.record_change(
                    item, by=office, changed_on=published_on + dt.timedelta(days=5),
                    note="相关规定修订。",
                )

    def create_requests(self, office):
        """Requests in every stage, received over the last months, logged as the office would."""
        rng = self.rng
        today = timezone.localdate()
        wanted = [
            "2025年本科招生各省录取最低分数线及专业录取人数",
            "学校2025年度部门决算中“三公”经费支出明细",
            "近三年学生宿舍维修工程的招标文件及中标结果",
            "2026年教师公开招聘的考核成绩及排名",
            "学校与某企业签订的校企合作协议全文",
            "图书馆2025年电子资源采购合同金额",
            "2025届毕业生就业质量年度报告中各学院就业率",
            "学校学生申诉处理委员会近两年处理的申诉数量",
        ]
        plans = [
            ("answered", ReplyType.DISCLOSED, ""), ("answered", ReplyType.PARTLY_DISCLOSED, ""),
            ("answered", ReplyType.NOT_DISCLOSED, ReplyReason.THIRD_PARTY_RIGHTS),
            ("answered", ReplyType.UNABLE, ReplyReason.NOT_HELD), ("extended", None, ""),
            ("correction", None, ""), ("open", None, ""), ("open", None, ""),
        ]
        kinds = [ApplicantType.CITIZEN, ApplicantType.CITIZEN, ApplicantType.BUSINESS,
                 ApplicantType.LEGAL_SERVICE, ApplicantType.CITIZEN, ApplicantType.RESEARCH,
                 ApplicantType.CITIZEN, ApplicantType.PUBLIC_INTEREST]
        for n, ((stage, reply_type, reason), description, kind) in enumerate(
            zip(plans, wanted, kinds, strict=True)
        ):
            received_on = today - dt.timedelta(days=[60, 50, 40, 30, 8, 3, 6, 1][n])
            citizen = kind == ApplicantType.CITIZEN
            request = request_services.receive_request(
                by=office, received_on=received_on,
                channel=DisclosureRequest.Channel.LETTER if n % 2 else DisclosureRequest.Channel.IN_PERSON,
                applicant_type=kind,
                applicant_name=rng.choice(["王晓明", "李华", "陈静", "刘洋"]) if citizen
                else rng.choice(["某某科技有限公司", "某某律师事务所", "某某研究院", "某某公益基金会"]),
                id_number=_demo_id_number(rng) if citizen else "91150700MA0N123456",
                contact_name="" if citizen else "张经理",
                phone=f"1390470{rng.randint(1000, 9999)}",
                email="",  # no receipt mails from demo data
                postal_address="内蒙古自治区呼伦贝尔市海拉尔区学府路 1 号",
                description=f"申请公开{description}。", purpose="了解学校相关情况",
            )
            if stage == "answered":
                request_services.answer_request(
                    request, by=office, reply_type=reply_type, reason=reason,
                    text="经审查，现将有关情况答复如下。", on=min(received_on + dt.timedelta(days=10), today),
                )
            elif stage == "extended":
                request_services.extend_request(
                    request, by=office, workdays=15, approver="王主任", reason="需要汇总多个部门的材料。",
                )
            elif stage == "correction":
                request_services.request_correction(
                    request, by=office, on=received_on + dt.timedelta(days=1),
                    note="请明确所需信息的年份和范围。",
                )
        return len(plans)

    def create_feedback(self, office):
        """Opinions in every stage, a survey open now with answers, a meeting and a visit."""
        from disclosure.feedback import actions as feedback_services
        from disclosure.feedback.models import EvaluationActivity, Opinion, Question, Survey

        rng = self.rng
        today = timezone.localdate()
        now = timezone.now()
        messages = [
            (Opinion.Kind.SUGGESTION, "建议在信息公开网首页增加“招生信息”快捷入口，方便考生和家长查找。", "answered"),
            (Opinion.Kind.OPINION, "收费项目公示中的住宿费标准没有写明适用的宿舍类型，看不明白。", "answered"),
            (Opinion.Kind.COMPLAINT, "学院网站上的奖学金评定结果只公示了两天，时间太短。", "forwarded"),
            (Opinion.Kind.SUGGESTION, "希望年度报告能提供 Excel 格式的数据下载。", "received"),
            (Opinion.Kind.OPINION, "部分附件是扫描图片，手机上看不清，建议同时提供文字版。", "received"),
        ]
        departments = {d.code: d for d in Department.objects.all()}
        for n, (kind, text, stage) in enumerate(messages):
            submitted_at = now - dt.timedelta(days=[40, 30, 12, 4, 1][n], hours=2)
            opinion = feedback_services.receive_opinion(
                kind=kind, text=text, name=rng.choice(["", "一名学生", "王同学", ""]),
                contact="" if n % 2 else f"1390470{rng.randint(1000, 9999)}", submitted_at=submitted_at,
            )
            if stage == "forwarded":
                feedback_services.forward_opinion(opinion, by=office, department=departments["xsc"],
                                                  on=opinion.received_on, note="请学生工作处核实公示期。")
            if stage == "answered":
                feedback_services.answer_opinion(
                    opinion, by=office, outcome=Opinion.Outcome.ADOPTED,
                    answer="感谢您的建议。我们已在相关页面补充说明，并将在下次改版时一并完善。",
                    on=min(opinion.received_on + dt.timedelta(days=7), today),
                )
                feedback_services.publish_opinion(opinion, by=office, public_text=text)
        survey = Survey(title=f"{today.year}年度信息公开工作满意度调查", slug=f"{today.year}-satisfaction",
                        intro="本调查匿名进行，约需 2 分钟。您的意见将用于改进学校信息公开工作。",
                        opens_on=today - dt.timedelta(days=10), closes_on=today + dt.timedelta(days=20))
        feedback_services.save_survey(survey, by=office)
        role = Question.objects.create(survey=survey, position=1, text="您的身份",
                                       choices="在校学生\n教职工\n校友\n考生或家长\n其他")
        rating = Question.objects.create(survey=survey, position=2, kind=Question.Kind.RATING,
                                         text="您对学校信息公开工作的总体评价", is_satisfaction=True)
        found = Question.objects.create(survey=survey, position=3, text="您能否在信息公开网找到需要的信息",
                                        choices="总能找到\n多数能找到\n很难找到")
        free = Question.objects.create(survey=survey, position=4, kind=Question.Kind.FREE_TEXT,
                                       text="您对信息公开工作的其他意见和建议", required=False)
        feedback_services.open_survey(survey, by=office)
        for _ in range(36):
            feedback_services.submit_survey_response(survey, {
                role.pk: rng.choice(role.choice_list),
                rating.pk: str(rng.choices([5, 4, 3, 2, 1], weights=[40, 35, 15, 7, 3])[0]),
                found.pk: rng.choice(found.choice_list),
                free.pk: rng.choice(["", "", "希望信息更新更及时。", "页面在手机上很好用。"]),
            })
        EvaluationActivity.objects.create(kind=EvaluationActivity.Kind.MEETING, held_on=today - dt.timedelta(days=20),
                                          title="师生代表信息公开工作座谈会", participants=24, entered_by=office)
        EvaluationActivity.objects.create(kind=EvaluationActivity.Kind.VISIT, held_on=today - dt.timedelta(days=15),
                                          title="二级学院信息公开工作调研", participants=9, entered_by=office)
        return len(messages)


def _demo_id_number(rng) -> str:
    """A made-up resident ID number with a valid check digit (GB 11643)."""
    body = f"150702{rng.randint(1970, 2004)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}{rng.randint(100, 999)}"
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    total = sum(int(d) * w for d, w in zip(body, weights, strict=True))
    return body + "10X98765432"[total % 11]
