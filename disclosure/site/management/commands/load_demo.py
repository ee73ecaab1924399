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
from disclosure.site import demo_content as demo
from disclosure.site.models import SiteSettings
from disclosure.site.services import save_site_settings

DEMO_PASSWORD = "demo-2026"  # noqa: S105 - printed for the demo accounts, never used in production

ACCOUNTS = [
    # username, full name, group, department codes
    ("office", "王主任（信息公开办公室）", policy.OFFICE, []),
    ("jwc_editor", "李老师（教务处信息员）", policy.DEPARTMENT_EDITOR, ["jwc"]),
    ("zsjyc_editor", "张老师（招生就业处、学生工作处信息员）", policy.DEPARTMENT_EDITOR, ["zsjyc", "xsc"]),
    ("supervisor", "赵老师（纪委监察专员办公室）", policy.SUPERVISOR, []),
]

def _demo_pdf() -> bytes:
    """A one-page PDF with a text layer and a correct cross-reference table.

    The demo's attachments open in a reader, and the worker extracts their text like any upload
    (an attachment without an xref table would fail extraction and fill the worker's log).
    """
    text = b"BT /F1 12 Tf 20 100 Td (Demonstration attachment: full text of the document.) Tj ET"
    objects = [
        b"<</Type/Catalog/Pages 2 0 R>>",
        b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
        b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 420 200]/Contents 4 0 R"
        b"/Resources<</Font<</F1 5 0 R>>>>>>",
        b"<</Length %d>>stream\n%s\nendstream" % (len(text), text),
        b"<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer<</Size %d/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


