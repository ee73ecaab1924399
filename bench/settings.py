"""The benchmark's settings: production-like (DEBUG off, Redis cache) on its own database."""

import os

from portal.settings.base import *  # noqa: F403

DEBUG = False
ALLOWED_HOSTS = ["*"]
DATABASES = {
    "default": {
        **dj_database_url.parse(  # noqa: F405
            os.environ.get(
                "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/disclosure_bench"
            ),
            conn_max_age=600,
        ),
    }
}
# Another database on the same server (`python -m bench.generate --database NAME`), so that a trial
# load never replaces the data someone is measuring.
if os.environ.get("BENCH_DATABASE_NAME"):
    DATABASES["default"]["NAME"] = os.environ["BENCH_DATABASE_NAME"]
# A Redis database and key prefix of its own, so that a run never reads another run's pages.
CACHES = {
    "default": {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/9"),
        "KEY_PREFIX": "bench",
        "OPTIONS": {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 1, "SOCKET_TIMEOUT": 1},
    }
}
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
# The portal's pages plus the framework floor (bench/urls.py).
ROOT_URLCONF = "bench.urls"
# The shipped stack, page cache included, as `bench.settings_cached` runs it.
SHIPPED_MIDDLEWARE = list(MIDDLEWARE)  # noqa: F405
# Uncached figures: the page cache is measured separately with `bench.settings_cached`.
MIDDLEWARE = [m for m in MIDDLEWARE if m != "disclosure.core.cache.PublicPageCacheMiddleware"]  # noqa: F405
LOGGING = {"version": 1, "disable_existing_loggers": False}
