from django.conf import settings
from django.core.cache import cache
from django.db import models

_CACHE_KEY = "disclosure:security-policy"


class SecurityPolicy(models.Model):
    """The office's site-wide security switches; a single row."""

    require_staff_totp = models.BooleanField(
        "工作人员必须使用两步验证", default=False,
        help_text="勾选后，所有工作人员登录管理后台前须绑定并验证动态口令（TOTP）。",
    )
    modified_at = models.DateTimeField("修改时间", auto_now=True)

    class Meta:
        verbose_name = "安全策略"
        verbose_name_plural = "安全策略"

    def __str__(self) -> str:
        return "安全策略"

    def save(self, *args, **kwargs):
        self.pk = 1
        super().save(*args, **kwargs)
        cache.delete(_CACHE_KEY)

    @classmethod
    def current(cls) -> "SecurityPolicy":
        """The policy in force (defaults when the office never saved one); cached for a minute."""
        policy = cache.get(_CACHE_KEY)
        if policy is None:
            policy = cls.objects.filter(pk=1).first() or cls(pk=1)
            cache.set(_CACHE_KEY, policy, 60)
        return policy


class DeletionRecord(models.Model):
    """A deleted item or request: what it was, who deleted it, when. Kept apart so it survives."""

    model = models.CharField("类型", max_length=100)
    object_pk = models.CharField("原编号", max_length=50)
    object_repr = models.CharField("名称", max_length=300)
    data = models.JSONField("删除前内容", default=dict, blank=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="删除人", null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    deleted_at = models.DateTimeField("删除时间", auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "删除记录"
        verbose_name_plural = "删除记录"
        ordering = ["-deleted_at", "-id"]

    def __str__(self) -> str:
        return f"{self.model} {self.object_repr}"


class StaffRole(models.Model):
    """Binds a stable role code to the auth group that carries it, so a group may be renamed."""

    code = models.CharField(
        "角色代码", max_length=30, unique=True,
        choices=[("office", "信息公开办公室"), ("supervisor", "监督部门"), ("department_editor", "部门信息员")],
    )
    group = models.OneToOneField(
        "auth.Group", verbose_name="用户组", on_delete=models.CASCADE, related_name="staff_role"
    )

    class Meta:
        verbose_name = "角色"
        verbose_name_plural = "角色"

    def __str__(self) -> str:
        return f"{self.get_code_display()}（{self.group.name}）"


class TwoFactorEvent(models.Model):
    """A staff member's second factor bound, replaced or reset: who did it, when, for whom, why.

    django-otp keeps only the devices in force; this is what happened to them. Axes' logs record
    logins, not changes of device, so they do not fit.
    """

    class Kind(models.TextChoices):
        ENROLLED = "enrolled", "绑定设备"
        REPLACED = "replaced", "更换设备"
        RESET = "reset", "办公室重置"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="工作人员", null=True, on_delete=models.SET_NULL,
        related_name="two_factor_events",
    )
    username = models.CharField(
        "用户名", max_length=150, help_text="记录时的用户名；账户删除后仍可查。"
    )
    kind = models.CharField("事项", max_length=20, choices=Kind)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="操作人", null=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    reason = models.TextField("原因", blank=True)
    devices_removed = models.PositiveSmallIntegerField("删除的设备数", default=0)

    class Meta:
        verbose_name = "两步验证记录"
        verbose_name_plural = "两步验证记录"
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.username} {self.get_kind_display()}"
