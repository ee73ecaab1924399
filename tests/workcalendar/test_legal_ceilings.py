"""The working-day settings cannot exceed the legal ceilings: a system check error, not a silent setting."""

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from disclosure.core.checks import check_disclosure_deadlines


def test_the_shipped_settings_pass():
    assert check_disclosure_deadlines() == []


@pytest.mark.parametrize(
    ("name", "value", "ceiling"),
    [
        ("PUBLISH_WITHIN_WORKDAYS", 21, 20),
        ("UPDATE_WITHIN_WORKDAYS", 25, 20),
        ("REQUEST_REPLY_WORKDAYS", 20, 15),  # the 条例's 20 days do not bind a university
        ("REQUEST_EXTENSION_MAX_WORKDAYS", 16, 15),
    ],
)
def test_a_setting_above_its_ceiling_is_an_error(db, settings, name, value, ceiling):
    settings.DISCLOSURE = {**settings.DISCLOSURE, name: value}
    errors = check_disclosure_deadlines()
    assert [e.id for e in errors] == ["disclosure.E002"]
    assert f"{value} 个工作日，超过法定上限 {ceiling} 个工作日" in errors[0].msg
    with pytest.raises(SystemCheckError, match=name):
        # The database checks on the one database the test may use (the test settings also name a
        # replica alias, which `check` would otherwise ask what it supports).
        call_command("check", databases=["default"])


@pytest.mark.parametrize("value", [0, -3, "15", 12.5, None, True])
def test_a_setting_that_is_not_a_positive_whole_number_is_an_error(settings, value):
    settings.DISCLOSURE = {**settings.DISCLOSURE, "PUBLISH_WITHIN_WORKDAYS": value}
    assert [e.id for e in check_disclosure_deadlines()] == ["disclosure.E001"]


def test_stricter_limits_are_allowed(settings):
    settings.DISCLOSURE = {**settings.DISCLOSURE, "PUBLISH_WITHIN_WORKDAYS": 10,
                           "REQUEST_REPLY_WORKDAYS": 10, "REQUEST_EXTENSION_MAX_WORKDAYS": 5}
    assert check_disclosure_deadlines() == []
