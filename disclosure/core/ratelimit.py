"""Limits on public submissions (requests, error reports), per client address, in the cache.

With Redis as the cache every web process shares the counts; with the local-memory default each
process counts alone. If the cache is unreachable the limit is not enforced (the site keeps serving).
"""

from __future__ import annotations

import hashlib
import time

from django.conf import settings
from django.core.cache import cache


def client_address(request) -> str:
    """The client's address; behind the reverse proxy, the last address it appended."""
    if getattr(settings, "TRUST_X_FORWARDED_FOR", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def hit(scope: str, request, *, limit: int, window_seconds: int) -> bool:
    """Count one submission in `scope`; False when the client is over `limit` in the window."""
    address = hashlib.sha256(client_address(request).encode()).hexdigest()[:24]
    bucket = int(time.time() // window_seconds)
    key = f"ratelimit:{scope}:{address}:{bucket}"
    try:
        if cache.add(key, 1, timeout=window_seconds + 5):
            count = 1
        else:
            count = cache.incr(key)
    except Exception:  # noqa: BLE001 - a cache outage must not block submissions
        return True
    # django-redis with IGNORE_EXCEPTIONS answers None instead of raising when Redis is down.
    return count is None or count <= limit
