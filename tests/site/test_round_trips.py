"""A public page the page cache does not hold costs an anonymous visitor one trip to the database.

A trip costs 0.4–1 ms whatever it asks, so a page asks once for its rows, with what they show
folded in (the item's entries, attachments and publications; a list's total), and the checklist,
the departments, the site settings and the totals are remembered until public content changes:
one trip at most between changes and right after an item changes (the reference data have a
generation of their own), three at most when nothing is remembered. Exact counts on a data set
large enough to page, where one query per row would show.
"""

import datetime as dt

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from disclosure.catalogue.models import Channel, ChecklistCategory, ChecklistEntry, Department
from disclosure.core.cache import bump_generation
from disclosure.items import actions as item_actions
from disclosure.items import selectors
from disclosure.items.models import Attachment, DisclosureItem, ItemRevision, Publication
from disclosure.site import views as portal

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%%EOF\n"
# What production does on a miss of the page cache: the values every visitor shares are remembered.
REMEMBERED = override_settings(
    PUBLIC_PAGE_CACHE_SECONDS=300, PUBLIC_PAGE_CACHE_MEMO_SECONDS=0,
    MIDDLEWARE=[m for m in settings.MIDDLEWARE if m != "disclosure.core.cache.PublicPageCacheMiddleware"],
)
ENTRIES = (2, 3, 7)
# Each page's trips once the shared values are remembered (as between two changes in production)…
REMEMBERED_TRIPS = {
    "home": 1, "checklist": 0, "entry": 1, "entry, later page": 1, "category": 1,
    "department": 1, "department, later page": 1, "item": 1,
}
# … right after an item changes (a publication, a withdrawal: the reference data are still
# remembered, under their own generation): the rows with their total, the checklist's counts…
AFTER_AN_ITEM_CHANGE_TRIPS = {
    "home": 1, "checklist": 1, "entry": 1, "entry, later page": 1, "category": 1,
    "department": 1, "department, later page": 1, "item": 1,
}
# … and with nothing remembered at all (right after the reference data change, or a cold cache):
# the checklist or the department, the site settings, and the rows with their total.
FIRST_TRIPS = {
    "home": 3, "checklist": 3, "entry": 3, "entry, later page": 3, "category": 3,
    "department": 3, "department, later page": 3, "item": 2,
}


def _attach(item, title, name, sort_order=0, **fields):
    return Attachment.objects.create(item=item, title=title, file=ContentFile(PDF, name=name),
                                     sort_order=sort_order, **fields)


@pytest.fixture
def shown(make_item, office_user, department):
    """A page and a bit of items under three entries; the newest with attachments, publications and a
    predecessor it replaces."""
    entries = list(ChecklistEntry.objects.filter(number__in=ENTRIES))
    items = [make_item("published", title=f"规章制度第{n}号", entries=entries)
             for n in range(portal.PAGE_SIZE + 3)]
    item = items[-1]
    _attach(item, "实施细则", "细则.pdf", sort_order=2)
    _attach(item, "附表一", "附表一.xlsx", sort_order=1)
    _attach(item, "附表二", "附表二.docx", sort_order=1)
    for other in items[:3]:
        _attach(other, "其他附件", "其他.pdf")
    channels = list(Channel.objects.order_by("pk")[:3])
    for channel, day in zip(channels, (dt.date(2026, 3, 1), dt.date(2026, 3, 9), dt.date(2026, 3, 9)),
                            strict=True):
        Publication.objects.create(item=item, channel=channel, url=f"https://www.example.edu.cn/{channel.pk}",
                                   published_on=day)
    item_actions.edit_item(items[0], by=office_user, changes={"validity": "revised", "superseded_by": item})
    return {"item": item, "predecessor": items[0], "department": department, "items": items}


def _urls(client, shown):
    entry = reverse("disclosure:entry", args=[ENTRIES[0]])
    department = shown["department"].get_absolute_url()
    urls = {
        "home": reverse("disclosure:home"),
        "checklist": reverse("disclosure:checklist"),
        "entry": entry,
        "category": ChecklistEntry.objects.get(number=ENTRIES[0]).category.get_absolute_url(),
        "department": department,
        "item": shown["item"].get_absolute_url(),
    }
    for name, url in (("entry", entry), ("department", department)):
        cursor = client.get(url).context["next_cursor"]
        assert cursor, "the data set fills more than one page"
        urls[f"{name}, later page"] = f"{url}?before={cursor}"
    return urls


def _trips(client, urls, *, warm: bool) -> dict[str, int]:
    trips = {}
    for name, url in urls.items():
        if warm:
            client.get(url)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, url
        assert "规章制度" in response.content.decode(), url
        # An anonymous visitor has no session cookie: no session, no user is read.
        sql = " ".join(q["sql"] for q in queries.captured_queries)
        assert "django_session" not in sql and "auth_user" not in sql, name
        trips[name] = len(queries.captured_queries)
    return trips


