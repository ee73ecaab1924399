"""The staff second factor's verbs: binding a device and the office's reset of a lost one.

Declared in an action table like the item and request workflows, so that the admin's button and the
service ask the same question ("may this user reset that account's device now?"). Every change writes
a `TwoFactorEvent` (who, when, for whom, why) in the same transaction.
"""

from __future__ import annotations

import logging

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django_otp import devices_for_user, user_has_device

from disclosure.access import policy
from disclosure.access.action_tables import Action, ActionTable
from disclosure.access.models import TwoFactorEvent
from disclosure.core.errors import NotAllowed, TransitionNotAllowed

logger = logging.getLogger("disclosure.security")

ENROLLED, NONE = "enrolled", "none"


def _state(user) -> str:
    return ENROLLED if user_has_device(user, confirmed=True) else NONE


def state_label(user) -> str:
    return "已绑定两步验证设备" if _state(user) == ENROLLED else "未绑定两步验证设备"


TWO_FACTOR_ACTIONS = ActionTable(
    "two_factor",
    state_of=_state,
    state_label=state_label,
    actions=[
        Action("reset_two_factor", "重置两步验证", frozenset({ENROLLED}), frozenset({policy.Role.OFFICE}),
               input="reason", input_label="重置原因"),
    ],
)


@transaction.atomic
def reset_two_factor(user: AbstractBaseUser, *, by, reason: str) -> TwoFactorEvent:
    """Remove every second-factor device of `user` (a lost phone), recorded with the reason.

    Raises NotAllowed (403) unless `by` is the office, and for a superuser's account unless `by` is a
    superuser too; TransitionNotAllowed when the user has no device or no reason is given. The user
    binds a new device at the next login (when two-factor is mandatory) with the password alone,
    which is why only the office may do this, and only with a reason on record.
    """
    TWO_FACTOR_ACTIONS.check("reset_two_factor", user, by)
    if user.is_superuser and not getattr(by, "is_superuser", False):
        raise NotAllowed("只有系统管理员可以重置系统管理员的两步验证。")
    reason = (reason or "").strip()
    if not reason:
        raise TransitionNotAllowed("请填写重置原因（例如：手机遗失，本人当面确认）。")
    removed = 0
    for device in devices_for_user(user, confirmed=None):
        device.delete()
        removed += 1
    event = TwoFactorEvent.objects.create(
        user=user, username=user.get_username(), kind=TwoFactorEvent.Kind.RESET, actor=by,
        reason=reason, devices_removed=removed,
    )
    logger.warning("两步验证已重置：%s（操作人 %s）", user.get_username(), by.get_username())
    return event


@transaction.atomic
def confirm_device(user: AbstractBaseUser, device) -> TwoFactorEvent:
    """Confirm `device`, replacing the user's other devices; recorded as enrolled or replaced.

    The caller (the setup view) has made sure that a user who already has a device is in a session
    verified with it: a password alone never binds a second device over the first.
    """
    others = [d for d in devices_for_user(user, confirmed=None) if d.persistent_id != device.persistent_id]
    replaced = any(d.confirmed for d in others)
    for other in others:
        other.delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return TwoFactorEvent.objects.create(
        user=user, username=user.get_username(), actor=user, devices_removed=len(others),
        kind=TwoFactorEvent.Kind.REPLACED if replaced else TwoFactorEvent.Kind.ENROLLED,
    )
