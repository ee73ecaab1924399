"""Search inside attachments: each attachment's extracted text, and the item's attachment words.

On PostgreSQL the trigger of 0002 takes `search_attachments` in with weight C (title A, body B), so a
word found only in an attached file ranks below one in the title or the body. Existing attachments
start "pending": `python manage.py reindex_attachments` reads them.
"""


from django.db import migrations, models

FORWARD = """
CREATE OR REPLACE FUNCTION items_item_search_vector() RETURNS trigger AS $$
BEGIN
  NEW.search_vector :=
    setweight(to_tsvector('simple', coalesce(NEW.search_title, '')), 'A') ||
    setweight(to_tsvector('simple', coalesce(NEW.search_body, '')), 'B') ||
    setweight(to_tsvector('simple', coalesce(NEW.search_attachments, '')), 'C');
  RETURN NEW;
END
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS items_item_search_vector_update ON items_disclosureitem;
CREATE TRIGGER items_item_search_vector_update
  BEFORE INSERT OR UPDATE OF search_title, search_body, search_attachments ON items_disclosureitem
  FOR EACH ROW EXECUTE FUNCTION items_item_search_vector();
"""

BACKWARD = """
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
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)


class Migration(migrations.Migration):

    dependencies = [
        ('items', '0005_item_catalogue_data'),
    ]

    operations = [
        migrations.AddField(
            model_name='attachment',
            name='search_text',
            field=models.TextField(default='', editable=False),
        ),
        migrations.AddField(
            model_name='attachment',
            name='text',
            field=models.TextField(blank=True, default='', editable=False, verbose_name='提取的文字'),
        ),
        migrations.AddField(
            model_name='attachment',
            name='text_error',
            field=models.CharField(blank=True, default='', editable=False, max_length=300, verbose_name='提取失败原因'),
        ),
        migrations.AddField(
            model_name='attachment',
            name='text_extracted_at',
            field=models.DateTimeField(blank=True, editable=False, null=True, verbose_name='提取时间'),
        ),
        migrations.AddField(
            model_name='attachment',
            name='text_status',
            field=models.CharField(choices=[('pending', '等待提取'), ('extracted', '已提取'), ('no_text', '无可检索文本'), ('failed', '提取失败'), ('unsupported', '不提取文字（格式不支持）')], default='pending', editable=False, max_length=12, verbose_name='全文检索'),
        ),
        migrations.AddField(
            model_name='disclosureitem',
            name='search_attachments',
            field=models.TextField(default='', editable=False),
        ),
        migrations.RunPython(forward, backward),
    ]
