from . import content, items, reference, reports, requests, security  # noqa: F401
