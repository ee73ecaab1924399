"""Who may use the staff API: the same three roles as the admin, with the admin's two-factor rule."""

from __future__ import annotations

from rest_framework.authentication import SessionAuthentication
from rest_framework.permissions import BasePermission

from disclosure.access import policy


def _two_factor_missing(request) -> bool:
    # A browser session that signed in to the admin but has not entered its TOTP code may not
    # use the API either; a token is a credential of its own, issued by the office.
    if not isinstance(request.successful_authenticator, SessionAuthentication):
        return False
    user = request.user
    if getattr(user, "is_verified", lambda: False)():
        return False
    from django_otp import user_has_device

    from disclosure.access.models import SecurityPolicy

    return user_has_device(user, confirmed=True) or SecurityPolicy.current().require_staff_totp


class IsDisclosureStaff(BasePermission):
    """Office, supervisor or department editor; what each may do is decided by the services."""

    message = "只有信息公开办公室、监督部门和部门信息员可以使用此接口。"

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not (user and user.is_authenticated and user.is_active):
            return False
        if not (policy.sees_all_items(user) or policy.is_department_editor(user)):
            return False
        if _two_factor_missing(request):
            self.message = "请先在管理后台完成两步验证，或使用 API 令牌。"
            return False
        return True


class IsDisclosureOffice(IsDisclosureStaff):
    message = "只有信息公开办公室可以使用此接口。"

    def has_permission(self, request, view) -> bool:
        return super().has_permission(request, view) and policy.is_office(request.user)
