"""The item list of the back office: one count, the year filter, the deadline column."""

import datetime as dt

import pytest
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from disclosure.items.deadlines import item_deadline_status

pytestmark = pytest.mark.django_db
CHANGELIST = reverse("admin:items_disclosureitem_changelist")


def test_the_list_counts_once(client, office_user, make_item):
    from django.db import connection

    make_item(title="一")
    client.force_login(office_user)
    client.get(CHANGELIST)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(CHANGELIST, {"status__exact": "draft"}).status_code == 200
    counts = [q["sql"] for q in captured.captured_queries if "COUNT(" in q["sql"].upper()]
    assert len(counts) == 1


def test_produced_year_filter(client, office_user, make_item):
    this_year = timezone.localdate().year
    make_item(title="今年的事项", produced_on=dt.date(this_year, 1, 5))
    make_item(title="去年的事项", produced_on=dt.date(this_year - 1, 12, 31))
    make_item(title="很早的事项", produced_on=dt.date(this_year - 12, 6, 1))
    client.force_login(office_user)
    page = client.get(CHANGELIST, {"produced_year": str(this_year - 1)}).content.decode()
    assert "去年的事项" in page and "今年的事项" not in page and "很早的事项" not in page
    page = client.get(CHANGELIST, {"produced_year": "earlier"}).content.decode()
    assert "很早的事项" in page and "去年的事项" not in page
    page = client.get(CHANGELIST).content.decode()
    assert "制作年份" in page and f"{this_year - 10}年及以前" in page
    for bad in ("abc", "99999", "0"):
        response = client.get(CHANGELIST, {"produced_year": bad})
        assert response.status_code == 200 and "去年的事项" not in response.content.decode()


def test_deadline_column_matches_the_engine(client, office_user, make_item):
    late = make_item(title="逾期草稿", produced_on=dt.date(2025, 9, 26))  # across National Day
    published = make_item("published", title="已发布")
    client.force_login(office_user)
    page = client.get(CHANGELIST).content.decode()
    for item in (late, published):
        assert item_deadline_status(item).label in page
