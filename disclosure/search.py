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
