"""Second factor: a password alone never binds a device over an existing one; the office resets a
lost device, recorded; the admin never shows a device's secret."""

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from disclosure.access import actions as access_actions
from disclosure.access.models import SecurityPolicy, TwoFactorEvent
from disclosure.core.errors import TransitionNotAllowed

pytestmark = pytest.mark.django_db


def _token(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def _verify(client, device):
    response = client.post(reverse("otp_verify"), {"token": _token(device), "next": "/admin/"})
    assert response.status_code == 302 and response["Location"] == "/admin/"


@pytest.fixture
def phone(office_user):
    return TOTPDevice.objects.create(user=office_user, name="手机", confirmed=True)


def test_a_password_alone_cannot_bind_a_device_over_an_existing_one(client, office_user, phone):
    """The door: with the password only, /admin/otp/setup/ used to show a new secret and its
    confirmation gave full access. Now it sends the session to the existing device's code."""
    client.force_login(office_user)
    response = client.get(reverse("otp_setup"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("otp_verify"))
    # No new secret was made or shown.
    assert list(TOTPDevice.objects.filter(user=office_user)) == [phone]
    # Posting a code for a device made by hand does not help either.
    stolen = TOTPDevice.objects.create(user=office_user, name="攻击者", confirmed=False)
    response = client.post(reverse("otp_setup"), {"token": _token(stolen), "next": "/admin/"})
    assert response.status_code == 302 and response["Location"].startswith(reverse("otp_verify"))
    stolen.refresh_from_db()
    assert not stolen.confirmed
    assert client.get(reverse("admin:index"))["Location"].startswith(reverse("otp_verify"))
    assert not TwoFactorEvent.objects.exists()


def test_a_session_verified_with_the_old_device_may_replace_it(client, office_user, phone):
    client.force_login(office_user)
    _verify(client, phone)
    page = client.get(reverse("otp_setup"))
    assert page.status_code == 200 and "更换" in page.content.decode()
    new = TOTPDevice.objects.get(user=office_user, confirmed=False)
    response = client.post(reverse("otp_setup"), {"token": _token(new), "next": "/admin/"})
    assert response.status_code == 302
    assert list(TOTPDevice.objects.filter(user=office_user, confirmed=True)) == [new]
    assert not TOTPDevice.objects.filter(pk=phone.pk).exists()
    event = TwoFactorEvent.objects.get()
    assert (event.kind, event.user, event.actor, event.devices_removed) == ("replaced", office_user, office_user, 1)
    assert client.get(reverse("admin:index")).status_code == 200


def test_first_binding_is_recorded(client, editor):
    SecurityPolicy.objects.create(require_staff_totp=True)
    client.force_login(editor)
    client.get(reverse("otp_setup"))
    client.get(reverse("otp_setup"))  # a reload reuses the pending device, never a second one
    device = TOTPDevice.objects.get(user=editor, confirmed=False)
    assert client.post(reverse("otp_setup"), {"token": _token(device), "next": "/admin/"}).status_code == 302
    assert TwoFactorEvent.objects.get().kind == "enrolled"


@pytest.fixture
def admin_user(django_user_model):
    return django_user_model.objects.create_superuser("root", password="pw-12345-long")


def test_the_office_resets_a_lost_device_from_the_user_page_and_it_is_recorded(
        client, admin_user, editor):
    lost = TOTPDevice.objects.create(user=editor, name="丢失的手机", confirmed=True)
    client.force_login(admin_user)
    change = client.get(reverse("admin:auth_user_change", args=[editor.pk])).content.decode()
    reset_url = reverse("admin:auth_user_two_factor_reset", args=[editor.pk])
    assert reset_url in change and "已绑定两步验证设备" in change
    # A reason is required.
    refused = client.post(reset_url, {"reason": ""})
    assert refused.status_code == 400 and TOTPDevice.objects.filter(pk=lost.pk).exists()
    response = client.post(reset_url, {"reason": "手机遗失，本人当面确认"})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=editor).exists()
    event = TwoFactorEvent.objects.get()
    assert (event.kind, event.user, event.username, event.actor, event.reason, event.devices_removed) == (
        "reset", editor, "editor", admin_user, "手机遗失，本人当面确认", 1)
    assert event.at is not None
    # The record is in the admin, read-only.
    listing = client.get(reverse("admin:access_twofactorevent_changelist")).content.decode()
    assert "手机遗失，本人当面确认" in listing
    assert client.post(reverse("admin:access_twofactorevent_delete", args=[event.pk])).status_code == 403
    # Nothing left to reset: the action is no longer offered.
    assert reset_url not in client.get(reverse("admin:auth_user_change", args=[editor.pk])).content.decode()


def test_only_the_office_may_reset_and_not_a_superusers_device(office_user, supervisor, editor, admin_user):
    TOTPDevice.objects.create(user=editor, name="手机", confirmed=True)
    TOTPDevice.objects.create(user=admin_user, name="手机", confirmed=True)
    for outsider in (supervisor, editor):
        with pytest.raises(PermissionDenied):
            access_actions.reset_two_factor(editor, by=outsider, reason="试试")
    with pytest.raises(PermissionDenied):
        access_actions.reset_two_factor(admin_user, by=office_user, reason="试试")
    with pytest.raises(TransitionNotAllowed):
        access_actions.reset_two_factor(office_user, by=office_user, reason="没有设备")
    access_actions.reset_two_factor(editor, by=office_user, reason="手机遗失")
    assert not TOTPDevice.objects.filter(user=editor).exists()
    assert TwoFactorEvent.objects.filter(kind="reset").count() == 1


def test_the_reset_page_refuses_other_staff(client, supervisor, editor):
    TOTPDevice.objects.create(user=editor, name="手机", confirmed=True)
    client.force_login(supervisor)
    response = client.post(reverse("admin:auth_user_two_factor_reset", args=[editor.pk]), {"reason": "x"})
    assert response.status_code == 403
    assert TOTPDevice.objects.filter(user=editor).exists()


def test_the_admin_never_shows_a_devices_secret(client, admin_user, settings):
    assert settings.OTP_ADMIN_HIDE_SENSITIVE_DATA is True
    device = TOTPDevice.objects.create(user=admin_user, name="手机", confirmed=True)
    client.force_login(admin_user)
    _verify(client, device)
    page = client.get(reverse("admin:otp_totp_totpdevice_change", args=[device.pk])).content.decode()
    assert device.key not in page and 'name="key"' not in page
    listing = client.get(reverse("admin:otp_totp_totpdevice_changelist")).content.decode()
    assert device.key not in listing and "qrcode" not in listing.lower()
    assert client.get(reverse("admin:otp_totp_totpdevice_config", args=[device.pk])).status_code == 403
    assert client.get(reverse("admin:otp_totp_totpdevice_qrcode", args=[device.pk])).status_code == 403
    assert get_user_model().objects.count() == 1
