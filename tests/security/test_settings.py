"""Production settings, response headers, the content policy, login lockout and staff two-factor."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from axes.models import AccessFailureLog, AccessLog
from django.conf import settings
from django.test import override_settings
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from disclosure.access.models import SecurityPolicy

ROOT = Path(__file__).resolve().parents[2]


def _manage(*args, **env):
    full_env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
    full_env |= {"DJANGO_SETTINGS_MODULE": "portal.settings.production", **env}
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=full_env,
        capture_output=True, text=True, timeout=120,
    )


def test_check_deploy_is_clean_in_production_mode():
    result = _manage(
        "check", "--deploy", "--fail-level", "WARNING",
        SECRET_KEY=secrets.token_urlsafe(64), ALLOWED_HOSTS="xxgk.example.edu.cn",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize("key", [None, settings.DEV_SECRET_KEY, "short", "django-insecure-" + "x" * 60, "a" * 60])
def test_production_refuses_a_default_or_weak_key(key):
    env = {"ALLOWED_HOSTS": "xxgk.example.edu.cn"}
    if key is not None:
        env["SECRET_KEY"] = key
    result = _manage("check", **env)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


@pytest.mark.django_db
def test_public_pages_carry_the_security_headers(client):
    response = client.get(reverse("disclosure:home"))
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy  # plus a nonce on pages that use one
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "object-src 'none'" in policy and "frame-ancestors 'none'" in policy
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*\bnonce=)(?![^>]*application/(ld\+)?json)[^>]*>", re.I)
EVENT_ATTRIBUTE = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)
JS_URL = re.compile(r"""(href|src|action)\s*=\s*["']?\s*javascript:""", re.I)


def test_templates_have_no_inline_script_or_event_attribute():
    offenders = []
    for path in (ROOT / "templates").rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        for pattern in (INLINE_SCRIPT, EVENT_ATTRIBUTE, JS_URL, re.compile(r"\sstyle\s*=", re.I)):
            if pattern.search(text):
                offenders.append(f"{path.relative_to(ROOT)}: {pattern.pattern[:30]}")
    assert not offenders, offenders


def _admin_login(client, username, password):
    return client.post(
        reverse("admin:login"), {"username": username, "password": password, "next": "/admin/"},
        REMOTE_ADDR="203.0.113.9",
    )


@pytest.mark.django_db
@override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=3)
def test_staff_login_is_locked_after_repeated_failures_and_every_attempt_is_recorded(client, office_user):
    for _ in range(3):
        response = _admin_login(client, "office", "wrong-password")
    assert response.status_code == 429
    assert "登录失败次数过多" in response.content.decode()
    # Locked: even the right password is refused now.
    response = _admin_login(client, "office", "pw-12345-long")
    assert response.status_code == 429
    assert AccessFailureLog.objects.filter(username="office", ip_address="203.0.113.9").count() >= 3
    assert not AccessLog.objects.filter(username="office").exists()


@pytest.mark.django_db
@override_settings(AXES_ENABLED=True)
def test_successful_staff_login_is_recorded(client, office_user):
    response = _admin_login(client, "office", "pw-12345-long")
    assert response.status_code == 302
    log = AccessLog.objects.get(username="office")
    assert log.ip_address == "203.0.113.9" and log.attempt_time is not None


@pytest.mark.django_db
@override_settings(AXES_ENABLED=True)
def test_lockout_is_per_account_and_address_so_one_account_cannot_lock_out_the_campus(
        client, office_user, editor):
    """A campus NAT shares one address: five failures for one account lock that account from that
    address, never every other account behind it (AXES_LOCKOUT_PARAMETERS, username + address).
    With the address alone as the parameter, the last login below is refused with a 429."""
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = _admin_login(client, "office", "wrong-password")
    assert response.status_code == 429
    # Account A is locked from this address, even with its right password …
    assert _admin_login(client, "office", "pw-12345-long").status_code == 429
    # … account B, from the same address, still logs in.
    other = client.__class__()
    response = _admin_login(other, "editor", "pw-12345-long")
    assert response.status_code == 302, response.content.decode()[:300]
    assert AccessLog.objects.filter(username="editor", ip_address="203.0.113.9").exists()


def test_password_validators_are_on():
    names = {v["NAME"].rsplit(".", 1)[-1] for v in settings.AUTH_PASSWORD_VALIDATORS}
    assert {"MinimumLengthValidator", "CommonPasswordValidator", "NumericPasswordValidator"} <= names


def _token(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


@pytest.mark.django_db
def test_staff_with_a_device_must_enter_the_code(client, office_user):
    device = TOTPDevice.objects.create(user=office_user, name="手机", confirmed=True)
    client.force_login(office_user)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("otp_verify"))
    response = client.post(reverse("otp_verify"), {"token": "000000", "next": "/admin/"})
    assert "动态口令不正确" in response.content.decode()
    # After a wrong code django-otp throttles the device: guessing is slowed down exponentially.
    device.refresh_from_db()
    assert device.throttling_failure_count == 1
    device.throttle_reset()
    response = client.post(reverse("otp_verify"), {"token": _token(device), "next": "/admin/"})
    assert response.status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200


@pytest.mark.django_db
def test_two_factor_is_optional_until_the_office_makes_it_mandatory(client, editor):
    client.force_login(editor)
    assert client.get(reverse("admin:index")).status_code == 200
    SecurityPolicy.objects.create(require_staff_totp=True)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("otp_setup"))
    page = client.get(reverse("otp_setup"))
    assert "绑定" in page.content.decode()
    device = TOTPDevice.objects.get(user=editor, confirmed=False)
    response = client.post(reverse("otp_setup"), {"token": _token(device), "next": "/admin/"})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(reverse("admin:index")).status_code == 200


@pytest.mark.django_db
def test_otp_next_cannot_redirect_off_site(client, office_user):
    device = TOTPDevice.objects.create(user=office_user, name="手机", confirmed=True)
    client.force_login(office_user)
    response = client.post(reverse("otp_verify"), {"token": _token(device), "next": "https://evil.example/"})
    assert response["Location"] == reverse("admin:index")
