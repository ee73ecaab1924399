"""The yearly report: every figure from the data, frozen on publication, on the web and in Word."""

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.urls import reverse
from docx import Document

from disclosure.annual_reports import actions as report_services
from disclosure.annual_reports.docx import build_report_docx
from disclosure.annual_reports.figures import compliance, compute_figures, metric_value
from disclosure.annual_reports.models import AnnualReport, ChannelMetric
from disclosure.catalogue.models import Channel, ChecklistEntry
from disclosure.disclosure_requests import actions as request_services
from disclosure.disclosure_requests.models import ApplicantType, ReplyReason, ReplyType
from disclosure.items import actions as item_actions
from disclosure.items.models import DisclosureItem, Publication

YEAR = 2025  # 2025-09-01 .. 2026-08-31, over before "today" in every run of these tests
TZ = ZoneInfo("Asia/Shanghai")

# (published at, department code, entry numbers, document kind) of each item; None = not published.
ITEMS = [
    (dt.datetime(2025, 9, 1, 0, 5, tzinfo=TZ), "jwc", [2], ""),            # first minute of the year
    (dt.datetime(2025, 9, 15, 10, tzinfo=TZ), "jwc", [2, 27], "admin_document"),
    (dt.datetime(2025, 10, 8, 9, tzinfo=TZ), "cwc", [15], "party_document"),
    (dt.datetime(2026, 3, 2, 9, tzinfo=TZ), "cwc", [15, 16], ""),
    (dt.datetime(2026, 8, 31, 23, 50, tzinfo=TZ), "jwc", [27], "party_document"),  # last minutes
    (dt.datetime(2025, 8, 31, 23, 50, tzinfo=TZ), "jwc", [7], ""),         # the year before
    (dt.datetime(2026, 9, 1, 0, 10, tzinfo=TZ), "cwc", [2], ""),           # the year after
]


def _publish_at(make_item, when, department, entries, kind="", title=None):
    item = make_item(
        "published", department=department, entries=list(ChecklistEntry.objects.filter(number__in=entries)),
        title=title or f"{department.name}{when:%Y%m%d%H%M}公告", document_kind=kind,
        produced_on=when.date() - dt.timedelta(days=3),
    )
    # Staff publish today; the year under test is in the past, so only the date is moved back.
    DisclosureItem.objects.filter(pk=item.pk).update(published_at=when)
    item.refresh_from_db()
    return item