DEMO_PDF = _demo_pdf()


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
                self.create_site_settings(users["office"])
                self.create_departments()
                self.link_accounts(users)
                self.create_items(items, users["office"])
                self.create_revision(users["jwc_editor"])
                requests = self.create_requests(users["office"])
                opinions = self.create_feedback(users["office"])
                report = self.create_report(users["office"])
            self.stdout.write(self.style.SUCCESS(
                f"已载入 {items} 条演示公开事项、{requests} 件信息公开申请、{opinions} 件意见箱来信、一份网络调查"
                f"和{report.year}—{report.year + 1}学年的年度报告。"
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

    def create_site_settings(self, office):
        if not SiteSettings.objects.exists():
            save_site_settings(SiteSettings(**demo.SITE_SETTINGS), by=office)

    def create_departments(self):
        owners = demo.responsible_departments()
        for order, (name, code, kind) in enumerate(demo.DEPARTMENTS, start=1):
            department, _ = Department.objects.get_or_create(
                code=code, defaults={"name": name, "kind": kind, "sort_order": order * 10}
            )
            for entry in ChecklistEntry.objects.filter(number__in=[n for n, c in owners.items() if code in c]):
                entry.responsible_departments.add(department)

    def link_accounts(self, users):
        for username, _full, _group, codes in ACCOUNTS:
            for department in Department.objects.filter(code__in=codes):
                department.editors.add(users[username])

    def plan(self, count: int, today: dt.date) -> list[tuple[demo.Topic, dt.date]]:
        """`count` (topic, production date) pairs: every topic once (its latest year) first, so
        that a small demo still covers all 50 entries, then the yearly topics in earlier years."""
        rng = self.rng
        plan = []
        back = 0
        while len(plan) < count and back < 30:
            for topic in demo.TOPICS:
                if not topic.yearly and back:
                    continue
                # The latest year whose edition is out by today, then one year earlier per pass.
                latest = today.year if dt.date(today.year, topic.month, 25) <= today else today.year - 1
                year = latest - back
                if not topic.yearly:
                    # A rule was adopted once, some years ago.
                    year = today.year - 1 - topic.entry % 5
                plan.append((topic, dt.date(year, topic.month, 5 + rng.randint(0, 20))))
            back += 1
        return plan[:count]

    def create_items(self, count, office):
        rng = self.rng
        entries = {e.number: e for e in ChecklistEntry.objects.all()}
        departments = {d.code: d for d in Department.objects.all()}
        channels = list(Channel.objects.prefetch_related("sections"))
        today = timezone.localdate()
        numbers: dict[tuple[str, int], int] = {}

        def document_number(prefix: str, year: int) -> str:
            # Each office numbers its documents through the year: 示大招〔2025〕37号.
            last = numbers.get((prefix, year), rng.randint(2, 9))
            numbers[(prefix, year)] = last + rng.randint(1, 6)
            return f"{prefix}〔{year}〕{numbers[(prefix, year)]}号"

        created = in_hand = 0
        for i, (topic, produced_on) in enumerate(self.plan(count, today)):
            if created >= count:
                break
            in_progress = i % 7 == 3 and topic.yearly and i < len(demo.TOPICS)
            if in_progress:
                # The office's work in hand: produced in the last weeks, not yet published; the
                # first a little overdue, the next due within days, the rest on time.
                produced_on = today - dt.timedelta(days=[30, 18][in_hand] if in_hand < 2 else rng.randint(2, 12))
                in_hand += 1
            department = departments[topic.department]
            title = fill_title(topic.title, produced_on.year)
            prefix = demo.PREFIX.get(topic.department)
            numbered = topic.numbered and prefix
            item = item_actions.create_item(
                by=office, entries=[entries[topic.entry]], title=title, department=department,
                body=f"<p>{fill_title(topic.body, produced_on.year)}</p>", produced_on=produced_on,
                document_number=document_number(prefix, produced_on.year) if numbered else "",
                document_kind=(DisclosureItem.DocumentKind.ADMIN_DOCUMENT if numbered
                               else DisclosureItem.DocumentKind.NONE),
                issuing_organ=demo.UNIVERSITY if prefix == "示大发" else "",
            )
            created += 1
            if i % 5 == 0:
                Attachment.objects.create(
                    item=item, title=f"{title}（全文）", file=ContentFile(DEMO_PDF, name=f"{title}.pdf"),
                )
            if in_progress:
                if i % 2:
                    item_actions.submit_for_review(item, by=office)
                continue
            published_on = min(produced_on + dt.timedelta(days=rng.randint(1, 12)), today)
            self.publish(item, office, published_on, channels)
            if title in demo.REVISED_RULES and created < count:
                # The rule was revised this year: the old text stays public, marked, with its successor.
                new_title, body = demo.REVISED_RULES[title]
                revised_on = max(today - dt.timedelta(days=200), published_on + dt.timedelta(days=30))
                new = item_actions.create_item(
                    by=office, entries=[entries[topic.entry]], department=department,
                    title=fill_title(new_title, revised_on.year), body=f"<p>{body}</p>",
                    produced_on=revised_on,
                    document_number=document_number(prefix, revised_on.year),
                    document_kind=DisclosureItem.DocumentKind.ADMIN_DOCUMENT,
                )
                created += 1
                replaced_on = min(revised_on + dt.timedelta(days=3), today)
                self.publish(new, office, replaced_on, channels)
                item_actions.edit_item(item, by=office, changes={"validity": "revised", "superseded_by": new})
                # The old text was marked the day its successor came out, not the day the demo loaded.
                DisclosureItem.objects.filter(pk=item.pk).update(
                    changed_on=replaced_on,
                    updated_at=timezone.make_aware(dt.datetime.combine(replaced_on, dt.time(17, 0))),
                )
            elif i % 17 == 0:
                item_actions.withdraw_item(item, by=office, reason="附件有误，更正后重新发布。")
            elif i % 11 == 0 and 3 < (today - published_on).days < 30:
                item_actions.record_change(
                    item, by=office, changed_on=published_on + dt.timedelta(days=2), note="相关数据更正。",
                )

    def create_revision(self, editor):
        """A department's change to one of its published items, waiting for the office's review:
        the public keeps the reviewed text until the office publishes the revision."""
        item = (DisclosureItem.objects.public().filter(department__in=editor.departments.all())
                .order_by("-published_at").first())
        if item is not None:
            item_actions.edit_item(item, by=editor, changes={
                "summary": "补充了联系方式和办理时限。",
                "body": f"{item.body}<p>咨询电话：0470-1234567（工作日 8:30—17:00）。</p>",
            })

    def publish(self, item, office, published_on, channels):
        rng = self.rng
        item_actions.submit_for_review(item, by=office)
        item_actions.publish_item(item, by=office, confirm_review_now=True)
        published_at = timezone.make_aware(dt.datetime.combine(published_on, dt.time(9 + rng.randint(0, 7), 0)))
        DisclosureItem.objects.filter(pk=item.pk).update(published_at=published_at, reviewed_at=published_at)
        for channel in rng.sample(channels, 2):
            sections = list(channel.sections.all())
            Publication.objects.create(
                item=item, channel=channel, section=rng.choice(sections) if sections else None,
                url=f"https://www.example.edu.cn/info/{item.pk}.htm" if channel.kind in (
                    "website", "disclosure_column") else "",
                published_on=published_on,
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
            "学校实验室危险化学品的管理台账",
        ]
        plans = [
            ("answered", ReplyType.DISCLOSED, ""), ("answered", ReplyType.PARTLY_DISCLOSED, ""),
            ("answered", ReplyType.NOT_DISCLOSED, ReplyReason.THIRD_PARTY_RIGHTS),
            ("answered", ReplyType.UNABLE, ReplyReason.NOT_HELD), ("extended", None, ""),
            ("correction", None, ""), ("open", None, ""), ("open", None, ""),
            ("correction", None, ""),
        ]
        kinds = [ApplicantType.CITIZEN, ApplicantType.CITIZEN, ApplicantType.BUSINESS,
                 ApplicantType.LEGAL_SERVICE, ApplicantType.CITIZEN, ApplicantType.RESEARCH,
                 ApplicantType.CITIZEN, ApplicantType.PUBLIC_INTEREST, ApplicantType.CITIZEN]
        for n, ((stage, reply_type, reason), description, kind) in enumerate(
            zip(plans, wanted, kinds, strict=True)
        ):
            # The last one was asked to correct its request long enough ago for the time to have run out.
            received_on = today - dt.timedelta(days=[60, 50, 40, 30, 8, 3, 6, 1, 45][n])
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
            self._date_history(request, received_on)
        return len(plans)

    @staticmethod
    def _date_history(request, received_on: dt.date) -> None:
        """Time each step of a demo request on the day it took effect (they were all made just now),
        so that its history on the status page reads as the office's work over those days."""
        def at(day: dt.date, minutes: int) -> dt.datetime:
            moment = timezone.make_aware(dt.datetime.combine(day, dt.time(9, 30)) + dt.timedelta(minutes=minutes))
            return min(moment, timezone.now())  # never in the future (a demo loaded before 9:30)

        type(request).objects.filter(pk=request.pk).update(submitted_at=at(received_on, 0))
        for n, event in enumerate(request.events.order_by("at", "id")):
            day = event.on or received_on
            event.at = at(min(day, timezone.localdate()), 10 * n)
            event.save(update_fields=["at"])

    def create_report(self, office):
        """The last academic year's yearly report, published: its figures are the demo's own."""
        from disclosure.annual_reports import actions as report_services
        from disclosure.annual_reports.models import academic_year_of

        year = academic_year_of(timezone.localdate()) - 1
        report = report_services.create_report(
            by=office, year=year,
            signed_on=min(report_services.report_due_on(year), timezone.localdate()),
            **demo.report_narrative(year))
        return report_services.publish_report(report, by=office)

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


CHINESE_NUMERALS = "一二三四五六七八九十"


def fill_title(template: str, year: int) -> str:
    """A topic's title or body for `year`: {y}, {y-1} and {n} (the session of a yearly meeting)."""
    session = CHINESE_NUMERALS[(year - 2021) % 10]
    return template.replace("{y-1}", str(year - 1)).replace("{y}", str(year)).replace("{n}", session)


def _demo_id_number(rng) -> str:
    """A made-up resident ID number with a valid check digit (GB 11643)."""
    body = f"150702{rng.randint(1970, 2004)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}{rng.randint(100, 999)}"
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    total = sum(int(d) * w for d, w in zip(body, weights, strict=True))
    return body + "10X98765432"[total % 11]
