"""Chinese text segmentation for search.

Titles and bodies are cut into words with jieba when an item is saved; the words, separated by spaces,
are kept in `search_title` and `search_body`; the text of its attachments, read by a task
(disclosure/items/tasks.py), in `search_attachments`. On PostgreSQL a trigger turns them into a weighted
`tsvector` (`simple` configuration: no stemming, the words are already cut) under a GIN index; on
SQLite the same columns are matched with LIKE. Queries are cut the same way, so that 招生 and
招生 章程 both find what a reader expects.
"""

from __future__ import annotations

import functools
import re
import threading

import jieba
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVectorField
from django.db import connection
from django.db.models import Case, F, FloatField, Func, Q, QuerySet, Value, When
from django.utils.html import escape

from disclosure.core.sanitize import html_to_text

_init_lock = threading.Lock()
_initialised = False
# Words made of letters, digits or CJK characters; punctuation and operators never reach a query.
_WORD = re.compile(r"[\w\u3400-\u9fff]+", re.UNICODE)


def load_dictionary() -> None:
    """Load jieba's dictionary once per process (call before forking workers to share it)."""
    global _initialised
    if _initialised:
        return
    with _init_lock:
        if not _initialised:
            jieba.setLogLevel(60)
            jieba.initialize()
            _initialised = True


def segment(text: str) -> str:
    """`text` cut into search words, space-separated, lower-cased, duplicates kept in order."""
    if not text:
        return ""
    load_dictionary()
    words = []
    for chunk in _WORD.findall(text.lower()):
        words.extend(w for w in jieba.cut_for_search(chunk) if w.strip())
    return " ".join(words)


def segment_item(item) -> tuple[str, str]:
    """The segmented title and the segmented summary plus body of an item."""
    body = " ".join(filter(None, [item.summary, html_to_text(item.body), item.document_number]))
    return segment(item.title), segment(body)


def query_terms(query: str, max_terms: int = 8) -> list[str]:
    """The words of a reader's query, as indexed; operators and quotes are dropped."""
    return list(_query_terms((query or "")[:200], max_terms))


# A search asks for its words three times (the page, the ranking's cache key, the ranking): cut once.
# jieba's dictionary is fixed for the life of the process, so a query's words never change.
@functools.lru_cache(maxsize=1024)
def _query_terms(query: str, max_terms: int) -> tuple[str, ...]:
    terms: list[str] = []
    load_dictionary()
    for chunk in _WORD.findall(query.lower()):
        # The whole chunk when jieba knows it as one word, else its parts.
        parts = [w for w in jieba.cut(chunk) if w.strip()]
        for part in parts:
            if part not in terms:
                terms.append(part)
    return tuple(terms[:max_terms])


# Ranking reads each candidate's tsvector, so it never runs over every match of a common word (half of
# 100,000 items). The candidates are the items whose title holds every word (their own index serves
# them), at most TITLE_CANDIDATES, most recent first; and, when they are too few to fill every page a
# reader can reach, the most recent matches. With `ts_rank`'s weights (title A 1.0, body B 0.4,
# attachments C 0.2) a title match of a word always ranks above a body-only match, so while the title matches fit under their cap
# the order is exactly that of ranking every match.
TITLE_CANDIDATES = 3000
SNIPPET_CHARS = 120


def to_tsquery_text(terms: list[str]) -> str:
    """The terms as a `to_tsquery` expression, all required (AND). Terms hold word characters only."""
    return " & ".join(terms)


def to_tsquery(terms: list[str]) -> SearchQuery:
    return SearchQuery(to_tsquery_text(terms), search_type="raw", config="simple")


class TitleVector(Func):
    """The title's words as a tsvector: exactly the expression of the index `item_search_title_gin`."""

    template = "to_tsvector('simple'::regconfig, %(expressions)s)"
    output_field = SearchVectorField()

    def __init__(self, **extra):
        super().__init__(F("search_title"), **extra)


def rank_expression(terms: list[str]):
    """How well an item matches `terms`, higher is better: the one definition of relevance.

    On PostgreSQL `ts_rank` over the weighted vector; elsewhere 1 when the title holds every term.
    """
    if connection.vendor == "postgresql":
        return SearchRank(F("search_vector"), to_tsquery(terms))
    return Case(When(_title_holds(terms), then=Value(1.0)), default=Value(0.0),
                output_field=FloatField())


def _title_holds(terms: list[str]) -> Q:
    in_title = Q()
    for term in terms:
        in_title &= Q(search_title__contains=term)
    return in_title


def _matching(queryset: QuerySet, terms: list[str]) -> QuerySet:
    if connection.vendor == "postgresql":
        return queryset.filter(search_vector=to_tsquery(terms))
    matches = Q()
    for term in terms:
        matches &= (Q(search_title__contains=term) | Q(search_body__contains=term)
                    | Q(search_attachments__contains=term))
    return queryset.filter(matches)


def _title_matching(queryset: QuerySet, terms: list[str]) -> QuerySet:
    if connection.vendor == "postgresql":
        return queryset.alias(title_vector=TitleVector()).filter(title_vector=to_tsquery(terms))
    return queryset.filter(_title_holds(terms))


def filter_items(queryset: QuerySet, query: str) -> QuerySet:
    """`queryset` narrowed to the items matching every word of `query`, its order kept.

    The GIN index over `search_vector` finds them on PostgreSQL, LIKE over the segmented columns
    elsewhere. An empty query (no words) matches nothing.
    """
    terms = query_terms(query)
    if not terms:
        return queryset.none()
    return _matching(queryset, terms)


