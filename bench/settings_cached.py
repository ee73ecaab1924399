"""The benchmark's settings with the public page cache in front of every public page."""

from bench.settings import *  # noqa: F403
from bench.settings import MIDDLEWARE

MIDDLEWARE = [*MIDDLEWARE, "disclosure.core.cache.PublicPageCacheMiddleware"]
