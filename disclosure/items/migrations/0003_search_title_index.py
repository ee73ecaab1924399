"""PostgreSQL only: a GIN index over the title words alone.

The weighted `search_vector` can tell a title match (`word:A`) only by rechecking every matching row,
which for a word in half of all items means reading half the table. Ranking starts from the title
matches (they rank above body-only matches), so they need an index of their own. The expression must
stay exactly `to_tsvector('simple'::regconfig, search_title)` for queries to use it (see search.py).
"""

from django.db import migrations

FORWARD = """
CREATE INDEX IF NOT EXISTS item_search_title_gin ON items_disclosureitem
  USING gin (to_tsvector('simple'::regconfig, search_title));
"""

BACKWARD = "DROP INDEX IF EXISTS item_search_title_gin;"


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("items", "0002_search_index")]
    operations = [migrations.RunPython(forward, backward)]
