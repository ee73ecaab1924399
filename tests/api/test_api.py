"""The REST API: public open data, downloads, the staff API, errors, query counts, privacy."""

import base64
import csv
import datetime as dt
import io
import json
import re
from unittest import mock

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from disclosure.annual_reports.models import academic_year_of
from disclosure.catalogue.models import Channel, ChecklistEntry
from disclosure.items.models import Attachment, DisclosureItem, Publication

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%test\n"


@pytest.fixture
def api():
    return APIClient()


def _set_published(item, day: dt.date) -> DisclosureItem:
    # Published dates in the past, as the demo data does: the services stamp "now".
    at = timezone.make_aware(dt.datetime.combine(day, dt.time(10, 0)))
    DisclosureItem.objects.filter(pk=item.pk).update(published_at=at)
    item.refresh_from_db()
    return item


def _decorate(item, channel=None):
    Attachment.objects.create(item=item, title="全文", file=ContentFile(PDF, name="全文.pdf"))
    Publication.objects.create(item=item, channel=channel or Channel.objects.first(),
                               url="https://www.example.edu.cn/x.htm",
                               published_on=timezone.localdate())


def _error(response, status):
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) <= {"code", "message", "errors"}
    assert body["code"] and body["message"]
    return body


# ---- Public items ----


def test_list_shows_only_published_proactive_items(api, make_item):
    published = make_item("published", title="本科招生章程")
    make_item("draft", title="草稿事项")
    make_item("in_review", title="待审事项")
    make_item("withdrawn", title="撤回事项")
    response = api.get("/api/v1/items/")
    assert response.status_code == 200
    body = response.json()
    assert [r["id"] for r in body["results"]] == [published.pk]
    row = body["results"][0]
    assert row["title"] == "本科招生章程"
    assert row["department"] == {"code": "jwc", "name": "教务处"}
    assert row["entries"][0]["number"] == 2
    assert row["url"].endswith(f"/items/{published.pk}/")
    for field in ("summary", "document_number", "produced_on", "published_at", "attachments",
                  "publications"):
        assert field in row


def test_detail_of_public_item_with_attachments_and_publications(api, make_item):
    item = make_item("published")
    _decorate(item)
    response = api.get(f"/api/v1/items/{item.pk}/")
    assert response.status_code == 200
    data = response.json()
    assert data["attachments"][0]["title"] == "全文"
    assert data["attachments"][0]["size"] == len(PDF)
    assert data["attachments"][0]["url"].startswith("http://testserver/attachments/")
    assert data["publications"][0]["url"] == "https://www.example.edu.cn/x.htm"


@pytest.mark.parametrize("status", ["draft", "in_review", "withdrawn"])
def test_detail_of_unpublished_item_is_404(api, make_item, status):
    item = make_item(status)
    body = _error(api.get(f"/api/v1/items/{item.pk}/"), 404)
    assert body["code"] == "not_found"


@pytest.mark.parametrize("raw", ["abc", "-1", "0", "99999999999999999999999", "1.5"])
def test_detail_with_bad_id_is_json_404(api, raw):
    _error(api.get(f"/api/v1/items/{raw}/"), 404)


def test_on_request_items_are_never_listed(api, make_item):
    make_item("draft", attribute=DisclosureItem.Attribute.ON_REQUEST)
    assert api.get("/api/v1/items/").json()["results"] == []


# ---- Filters ----


@pytest.fixture
def catalogue(make_item, other_department, office_user):
    """Three public items in different entries, departments, years and channels."""
    website, wechat = Channel.objects.all()[:2]
    a = make_item("published", title="本科招生章程", entries=[ChecklistEntry.objects.get(number=7)])
    b = make_item("published", title="年度部门预算", department=other_department, body="<p>预算表</p>",
                  entries=[ChecklistEntry.objects.get(number=18)])
    c = make_item("published", title="学校章程修订", entries=[ChecklistEntry.objects.get(number=2)])
    _set_published(a, dt.date(2024, 5, 6))
    _set_published(b, dt.date(2025, 3, 1))
    _set_published(c, dt.date(2025, 12, 31))
    Publication.objects.create(item=a, channel=website, published_on=dt.date(2024, 5, 6))
    Publication.objects.create(item=b, channel=wechat, published_on=dt.date(2025, 3, 1))
    return {"a": a, "b": b, "c": c, "website": website, "wechat": wechat}


