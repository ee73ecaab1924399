"""What keeps public pages cheap: the 纠错 form on its own page, remembered counts, nginx sending files."""

import time
from urllib.parse import quote

import pytest
from django.core import signing
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.test import override_settings
from django.urls import reverse

from disclosure.catalogue.models import ChecklistEntry
from disclosure.core.cache import bump_generation
from disclosure.items import selectors
from disclosure.items.models import Attachment, DisclosureItem
from disclosure.site.models import ErrorReport

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%%EOF\n"
REMEMBERED = override_settings(PUBLIC_PAGE_CACHE_SECONDS=300, PUBLIC_PAGE_CACHE_MEMO_SECONDS=0)


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def published(make_item):
    return make_item("published", title="2026年本科招生章程")


def test_item_page_carries_no_token_and_links_to_the_report_form(client, published):
    response = client.get(published.get_absolute_url())
    html = response.content.decode()
    assert "csrfmiddlewaretoken" not in html and not response.cookies
    report_url = reverse("disclosure:item_report", args=[published.pk])
    assert report_url in html

    form_page = client.get(report_url)
    assert form_page.status_code == 200
    form_html = form_page.content.decode()
    assert "csrfmiddlewaretoken" in form_html and published.title in form_html


def test_report_form_page_sends_a_report_and_thanks(client, published):
    url = reverse("disclosure:item_report", args=[published.pk])
    started = signing.dumps(time.time() - 10, salt="disclosure.core.spamguard")
    response = client.post(url, {"kind": "error", "message": "文号有误。", "form_started": started})
    assert response.status_code == 302 and response["Location"] == url + "?sent=1"
    thanks = client.get(response["Location"]).content.decode()
    assert "已收到您的意见" in thanks and 'method="post"' not in thanks
    assert ErrorReport.objects.filter(item=published).count() == 1


def test_report_form_page_of_a_hidden_item_is_404(client, make_item):
    draft = make_item("draft", title="草稿")
    assert client.get(reverse("disclosure:item_report", args=[draft.pk])).status_code == 404


@REMEMBERED
def test_item_page_is_served_from_the_page_cache(client, published):
    bump_generation()
    url = published.get_absolute_url()
    assert client.get(url).get("X-Page-Cache") is None
    assert client.get(url).get("X-Page-Cache") == "hit"


@REMEMBERED
def test_remembered_counts_follow_the_generation(client, make_item, entry):
    bump_generation()
    make_item("published", title="第一条")
    url = reverse("disclosure:entry", args=[entry.number])
    assert client.get(url).context["total"] == 1
    assert selectors.list_checklist()[0].entry_list[1].stats.count == 1
    make_item("published", title="第二条")
    # Remembered until public content changes; the purge on commit bumps the generation.
    assert selectors.count_public_items(f"entry:{entry.pk}", DisclosureItem.objects.none()) == 1
    bump_generation()
    assert client.get(url).context["total"] == 2
    stats = {e.number: e.stats for c in selectors.list_checklist() for e in c.entry_list}
    assert stats[entry.number].count == 2


def test_checklist_stats_count_public_items_only(make_item):
    make_item("published", title="公开")
    make_item("draft", title="草稿")
    stats = selectors.checklist_stats()
    assert stats[ChecklistEntry.objects.get(number=2).pk].count == 1


def _attachment(item, name):
    return Attachment.objects.create(item=item, title="章程全文", file=ContentFile(PDF, name=name),
                                     original_name=name)


@override_settings(ATTACHMENT_X_ACCEL_PREFIX="/protected-media/")
def test_attachment_handed_to_nginx_after_the_check(client, published, make_item):
    attachment = _attachment(published, "招生 章程.pdf")
    response = client.get(attachment.get_absolute_url())
    assert response.status_code == 200
    assert response.content == b""
    assert response["X-Accel-Redirect"] == "/protected-media/" + quote(attachment.file.name, safe="/")
    assert response["Content-Disposition"].startswith("attachment; filename*=utf-8''")
    assert quote("招生 章程.pdf") in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"

    draft = make_item("draft", title="草稿")
    hidden = _attachment(draft, "内部.pdf")
    response = client.get(hidden.get_absolute_url())
    assert response.status_code == 404 and not response.has_header("X-Accel-Redirect")


def test_attachment_streamed_by_django_without_nginx(client, published, settings):
    assert not getattr(settings, "ATTACHMENT_X_ACCEL_PREFIX", "")
    attachment = _attachment(published, "章程.pdf")
    response = client.get(attachment.get_absolute_url())
    assert b"".join(response.streaming_content) == PDF
    assert not response.has_header("X-Accel-Redirect")
