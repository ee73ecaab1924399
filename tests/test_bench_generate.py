"""The benchmark's loader cuts its text exactly as an item's save() would."""

import datetime as dt
import random

import pytest

from bench.generate import SEED, Segmenter, TextMaker, _copy_text, _sentence_text, _vocabulary
from disclosure.core.sanitize import html_to_text, sanitize_html
from disclosure.items import search


@pytest.fixture(scope="module")
def vocab():
    return _vocabulary()


def test_memoised_segmentation_equals_segment(vocab):
    segmenter = Segmenter()
    segmenter.learn(vocab[:2000])
    text = TextMaker(random.Random(SEED), vocab)
    for n in range(400):
        title, title_chunks = text.title(2017 + n % 10)
        sentences = [s for paragraph in text.body() for s in paragraph]
        body = "<p>" + "".join(map(_sentence_text, sentences)) + "</p>"
        words = [w for s in sentences for w in segmenter.segment(s)]
        assert " ".join(segmenter.segment(title_chunks)) == search.segment(title)
        assert sanitize_html(body) == body
        assert " ".join(words) == search.segment(html_to_text(body))
    # The memo is what makes it fast: most runs of words were seen before.
    assert len(segmenter.runs) < 400 * 40


def test_spanned_border_is_cut_as_one_run():
    # 校工 (school worker) spans the border between 学校 and 工作: the two are cut together.
    segmenter = Segmenter()
    assert " ".join(segmenter.segment([["学校", "工作", "管理"]])) == search.segment("学校工作管理")
    assert any("校工" in run or run == "学校工作" for run in segmenter.runs)


def test_copy_text_escapes_what_copy_reads_specially():
    assert _copy_text(None) == r"\N"
    assert _copy_text(True) == "t"
    assert _copy_text("a\tb\nc\\d") == "a\\tb\\nc\\\\d"
    assert _copy_text(dt.date(2026, 1, 2)) == "2026-01-02"