@pytest.fixture
def year_data(db, make_item, office_user, department, other_department):
    by_code = {"jwc": department, "cwc": other_department}
    items = [
        _publish_at(make_item, when, by_code[code], entries, kind)
        for when, code, entries, kind in ITEMS
    ]
    # Withdrawn within the year: no longer public, not counted; a draft: not counted either.
    withdrawn = _publish_at(make_item, dt.datetime(2025, 11, 3, 9, tzinfo=TZ), department, [2])
    item_actions.withdraw_item(withdrawn, by=office_user, reason="信息有误")
    make_item("draft", title="草稿", document_kind="admin_document", produced_on=dt.date(2025, 12, 1))

    website = Channel.objects.get(name="学校门户网站")
    notices = website.sections.get(name="通知公告")
    news = website.sections.get(name="学校新闻")
    column = Channel.objects.get(name="信息公开网")
    Publication.objects.create(item=items[0], channel=website, section=notices,
                               url="https://www.example.edu.cn/n/1", published_on=dt.date(2025, 9, 1))
    Publication.objects.create(item=items[1], channel=website, section=notices,
                               published_on=dt.date(2025, 9, 16))
    Publication.objects.create(item=items[2], channel=website, section=news,
                               published_on=dt.date(2025, 10, 8))
    Publication.objects.create(item=items[3], channel=column, published_on=dt.date(2026, 3, 2))
    Publication.objects.create(item=items[5], channel=website, section=news,  # the year before
                               published_on=dt.date(2025, 8, 31))
    Publication.objects.create(item=withdrawn, channel=website, section=news,  # withdrawn
                               published_on=dt.date(2025, 11, 3))

    wechat = Channel.objects.get(name="学校官方微信公众号")
    report_services.set_channel_metric(by=office_user, channel=wechat, year=YEAR, metric="items", value=88)
    report_services.set_channel_metric(by=office_user, channel=wechat, year=YEAR, metric="followers",
                                       value=12345, note="截至8月31日")
    report_services.set_channel_metric(by=office_user, channel=wechat, year=YEAR - 1, metric="items",
                                       value=999)
    report_services.set_document_count(by=office_user, year=YEAR, kind="admin_document", value=7)

    def receive(on, kind=ApplicantType.CITIZEN):
        return request_services.receive_request(
            by=office_user, received_on=on, applicant_type=kind, applicant_name="申请人",
            description="请公开学校收费标准", email="",
        )

    def answer(request, on, reply_type, reason=""):
        return request_services.answer_request(request, by=office_user, reply_type=reply_type,
                                               reason=reason, text="答复", on=on)

    # Received before and answered before the year: not in the table at all.
    answer(receive(dt.date(2025, 7, 1)), dt.date(2025, 7, 10), ReplyType.DISCLOSED)
    # Carried over: received in August, answered in September.
    answer(receive(dt.date(2025, 8, 25), ApplicantType.BUSINESS), dt.date(2025, 9, 10),
           ReplyType.DISCLOSED)
    # New this year, answered this year.
    answer(receive(dt.date(2025, 9, 3)), dt.date(2025, 9, 12), ReplyType.DISCLOSED)
    answer(receive(dt.date(2025, 10, 9), ApplicantType.BUSINESS), dt.date(2025, 10, 20),
           ReplyType.PARTLY_DISCLOSED)
    answer(receive(dt.date(2025, 11, 3)), dt.date(2025, 11, 14), ReplyType.NOT_DISCLOSED,
           ReplyReason.STATE_SECRET)
    answer(receive(dt.date(2026, 1, 5), ApplicantType.RESEARCH), dt.date(2026, 1, 9),
           ReplyType.UNABLE, ReplyReason.NOT_HELD)
    # Answered after its due date (15 working days from 2026-03-02 is 2026-03-23).
    answer(receive(dt.date(2026, 3, 2)), dt.date(2026, 4, 20), ReplyType.NOT_PROCESSED,
           ReplyReason.REPEATED)
    request_services.withdraw_request(receive(dt.date(2026, 5, 6), ApplicantType.LEGAL_SERVICE),
                                      by=office_user, note="书面撤回", on=dt.date(2026, 5, 8))
    # Carried forward: still open at the end of the year, or answered after it.
    receive(dt.date(2026, 8, 20))
    answer(receive(dt.date(2026, 8, 24), ApplicantType.PUBLIC_INTEREST), dt.date(2026, 9, 3),
           ReplyType.DISCLOSED)
    # The year after.
    receive(dt.date(2026, 9, 7))

    report_services.record_complaint(by=office_user, kind="report", received_on=dt.date(2025, 12, 1),
                                     summary="未按期公开收费标准", outcome="maintained",
                                     decided_on=dt.date(2025, 12, 20))
    report_services.record_complaint(by=office_user, kind="review", received_on=dt.date(2026, 6, 1),
                                     summary="申请答复不服")
    report_services.record_complaint(by=office_user, kind="lawsuit", received_on=dt.date(2025, 8, 1),
                                     summary="上一学年的诉讼")
    return items


def _row(figures, key):
    return next(r for r in figures["requests"]["rows"] if r["key"] == key)


COLUMNS = [t.value for t in ApplicantType]


def _cells(**counts):
    return [counts.get(c, 0) for c in COLUMNS]


