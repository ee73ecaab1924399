"""The public portal: pages, visibility at every door, query counts, the 纠错 form, feeds, sitemap."""

import datetime as dt
import time

import pytest
from django.core import signing
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from disclosure.catalogue.models import Channel, ChecklistCategory, ChecklistEntry
from disclosure.core import errors
from disclosure.items import selectors
from disclosure.items.models import Attachment, DisclosureItem, Publication
from disclosure.site import services as site_services
from disclosure.site import views as portal
from disclosure.site.models import ErrorReport, Page

pytestmark = pytest.mark.django_db

HIDDEN_STATES = ["draft", "in_review", "withdrawn", "on_request", "exempt"]
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def published(make_item):
    return make_item("published", title="2026年本科招生章程", summary="本科招生的规则。",
                     body="<p>学校依法开展招生工作，招生章程经审定后公布。</p>",
                     document_number="示大发〔2026〕1号")


def attach(item, name="章程.pdf"):
    return Attachment.objects.create(item=item, title="章程全文", file=ContentFile(PDF, name=name))


@pytest.fixture
def hidden(make_item, request):
    """One item in each state the public must never see, each with an attachment."""
    items = {}
    for state in HIDDEN_STATES:
        title = f"隐藏事项{state}招生机密"
        if state == "on_request":
            item = make_item("draft", title=title, attribute=DisclosureItem.Attribute.ON_REQUEST)
        elif state == "exempt":
            item = make_item("draft", title=title, attribute=DisclosureItem.Attribute.EXEMPT,
                             exemption_reason=DisclosureItem.ExemptionReason.PERSONAL_PRIVACY)
        else:
            item = make_item(state, title=title)
        items[state] = (item, attach(item))
    return items