def _ids(api, query):
    response = api.get("/api/v1/items/", query)
    assert response.status_code == 200, response.content
    return {r["id"] for r in response.json()["results"]}


def test_filters(api, catalogue):
    a, b, c = catalogue["a"].pk, catalogue["b"].pk, catalogue["c"].pk
    category_of = ChecklistEntry.objects.get(number=7).category.number
    assert _ids(api, {"category": category_of}) == {a}
    assert _ids(api, {"entry": 18}) == {b}
    assert _ids(api, {"department": "cwc"}) == {b}
    assert _ids(api, {"year": 2025}) == {b, c}
    assert _ids(api, {"channel": catalogue["website"].pk}) == {a}
    assert _ids(api, {"published_after": "2025-01-01"}) == {b, c}
    assert _ids(api, {"published_before": "2025-03-01"}) == {a, b}
    assert _ids(api, {"published_after": "2025-03-02", "published_before": "2025-12-31"}) == {c}
    assert _ids(api, {"year": 2025, "department": "jwc"}) == {c}


def test_search_is_the_portals_search(api, catalogue):
    assert _ids(api, {"q": "章程"}) == {catalogue["a"].pk, catalogue["c"].pk}
    assert _ids(api, {"q": "招生 章程"}) == {catalogue["a"].pk}
    assert _ids(api, {"q": "预算", "department": "jwc"}) == set()
    assert _ids(api, {"q": "!!!"}) == set()


@pytest.mark.parametrize("query, field", [
    ({"year": "abc"}, "year"),
    ({"year": "1999"}, "year"),
    ({"category": "99"}, "category"),
    ({"category": "x"}, "category"),
    ({"entry": "51"}, "entry"),
    ({"department": "no such"}, "department"),
    ({"channel": "99999999999999999999"}, "channel"),
    ({"channel": "x"}, "channel"),
    ({"published_after": "2026-13-45"}, "published_after"),
    ({"page_size": "1000"}, "page_size"),
    ({"page_size": "0"}, "page_size"),
    ({"page_size": "x"}, "page_size"),
    ({"page_size": " 5"}, "page_size"),
    ({"cursor": ""}, "cursor"),
    # An empty value is not "all": the schema's types and enums have no empty value.
    ({"category": ""}, "category"),
    ({"year": ""}, "year"),
    ({"department": ""}, "department"),
])
def test_bad_input_is_400_with_chinese_message(api, make_item, query, field):
    make_item("published")
    body = _error(api.get("/api/v1/items/", query), 400)
    assert field in body["errors"]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in body["errors"][field][0])


@pytest.mark.parametrize("query, message", [
    # Well-formed, but only the data knows: answered like a path to a missing item.
    ({"department": "no-such"}, "没有该部门"),
    ({"channel": "99999"}, "没有该公开渠道"),
    ({"cursor": "not-a-cursor"}, "翻页游标无效"),
    ({"cursor": base64.b64encode(b"p=yesterday").decode()}, "翻页游标无效"),
])
def test_unknown_values_are_404(api, make_item, query, message):
    make_item("published")
    assert message in _error(api.get("/api/v1/items/", query), 404)["message"]
    if "cursor" not in query:  # the downloads are not paged
        assert message in _error(api.get("/api/v1/export/items.json", query), 404)["message"]


def test_staff_filters_refuse_empty_values(api, office_user):
    _as(api, office_user)
    body = _error(api.get("/api/v1/staff/items/", {"attribute": ""}), 400)
    assert "不能为空" in body["errors"]["attribute"][0]
    assert api.get("/api/v1/staff/items/", {"attribute": "proactive"}).status_code == 200


