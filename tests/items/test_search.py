"""Chinese full-text search: segmentation, AND-ed terms, ranking, safe highlighting, filters, the index."""

import pytest
from django.db import connection
from django.test import override_settings
from django.urls import reverse

from disclosure.catalogue.models import Channel, ChecklistEntry
from disclosure.items import search, selectors
from disclosure.items.filters import DisclosureItemFilter
from disclosure.items.models import DisclosureItem, Publication

pytestmark = pytest.mark.django_db
postgres_only = pytest.mark.skipif(
    "connection.vendor != 'postgresql'", reason="needs PostgreSQL (full-text search and GIN index)"
)


@pytest.fixture
def corpus(make_item):
    return {
        "charter": make_item("published", title="2026年本科招生章程",
                             body="<p>本章程适用于普通本科招生工作。</p>"),
        "plan": make_item("published", title="研究生招生计划", body="<p>分专业招生计划表。</p>"),
        "finance": make_item("published", title="2025年度部门预算", body="<p>收入支出预算总表。</p>"),
        "body_only": make_item("published", title="学校规章制度汇编",
                               body="<p>其中包括招生章程和学籍管理规定。</p>"),
        "draft": make_item("draft", title="招生章程征求意见稿"),
    }


def found(query, **params):
    qs = DisclosureItemFilter({"q": query, **params}, queryset=selectors.list_public_items()).qs
    return [item.title for item in qs]


def ranked(query, reach=1000, **params):
    filterset = DisclosureItemFilter({"q": query, **params}, queryset=selectors.list_public_items())
    assert filterset.is_valid()
    ids = filterset.ranked_ids(reach=reach)
    return [item.title for item in search.items_in_order(filterset.queryset, ids)]


def test_query_terms_are_words_without_operators():
    assert search.query_terms("招生") == ["招生"]
    assert search.query_terms("招生 章程") == ["招生", "章程"]
    assert search.query_terms("招生章程") == ["招生", "章程"]
    assert search.query_terms("a & b | !c ' \" :*") == ["a", "b", "c"]
    assert search.query_terms("  !!! ") == []


def test_a_searchs_words_are_cut_once(client, corpus, monkeypatch):
    """The page, the ranking's cache key and the ranking all ask for the words: jieba cuts once."""
    cuts = []
    real_cut = search.jieba.cut
    monkeypatch.setattr(search.jieba, "cut", lambda text, *a, **k: cuts.append(text) or real_cut(text, *a, **k))
    search._query_terms.cache_clear()
    assert client.get(reverse("disclosure:search"), {"q": "规章制度汇编"}).status_code == 200
    assert cuts == ["规章制度汇编"]
    returned = search.query_terms("规章制度汇编")
    returned.append("改动")  # a caller's list is its own: the remembered words stay as they were
    assert search.query_terms("规章制度汇编") == ["规章制度", "汇编"] and len(cuts) == 1


def test_two_character_query(corpus):
    titles = found("招生")
    assert set(titles) == {"2026年本科招生章程", "研究生招生计划", "学校规章制度汇编"}


def test_multi_word_query_requires_every_word_and_ranks_title_first(corpus):
    titles = ranked("招生 章程")
    assert titles == ["2026年本科招生章程", "学校规章制度汇编"]
    assert ranked("招生章程") == titles
    # The filter keeps the list's order (newest first), for the API and the download.
    assert found("招生 章程") == ["学校规章制度汇编", "2026年本科招生章程"]


def test_ranking_is_bounded_but_knows_when_more_match(corpus, make_item):
    for n in range(4):
        make_item("published", title=f"第{n}号通知", body="<p>关于招生的说明。</p>")
    everything = ranked("招生")
    assert len(everything) == 7
    assert everything[:2] == ["研究生招生计划", "2026年本科招生章程"]  # title matches, newest first
    assert set(everything[2:]) == {"学校规章制度汇编", "第0号通知", "第1号通知", "第2号通知", "第3号通知"}
    # More matches than the reader can reach: the list says so by being longer than `reach`.
    assert len(ranked("招生", reach=3)) > 3
    assert ranked("招生", reach=3)[:2] == everything[:2]
    # The title matches alone fill the reachable pages: body-only matches are not read at all.
    base = selectors.list_public_items()
    assert len(search.rank_items(base, "招生", reach=1)) == 2
    assert search.rank_items(base, "!!!", reach=10) == []


def test_no_match_and_nonsense(corpus, client):
    assert found("火箭发射") == []
    assert found("!!!") == []
    response = client.get(reverse("disclosure:search") + "?q=火箭发射")
    assert response.status_code == 200
    assert "没有找到与“火箭发射”相关的信息" in response.content.decode()


def test_filters_narrow_the_search(corpus, make_item, other_department, office_user):
    entry = ChecklistEntry.objects.get(number=8)
    make_item("published", title="招生章程（学院）", department=other_department, entries=[entry],
              by=office_user)
    assert found("招生章程", department=other_department.code) == ["招生章程（学院）"]
    assert found("招生章程", entry=8) == ["招生章程（学院）"]
    assert found("招生章程", category=entry.category.number) == ["招生章程（学院）"]
    assert "招生章程（学院）" in found("招生", year=corpus["charter"].published_at.year)
    assert found("招生", year=2011) == []
    channel = Channel.objects.first()
    Publication.objects.create(item=corpus["plan"], channel=channel, published_on="2026-03-03")
    assert found("招生", channel=channel.pk) == ["研究生招生计划"]
    assert not DisclosureItemFilter({"entry": 99}, queryset=DisclosureItem.objects.all()).is_valid()


