"""`{% site_url 'disclosure:home' %}` and `{% site_url 'disclosure:item' item.pk %}`: `{% url %}` without
resolver work on each use.

Every public page carries the same navigation links, and list pages one link per row; reversing
each of them on every request was a measurable share of rendering a page. A link without argument
is reversed once per process; a link with one whole-number argument is reversed once into a
pattern that the number is put into.
"""

from functools import lru_cache

from django import template
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import get_script_prefix, get_urlconf, reverse

register = template.Library()

# Stands for the argument while the pattern is reversed; digits, so that any converter accepts it.
_PLACEHOLDER = "9081726354453627180"


@lru_cache(maxsize=256)
def _reverse(name: str, prefix: str, urlconf) -> str:
    # The prefix is part of the key: reverse() reads it, and it differs behind a sub-path proxy.
    return reverse(name, urlconf=urlconf)


@lru_cache(maxsize=256)
def _pattern(name: str, prefix: str, urlconf) -> tuple[str, str] | None:
    url = reverse(name, args=[_PLACEHOLDER], urlconf=urlconf)
    if url.count(_PLACEHOLDER) != 1:
        return None
    head, tail = url.split(_PLACEHOLDER)
    return head, tail


@register.simple_tag
def site_url(name: str, arg=None) -> str:
    prefix, urlconf = get_script_prefix(), get_urlconf()
    if arg is None:
        return _reverse(name, prefix, urlconf)
    # bool is an int too, and no path takes one.
    if type(arg) is int and arg >= 0:
        pattern = _pattern(name, prefix, urlconf)
        if pattern is not None:
            return f"{pattern[0]}{arg}{pattern[1]}"
    return reverse(name, args=[arg], urlconf=urlconf)


@receiver(setting_changed)
def _forget(setting, **kwargs):
    if setting == "ROOT_URLCONF":
        _reverse.cache_clear()
        _pattern.cache_clear()
