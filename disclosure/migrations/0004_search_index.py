"""PostgreSQL only: a weighted tsvector (title A, body B) kept by a trigger, under a GIN index.

The segmented words are already cut by jieba, so the `simple` configuration indexes them as they are.
SQLite has no tsvector; there the same segmented columns are searched with LIKE.
"""

from django.db import migrations

FORWARD = """
CREATE OR REPLACE FUNCTION disclosure_item_search_vector() RETURNS trigger AS $$
BEGIN
  NEW.search_vector :=
    setweight(to_tsvector('simple', coalesce(NEW.search_title, '')), 'A') ||
    setweight(to_tsvector('simple', coalesce(NEW.search_body, '')), 'B');
  RETURN NEW;
END
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS disclosure_item_search_vector_update ON disclosure_disclosureitem;
CREATE TRIGGER disclosure_item_search_vector_update
  BEFORE INSERT OR UPDATE OF search_title, search_body ON disclosure_disclosureitem
  FOR EACH ROW EXECUTE FUNCTION disclosure_item_search_vector();

UPDATE disclosure_disclosureitem SET search_title = search_title;
CREATE INDEX IF NOT EXISTS item_search_vector_gin ON disclosure_disclosureitem USING gin (search_vector);
"""

BACKWARD = """
DROP INDEX IF EXISTS item_search_vector_gin;
DROP TRIGGER IF EXISTS disclosure_item_search_vector_update ON disclosure_disclosureitem;
DROP FUNCTION IF EXISTS disclosure_item_search_vector();
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("disclosure", "0003_seed_channels")]
    operations = [migrations.RunPython(forward, backward)]