def test_every_figure_equals_an_independent_count(year_data):
    figures = compute_figures(YEAR)
    start = dt.datetime(2025, 9, 1, tzinfo=TZ)
    end = dt.datetime(2026, 9, 1, tzinfo=TZ)
    in_year = [i for i in ITEMS if start <= i[0] < end]
    assert len(in_year) == 5

    portal = figures["portal"]
    assert portal["total"] == {"value": 5, "source": "counted", "note": ""}
    months = {r["label"]: r["value"] for r in portal["by_month"]}
    assert len(months) == 12
    assert months == {m: sum(1 for i in in_year if f"{i[0]:%Y-%m}" == m) for m in months}
    assert months["2025-09"] == 2 and months["2026-08"] == 1
    assert {r["label"]: r["value"] for r in portal["by_department"]} == {"教务处": 3, "财务处": 2}
    by_category = {r["label"].split(". ")[0]: r["value"] for r in portal["by_category"]}
    category_of = dict(ChecklistEntry.objects.values_list("number", "category__number"))
    for number, count in by_category.items():
        assert count == sum(1 for i in in_year if int(number) in {category_of[e] for e in i[2]})

    website = next(c for c in figures["channels"] if c["channel"] == "学校门户网站")
    assert website["items"] == {"value": 3, "source": "counted", "note": ""}
    sections = {s["section"]: s["items"]["value"] for s in website["sections"]}
    assert sections == {"通知公告": 2, "学校新闻": 1, "院系动态等其他信息": 0}
    column = next(c for c in figures["channels"] if c["channel"] == "信息公开网")
    assert column["items"]["value"] == 1
    wechat = next(c for c in figures["channels"] if c["channel"] == "学校官方微信公众号")
    assert wechat["items"] == {"value": 88, "source": "entered", "note": ""}
    assert metric_value(figures["channels"], "学校官方微信公众号", "followers") == 12345
    assert figures["total_items"]["value"] == 3 + 1 + 88
    assert figures["total_items"]["source"] == "mixed"

    documents = {d["kind"]: d for d in figures["documents"]}
    assert documents["party_document"]["value"] == 2
    assert documents["party_document"]["source"] == "counted"
    assert documents["admin_document"]["value"] == 7
    assert documents["admin_document"]["source"] == "entered"
    assert documents["admin_document"]["counted"] == 2  # the published one and the draft

    checklist = {r["number"]: r for r in figures["checklist"]}
    assert len(checklist) == 50
    assert checklist[2]["count"]["value"] == 2 and checklist[2]["status"] == "disclosed"
    assert checklist[15]["count"]["value"] == 2 and checklist[27]["count"]["value"] == 2
    assert checklist[7]["status"] == "earlier"
    assert checklist[1]["status"] == "none"
    assert [i["title"] for i in checklist[2]["items"]] == [
        f"{year_data[0].title}", f"{year_data[1].title}"]
    assert checklist[2]["items"][0]["url"] == year_data[0].get_absolute_url()
    assert checklist[2]["items"][0]["publications"] == [
        {"channel": "学校门户网站", "url": "https://www.example.edu.cn/n/1"}]
    assert "学校门户网站" in checklist[2]["channels"]
    disclosed = {n for i in in_year for n in i[2]}
    assert {n for n, r in checklist.items() if r["status"] == "disclosed"} == disclosed

    assert _row(figures, "new")["cells"] == _cells(
        citizen=4, business=1, research=1, legal_service=1, public_interest=1)
    assert _row(figures, "new")["total"] == 8
    assert _row(figures, "carried_over")["cells"] == _cells(business=1)
    assert _row(figures, f"type:{ReplyType.DISCLOSED}")["cells"] == _cells(citizen=1, business=1)
    assert _row(figures, f"type:{ReplyType.PARTLY_DISCLOSED}")["total"] == 1
    assert _row(figures, f"reason:{ReplyType.NOT_DISCLOSED}:{ReplyReason.STATE_SECRET}")["total"] == 1
    assert _row(figures, f"reason:{ReplyType.UNABLE}:{ReplyReason.NOT_HELD}")["cells"] == _cells(research=1)
    assert _row(figures, f"reason:{ReplyType.NOT_PROCESSED}:{ReplyReason.REPEATED}")["total"] == 1
    assert _row(figures, f"reason:{ReplyType.OTHER}:{ReplyReason.OTHER}")["cells"] == _cells(legal_service=1)
    assert _row(figures, "handled")["total"] == 7
    assert _row(figures, "carried_forward")["cells"] == _cells(citizen=1, public_interest=1)
    new, carried = _row(figures, "new")["total"], _row(figures, "carried_over")["total"]
    assert new + carried == _row(figures, "handled")["total"] + _row(figures, "carried_forward")["total"]
    assert figures["requests"]["balance"]["ok"]
    assert figures["requests"]["answered_late"]["value"] == 1

    complaints = {c["kind"]: c for c in figures["complaints"]}
    assert complaints["report"]["total"]["value"] == 1
    assert {o["outcome"]: o["value"] for o in complaints["report"]["outcomes"]}["maintained"] == 1
    assert complaints["review"]["total"]["value"] == 1
    assert complaints["lawsuit"]["total"]["value"] == 0


