"""Staff two-factor: enter the TOTP code after the password, or bind a device first."""

from __future__ import annotations

import base64
import logging
from urllib.parse import urlencode

from django import forms
from django.contrib import admin
from django.contrib.admin.views.decorators import staff_member_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django_otp import login as otp_login
from django_otp import match_token, user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

from disclosure.access.actions import confirm_device

logger = logging.getLogger("disclosure.security")


class TokenForm(forms.Form):
    token = forms.RegexField(
        label="动态口令", regex=r"^\d{6,8}$", max_length=8,
        error_messages={"invalid": "请输入验证器应用中显示的 6 位数字。"},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


def _next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return target
    return reverse("admin:index")


@never_cache
@staff_member_required
def otp_verify(request):
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(request.user, form.cleaned_data["token"])
        if device is not None:
            otp_login(request, device)
            logger.warning("两步验证通过：%s", request.user.get_username())
            return redirect(_next_url(request))
        logger.warning("两步验证失败：%s", request.user.get_username())
        form.add_error("token", "动态口令不正确或已过期。")
    return render(request, "security/otp_verify.html", {
        **admin.site.each_context(request), "form": form, "next": _next_url(request),
        "title": "两步验证",
    })


@never_cache
@staff_member_required
def otp_setup(request):
    """Bind an authenticator. Over an existing device only from a session verified with it: with a
    password alone, a new secret here would be a second factor for whoever holds the password."""
    if user_has_device(request.user, confirmed=True) and not request.user.is_verified():
        logger.warning("未经两步验证的会话试图更换设备：%s", request.user.get_username())
        return redirect(f"{reverse('otp_verify')}?{urlencode({'next': request.get_full_path()})}")
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).order_by("-pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=request.user, confirmed=False, name="验证器应用")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            event = confirm_device(request.user, device)
            otp_login(request, device)
            logger.warning("两步验证设备%s：%s", event.get_kind_display(), request.user.get_username())
            return redirect(_next_url(request))
        form.add_error("token", "动态口令不正确，请确认手机时间准确后重试。")
    return render(request, "security/otp_setup.html", {
        **admin.site.each_context(request), "form": form, "next": _next_url(request),
        "title": "绑定两步验证", "config_url": device.config_url,
        "secret": base64.b32encode(device.bin_key).decode(),
        "replacing": user_has_device(request.user, confirmed=True),
    })
