"""PostgreSQL only: a weighted tsvector (title A, body B) kept by a trigger, under a GIN index.

The segmented words are already cut by jieba, so the `simple` configuration indexes them as they are.
SQLite has no tsvector; there the same segmented columns are searched with LIKE.
"""

from django.db import migrations

FORWARD = """
CREATE OR REPLACE FUNCTION items_item_search_vector() RETURNS trigger AS $$
BEGIN
  NEW.search_vector :=
    setweight(to_tsvector('simple', coalesce(NEW.search_title, '')), 'A') ||
    setweight(to_tsvector('simple', coalesce(NEW.search_body, '')), 'B');
  RETURN NEW;
END
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS items_item_search_vector_update ON items_disclosureitem;
CREATE TRIGGER items_item_search_vector_update
  BEFORE INSERT OR UPDATE OF search_title, search_body ON items_disclosureitem
  FOR EACH ROW EXECUTE FUNCTION items_item_search_vector();

UPDATE items_disclosureitem SET search_title = search_title;
CREATE INDEX IF NOT EXISTS item_search_vector_gin ON items_disclosureitem USING gin (search_vector);
"""

BACKWARD = """
DROP INDEX IF EXISTS item_search_vector_gin;
DROP TRIGGER IF EXISTS items_item_search_vector_update ON items_disclosureitem;
DROP FUNCTION IF EXISTS items_item_search_vector();
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("items", "0001_initial")]
    operations = [migrations.RunPython(forward, backward)]