@REMEMBERED
def test_each_page_costs_at_most_one_trip_between_changes(client, shown):
    bump_generation()
    urls = _urls(client, shown)
    assert _trips(client, urls, warm=True) == REMEMBERED_TRIPS


@REMEMBERED
def test_each_page_costs_one_trip_right_after_an_item_changes(client, shown):
    from disclosure.core.cache import bump_reference_generation

    bump_reference_generation()
    urls = _urls(client, shown)
    for url in urls.values():
        client.get(url)  # everything remembered, as between two changes
    bump_generation()  # what publishing or withdrawing an item does, once committed
    assert _trips(client, urls, warm=False) == AFTER_AN_ITEM_CHANGE_TRIPS


@REMEMBERED
def test_a_change_to_reference_data_forgets_them(client, shown):
    from disclosure.core.cache import bump_reference_generation

    urls = _urls(client, shown)
    for url in urls.values():
        client.get(url)
    bump_reference_generation()  # a department, an entry, a channel or the site settings changed
    trips = _trips(client, urls, warm=False)
    # The first page reads the site settings and the checklist again, the department's page its
    # department; then they are remembered anew.
    assert trips == {**AFTER_AN_ITEM_CHANGE_TRIPS, "home": 3, "department": 2}


def test_each_page_costs_at_most_three_trips_with_nothing_remembered(client, shown):
    urls = _urls(client, shown)
    assert _trips(client, urls, warm=False) == FIRST_TRIPS


def _seen(objects, *names):
    return [tuple(getattr(obj, name) for name in names) for obj in objects]


def test_item_rows_read_in_one_query_are_what_the_orm_reads(shown, office_user, editor):
    item = shown["item"]
    # Rows waiting in a revision are not public yet.
    item_actions.edit_item(item, by=editor, changes={"summary": "新摘要"})
    revision = ItemRevision.objects.get()
    _attach(item, "待审附件", "待审.pdf", pending_revision=revision)
    Publication.objects.create(item=item, channel=Channel.objects.order_by("pk")[3],
                               published_on=dt.date(2026, 4, 1), pending_revision=revision)
    with CaptureQueriesContext(connection) as queries:
        read = selectors.get_public_item(item.pk)
        entries = _seen(read.entry_list, "pk", "number", "title")
        attachments = _seen(read.attachment_list, "pk", "title", "size", "extension", "sort_order")
        publications = [(p.pk, p.url, p.published_on, p.channel.name) for p in read.publication_list]
        banner = (read.department.name, read.superseded_by)
    assert len(queries.captured_queries) == 1
    # The query every visit clones is built once and never holds rows of its own.
    assert selectors._public_items_with_rows()._result_cache is None
    assert entries == _seen(item.entries.all(), "pk", "number", "title")
    assert [row[0] for row in entries] == [e.pk for e in ChecklistEntry.objects.filter(number__in=ENTRIES)]
    assert attachments == _seen(Attachment.objects.live().filter(item=item),
                                "pk", "title", "size", "extension", "sort_order")
    assert [a[1] for a in attachments] == ["附表一", "附表二", "实施细则"]
    assert publications == [(p.pk, p.url, p.published_on, p.channel.name) for p in
                            Publication.objects.live().filter(item=item).select_related("channel")]
    assert [p[2] for p in publications] == [dt.date(2026, 3, 9), dt.date(2026, 3, 9), dt.date(2026, 3, 1)]
    assert banner == (shown["department"].name, None)
    assert selectors.get_public_item(shown["predecessor"].pk).superseded_by == item


def test_item_without_related_rows_reads_empty_lists(make_item):
    item = make_item("published", title="无附件")
    DisclosureItem.entries.through.objects.filter(disclosureitem=item).delete()
    read = selectors.get_public_item(item.pk)
    assert (read.entry_list, read.attachment_list, read.publication_list) == ([], [], [])


def test_item_page_shows_its_rows_in_order_and_the_successor(client, shown):
    item = shown["item"]
    html = client.get(item.get_absolute_url()).content.decode()
    titles = ["附表一", "附表二", "实施细则"]
    assert [html.index(t) for t in titles] == sorted(html.index(t) for t in titles)
    assert "（XLSX，" in html and "（DOCX，" in html
    channels = [p.channel.name for p in Publication.objects.filter(item=item).select_related("channel")]
    assert [html.index(c) for c in channels] == sorted(html.index(c) for c in channels)
    numbers = [f'href="{reverse("disclosure:entry", args=[n])}"' for n in ENTRIES]
    assert [html.index(n) for n in numbers] == sorted(html.index(n) for n in numbers)
    old = client.get(shown["predecessor"].get_absolute_url()).content.decode()
    assert "本文件已修订" in old and f'href="{item.get_absolute_url()}"' in old