def test_extreme_dates_do_not_break(api, make_item):
    make_item("published")
    assert api.get("/api/v1/items/", {"published_after": "0001-01-01"}).status_code == 200
    assert api.get("/api/v1/items/", {"published_before": "9999-12-31"}).status_code == 200
    assert api.get("/api/v1/items/", {"published_before": "0001-01-01"}).json()["results"] == []


def test_cursor_pagination_walks_every_item_once(api, make_item):
    items = [make_item("published", title=f"事项{i}") for i in range(5)]
    seen, url = [], "/api/v1/items/?page_size=2"
    while url:
        body = api.get(url).json()
        seen += [r["id"] for r in body["results"]]
        url = body["next"]
    assert seen == sorted((i.pk for i in items), reverse=True)


# ---- Reference data ----


def test_checklist_has_10_categories_50_entries_with_counts(api, make_item):
    make_item("published")
    make_item("draft")
    response = api.get("/api/v1/checklist/")
    assert response.status_code == 200
    categories = response.json()
    assert len(categories) == 10
    entries = [e for c in categories for e in c["entries"]]
    assert len(entries) == 50
    counts = {e["number"]: e["item_count"] for e in entries}
    assert counts[2] == 1 and sum(counts.values()) == 1


def test_departments_and_channels(api, make_item, other_department):
    make_item("published")
    make_item("draft", department=other_department)
    departments = {d["code"]: d for d in api.get("/api/v1/departments/").json()}
    assert departments["jwc"]["item_count"] == 1
    assert departments["cwc"]["item_count"] == 0
    channels = api.get("/api/v1/channels/").json()
    assert len(channels) == Channel.objects.filter(active=True).count() > 0
    assert {"id", "name", "kind", "sections"} <= set(channels[0])


# ---- Query counts ----


def _count_queries(api, url):
    with CaptureQueriesContext(connection) as ctx:
        response = api.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_query_count_is_constant_per_page(api, make_item, other_department):
    def add(n):
        for i in range(n):
            extra = {"department": other_department} if i % 2 else {}
            item = make_item("published", title=f"事项{i}", **extra)
            _decorate(item)

    add(2)
    small = {url: _count_queries(api, url) for url in (
        "/api/v1/items/", "/api/v1/checklist/", "/api/v1/departments/", "/api/v1/channels/",
        "/api/v1/items/?category=1&year=2026&department=jwc",
    )}
    add(10)
    for url, count in small.items():
        assert _count_queries(api, url) == count, url
    assert small["/api/v1/items/"] <= 5
    assert small["/api/v1/checklist/"] <= 5


def test_staff_list_query_count_is_constant(api, make_item, office_user):
    _as(api, office_user)
    make_item("draft")
    small = _count_queries(api, "/api/v1/staff/items/")
    for i in range(6):
        _decorate(make_item("published", title=f"事项{i}"))
    assert _count_queries(api, "/api/v1/staff/items/") == small


# ---- Downloads ----


def test_item_csv_download(api, catalogue):
    DisclosureItem.objects.filter(pk=catalogue["a"].pk).update(title="=HYPERLINK(1)")
    response = api.get("/api/v1/export/items.csv", {"year": 2025})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0][:3] == ["编号", "标题", "摘要"]
    assert {int(r[0]) for r in rows[1:]} == {catalogue["b"].pk, catalogue["c"].pk}
    everything = b"".join(api.get("/api/v1/export/items.csv").streaming_content).decode()
    assert "'=HYPERLINK(1)" in everything  # a formula stays text in Excel


def test_item_json_download_matches_list(api, catalogue):
    response = api.get("/api/v1/export/items.json", {"department": "jwc"})
    assert response.status_code == 200
    data = json.loads(b"".join(response.streaming_content))
    assert {i["id"] for i in data["items"]} == {catalogue["a"].pk, catalogue["c"].pk}
    assert data["items"][0]["department"]["code"] == "jwc"


def test_download_with_bad_filter_is_400_json(api):
    _error(api.get("/api/v1/export/items.csv", {"year": "x"}), 400)


