import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("disclosure", "0010_seed_reply_letter_templates"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="DeletionRecord",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("model", models.CharField(max_length=100, verbose_name="类型")),
                ("object_pk", models.CharField(max_length=50, verbose_name="原编号")),
                ("object_repr", models.CharField(max_length=300, verbose_name="名称")),
                ("data", models.JSONField(blank=True, default=dict, verbose_name="删除前内容")),
                ("deleted_at", models.DateTimeField(auto_now_add=True, db_index=True, verbose_name="删除时间")),
                ("deleted_by", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL, verbose_name="删除人")),
            ],
            options={"verbose_name": "删除记录", "verbose_name_plural": "删除记录", "ordering": ["-deleted_at", "-id"]},
        ),
    ]