def test_lists_show_what_they_showed(client, shown):
    department = shown["department"]
    newest = sorted(shown["items"], key=lambda i: (i.published_at, i.pk), reverse=True)
    for url, heading in [
        (reverse("disclosure:entry", args=[2]), f"2. {ChecklistEntry.objects.get(number=2).title}"),
        (ChecklistCategory.objects.get(number=1).get_absolute_url(),
         str(ChecklistCategory.objects.get(number=1))),
        (department.get_absolute_url(), department.name),
    ]:
        response = client.get(url)
        html = response.content.decode()
        assert response.context["heading"] == heading
        assert f"共 {len(newest)} 条" in html
        assert [i.pk for i in response.context["items"]] == [i.pk for i in newest[: portal.PAGE_SIZE]]
        later = client.get(f"{url}?before={response.context['next_cursor']}")
        assert later.context["total"] == len(newest)
        assert [i.pk for i in later.context["items"]] == [i.pk for i in newest[portal.PAGE_SIZE:]]
    category = client.get(ChecklistCategory.objects.get(number=1).get_absolute_url()).content.decode()
    for entry in ChecklistEntry.objects.filter(category__number=1):
        assert f'href="{entry.get_absolute_url()}"' in category
    entry_page = client.get(reverse("disclosure:entry", args=[2])).content.decode()
    assert f'href="{ChecklistCategory.objects.get(number=1).get_absolute_url()}"' in entry_page


def test_unknown_entry_category_and_department_are_404(client, db):
    for url in ("/checklist/99/", "/categories/99/", "/departments/no-such-office/"):
        assert client.get(url).status_code == 404, url


def test_an_empty_list_counts_nothing_past_its_first_page(client, department, django_assert_num_queries):
    url = department.get_absolute_url()
    response = client.get(url)
    assert response.context["total"] == 0 and "暂无公开信息" in response.content.decode()
    # No rows and no cursor: the total is 0 without a count of its own.
    queryset = selectors.list_public_items().filter(department=department)
    with django_assert_num_queries(1):
        assert selectors.page_of_public_items("x", queryset, queryset, size=21, first=True) == ([], 0)


def test_a_page_past_the_end_still_shows_the_total(client, shown):
    oldest = min(shown["items"], key=lambda i: (i.published_at, i.pk))
    url = shown["department"].get_absolute_url() + f"?before={portal.encode_cursor(oldest)}"
    response = client.get(url)
    assert response.context["items"] == [] and response.context["total"] == len(shown["items"])


def _rename(model, number_or_code, **changes):
    field = "code" if model is Department else "number"
    row = model.objects.get(**{field: number_or_code})
    for name, value in changes.items():
        setattr(row, name, value)
    row.save()


@REMEMBERED
@pytest.mark.parametrize(("model", "key", "field", "urls"), [
    (ChecklistEntry, 2, "title", ["/checklist/2/", "/", "/checklist/"]),
    (ChecklistCategory, 1, "name", ["/categories/1/", "/", "/checklist/"]),
    (Department, "jwc", "name", ["/departments/jwc/"]),
])
def test_remembered_names_follow_a_change(client, shown, model, key, field, urls,
                                          django_capture_on_commit_callbacks):
    bump_generation()
    for url in urls:
        assert "改过的名称" not in client.get(url).content.decode(), url
    with django_capture_on_commit_callbacks(execute=True):
        _rename(model, key, **{field: "改过的名称"})
    for url in urls:
        assert "改过的名称" in client.get(url).content.decode(), url


@REMEMBERED
def test_search_form_options_are_listed_once_per_change(client, department,
                                                        django_capture_on_commit_callbacks):
    bump_generation()
    url = reverse("disclosure:search")
    listed = client.get(url).content.decode()
    with CaptureQueriesContext(connection) as queries:
        again = client.get(url).content.decode()
    assert again == listed and len(queries.captured_queries) == 0
    with override_settings(PUBLIC_PAGE_CACHE_SECONDS=0):
        assert client.get(url).content.decode() == listed
    channel = Channel.objects.first()
    for option in ['<option value="" selected>全部类别</option>',
                   f'<option value="1">{ChecklistCategory.objects.get(number=1)}</option>',
                   f'<option value="2">{ChecklistEntry.objects.get(number=2)}</option>',
                   f'<option value="jwc">{department.name}</option>',
                   f'<option value="{channel.pk}">{channel.name}</option>']:
        assert option in listed, option
    chosen = client.get(url, {"department": "jwc", "category": "1"}).content.decode()
    assert '<option value="jwc" selected>' in chosen and '<option value="1" selected>' in chosen
    with django_capture_on_commit_callbacks(execute=True):
        Department.objects.create(name="新设部门", code="xsbm")
    assert '<option value="xsbm">新设部门</option>' in client.get(url).content.decode()
