"""Databases that tests make on the suite's PostgreSQL server for the processes they start.

A test connects only to databases it creates and, to create and drop them, to the server's
`postgres` maintenance database, as Django's test runner does: the database named in DATABASE_URL
need not exist (the suite itself runs in its own `test_…` database).
"""

from __future__ import annotations

import urllib.parse

MAINTENANCE_DATABASE = "postgres"


def server_admin(settings_dict: dict):
    """An autocommit connection to the server's maintenance database, with the suite's credentials.

    Only the server and the credentials are taken from `settings_dict`, never its database name.
    """
    import psycopg2

    admin = psycopg2.connect(
        dbname=MAINTENANCE_DATABASE, user=settings_dict["USER"] or None,
        password=settings_dict["PASSWORD"] or None, host=settings_dict["HOST"] or None,
        port=settings_dict["PORT"] or None,
    )
    admin.autocommit = True
    return admin


def database_url(settings_dict: dict, name: str) -> str:
    """The DATABASE_URL a process started by a test uses to reach database `name` on the server."""
    auth = urllib.parse.quote(settings_dict["USER"] or "", safe="")
    if settings_dict["PASSWORD"]:
        auth += ":" + urllib.parse.quote(settings_dict["PASSWORD"], safe="")
    host = settings_dict["HOST"] or "127.0.0.1"
    return f"postgres://{auth}@{host}:{settings_dict['PORT'] or 5432}/{name}"