def test_highlight_escapes_and_marks():
    html = search.highlight("<script>alert(1)</script> 招生章程 & 其他", ["招生", "<script>"])
    assert "<script>" not in html
    assert "<mark>&lt;script&gt;</mark>" in html and "<mark>招生</mark>" in html
    assert "&amp;" in html


def test_search_page_highlights_and_never_trusts_the_query(client, corpus):
    response = client.get(reverse("disclosure:search"), {"q": "招生"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<mark>招生</mark>" in html
    assert corpus["draft"].title not in html
    html = client.get(reverse("disclosure:search"), {"q": "<b>x</b>"}).content.decode()
    assert "<b>x</b>" not in html and "&lt;b&gt;x&lt;/b&gt;" in html


def test_search_page_caps_the_count_and_pages_the_ranking(client, corpus, make_item, monkeypatch,
                                                          django_assert_max_num_queries):
    notices = [make_item("published", title=f"第{n}号通知", body="<p>关于招生的说明。</p>")
               for n in range(3)]
    monkeypatch.setattr(selectors, "COUNT_CAP", 4)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("disclosure:search"), {"q": "招生"})
    html = response.content.decode()
    assert "找到 4+ 条" in html
    order = [corpus["plan"], corpus["charter"], notices[2]]
    positions = [html.index(f'href="{item.get_absolute_url()}"') for item in order]
    assert positions == sorted(positions)
    assert f'href="{notices[0].get_absolute_url()}"' not in html  # the fifth result
    monkeypatch.setattr(selectors, "COUNT_CAP", 1000)
    html = client.get(reverse("disclosure:search"), {"q": "招生"}).content.decode()
    assert "找到 6 条" in html
    assert "第 1 / 1 页" not in html  # one page: no pager


def test_search_page_filters_without_words_by_date(client, corpus):
    department = corpus["plan"].department.code
    html = client.get(reverse("disclosure:search"), {"department": department}).content.decode()
    newer, older = corpus["body_only"].get_absolute_url(), corpus["charter"].get_absolute_url()
    assert html.index(f'href="{newer}"') < html.index(f'href="{older}"')


def test_bad_filter_is_a_clear_400_free_page(client, corpus):
    response = client.get(reverse("disclosure:search"), {"q": "招生", "category": "abc"})
    assert response.status_code == 200
    assert "筛选条件有误" in response.content.decode()


@postgres_only
def test_postgres_search_uses_the_gin_index(corpus, department):
    # Enough public rows that a scan of the status index is no cheaper than the GIN index would be.
    published_at = corpus["charter"].published_at
    DisclosureItem.objects.bulk_create(
        DisclosureItem(
            title=f"年度预算{i}", department=department, produced_on="2026-03-02",
            status="published", attribute="proactive", published_at=published_at,
            search_title=f"年度 预算 {i}", search_body="收入 支出",
        )
        for i in range(4000)
    )
    with connection.cursor() as cursor:
        # What autovacuum does in production: move GIN's pending list into the index, refresh stats.
        cursor.execute("SELECT gin_clean_pending_list('item_search_vector_gin')")
        cursor.execute("ANALYZE items_disclosureitem")
        cursor.execute("SET LOCAL enable_seqscan = off")
    base = selectors.list_public_items()
    plan = search.filter_items(base, "招生 章程").explain()
    assert "item_search_vector_gin" in plan, plan
    plan = search._title_matching(base, ["招生", "章程"]).explain()
    assert "item_search_title_gin" in plan, plan
    assert search.items_in_order(base, search.rank_items(base, "招生 章程", reach=20)) == [
        corpus["charter"], corpus["body_only"]
    ]


@postgres_only
def test_postgres_rank_is_ts_rank_and_prefers_title_matches(corpus):
    base = selectors.list_public_items()
    ids = search.rank_items(base, "招生", reach=1000)
    assert ids[-1] == corpus["body_only"].pk
    exhaustive = list(
        search.filter_items(base, "招生").annotate(rank=search.rank_expression(["招生"]))
        .order_by("-rank", "-published_at", "-id").values_list("pk", flat=True)
    )
    assert ids == exhaustive


@override_settings(PUBLIC_PAGE_CACHE_SECONDS=300, PUBLIC_PAGE_CACHE_MEMO_SECONDS=0)
def test_the_public_ranking_is_shared_until_public_content_changes(
        client, corpus, make_item, django_capture_on_commit_callbacks, monkeypatch):
    from django.core.cache import cache

    cache.clear()
    rankings, rank_items = [], search.rank_items
    monkeypatch.setattr(search, "rank_items", lambda *a, **kw: rankings.append(a[1]) or rank_items(*a, **kw))
    url = reverse("disclosure:search")
    first = client.get(url, {"q": "招生 章程"}).content.decode()
    # Another page address (not a page-cache hit), the same words: the ranking is not run again.
    again = client.get(url, {"q": "招生章程", "page": "1"}).content.decode()
    assert rankings == ["招生 章程"]
    assert first.count("result") == again.count("result") > 0
    # Other filters are another ranking.
    client.get(url, {"q": "招生 章程", "department": corpus["plan"].department.code})
    assert len(rankings) == 2
    # Public content changes: the next search ranks afresh and finds the new item.
    with django_capture_on_commit_callbacks(execute=True):
        new = make_item("published", title="2027年本科招生章程")
    after = client.get(url, {"q": "招生 章程", "page": "1"}).content.decode()
    assert len(rankings) == 3 and f'href="{new.get_absolute_url()}"' in after
