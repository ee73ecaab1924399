"""Fixtures of the back-office tests: the door tests' world (one of everything, personal data planted)."""

from tests.access.test_doors import world  # noqa: F401 - a fixture, shared