def rank_items(
    queryset: QuerySet, query: str, *, reach: int, title_candidates: int = TITLE_CANDIDATES
) -> list[int]:
    """Ids of the items of `queryset` matching every word of `query`, best first (rank, then newest).

    Only bounded candidates are ranked (see TITLE_CANDIDATES). The list holds at least the first
    `reach` results, and more than `reach` ids exactly when more than `reach` items match.
    """
    terms = query_terms(query)
    if not terms:
        return []
    newest = ("-published_at", "-id")

    def candidates(qs: QuerySet) -> QuerySet:
        return (
            qs.order_by(*newest)
            .annotate(c_id=F("pk"), c_rank=rank_expression(terms), c_at=F("published_at"))
            .values_list("c_id", "c_rank", "c_at")
        )

    in_title = candidates(_title_matching(queryset, terms))[:title_candidates]
    newest_matches = candidates(_matching(queryset, terms))[: reach + 1]
    if connection.vendor == "postgresql":
        # One statement, sorted by the database: only ids travel. The newest matches are read only
        # when the title matches cannot fill every reachable page (a one-time filter skips the scan).
        title_sql, title_params = in_title.query.sql_with_params()
        newest_sql, newest_params = newest_matches.query.sql_with_params()
        # Only SQL compiled by Django is interpolated; every value stays a parameter.
        sql = (
            f"WITH in_title AS ({title_sql}) "  # noqa: S608
            f"SELECT c.c_id FROM (SELECT * FROM in_title UNION SELECT * FROM ({newest_sql}) AS n "
            "WHERE (SELECT count(*) FROM in_title) <= %s) AS c "
            "ORDER BY c.c_rank DESC, c.c_at DESC, c.c_id DESC"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, (*title_params, *newest_params, reach))
            return [row[0] for row in cursor.fetchall()]
    found = list(in_title)
    if len(found) <= reach:
        # Too few title matches to fill every reachable page: the newest matches fill them.
        found += newest_matches
    return [pk for pk, _rank, _at in sorted(set(found), key=lambda r: (r[1], r[2], r[0]), reverse=True)]


def attachment_matches(item_ids: list[int], terms: list[str]) -> dict[int, tuple]:
    """For each of these items, its reviewed attachment that best matches `terms` and a snippet of it.

    One query for a page of results: {item id: (attachment, snippet HTML)}. The attachment holding the
    most terms wins, the first in the item's order on a tie. Only a window of each file's text around
    each term travels from the database (a file's text runs to 200,000 characters).
    """
    from django.db.models.functions import Greatest, StrIndex, Substr

    from disclosure.items.models import Attachment

    if not item_ids or not terms:
        return {}
    any_term = Q()
    for term in terms:
        any_term |= Q(search_text__contains=term)
    lead = SNIPPET_CHARS // 4
    windows = {}
    for n, term in enumerate(terms):
        windows[f"at_{n}"] = StrIndex("text", Value(term))
        windows[f"window_{n}"] = Substr("text", Greatest(StrIndex("text", Value(term)) - lead, 1),
                                        SNIPPET_CHARS + lead)
    rows = (Attachment.objects.live()
            .filter(any_term, item_id__in=item_ids, text_status=Attachment.TextStatus.EXTRACTED)
            .order_by("item_id", "sort_order", "id")
            .only("id", "item_id", "title", "file")
            .annotate(**windows))
    best: dict[int, tuple] = {}
    for attachment in rows:
        found = [(getattr(attachment, f"at_{n}"), getattr(attachment, f"window_{n}"))
                 for n in range(len(terms)) if getattr(attachment, f"at_{n}")]
        held = len(found)
        if attachment.item_id not in best or held > best[attachment.item_id][0]:
            # The window around the earliest term; a term cut differently in the text has none.
            at, window = min(found) if found else (1, "")
            best[attachment.item_id] = (held, attachment, window, at > lead + 1)
    return {item_id: (attachment, ("…" if cut else "") + highlight(window, terms))
            for item_id, (_held, attachment, window, cut) in best.items()}


def items_in_order(queryset: QuerySet, ids: list[int]) -> list:
    """The items of `queryset` with these ids, in the order of `ids` (one query)."""
    by_id = queryset.order_by().in_bulk(ids)
    return [by_id[pk] for pk in ids if pk in by_id]


def highlight(text: str, terms: list[str], *, width: int = SNIPPET_CHARS) -> str:
    """A snippet of plain `text` around the first match, every term wrapped in <mark>.

    The text is escaped piece by piece here, so reader input and item text can never inject markup;
    the result is the only thing templates may mark safe. Snippets come from the plain text rather
    than `ts_headline` over `search_body`: jieba's search mode repeats overlapping words there
    (中华 华人 人民 共和国 ...), which reads as nonsense once shown, and SQLite has no headline at all.
    """
    text = " ".join((text or "").split())
    needles = sorted({t for t in terms if t}, key=len, reverse=True)
    if not needles:
        return escape(text[:width] + ("…" if len(text) > width else ""))
    pattern = re.compile("|".join(re.escape(n) for n in needles), re.IGNORECASE)
    first = pattern.search(text)
    start = max(0, (first.start() if first else 0) - width // 4)
    end = min(len(text), start + width)
    window = text[start:end]
    parts, last = [], 0
    for match in pattern.finditer(window):
        parts.append(escape(window[last:match.start()]))
        parts.append(f"<mark>{escape(match.group(0))}</mark>")
        last = match.end()
    parts.append(escape(window[last:]))
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(text) else ""
    return prefix + "".join(str(p) for p in parts) + suffix
