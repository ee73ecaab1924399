"""The public URLs that exist right now, found by walking the URL configuration.

Each entry is (name, url) where `url` carries the sample values below, so tests can swap them for
hostile ones. Admin and staff two-factor pages are left out: they are behind login.
"""

from __future__ import annotations

from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse
from django.urls.converters import IntConverter

SAMPLE_INT = 7777777
SAMPLE_STR = "zzsample"
SKIPPED_NAMESPACES = {"admin"}
SKIPPED_NAMES = {"otp_verify", "otp_setup"}


def _walk(patterns, namespace, converters):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = namespace
            if entry.namespace:
                ns = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            if ns and ns.split(":")[0] in SKIPPED_NAMESPACES:
                continue
            yield from _walk(entry.url_patterns, ns, {**converters, **getattr(entry.pattern, "converters", {})})
        elif isinstance(entry, URLPattern) and entry.name and entry.name not in SKIPPED_NAMES:
            route_converters = {**converters, **getattr(entry.pattern, "converters", {})}
            groups = set(entry.pattern.regex.groupindex)
            yield (f"{namespace}:{entry.name}" if namespace else entry.name), route_converters, groups


def _sample(name, converter):
    if name == "format":
        return "json"
    if name == "section":
        return SAMPLE_STR
    return SAMPLE_INT if isinstance(converter, IntConverter) else SAMPLE_STR


def public_urls() -> list[tuple[str, str]]:
    """(url name, sample URL) for every named, non-admin route; format-suffix twins are dropped."""
    found: dict[str, str] = {}
    for name, converters, groups in _walk(get_resolver().url_patterns, None, {}):
        if "format" in groups:
            continue
        kwargs = {group: _sample(group, converters.get(group)) for group in groups}
        try:
            url = reverse(name, kwargs=kwargs)
        except NoReverseMatch:
            continue
        found.setdefault(name, url)
    return sorted(found.items())


def with_values(url: str, *, pk=None, slug=None) -> str:
    if pk is not None:
        url = url.replace(str(SAMPLE_INT), str(pk))
    if slug is not None:
        url = url.replace(SAMPLE_STR, slug)
    return url