def test_pages_render(client, published, department):
    attach(published)
    category = ChecklistCategory.objects.get(number=1)
    for url in [
        reverse("disclosure:home"),
        reverse("disclosure:checklist"),
        reverse("disclosure:entry", args=[2]),
        category.get_absolute_url(),
        reverse("disclosure:departments"),
        department.get_absolute_url(),
        published.get_absolute_url(),
        reverse("disclosure:search") + "?q=招生",
        reverse("disclosure:guide"),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "跳到正文" in response.content.decode()


def test_item_page_shows_everything(client, published):
    attachment = attach(published)
    channel = Channel.objects.first()
    Publication.objects.create(item=published, channel=channel, url="https://www.example.edu.cn/a",
                               published_on=dt.date(2026, 3, 5))
    html = client.get(published.get_absolute_url()).content.decode()
    for text in ["2026年本科招生章程", "教务处", "示大发〔2026〕1号", "学校章程",
                 "招生章程经审定后公布", attachment.get_absolute_url(), channel.name,
                 "https://www.example.edu.cn/a", "最后更新", 'name="viewport"']:
        assert text in html


def test_attachment_downloads(client, published):
    attachment = attach(published)
    response = client.get(attachment.get_absolute_url())
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert "attachment" in response["Content-Disposition"]


@pytest.mark.parametrize("state", HIDDEN_STATES)
def test_hidden_item_absent_from_every_door(client, published, hidden, state, department):
    item, attachment = hidden[state]
    assert client.get(item.get_absolute_url()).status_code == 404
    assert client.get(attachment.get_absolute_url()).status_code == 404
    # A guessed attachment id next to a public one is no better.
    assert client.get(reverse("disclosure:attachment", args=[attachment.pk + 1000])).status_code == 404
    assert client.post(reverse("disclosure:item_report", args=[item.pk]),
                       {"message": "x"}).status_code == 404
    pages = [
        reverse("disclosure:home"),
        reverse("disclosure:entry", args=[2]),
        ChecklistEntry.objects.get(number=2).category.get_absolute_url(),
        department.get_absolute_url(),
        reverse("disclosure:search") + "?q=招生",
        reverse("disclosure:search") + f"?q={state}",
        reverse("disclosure:search") + "?q=机密",
        reverse("disclosure:search") + f"?department={department.code}",
        reverse("disclosure:feed"),
        reverse("disclosure:category_feed", args=[1]),
        reverse("disclosure:sitemap_section", args=["items"]),
    ]
    for url in pages:
        body = client.get(url).content.decode()
        assert item.title not in body, url
        assert item.get_absolute_url() not in body, url
    assert published.title in client.get(reverse("disclosure:entry", args=[2])).content.decode()
    # Counts on the checklist include the public item only.
    stats = selectors.checklist_stats()
    assert stats[ChecklistEntry.objects.get(number=2).pk].count == 1


def test_checklist_counts_latest_and_stale_marks(client, make_item):
    item = make_item("published", title="学校章程修订")
    entry2 = ChecklistEntry.objects.get(number=2)
    # An item from an earlier academic year counts, but does not cover this year.
    old = make_item("published", title="旧章程", entries=[ChecklistEntry.objects.get(number=3)])
    DisclosureItem.objects.filter(pk=old.pk).update(published_at=timezone.now() - dt.timedelta(days=800))
    response = client.get(reverse("disclosure:checklist"))
    html = response.content.decode()
    categories = response.context["categories"]
    assert len(categories) == 10
    entries = [e for c in categories for e in c.entry_list]
    assert [e.number for e in entries] == list(range(1, 51))
    by_number = {e.number: e for e in entries}
    assert by_number[2].stats.count == 1 and by_number[2].stats.this_year == 1
    assert by_number[2].stats.latest == DisclosureItem.objects.get(pk=item.pk).published_at
    assert by_number[3].stats.count == 1 and by_number[3].stats.this_year == 0
    assert html.count('<span class="badge">本学年暂无</span>') == 49
    assert entry2.get_absolute_url() in html


def test_academic_year_start():
    assert selectors.academic_year_start(dt.date(2026, 8, 31)) == dt.date(2025, 9, 1)
    assert selectors.academic_year_start(dt.date(2026, 9, 1)) == dt.date(2026, 9, 1)


def _publish_many(make_item, n, **fields):
    return [make_item("published", title=f"规章制度第{i}号", **fields) for i in range(n)]


@pytest.mark.parametrize("size", [3, 25])
def test_query_counts_fixed(client, make_item, django_assert_max_num_queries, size):
    items = _publish_many(make_item, size)
    for item in items[:3]:
        attach(item)
    department = items[0].department
    # Nothing is remembered in tests: the checklist or department, the site settings, the rows with
    # their total (tests/site/test_round_trips.py counts the trips between changes).
    limits = {
        reverse("disclosure:home"): 3,
        reverse("disclosure:checklist"): 3,
        reverse("disclosure:entry", args=[2]): 3,
        ChecklistEntry.objects.get(number=2).category.get_absolute_url(): 3,
        department.get_absolute_url(): 3,
        # Search: the ranked ids, the rows, the attachments that matched (their snippets), facets.
        reverse("disclosure:search") + "?q=规章制度": 9,
        reverse("disclosure:search") + "?q=规章&year=2026&category=1": 10,
        items[0].get_absolute_url(): 2,
        reverse("disclosure:feed"): 3,
        reverse("disclosure:sitemap_section", args=["items"]): 3,
    }
    for url, limit in limits.items():
        with django_assert_max_num_queries(limit):
            assert client.get(url).status_code == 200, url


def test_keyset_pagination_walks_all_items_once(client, make_item, monkeypatch):
    monkeypatch.setattr(portal, "PAGE_SIZE", 4)
    items = _publish_many(make_item, 11)
    url = reverse("disclosure:entry", args=[2])
    seen, next_url, pages = [], url, 0
    while next_url:
        response = client.get(next_url)
        seen += [i.pk for i in response.context["items"]]
        cursor = response.context["next_cursor"]
        next_url = f"{url}?before={cursor}" if cursor else None
        pages += 1
    assert pages == 3
    assert seen == sorted((i.pk for i in items), reverse=True)
    assert client.get(url + "?before=garbage").status_code == 200


def _guard():
    return signing.dumps(time.time() - 10, salt="disclosure.core.spamguard")


def test_error_report_reaches_department_and_is_resolved(client, published, editor, other_editor):
    cache.clear()
    url = reverse("disclosure:item_report", args=[published.pk])
    response = client.post(url, {"kind": "error", "message": "文号应为1号。", "contact": "a@b.cn",
                                 "form_started": _guard()})
    assert response.status_code == 302
    report = ErrorReport.objects.get()
    assert report.department == published.department and report.status == "new"
    with pytest.raises(errors.NotAllowed):
        site_services.resolve_error_report(report, by=other_editor, outcome="已改")
    with pytest.raises(errors.TransitionNotAllowed):
        site_services.resolve_error_report(report, by=editor, outcome="  ")
    site_services.start_error_report(report, by=editor)
    report = site_services.resolve_error_report(report, by=editor, outcome="已更正文号。")
    assert report.status == "resolved" and report.handled_by == editor and report.resolved_at
    assert report.history.count() == 3
    with pytest.raises(errors.TransitionNotAllowed):
        site_services.resolve_error_report(report, by=editor, outcome="再次")


def test_error_report_refuses_bad_input_bots_and_floods(client, published):
    cache.clear()
    url = reverse("disclosure:item_report", args=[published.pk])
    response = client.post(url, {"kind": "error", "message": "", "form_started": _guard()})
    assert response.status_code == 400 and "请填写纠错或咨询的内容" in response.content.decode()
    response = client.post(url, {"kind": "error", "message": "有误", "website": "spam",
                                 "form_started": _guard()})
    assert response.status_code == 400
    response = client.post(url, {"kind": "error", "message": "有误",
                                 "form_started": signing.dumps(time.time(), salt="disclosure.core.spamguard")})
    assert response.status_code == 400 and "提交过快" in response.content.decode()
    assert not ErrorReport.objects.exists()
    codes = [client.post(url, {"kind": "question", "message": f"问题{i}", "form_started": _guard()}).status_code
             for i in range(7)]
    assert codes[:5] == [302] * 5 and codes[5:] == [429, 429]
    assert ErrorReport.objects.count() == 5


def test_guide_page_is_edited_in_admin_not_hard_coded(client, office_user, editor):
    page = Page.objects.get(slug="guide")
    page.body = "<p>新的指南</p><script>alert(1)</script>"
    with pytest.raises(errors.NotAllowed):
        site_services.save_page(page, by=editor)
    site_services.save_page(page, by=office_user)
    html = client.get(reverse("disclosure:guide")).content.decode()
    assert "新的指南" in html and "alert(1)" not in html
    Page.objects.filter(pk=page.pk).update(is_published=False)
    assert client.get(reverse("disclosure:guide")).status_code == 404


def test_feeds_sitemap_robots(client, published):
    feed = client.get(reverse("disclosure:feed"))
    assert feed["Content-Type"].startswith("application/atom+xml")
    assert published.title in feed.content.decode()
    category_feed = client.get(reverse("disclosure:category_feed", args=[1]))
    assert published.title in category_feed.content.decode()
    assert client.get(reverse("disclosure:category_feed", args=[99])).status_code == 404
    index = client.get("/sitemap.xml").content.decode()
    assert "sitemap-items.xml" in index
    items = client.get(reverse("disclosure:sitemap_section", args=["items"])).content.decode()
    assert published.get_absolute_url() in items
    robots = client.get("/robots.txt")
    assert robots["Content-Type"].startswith("text/plain")
    assert "Sitemap: http://testserver/sitemap.xml" in robots.content.decode()


def test_nav_links_and_no_external_assets(client):
    html = client.get(reverse("disclosure:home")).content.decode()
    assert "/requests/new/" in html and "/reports/" in html
    assert "<script>" not in html and "http://" not in html.split("<body")[0].replace(
        'xmlns="http://', "")
    assert "https://" not in html.split("<body")[0]


def test_error_reports_in_admin_scoped_to_department(client, make_item, editor, other_editor,
                                                     office_user, other_department):
    mine = site_services.submit_error_report(make_item("published"), kind="error", message="有误")
    theirs = site_services.submit_error_report(
        make_item("published", title="财务公开", department=other_department), kind="question",
        message="请问",
    )
    client.force_login(editor)
    listing = client.get(reverse("admin:site_errorreport_changelist")).content.decode()
    assert reverse("admin:site_errorreport_change", args=[mine.pk]) in listing
    assert reverse("admin:site_errorreport_change", args=[theirs.pk]) not in listing
    assert client.get(reverse("admin:site_errorreport_change", args=[theirs.pk])).status_code in (302, 404)
    url = reverse("admin:site_errorreport_change", args=[mine.pk])
    response = client.post(url, {"outcome": "", "decision": "resolved"})
    assert response.status_code == 200 and "办结时请填写处理结果" in response.content.decode()
    client.post(url, {"outcome": "已更正发布日期。", "decision": "resolved"})
    mine.refresh_from_db()
    assert mine.status == "resolved" and mine.handled_by == editor
    client.force_login(office_user)
    assert theirs.get_kind_display() in client.get(
        reverse("admin:site_errorreport_changelist")).content.decode()
