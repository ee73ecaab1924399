"""gunicorn settings for the portal: `gunicorn portal.wsgi:application -c gunicorn.conf.py`.

The application and jieba's dictionary (tens of MB) are loaded once in the master, before the
workers are forked, so that the workers share those pages instead of each loading its own copy.
"""

import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", (os.cpu_count() or 1) * 2 + 1))
worker_class = "sync"
preload_app = True
# A slow request (the yearly report, a large export) may take a while; a stuck one is killed.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
# Recycle workers now and then so that no slow leak grows without bound.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "5000"))
max_requests_jitter = 500
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"
# Behind the reverse proxy on the same network: trust its X-Forwarded-* headers.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")


def on_starting(server):
    # Runs in the master before the application is loaded and the workers forked.
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.production")
    django.setup()
    from disclosure.items.search import load_dictionary

    load_dictionary()


def post_fork(server, worker):
    # Connections opened in the master (while loading) must not be shared by the workers.
    from django.db import connections

    connections.close_all()
