"""Chinese text segmentation for search.

Titles and bodies are cut into words with jieba when an item is saved; the words, separated by spaces,
are kept in `search_title` and `search_body`. On PostgreSQL a trigger turns them into a weighted
`tsvector` (`simple` configuration: no stemming, the words are already cut) under a GIN index; on
SQLite the same columns are matched with LIKE. Queries are cut the same way, so that 招生 and
招生 章程 both find what a reader expects.
"""

from __future__ import annotations

import re
import threading

import jieba
from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection
from django.db.models import Case, F, FloatField, Q, QuerySet, Value, When
from django.utils.html import escape

from disclosure.sanitize import html_to_text

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
    terms: list[str] = []
    load_dictionary()
    for chunk in _WORD.findall((query or "").lower()[:200]):
        # The whole chunk when jieba knows it as one word, else its parts.
        parts = [w for w in jieba.cut(chunk) if w.strip()]
        for part in parts:
            if part not in terms:
                terms.append(part)
    return terms[:max_terms]


# A query that matches most of the table is ranked over at most this many matching rows: ranking
# every match of a common word among 100,000 items would read them all, and nobody pages that far.
MAX_CANDIDATES = 1000
SNIPPET_CHARS = 120


def to_tsquery_text(terms: list[str]) -> str:
    """The terms as a `to_tsquery` expression, all required (AND). Terms hold word characters only."""
    return " & ".join(terms)


def search_items(queryset: QuerySet, query: str, *, max_candidates: int = MAX_CANDIDATES) -> QuerySet:
    """`queryset` narrowed to the items matching every word of `query`, best first.

    On PostgreSQL the GIN index over `search_vector` finds the candidates and `ts_rank` orders them;
    elsewhere LIKE over the segmented columns finds them and a title match ranks first. An empty
    query (no words) matches nothing.
    """
    terms = query_terms(query)
    if not terms:
        return queryset.none()
    if connection.vendor == "postgresql":
        tsquery = SearchQuery(to_tsquery_text(terms), search_type="raw", config="simple")
        candidates = queryset.filter(search_vector=tsquery).order_by().values("pk")[:max_candidates]
        return (
            queryset.filter(pk__in=candidates)
            .annotate(rank=SearchRank(F("search_vector"), tsquery))
            .order_by("-rank", "-published_at", "-id")
        )
    matches = Q()
    in_title = Q()
    for term in terms:
        matches &= Q(search_title__contains=term) | Q(search_body__contains=term)
        in_title &= Q(search_title__contains=term)
    candidates = queryset.filter(matches).order_by().values("pk")[:max_candidates]
    return (
        queryset.filter(pk__in=candidates)
        .annotate(rank=Case(When(in_title, then=Value(1.0)), default=Value(0.0),
                            output_field=FloatField()))
        .order_by("-rank", "-published_at", "-id")
    )


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
