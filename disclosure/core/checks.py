"""System checks on the rules in `settings.DISCLOSURE`.

A university may set stricter limits than the law, never looser ones: a setting above a legal
ceiling would let the portal call a late publication or answer on time. `manage.py check`, `migrate`
and `runserver` refuse such a configuration instead of using it silently.
"""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, register

# setting: (ceiling in working days, source)
LEGAL_CEILINGS = {
    "PUBLISH_WITHIN_WORKDAYS": (20, "教办函〔2014〕23号：信息制作完成或获取之日起 20 个工作日内公开"),
    "UPDATE_WITHIN_WORKDAYS": (20, "教办函〔2014〕23号：信息变更之日起 20 个工作日内更新"),
    "REQUEST_REPLY_WORKDAYS": (15, "《高等学校信息公开办法》：收到申请之日起 15 个工作日内答复"),
    "REQUEST_EXTENSION_MAX_WORKDAYS": (15, "《高等学校信息公开办法》：延长答复期限最长不超过 15 个工作日"),
}


@register()
def check_disclosure_deadlines(app_configs=None, **kwargs) -> list[Error]:
    """Each working-day setting is a positive whole number not above its legal ceiling."""
    rules = getattr(settings, "DISCLOSURE", {})
    errors = []
    for name, (ceiling, source) in LEGAL_CEILINGS.items():
        value = rules.get(name)
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            errors.append(Error(
                f"DISCLOSURE[\"{name}\"] 应为正整数（工作日数），现为 {value!r}。",
                hint=f"法定上限为 {ceiling} 个工作日（{source}）。",
                id="disclosure.E001",
            ))
        elif value > ceiling:
            errors.append(Error(
                f"DISCLOSURE[\"{name}\"] 为 {value} 个工作日，超过法定上限 {ceiling} 个工作日。",
                hint=f"{source}。学校可以规定更短的期限，不能更长。",
                id="disclosure.E002",
            ))
    return errors