def test_compliance_names_gaps_late_departments_and_late_requests(year_data, make_item,
                                                                 other_department):
    # Produced on 1 October, published on 15 December: far past the 15 working days.
    late = make_item("published", department=other_department, produced_on=dt.date(2025, 10, 1))
    DisclosureItem.objects.filter(pk=late.pk).update(
        published_at=dt.datetime(2025, 12, 15, 9, tzinfo=TZ))
    result = compliance(YEAR)
    numbers = {r["number"] for r in result["entries"]}
    assert 1 in numbers and 7 in numbers and 2 not in numbers
    assert len(result["late_requests"]) == 1
    assert result["late_requests"][0]["answered_on"] == dt.date(2026, 4, 20)
    departments = {d["department"]: d for d in result["departments"]}
    # The draft produced on 2025-12-01 is still unpublished: overdue now for its department.
    assert departments["教务处"]["overdue_now"] == 1 and departments["教务处"]["published_late"] == 0
    assert departments["财务处"]["published_late"] == 1 and departments["财务处"]["overdue_now"] == 0


def test_docx_has_the_checklist_and_request_tables(year_data, office_user):
    report = report_services.create_report(by=office_user, year=YEAR, overview="本学年工作概述。")
    content = build_report_docx(report, compute_figures(YEAR))
    doc = Document(io.BytesIO(content))
    text = "\n".join(p.text for p in doc.paragraphs)
    for heading in ["一、工作概述", "二、主动公开情况", "三、依申请公开和不予公开情况", "四、对信息公开的评议情况",
                    "五、因学校信息公开工作受到举报、复议、诉讼的情况", "六、存在问题及改进措施", "七、清单事项公开情况表"]:
        assert heading in text
    assert text.index("一、工作概述") < text.index("三、依申请公开") < text.index("七、清单事项公开情况表")
    checklist = next(t for t in doc.tables if t.rows[0].cells[0].text == "序号")
    assert len(checklist.rows) == 51
    assert [checklist.rows[i].cells[0].text for i in (1, 50)] == ["1", "50"]
    assert checklist.rows[2].cells[4].text == "2"
    requests = next(t for t in doc.tables if t.rows[0].cells[0].text == "项目")
    labels = [r.cells[0].text.strip("\u3000") for r in requests.rows]
    assert labels[2].startswith("一、本年新收") and "五、结转下年度继续办理" in labels
    top = [c.text for c in requests.rows[0].cells]
    assert top[1] == "自然人" and top[2:-1] == ["法人或其他组织"] * 5 and top[-1] == "总计"
    assert [c.text for c in requests.rows[1].cells][2:-1] == [t.label for t in ApplicantType][1:]
    new_row = requests.rows[2]
    assert new_row.cells[-1].text == "8"


