"""Which database a query reads from, when a streaming replica serves public reads.

Off by default: with DATABASE_REPLICA_URL set, portal/settings adds the `replica` alias and
`PrimaryReplicaRouter`, and `ReplicaReadsMiddleware` marks each request. The rule, in one place:

- reads go to the replica only while an anonymous visitor's GET or HEAD of a public page is being
  served (`replica_may_serve`): no session cookie, no `Authorization` header, not under the back
  office's or the staff API's prefixes;
- everything else reads the primary: staff (a session, a token, an admin URL), every POST (the
  applicant's status lookup is a POST, so an applicant never sees a status older than the office's
  last step), and all work outside a request (commands, tasks, the worker);
- writes always go to the primary, and once a request has written, its later reads stay there, as
  do reads inside a transaction, so that a request sees what it has just done;
- for REPLICA_LAG_SECONDS after a change to public content (the page cache's purge), public reads
  go to the primary as well: a page rendered from a replica that has not yet replayed a withdrawal
  would otherwise be stored in the page cache under the new generation and shown for minutes.

Why: the replica is behind the primary by its replication lag. Staff act on what they read (a
deadline, a step just taken), so they must never read stale data; an anonymous visitor reading a
published page a second late loses nothing, and a flash crowd of them then costs the primary
nothing. A streamed answer (the CSV and JSON exports) reads after the view has returned, outside the
request's mark, so from the primary.
"""

from __future__ import annotations

import contextvars
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import MiddlewareNotUsed
from django.db import DEFAULT_DB_ALIAS, connections

PRIMARY = DEFAULT_DB_ALIAS
REPLICA = "replica"
# The back office (admin, deadline board, second factor) and the staff API: always the primary,
# even before anyone has signed in.
STAFF_PREFIXES = ("/admin/", "/api/v1/staff/")
SAFE_METHODS = ("GET", "HEAD")
RECENT_CHANGE_KEY = "public-pages:changed-recently"


@dataclass
class _Scope:
    public: bool
    wrote: bool = False
    fresh: bool | None = None  # whether the replica may be read, decided at the first read


# Set for the length of one request by the middleware; None outside requests (commands, tasks).
_scope: contextvars.ContextVar[_Scope | None] = contextvars.ContextVar("database_read_scope", default=None)


def replica_may_serve(request) -> bool:
    """Whether `request` is an anonymous public GET/HEAD whose reads the replica may serve."""
    if request.method not in SAFE_METHODS or request.path.startswith(STAFF_PREFIXES):
        return False
    # Without a session cookie and an Authorization header nobody can be signed in. A session also
    # carries what a visitor has just sent (the page after a submitted request or opinion).
    return (
        "HTTP_AUTHORIZATION" not in request.META
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
    )


def note_public_change() -> None:
    """Public content has just changed on the primary: public reads stay there for the lag allowed."""
    seconds = getattr(settings, "REPLICA_LAG_SECONDS", 0)
    if seconds > 0:
        try:
            cache.set(RECENT_CHANGE_KEY, True, timeout=seconds)
        except Exception:  # noqa: BLE001, S110 - a cache outage leaves the replica's lag unguarded
            pass


def _public_content_changed_recently() -> bool:
    try:
        return cache.get(RECENT_CHANGE_KEY) is not None
    except Exception:  # noqa: BLE001 - a cache outage leaves the replica's lag unguarded
        return False


def read_alias() -> str:
    """The alias the current read goes to: the replica only inside a public request (see above)."""
    scope = _scope.get()
    if scope is None or not scope.public or scope.wrote or connections[PRIMARY].in_atomic_block:
        return PRIMARY
    if scope.fresh is None:
        scope.fresh = not _public_content_changed_recently()
    return REPLICA if scope.fresh else PRIMARY


class PrimaryReplicaRouter:
    """DATABASE_ROUTERS entry: reads by `read_alias`, writes to the primary, migrations there only."""

    def db_for_read(self, model, **hints) -> str:
        return read_alias()

    def db_for_write(self, model, **hints) -> str:
        scope = _scope.get()
        if scope is not None:
            scope.wrote = True
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints) -> bool:
        # Both aliases hold the same data.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints) -> bool | None:
        # The replica replays the primary's migrations; it never runs its own.
        return False if db == REPLICA else None


class ReplicaReadsMiddleware:
    """Marks each request as one the replica may serve or not, before anything in it reads.

    Without the router it steps aside (nothing would read the mark), so a site with one database
    pays nothing for it. In MIDDLEWARE above the session and authentication middleware, whose reads
    are a signed-in visitor's and go to the primary.
    """

    def __init__(self, get_response):
        if f"{__name__}.{PrimaryReplicaRouter.__name__}" not in settings.DATABASE_ROUTERS:
            raise MiddlewareNotUsed("no replica router")
        self.get_response = get_response

    def __call__(self, request):
        token = _scope.set(_Scope(public=replica_may_serve(request)))
        try:
            return self.get_response(request)
        finally:
            _scope.reset(token)
