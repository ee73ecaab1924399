"""The official checklist (教办函〔2014〕23号): 10 categories, 50 entries, from disclosure/catalogue/data/checklist.json."""

import json
from pathlib import Path

from django.db import migrations

CHECKLIST = Path(__file__).resolve().parent.parent / "data" / "checklist.json"


def load_checklist(apps, schema_editor):
    Category = apps.get_model("catalogue", "ChecklistCategory")
    Entry = apps.get_model("catalogue", "ChecklistEntry")
    data = json.loads(CHECKLIST.read_text(encoding="utf-8"))
    for c in data["categories"]:
        category, _ = Category.objects.update_or_create(number=c["number"], defaults={"name": c["name"]})
        for e in c["entries"]:
            Entry.objects.update_or_create(
                number=e["number"], defaults={"title": e["title"], "category": category}
            )


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0001_initial")]
    operations = [migrations.RunPython(load_checklist, migrations.RunPython.noop)]