def test_published_report_is_frozen(year_data, office_user, make_item, department, client):
    report = report_services.create_report(by=office_user, year=YEAR, overview="概述")
    report = report_services.publish_report(report, by=office_user)
    assert report.status == "published" and report.published_by == office_user
    frozen = report.figures
    assert frozen["portal"]["total"]["value"] == 5

    _publish_at(make_item, dt.datetime(2026, 5, 5, 9, tzinfo=TZ), department, [2], title="发布后补录")
    wechat = Channel.objects.get(name="学校官方微信公众号")
    report_services.set_channel_metric(by=office_user, channel=wechat, year=YEAR, metric="items", value=1)
    assert compute_figures(YEAR)["portal"]["total"]["value"] == 6

    report.refresh_from_db()
    assert report.figures == frozen
    page = client.get(reverse("disclosure:report_detail", args=[YEAR])).content.decode()
    assert "发布后补录" not in page
    assert "发布推文共88篇*" in page
    with pytest.raises(ValidationError):
        report_services.update_report(report, by=office_user, changes={"overview": "改"})
    assert report.history.count() == 2  # created, published: who and when each time
    assert report.history.first().history_user == office_user


def test_publishing_refuses_before_year_end_and_non_office(office_user, editor, db):
    report = report_services.create_report(by=office_user, year=2026)
    with pytest.raises(ValidationError, match="学年尚未结束"):
        report_services.publish_report(report, by=office_user)
    with pytest.raises(PermissionDenied):
        report_services.create_report(by=editor, year=2024)
    with pytest.raises(ValidationError):
        report_services.create_report(by=office_user, year=2026)
    report.refresh_from_db()
    assert report.status == "draft" and report.figures is None


def test_public_sees_only_published_reports(db, office_user, client, django_assert_max_num_queries):
    draft = report_services.create_report(by=office_user, year=2023, overview="草稿概述")
    published = report_services.publish_report(
        report_services.create_report(by=office_user, year=2024, overview="已发布概述"), by=office_user
    )
    listing = client.get(reverse("disclosure:report_list")).content.decode()
    assert published.display_title in listing and draft.display_title not in listing
    assert client.get(reverse("disclosure:report_detail", args=[2023])).status_code == 404
    assert client.get(reverse("disclosure:report_docx", args=[2023])).status_code == 404
    assert client.get(reverse("disclosure:report_detail", args=[1999])).status_code == 404
    with django_assert_max_num_queries(4):
        response = client.get(reverse("disclosure:report_detail", args=[2024]))
    assert response.status_code == 200
    body = response.content.decode()
    article = body[body.index('<article class="report">'):body.index("</article>")]
    # A year without data draws no chart (an empty chart says nothing); the known year below does.
    assert "已发布概述" in article and "<svg" not in article and "<script" not in article
    docx = client.get(reverse("disclosure:report_docx", args=[2024]))
    assert docx.status_code == 200 and docx["Content-Type"].endswith("wordprocessingml.document")
    assert client.get(reverse("disclosure:report_compliance", args=[2024])).status_code == 302

    client.force_login(office_user)
    preview = client.get(reverse("disclosure:report_detail", args=[2023]))
    assert preview.status_code == 200 and "草稿预览" in preview.content.decode()
    assert preview["Cache-Control"] == "private, no-store"
    assert client.get(reverse("disclosure:report_compliance", args=[2023])).status_code == 200


def test_metric_import_is_all_or_nothing(db, office_user):
    rows = [
        {"渠道": "今日头条号", "栏目": "", "学年": "2024", "指标": "发布信息条数", "数值": "180", "说明": ""},
        {"渠道": "不存在的渠道", "栏目": "", "学年": "2024", "指标": "粉丝数", "数值": "x", "说明": ""},
    ]
    with pytest.raises(ValidationError) as error:
        report_services.import_channel_metrics(rows, by=office_user)
    assert "第3行" in error.value.messages[0]
    assert not ChannelMetric.objects.exists()
    assert report_services.import_channel_metrics(rows[:1], by=office_user) == 1
    assert report_services.import_channel_metrics(rows[:1], by=office_user) == 1
    assert ChannelMetric.objects.get().value == 180


