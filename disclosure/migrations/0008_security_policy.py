from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("disclosure", "0007_annual_report"),
    ]

    operations = [
        migrations.CreateModel(
            name="SecurityPolicy",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("require_staff_totp", models.BooleanField(default=False, help_text="勾选后，所有工作人员登录管理后台前须绑定并验证动态口令（TOTP）。", verbose_name="工作人员必须使用两步验证")),
                ("modified_at", models.DateTimeField(auto_now=True, verbose_name="修改时间")),
            ],
            options={"verbose_name": "安全策略", "verbose_name_plural": "安全策略"},
        ),
    ]
