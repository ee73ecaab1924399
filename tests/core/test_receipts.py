"""Numbers of the year and check codes: one counter rule for requests, opinions and index numbers."""

import pytest
from django.db import transaction

from disclosure.core.models import YearlyCounter
from disclosure.core.receipts import (
    CHECK_CODE_ALPHABET,
    CHECK_CODE_LENGTH,
    new_check_code,
    take_number,
)
from disclosure.disclosure_requests.models import RequestCounter
from disclosure.feedback.models import OpinionCounter
from disclosure.items.models import IndexCounter

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("counter", [RequestCounter, OpinionCounter, IndexCounter])
def test_each_year_counts_from_one_and_a_rolled_back_save_gives_its_number_back(counter):
    assert issubclass(counter, YearlyCounter)
    assert [counter.take(2026), counter.take(2026), counter.take(2027)] == [1, 2, 1]
    with pytest.raises(RuntimeError), transaction.atomic():
        assert counter.take(2026) == 3
        raise RuntimeError("the save failed")
    assert counter.take(2026) == 3  # no gap


def test_numbers_are_shown_with_their_prefix_and_year():
    assert take_number(RequestCounter, 2026, "YSQ") == (1, "YSQ-2026-0001")
    assert take_number(OpinionCounter, 2026, "YJX") == (1, "YJX-2026-0001")


def test_check_codes_use_letters_that_cannot_be_misread():
    codes = {new_check_code() for _ in range(200)}
    assert len(codes) > 190
    assert all(len(code) == CHECK_CODE_LENGTH and set(code) <= set(CHECK_CODE_ALPHABET) for code in codes)
    assert not set("01IOL") & set(CHECK_CODE_ALPHABET)
