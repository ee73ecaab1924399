from . import items, reference  # noqa: F401
