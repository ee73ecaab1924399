"""The test suite: fast hashing, mail kept in memory, files in a temporary folder."""

import tempfile
from pathlib import Path

from .base import *  # noqa: F403

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="disclosure-test-media-"))
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Tests change data inside a transaction that never commits, so the purge on commit never runs:
# pages and remembered counts are not kept (the page cache tests switch it on).
PUBLIC_PAGE_CACHE_SECONDS = 0
# Each test worker is one process with its own database and local-memory cache: the page cache
# tests may switch it on.
PUBLIC_PAGE_CACHE_SINGLE_PROCESS = True
# The test client's login() authenticates without a request, which django-axes refuses; the lockout
# tests (tests/security/) switch it back on with override_settings.
AXES_ENABLED = False
# A second alias on the one test database, as a replica would be; the router stays off except in the
# tests that switch it on (tests/core/test_replica.py), whatever DATABASE_REPLICA_URL says.
DATABASES["replica"] = {  # noqa: F405
    **{k: v for k, v in DATABASES["default"].items() if k != "TEST"},  # noqa: F405
    "TEST": {"MIRROR": "default"},
}
DATABASE_ROUTERS = []
