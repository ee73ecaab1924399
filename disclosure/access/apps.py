"""Roles, the one policy module, two-factor login and deletion records."""

from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "disclosure.access"
    label = "access"
    verbose_name = "账户与权限"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.contrib.auth import get_user_model

        from disclosure.access import signals  # noqa: F401
        from disclosure.access.policy import DOMAIN_APPS
        from disclosure.core import hygiene

        # Every text typed into a form, the API or an import is cleaned before it is saved, in
        # every app of the domain (the list the roles are made of).
        hygiene.connect_hygiene(DOMAIN_APPS)
        from disclosure.access.people import person_name

        # One way to show a person everywhere a user is displayed (disclosure/access/people.py).
        get_user_model().__str__ = person_name
        _name_the_libraries_in_chinese()



def _name_the_libraries_in_chinese() -> None:
    """Chinese names for what the security libraries name in English outside gettext.

    Their field labels and messages are translated in locale/ (LOCALE_PATHS); these names are plain
    strings in their code (an app's `verbose_name`, django-otp's model names, which no migration
    records), so they are set here once.
    """
    from django.apps import apps

    names = {"axes": "登录记录", "otp_totp": "两步验证设备", "django_otp": "两步验证"}
    for label, name in names.items():
        if apps.is_installed(label) or label in apps.app_configs:
            apps.get_app_config(label).verbose_name = name
    if "otp_totp" in apps.app_configs:
        device = apps.get_model("otp_totp", "TOTPDevice")
        device._meta.verbose_name = "动态口令设备"
        device._meta.verbose_name_plural = "动态口令设备"
