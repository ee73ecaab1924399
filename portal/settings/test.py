"""The test suite: fast hashing, mail kept in memory, files in a temporary folder."""

import tempfile
from pathlib import Path

from .base import *  # noqa: F403

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="disclosure-test-media-"))
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# The test client's login() authenticates without a request, which django-axes refuses; the lockout
# tests (tests/security/) switch it back on with override_settings.
AXES_ENABLED = False