def test_checklist_downloads(api, make_item):
    make_item("published")
    text = b"".join(api.get("/api/v1/export/checklist.csv").streaming_content).decode()
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0][0] == "类别序号" and len(rows) == 51
    data = json.loads(b"".join(api.get("/api/v1/export/checklist.json").streaming_content))
    assert len(data) == 10


# ---- Staff ----

ITEM = {"title": "教学工作量计算办法", "department": "jwc", "entries": [27],
        "produced_on": "2026-03-02", "body": "<p>正文</p><script>x()</script>"}


def _as(api, user):
    token, _ = Token.objects.get_or_create(user=user)
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return api


def test_staff_api_needs_login(api, make_item):
    body = _error(api.get("/api/v1/staff/items/"), 401)
    assert body["code"] == "not_authenticated"
    api.credentials(HTTP_AUTHORIZATION="Token wrong")
    _error(api.get("/api/v1/staff/items/"), 401)


def test_staff_api_refuses_users_without_a_role(api, django_user_model):
    user = django_user_model.objects.create_user("reader", password="pw-12345-long")
    _error(_as(api, user).get("/api/v1/staff/items/"), 403)


def test_editor_creates_and_edits_own_department_items(api, editor):
    _as(api, editor)
    response = api.post("/api/v1/staff/items/", ITEM, format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["status"] == "draft" and "<script>" not in data["body"]
    item = DisclosureItem.objects.get(pk=data["id"])
    assert item.created_by == editor and item.events.filter(action="created").exists()
    response = api.patch(f"/api/v1/staff/items/{item.pk}/",
                         {"title": "新标题", "version": data["version"]}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["title"] == "新标题"
    # A save based on the old version is refused, not applied over the newer one.
    stale = api.patch(f"/api/v1/staff/items/{item.pk}/",
                      {"title": "旧版本上的修改", "version": data["version"]}, format="json")
    assert _error(stale, 409)["code"] == "conflict"
    assert DisclosureItem.objects.get(pk=item.pk).title == "新标题"


def test_editor_cannot_create_in_other_department(api, editor, other_department):
    response = _as(api, editor).post("/api/v1/staff/items/", {**ITEM, "department": "cwc"},
                                     format="json")
    _error(response, 403)
    assert not DisclosureItem.objects.exists()


def test_editor_does_not_see_other_departments_items(api, editor, make_item, other_department):
    other = make_item("draft", department=other_department)
    own = make_item("draft")
    _as(api, editor)
    assert [r["id"] for r in api.get("/api/v1/staff/items/").json()["results"]] == [own.pk]
    _error(api.get(f"/api/v1/staff/items/{other.pk}/"), 404)
    _error(api.post(f"/api/v1/staff/items/{other.pk}/submit/"), 404)


def test_bad_item_input_is_400_with_field_messages(api, editor):
    response = _as(api, editor).post(
        "/api/v1/staff/items/",
        {**ITEM, "produced_on": "yesterday", "entries": [99], "attribute": "secret"},
        format="json",
    )
    body = _error(response, 400)
    assert {"produced_on", "entries", "attribute"} <= set(body["errors"])
    # Schema-valid, refused by a rule between fields: 422.
    response = api.post("/api/v1/staff/items/",
                        {**ITEM, "attribute": "exempt", "exemption_reason": ""}, format="json")
    body = _error(response, 422)
    assert body["code"] == "unprocessable"
    assert "不予公开理由" in json.dumps(body, ensure_ascii=False)
    assert not DisclosureItem.objects.exists()


def test_workflow_through_the_api(api, editor, office_user, make_item):
    item = make_item("draft", by=editor)
    _as(api, editor)
    assert api.post(f"/api/v1/staff/items/{item.pk}/submit/").json()["status"] == "in_review"
    # Only the office publishes.
    _error(api.post(f"/api/v1/staff/items/{item.pk}/publish/"), 403)
    _as(api, office_user)
    refused = _error(api.post(f"/api/v1/staff/items/{item.pk}/publish/"), 409)
    assert refused["message"] == "发布前须完成保密审查。"
    assert api.post(f"/api/v1/staff/items/{item.pk}/review/", {"note": "无涉密内容"},
                    format="json").status_code == 200
    response = api.post(f"/api/v1/staff/items/{item.pk}/publish/")
    assert response.status_code == 200 and response.json()["status"] == "published"
    assert APIClient().get(f"/api/v1/items/{item.pk}/").status_code == 200
    # A refused transition names the states.
    again = _error(api.post(f"/api/v1/staff/items/{item.pk}/submit/"), 409)
    assert "已发布" in again["message"]
    response = api.post(f"/api/v1/staff/items/{item.pk}/record-change/",
                        {"changed_on": "2026-03-03"}, format="json")
    assert response.status_code == 200 and response.json()["update_due"]
    assert _error(api.post(f"/api/v1/staff/items/{item.pk}/withdraw/", {}, format="json"),
                  400)["errors"]["reason"]
    response = api.post(f"/api/v1/staff/items/{item.pk}/withdraw/", {"reason": "信息有误"},
                        format="json")
    assert response.json()["status"] == "withdrawn"
    assert APIClient().get(f"/api/v1/items/{item.pk}/").status_code == 404
    actions = list(item.events.order_by("at", "id").values_list("action", flat=True))
    assert actions[-4:] == ["reviewed", "published", "change_recorded", "withdrawn"]


def test_return_to_draft_needs_a_comment(api, office_user, make_item):
    item = make_item("in_review")
    _as(api, office_user)
    _error(api.post(f"/api/v1/staff/items/{item.pk}/return/", {}, format="json"), 400)
    response = api.post(f"/api/v1/staff/items/{item.pk}/return/", {"comment": "请补充附件"},
                        format="json")
    assert response.json()["status"] == "draft"


def test_supervisor_reads_all_but_changes_nothing(api, supervisor, make_item):
    item = make_item("draft")
    _as(api, supervisor)
    assert api.get(f"/api/v1/staff/items/{item.pk}/").status_code == 200
    _error(api.patch(f"/api/v1/staff/items/{item.pk}/", {"title": "改"}, format="json"), 403)
    _error(api.post(f"/api/v1/staff/items/{item.pk}/submit/"), 403)


def test_session_auth_works_and_needs_csrf(editor):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(editor)
    assert client.get("/api/v1/staff/items/").status_code == 200
    _error(client.post("/api/v1/staff/items/", ITEM, format="json"), 403)


def test_form_posts_are_415(api, editor):
    _error(_as(api, editor).post("/api/v1/staff/items/", ITEM), 415)


# ---- Schema, documentation, privacy ----


def test_schema_documents_every_endpoint(api):
    response = api.get("/api/v1/schema/?format=json")
    assert response.status_code == 200
    schema = json.loads(response.content)
    paths = schema["paths"]
    for path in ("/api/v1/items/", "/api/v1/items/{id}/", "/api/v1/checklist/",
                 "/api/v1/departments/", "/api/v1/channels/", "/api/v1/export/items.csv",
                 "/api/v1/export/checklist.csv", "/api/v1/staff/items/{id}/publish/"):
        assert path in paths
    for path, operations in paths.items():
        for method, operation in operations.items():
            assert operation.get("summary"), f"{method} {path} has no summary"
            assert "400" in operation["responses"]


def test_docs_page_lists_endpoints(client):
    response = client.get("/api/v1/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/api/v1/items/" in html and "主动公开信息列表" in html


def test_public_responses_carry_no_personal_data(api, make_item, office_user, editor):
    editor.first_name, editor.email = "李信息员", "li.editor@example.edu.cn"
    editor.save()
    item = make_item("published", by=editor)
    DisclosureItem.objects.filter(pk=item.pk).update(review_comment="内部审核意见")
    _decorate(item)
    dumps = "".join(
        api.get(url).content.decode() if not url.startswith("/api/v1/export")
        else b"".join(api.get(url).streaming_content).decode()
        for url in ("/api/v1/items/", f"/api/v1/items/{item.pk}/", "/api/v1/departments/",
                    "/api/v1/export/items.csv", "/api/v1/export/items.json")
    )
    for private in ("李信息员", "li.editor@", '"editor"', "created_by", "reviewed_by",
                    "review_comment", "内部审核意见", '"body"'):
        assert private not in dumps


# ---- Yearly reports ----


def test_reports_lists_published_reports_only(api, office_user):
    from disclosure.annual_reports import actions as report_services

    published = report_services.create_report(by=office_user, year=2024, overview="概述内容")
    report_services.publish_report(published, by=office_user)
    report_services.create_report(by=office_user, year=2025, overview="草稿")
    rows = api.get("/api/v1/reports/").json()
    assert [r["year"] for r in rows] == [2024]
    assert rows[0]["period_start"] == "2024-09-01" and rows[0]["url"].endswith("/reports/2024/")
    detail = api.get("/api/v1/reports/2024/").json()
    assert detail["overview"] == "概述内容" and isinstance(detail["figures"], dict)
    for raw in ("2025", "abc", "99999999999999999999"):
        _error(api.get(f"/api/v1/reports/{raw}/"), 404)


# ---- Requests ----

APPLICATION = {
    "applicant_type": "citizen", "applicant_name": "张申请人", "id_number": "11010519491231002X",
    "phone": "13800138000", "email": "zhang.applicant@example.com",
    "description": "请公开2025年本科招生录取分数线。", "preferred_form": "electronic",
    "delivery": "email",
}


@pytest.fixture
def fresh_limits():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def test_request_submission_and_status(api, fresh_limits, mailoutbox):
    response = api.post("/api/v1/requests/", APPLICATION, format="json")
    assert response.status_code == 201, response.content
    receipt = response.json()
    assert receipt["tracking_number"].startswith("YSQ-") and receipt["check_code"]
    assert "张申请人" not in response.content.decode()
    lookup = {"tracking_number": receipt["tracking_number"], "secret": receipt["check_code"]}
    status = api.post("/api/v1/requests/status/", lookup, format="json")
    assert status.status_code == 200
    data = status.json()
    assert data["status"] == "received" and data["steps"][0]["action"] == "received"
    text = status.content.decode()
    for private in ("张申请人", "11010519491231002X", "13800138000", "zhang.applicant"):
        assert private not in text
    # The phone given in the request is no secret (tracking numbers are sequential): only the code.
    by_phone = _error(api.post("/api/v1/requests/status/", {**lookup, "secret": "138 0013 8000"},
                               format="json"), 404)
    wrong = _error(api.post("/api/v1/requests/status/", {**lookup, "secret": "WRONG1"},
                            format="json"), 404)
    unknown = _error(api.post("/api/v1/requests/status/",
                              {**lookup, "tracking_number": "YSQ-2026-9999"}, format="json"), 404)
    assert wrong["message"] == unknown["message"] == by_phone["message"]


def test_request_submission_uses_the_forms_validation(api, fresh_limits):
    from disclosure.disclosure_requests.models import DisclosureRequest

    response = api.post("/api/v1/requests/", {**APPLICATION, "id_number": "110105194912310021",
                                              "email": ""}, format="json")
    # The format is right; the check digit and the email the delivery needs are rules: 422.
    body = _error(response, 422)
    assert "身份证号码不正确" in body["errors"]["id_number"][0]
    assert "email" in body["errors"]
    _error(api.post("/api/v1/requests/", ["not", "an", "object"], format="json"), 400)
    assert not DisclosureRequest.objects.exists()


def test_request_submission_is_rate_limited_with_the_form(api, fresh_limits):
    for _ in range(5):
        assert api.post("/api/v1/requests/", APPLICATION, format="json").status_code == 201
    body = _error(api.post("/api/v1/requests/", APPLICATION, format="json"), 429)
    assert "一小时" in body["message"]


def test_no_applicant_data_in_any_public_response(api, fresh_limits, make_item, office_user):
    from disclosure.annual_reports import actions as report_services

    api.post("/api/v1/requests/", APPLICATION, format="json")
    make_item("published")
    year = academic_year_of(timezone.localdate())
    report = report_services.create_report(by=office_user, year=year)
    # This academic year's report counts the request above; it is published once the year is over.
    with mock.patch("django.utils.timezone.localdate", return_value=dt.date(year + 1, 9, 30)):
        report_services.publish_report(report, by=office_user)
    urls = ["/api/v1/items/", "/api/v1/checklist/", "/api/v1/departments/", "/api/v1/channels/",
            "/api/v1/reports/", f"/api/v1/reports/{year}/", "/api/v1/export/items.json",
            "/api/v1/export/checklist.csv", "/api/v1/schema/?format=json"]
    for url in urls:
        response = api.get(url)
        assert response.status_code == 200, url
        text = (b"".join(response.streaming_content) if response.streaming
                else response.content).decode()
        for private in ("张申请人", "11010519491231002X", "13800138000", "zhang.applicant"):
            assert private not in text, (url, private)


# ---- Office: requests ----


@pytest.fixture
def received(fresh_limits, office_user):
    from disclosure.disclosure_requests import actions as request_services

    return request_services.receive_request(by=office_user, received_on=dt.date(2026, 3, 2),
                                            channel="letter", **APPLICATION)


def test_requests_api_is_for_the_office_only(api, received, editor, supervisor):
    _error(api.get("/api/v1/staff/requests/"), 401)
    _error(_as(api, editor).get("/api/v1/staff/requests/"), 403)
    _error(_as(api, supervisor).get(f"/api/v1/staff/requests/{received.pk}/"), 403)
    _error(api.post(f"/api/v1/staff/requests/{received.pk}/answer/",
                    {"reply_type": "disclosed"}, format="json"), 403)


def test_office_handles_a_request_step_by_step(api, received, office_user):
    _as(api, office_user)
    rows = api.get("/api/v1/staff/requests/").json()["results"]
    assert rows[0]["applicant_name"] == "张申请人"
    url = f"/api/v1/staff/requests/{received.pk}"
    body = _error(api.post(f"{url}/request-correction/", {"on": "2026-03-03"}, format="json"), 400)
    assert "note" in body["errors"]
    response = api.post(f"{url}/request-correction/",
                        {"on": "2026-03-03", "note": "请写明所需信息的年份"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "correction_requested"
    response = api.post(f"{url}/receive-correction/", {"on": "2026-03-05"}, format="json")
    assert response.json()["status"] == "received"
    response = api.post(f"{url}/answer/", {"reply_type": "disclosed", "on": "2026-03-10",
                                           "text": "已提供"}, format="json")
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["status"] == "answered"
    assert [e["action"] for e in data["events"]] == [
        "received", "correction_requested", "correction_received", "answered"]
    again = _error(api.post(f"{url}/answer/", {"reply_type": "disclosed"}, format="json"), 409)
    assert "已答复" in again["message"]
    _error(api.post(f"{url}/answer/", {"reply_type": "maybe"}, format="json"), 400)
    _error(api.post("/api/v1/staff/requests/999999/answer/", {"reply_type": "disclosed"},
                    format="json"), 404)


def test_every_verb_of_the_action_tables_is_an_api_action(api):
    from disclosure.disclosure_requests import actions as request_actions
    from disclosure.items import actions as item_actions

    paths = json.loads(api.get("/api/v1/schema/?format=json").content)["paths"]
    for verb in item_actions.ITEM_ACTIONS.actions.values():
        operation = paths[f"/api/v1/staff/items/{{id}}/{verb.extra['api']}/"]["post"]
        assert operation["summary"] == verb.label
    for name in request_actions.STEP_NAMES:
        verb = request_actions.REQUEST_ACTIONS[name]
        assert paths[f"/api/v1/staff/requests/{{id}}/{verb.extra['api']}/"]["post"]["summary"] == verb.label


def test_decide_and_refer_through_the_api(api, office_user, editor, make_item):
    item = make_item(title="待审定事项")
    api.force_authenticate(editor)
    assert api.post(f"/api/v1/staff/items/{item.pk}/refer/", {}, format="json").status_code == 400
    response = api.post(f"/api/v1/staff/items/{item.pk}/refer/", {"note": "涉及第三方"}, format="json")
    assert response.status_code == 200
    api.force_authenticate(office_user)
    response = api.post(f"/api/v1/staff/items/{item.pk}/decide/",
                        {"attribute": "exempt", "exemption_reason": "personal_privacy"}, format="json")
    assert response.status_code == 200, response.content
    item.refresh_from_db()
    assert item.attribute == "exempt" and not item.attribute_referred


# ---- The contract: types as stated, dates the calendar can count, nulls where declared ----


@pytest.mark.parametrize("day", ["1482-08-27", "1899-12-31", "2099-01-01", "5645-01-01"])
def test_dates_the_calendar_cannot_count_are_refused(api, editor, day):
    body = _error(_as(api, editor).post("/api/v1/staff/items/", {**ITEM, "produced_on": day},
                                        format="json"), 400)
    assert "1900年1月1日 至 2098年12月31日" in body["errors"]["produced_on"][0]
    assert not DisclosureItem.objects.exists()


def test_the_calendar_range_is_in_the_schema(api):
    schema = json.loads(api.get("/api/v1/schema/?format=json").content)
    produced_on = schema["components"]["schemas"]["ItemWriteRequest"]["properties"]["produced_on"]
    assert produced_on["format"] == "date"
    assert re.match(produced_on["pattern"], "2098-12-31")
    assert not re.match(produced_on["pattern"], "2099-01-01")
    assert not re.match(produced_on["pattern"], "1899-12-31")


def test_the_admin_step_forms_refuse_dates_the_calendar_cannot_count():
    from disclosure.disclosure_requests.admin import ConfirmReceiptForm

    form = ConfirmReceiptForm(data={"received_on": "1482-08-27"})
    assert not form.is_valid()
    assert "工作日历" in form.errors["received_on"][0]


@pytest.mark.parametrize("changes, field, message", [
    ({"document_number": 0}, "document_number", "应为字符串"),
    ({"title": 12}, "title", "应为字符串"),
    ({"entries": ["27"]}, "entries", "应为整数"),
    ({"entries": 27}, "entries", "应为数组"),
    ({"produced_on": 20260302}, "produced_on", "应为字符串"),
])
def test_types_are_never_coerced(api, editor, changes, field, message):
    body = _error(_as(api, editor).post("/api/v1/staff/items/", {**ITEM, **changes},
                                        format="json"), 400)
    assert message in body["errors"][field][0]
    assert not DisclosureItem.objects.exists()


def test_a_boolean_must_be_a_boolean(api, office_user, make_item):
    item = make_item("in_review")
    body = _error(_as(api, office_user).post(f"/api/v1/staff/items/{item.pk}/publish/",
                                             {"confirm_review": "true"}, format="json"), 400)
    assert "布尔值" in body["errors"]["confirm_review"][0]


def test_an_unknown_department_code_is_422(api, editor):
    body = _error(_as(api, editor).post("/api/v1/staff/items/", {**ITEM, "department": "nope"},
                                        format="json"), 422)
    assert body["code"] == "unprocessable" and "没有该部门" in body["errors"]["department"][0]


def test_open_requests_have_a_null_reply_type(api, received, office_user):
    row = _as(api, office_user).get("/api/v1/staff/requests/").json()["results"][0]
    assert row["reply_type"] is None and row["reply_reason"] is None


def test_request_fields_keep_their_declared_formats(api, fresh_limits):
    body = _error(api.post("/api/v1/requests/", {**APPLICATION, "phone": 13800138000},
                           format="json"), 400)
    assert "应为字符串" in body["errors"]["phone"][0]
    body = _error(api.post("/api/v1/requests/", {**APPLICATION, "phone": "0"}, format="json"), 400)
    assert "联系电话格式不正确" in body["errors"]["phone"][0]