def test_seed_year_report_shows_the_seed_figures(db, office_user, client):
    call_command("load_seed_report", user=office_user.username,
                 text="/work/shared/seed/000_233abbac49204316.txt", stdout=io.StringIO())
    call_command("load_seed_report", user=office_user.username, stdout=io.StringIO())  # idempotent
    assert ChannelMetric.objects.filter(year=2020).count() == 33
    figures = compute_figures(2020)
    channels = figures["channels"]
    expected = [
        ("学校门户网站", "items", "", 1695), ("学校门户网站", "items", "通知公告", 54),
        ("学校门户网站", "items", "学校新闻", 633), ("学校门户网站", "items", "院系动态等其他信息", 1008),
        ("信息公开网", "items", "", 1168), ("信息公开网", "items", "学校动态", 727),
        ("信息公开网", "items", "学校文件", 214), ("信息公开网", "items", "院系动态", 167),
        ("信息公开网", "items", "校内通告", 60), ("党史学习教育专题网站", "items", "", 459),
        ("党史学习教育专题网站", "items", "主题活动", 152),
        ("学校官方微信公众号", "items", "", 429), ("学校官方微信公众号", "reads", "", 1330000),
        ("学校官方微信公众号", "followers", "", 47011), ("学校官方微信公众号", "accounts", "", 31),
        ("学校官方抖音号", "items", "", 40), ("学校官方抖音号", "reads", "", 1217000),
        ("学校官方抖音号", "likes", "", 32991), ("今日头条号", "items", "", 180),
        ("部门及二级学院网站", "sites", "", 49), ("校报校刊", "issues", "", 16),
        ("校报校刊", "items", "", 401), ("校内会议", "meetings", "", 58),
        ("校内会议", "meetings", "党委会", 21), ("校内会议", "meetings", "校长办公会", 36),
    ]
    for channel, metric, section, value in expected:
        assert metric_value(channels, channel, metric, section) == value, (channel, metric, section)
    # The seed's 58 meetings in all against 98 by kind is shown, not hidden.
    assert any(not c["ok"] and "98" in c["message"] for c in figures["checks"])
    # The seed's "?份" are filled: counted from items (none that year), and said to be counted.
    assert all(d["source"] == "counted" and d["value"] == 0 for d in figures["documents"])

    report = AnnualReport.objects.get(year=2020)
    assert report.overview.startswith("信息公开是依法治校的本质要求")
    assert report.measures.startswith("针对我校信息公开工作中存在的问题")
    report = report_services.update_report(report, by=office_user, changes={"checks_note": "会议有交叉。"})
    report_services.publish_report(report, by=office_user)
    page = client.get(reverse("disclosure:report_detail", args=[2020])).content.decode()
    for text in ["1695", "通知公告54条", "学校新闻633条", "133万", "47011", "121.7万", "32991",
                 "发布文章共180篇", "期数16期", "党委会21次", "学校动态727条", "党委发文0份"]:
        assert text in page, text
    assert "?份" not in page


def test_bad_complaint_is_refused_and_nothing_saved(db, office_user):
    from disclosure.annual_reports.models import Complaint

    with pytest.raises(ValidationError):
        report_services.record_complaint(by=office_user, kind="report", received_on=dt.date(2025, 1, 5),
                                         summary="x", outcome="maintained")
    assert not Complaint.objects.exists()



