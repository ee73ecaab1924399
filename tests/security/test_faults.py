"""Faults: the database or Redis unreachable. Readers get a Chinese 503 page or a working site."""

import os
import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest
from django.db import connection
from django.db.utils import InterfaceError, OperationalError
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse

from disclosure.core import ratelimit
from disclosure.items import actions as item_actions
from disclosure.items.models import DisclosureItem, ItemEvent

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def database_down():
    # Every new query fails as it would with the server gone; the test client runs in this thread.
    with mock.patch.object(
        connection, "cursor", side_effect=OperationalError("could not connect to server")
    ):
        yield


def _assert_friendly_503(response):
    assert response.status_code == 503
    text = response.content.decode()
    assert "服务暂时不可用" in text
    assert "Traceback" not in text and "OperationalError" not in text
    assert response["Retry-After"] == "60"


@pytest.mark.django_db
@pytest.mark.parametrize("name, kwargs", [
    ("disclosure:home", {}), ("disclosure:item", {"pk": 1}), ("disclosure:department", {"code": "jwc"}),
    ("disclosure:search", {}), ("disclosure:checklist", {}), ("disclosure:feed", {}),
])
def test_public_pages_answer_503_in_chinese_when_the_database_is_down(name, kwargs, database_down):
    client = Client(raise_request_exception=False)
    _assert_friendly_503(client.get(reverse(name, kwargs=kwargs), {"q": "章程"}))


@pytest.mark.django_db
def test_database_lost_inside_middleware_is_a_503_too(office_user):
    # The session is read by the middleware, before any view: handler500 turns it into the 503 page.
    client = Client(raise_request_exception=False)
    client.force_login(office_user)
    with mock.patch.object(connection, "cursor", side_effect=InterfaceError("connection already closed")):
        _assert_friendly_503(client.get(reverse("admin:index")))


def test_real_outage_with_an_unreachable_database_server():
    """No mock: a process whose database is a closed port serves the 503 page."""
    script = (
        "import django; django.setup();"
        "from django.test import Client;"
        "r = Client(raise_request_exception=False).get('/', HTTP_HOST='localhost');"
        "print(r.status_code); print(r.content.decode())"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings.test",
           "DATABASE_URL": "postgres://nobody@127.0.0.1:9/none", "CONN_MAX_AGE": "0"}
    env.pop("TEST_DATABASE_NAME", None)
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=60)
    lines = result.stdout.splitlines()
    assert lines and lines[0] == "503", result.stdout + result.stderr
    assert "服务暂时不可用" in result.stdout


@pytest.mark.django_db
def test_a_write_cut_off_midway_leaves_nothing_half_saved(office_user, department, entry):
    with (
        mock.patch.object(ItemEvent.objects, "create", side_effect=OperationalError("server closed")),
        pytest.raises(OperationalError),
    ):
        item_actions.create_item(by=office_user, entries=[entry], title="半截", department=department,
                             produced_on="2026-03-02")
    assert not DisclosureItem.objects.filter(title="半截").exists()


CLOSED_REDIS = {
    "default": {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": "redis://127.0.0.1:9/0",
        "OPTIONS": {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 0.2, "SOCKET_TIMEOUT": 0.2},
    }
}


@pytest.mark.django_db
@override_settings(CACHES=CLOSED_REDIS)
def test_site_keeps_serving_when_redis_is_unreachable(client, make_item):
    item = make_item("published", title="学校章程")
    assert client.get(reverse("disclosure:home")).status_code == 200
    assert client.get(item.get_absolute_url()).status_code == 200
    assert client.get(reverse("disclosure:search"), {"q": "章程"}).status_code == 200


@pytest.mark.django_db
@override_settings(CACHES=CLOSED_REDIS)
def test_rate_limit_degrades_to_open_when_redis_is_unreachable():
    request = RequestFactory().post("/", REMOTE_ADDR="198.51.100.7")
    # Not enforced, never an error: submissions keep flowing while the cache is away.
    assert all(ratelimit.hit("request", request, limit=1, window_seconds=60) for _ in range(5))


@pytest.mark.django_db
@override_settings(CACHES=CLOSED_REDIS)
def test_error_report_form_still_accepts_posts_when_redis_is_unreachable(make_item):
    item = make_item("published")
    client = Client(raise_request_exception=False)
    response = client.post(reverse("disclosure:item_report", kwargs={"pk": item.pk}), {})
    assert response.status_code < 500
