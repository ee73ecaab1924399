"""The benchmark's settings with the public page cache where the portal ships it: above the session,
auth and messages middleware, so that a hit skips their work."""

from bench.settings import *  # noqa: F403
from bench.settings import SHIPPED_MIDDLEWARE

MIDDLEWARE = SHIPPED_MIDDLEWARE
