"""Query expressions that let a page read related rows and a total in the query that reads its rows.

Each query to the database is a round trip, and on a public page the round trips, not the SQL, are
most of the time it waits (0.4–1 ms each). These expressions are portable between PostgreSQL and
SQLite, the two databases the portal runs on (`django.contrib.postgres` has no SQLite side).
"""

from __future__ import annotations

from django.db.models import Aggregate, IntegerField, JSONField, OuterRef, QuerySet, Subquery
from django.db.models.functions import JSONObject


class JSONArrayAgg(Aggregate):
    """The grouped values as one JSON array (in no particular order: SQLite before 3.44 cannot order it)."""

    function = "JSON_ARRAYAGG"
    output_field = JSONField()

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, function="JSONB_AGG", **extra_context)

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, function="JSON_GROUP_ARRAY", **extra_context)


def json_rows(queryset: QuerySet, link: str, **fields) -> Subquery:
    """The rows of `queryset` whose `link` is the outer row, as a JSON array of objects with `fields`.

    Each field maps a key to a column or a lookup (`"channel__name"`); the value is None when no row
    belongs to the outer row. Dates and numbers come back as JSON text and numbers: turn them back
    with the model field's `to_python`.
    """
    return Subquery(
        queryset.filter(**{link: OuterRef("pk")})
        .order_by()
        .values(link)
        .annotate(rows=JSONArrayAgg(JSONObject(**fields)))
        .values("rows"),
        output_field=JSONField(),
    )


class CountRows(Subquery):
    """How many rows `queryset` returns (slice it to cap the count), as a value of the outer query.

    It refers to nothing in the outer query, so the database computes it once per query.
    """

    template = "(SELECT COUNT(*) FROM (%(subquery)s) counted)"
    output_field = IntegerField()
