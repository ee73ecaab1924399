"""Development: the default mode of `manage.py` (the run command)."""

from .base import *  # noqa: F403
from .base import env_bool

DEBUG = env_bool("DEBUG", True)
