"""Public reads from a streaming replica, staff and every write on the primary.

The router and the request mark are tested as they decide (no database), then one request of each
kind through the test client, with the `replica` alias of the test settings (a second connection to
the one test database) and the router switched on.
"""

import runpy
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connections
from django.http import HttpResponse
from django.test import RequestFactory, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from disclosure.core import replica
from disclosure.core.cache import bump_generation
from disclosure.items.models import DisclosureItem

BASE_SETTINGS = str(Path(__file__).resolve().parents[2] / "portal" / "settings" / "base.py")
ROUTER = replica.PrimaryReplicaRouter()
ROUTED = override_settings(DATABASE_ROUTERS=["disclosure.core.replica.PrimaryReplicaRouter"])


def alias_read_during(request, *, before=lambda: None) -> str:
    """The alias the router picks for a read while the middleware serves `request`."""
    chosen = []

    def view(request):
        before()
        chosen.append(ROUTER.db_for_read(DisclosureItem))
        return HttpResponse()

    with ROUTED:
        replica.ReplicaReadsMiddleware(view)(request)
    return chosen[0]


def test_without_the_router_the_middleware_steps_aside():
    from django.core.exceptions import MiddlewareNotUsed

    with pytest.raises(MiddlewareNotUsed):
        replica.ReplicaReadsMiddleware(lambda request: HttpResponse())


def _request(method="get", path="/items/1/", **extra):
    return getattr(RequestFactory(), method)(path, **extra)


@pytest.mark.parametrize(("method", "path", "extra", "alias"), [
    ("get", "/items/1/", {}, "replica"),
    ("head", "/items/1/", {}, "replica"),
    ("get", "/api/v1/items/", {}, "replica"),
    # A visitor who has opened a form carries a CSRF cookie, yet nobody is signed in.
    ("get", "/items/1/", {"HTTP_COOKIE": f"{settings.CSRF_COOKIE_NAME}=x"}, "replica"),
    # The applicant's status lookup: a POST, so the status is never older than the office's step.
    ("post", "/requests/status/", {}, "default"),
    ("post", "/items/1/report/", {}, "default"),
    # A session: a signed-in visitor, or one just back from sending a request or an opinion.
    ("get", "/items/1/", {"HTTP_COOKIE": f"{settings.SESSION_COOKIE_NAME}=abc"}, "default"),
    ("get", "/api/v1/items/", {"HTTP_AUTHORIZATION": "Token abc"}, "default"),
])
def test_only_an_anonymous_public_get_reads_from_the_replica(method, path, extra, alias):
    assert alias_read_during(_request(method, path, **extra)) == alias


@pytest.mark.parametrize(("name", "args"), [
    ("admin:index", []),
    ("admin:login", []),
    ("deadline_board", []),
    ("otp_verify", []),
    ("api:staff-item-list", []),
    ("api:staff-item-detail", [1]),
    ("api:staff-request-list", []),
])
def test_back_office_and_staff_api_read_the_primary_even_before_sign_in(name, args):
    assert alias_read_during(_request("get", reverse(name, args=args))) == "default"


def test_outside_a_request_reads_and_writes_go_to_the_primary():
    # Commands, tasks and the worker act on what they read.
    assert ROUTER.db_for_read(DisclosureItem) == "default"
    assert ROUTER.db_for_write(DisclosureItem) == "default"


def test_after_a_write_the_request_reads_the_primary():
    def write():
        assert ROUTER.db_for_write(DisclosureItem) == "default"

    assert alias_read_during(_request(), before=write) == "default"
    # The next request starts afresh.
    assert alias_read_during(_request()) == "replica"


def test_the_mark_ends_with_the_request():
    alias_read_during(_request())
    assert ROUTER.db_for_read(DisclosureItem) == "default"


@pytest.mark.django_db
def test_reads_inside_a_transaction_go_to_the_primary():
    # Here the test's own transaction is open on the primary, as a view's atomic block would be.
    assert connections["default"].in_atomic_block
    assert alias_read_during(_request()) == "default"


@override_settings(REPLICA_LAG_SECONDS=10)
def test_public_reads_stay_on_the_primary_for_the_lag_after_a_change():
    # The purge that follows a withdrawal: a page rendered next from a replica that has not replayed
    # it would be stored in the page cache as current.
    bump_generation()
    assert alias_read_during(_request()) == "default"
    cache.delete(replica.RECENT_CHANGE_KEY)  # as when the lag allowed has passed
    assert alias_read_during(_request()) == "replica"


@override_settings(REPLICA_LAG_SECONDS=0)
def test_without_a_lag_allowed_a_change_does_not_hold_public_reads():
    bump_generation()
    assert alias_read_during(_request()) == "replica"


def test_the_replica_is_never_migrated():
    assert ROUTER.allow_migrate("replica", "items") is False
    assert ROUTER.allow_migrate("default", "items") is None


def test_a_replica_url_adds_the_alias_and_the_router(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://portal@primary.example:5432/disclosure")
    monkeypatch.setenv("DATABASE_REPLICA_URL", "postgres://reader@replica.example:5432/disclosure")
    configured = runpy.run_path(BASE_SETTINGS)
    assert configured["DATABASES"]["replica"]["HOST"] == "replica.example"
    assert configured["DATABASES"]["default"]["HOST"] == "primary.example"
    assert configured["DATABASE_ROUTERS"] == ["disclosure.core.replica.PrimaryReplicaRouter"]

    monkeypatch.delenv("DATABASE_REPLICA_URL")
    configured = runpy.run_path(BASE_SETTINGS)
    assert "replica" not in configured["DATABASES"] and "DATABASE_ROUTERS" not in configured


@pytest.fixture
def replica_connection():
    yield connections["replica"]
    # Its own connection to the test database, which must not stay open when the database is dropped.
    connections["replica"].close()


@ROUTED
@pytest.mark.django_db(transaction=True, databases=["default", "replica"])
def test_an_anonymous_item_page_reads_the_replica_and_the_back_office_the_primary(
    client, make_item, office_user, replica_connection
):
    item = make_item("published")

    def queries(path):
        with CaptureQueriesContext(connections["default"]) as primary, \
                CaptureQueriesContext(replica_connection) as replicated:
            response = client.get(path)
        return response, len(primary), len(replicated)

    # Just published: the pages rendered next read the primary for the lag allowed.
    response, on_primary, on_replica = queries(f"/items/{item.pk}/")
    assert response.status_code == 200 and on_primary > 0 and on_replica == 0

    cache.delete(replica.RECENT_CHANGE_KEY)
    response, on_primary, on_replica = queries(f"/items/{item.pk}/")
    assert response.status_code == 200 and item.title in response.content.decode()
    assert on_replica > 0 and on_primary == 0

    client.force_login(office_user)
    response, on_primary, on_replica = queries(reverse("admin:items_disclosureitem_changelist"))
    assert response.status_code in (200, 302)
    assert on_primary > 0 and on_replica == 0
