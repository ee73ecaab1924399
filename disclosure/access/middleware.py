"""Staff two-factor login in the admin (django-otp)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import HttpResponseRedirect
from django.urls import reverse


class StaffTwoFactorMiddleware:
    """In the admin, staff with a TOTP device must enter its code; when the office makes two-factor
    mandatory, staff without a device must bind one first. Needs django-otp's OTPMiddleware before it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self._redirect(request) or self.get_response(request)

    def _redirect(self, request):
        admin_root = reverse("admin:index")
        if not request.path.startswith(admin_root):
            return None
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not user.is_staff:
            return None
        verify, setup = reverse("otp_verify"), reverse("otp_setup")
        if request.path in {verify, setup, reverse("admin:logout"), reverse("admin:jsi18n")}:
            return None
        if getattr(user, "is_verified", lambda: False)():
            return None
        from django_otp import user_has_device

        from disclosure.access.models import SecurityPolicy

        if user_has_device(user, confirmed=True):
            target = verify
        elif SecurityPolicy.current().require_staff_totp:
            target = setup
        else:
            return None
        return HttpResponseRedirect(f"{target}?{urlencode({'next': request.get_full_path()})}")