def test_admin_pages_and_sheet_import(db, office_user, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(office_user)
    for name in ["annualreport", "channelmetric", "documentcount", "complaint"]:
        assert client.get(reverse(f"admin:annual_reports_{name}_changelist")).status_code == 200
        assert client.get(reverse(f"admin:annual_reports_{name}_add")).status_code == 200
    response = client.post(reverse("admin:annual_reports_annualreport_add"), {
        "year": "2024", "title": "", "preface": "", "overview": "后台填写的概述", "proactive_notes": "",
        "requests_notes": "", "evaluation": "", "complaints_notes": "", "problems": "", "measures": "",
        "other_matters": "", "signed_on": "",
    })
    assert response.status_code == 302
    report = AnnualReport.objects.get(year=2024)
    assert report.created_by == office_user and report.overview == "后台填写的概述"
    client.post(reverse("admin:annual_reports_annualreport_changelist"),
                {"action": "publish_selected", "_selected_action": [report.pk]})
    report.refresh_from_db()
    assert report.is_published and report.figures["year"] == 2024

    url = reverse("admin:annual_reports_channelmetric_import")
    assert client.get(url).status_code == 200
    sheet = "渠道,栏目,学年,指标,数值,说明\n校内会议,党委会,2024,会议次数,19,\n今日头条号,,2024,items,200,\n"
    response = client.post(url, {"file": SimpleUploadedFile("m.csv", sheet.encode("utf-8-sig"))})
    assert response.status_code == 302
    assert ChannelMetric.objects.filter(year=2024).count() == 2
    bad = SimpleUploadedFile("m.csv", "渠道,栏目,学年,指标,数值,说明\n没有,,2024,x,1,\n".encode())
    response = client.post(url, {"file": bad})
    assert response.status_code == 200 and "第2行" in response.content.decode()
    response = client.post(url, {"file": SimpleUploadedFile("m.txt", b"abc")})
    assert response.status_code == 200 and "只支持" in response.content.decode()


def test_figures_take_a_fixed_number_of_queries(year_data, make_item, department):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as before:
        compute_figures(YEAR)
    website = Channel.objects.get(name="学校门户网站")
    for day in range(1, 11):
        item = _publish_at(make_item, dt.datetime(2026, 1, day, 9, tzinfo=TZ), department, [2, 3, day + 10])
        Publication.objects.create(item=item, channel=website, published_on=dt.date(2026, 1, day))
    with CaptureQueriesContext(connection) as after:
        figures = compute_figures(YEAR)
    assert figures["portal"]["total"]["value"] == 15
    # 23 whatever the rows: the parts' figures (part four, the opinion box: three), the checklist's
    # entered statements and the fees of part three included.
    assert len(after.captured_queries) == len(before.captured_queries) <= 23


def test_unpublish_needs_a_reason_and_drops_the_frozen_figures(db, office_user):
    report = report_services.create_report(by=office_user, year=2024)
    report = report_services.update_report(report, by=office_user, changes={"problems": "问题"})
    report = report_services.publish_report(report, by=office_user)
    with pytest.raises(ValidationError):
        report_services.unpublish_report(report, by=office_user, reason=" ")
    report = report_services.unpublish_report(report, by=office_user, reason="数字有误")
    assert report.status == "draft" and report.figures is None and report.published_at is None
    reasons = list(report.history.values_list("history_change_reason", flat=True))
    assert reasons == ["撤回：数字有误", "发布", "修改：六、存在的主要问题", "创建"]


def test_checklist_lists_the_first_links_and_counts_them_all(db, make_item, department):
    from disclosure.annual_reports.figures import LINKS_PER_ENTRY, checklist_figures, item_figures

    total = LINKS_PER_ENTRY + 2
    # Published in reverse order of creation: the links follow the publication time, not the id.
    items = [
        _publish_at(make_item, dt.datetime(2026, 2, 1, 9, tzinfo=TZ) - dt.timedelta(hours=n),
                    department, [2, 3], title=f"事项{n:02d}")
        for n in range(total)
    ]
    row = {r["number"]: r for r in checklist_figures(YEAR)}[2]
    assert row["count"]["value"] == total and row["status"] == "disclosed"
    expected = sorted(items, key=lambda i: (i.published_at, i.pk))[:LINKS_PER_ENTRY]
    assert [i["title"] for i in row["items"]] == [i.title for i in expected]
    # Entries 2 and 3 are in one category: each item counts once there.
    category = ChecklistEntry.objects.get(number=2).category
    assert ChecklistEntry.objects.get(number=3).category == category
    by_category = {r["label"]: r["value"] for r in item_figures(YEAR)["by_category"]}
    assert by_category[f"{category.number}. {category.name}"] == total
