"""nginx with the shipped docker/nginx.conf in front of the app: its micro-cache keeps public pages
for a few seconds and never keeps, nor serves from the cache, anything for a request with
credentials (an Authorization token, a session or CSRF cookie).

The configuration is the shipped file itself; only where nginx listens, where the app is and where
files go are changed, so the caching rules under test are the ones deployed. Debian's nginx
(`nginx-light`, installed by `make test` when missing) runs it; without it the tests skip.
"""

from __future__ import annotations

import datetime as dt
import http.client
import importlib
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import connection
from django.test import Client
from rest_framework.authtoken.models import Token

from bench import stack
from disclosure.access import policy as roles
from disclosure.catalogue.models import ChecklistEntry, Department
from disclosure.disclosure_requests import actions as request_services
from disclosure.items import actions as services
from tests.conftest import REFERENCE_DATA
from tests.databases import database_url

ROOT = Path(__file__).resolve().parents[2]
NGINX = stack.NGINX
MAX_AGE = 30  # long enough that a slow machine still sees the second request hit
PERSONAL = ("张申请人", "11010519491231002X", "13800138000")

pytestmark = pytest.mark.skipif(
    not NGINX.exists(), reason="需要 Debian 的 nginx（/usr/sbin/nginx，apt-get install nginx-light），未安装，跳过"
)


@contextmanager
def nginx_in_front_of(upstream: int):
    with stack.nginx_in_front_of(upstream, stack.free_port()) as proxy:
        yield proxy


@dataclass
class Answer:
    status: int
    headers: http.client.HTTPMessage
    text: str

    @property
    def cache(self) -> str:
        return self.headers.get("X-Proxy-Cache", "")


def get(base: str, path: str, headers: dict[str, str] | None = None) -> Answer:
    url = urllib.parse.urlsplit(base)
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        return Answer(response.status, response.headers, response.read().decode("utf-8", "replace"))
    finally:
        connection.close()


# ---- The shipped rules alone, in front of an upstream that calls everything public ----


class CarelessUpstream(BaseHTTPRequestHandler):
    """Answers every request `public, max-age=60`, even one with a token: only nginx stands guard.

    Paths under /unmarked/ carry no Cache-Control at all. Paths under /withdrawn/ are a page kept for
    one second that answers 404 once it is listed in `withdrawn`, as a withdrawn item does.
    """

    protocol_version = "HTTP/1.1"
    withdrawn: set[str] = set()

    def do_GET(self):  # noqa: N802 - the name http.server calls
        if self.path.startswith("/withdrawn/"):
            gone = self.path in self.withdrawn
            body = ("没有此页" if gone else "公开事项").encode()
            self.send_response(404 if gone else 200)
            if not gone:
                self.send_header("Cache-Control", "public, max-age=1")
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        credentials = self.headers.get("Authorization") or self.headers.get("Cookie")
        body = f"{self.path} {'某人的个人数据' if credentials else '公开页面'}".encode()
        self.send_response(200)
        if not self.path.startswith("/unmarked/"):
            self.send_header("Cache-Control", "public, max-age=60")
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def careless_proxy():
    server = ThreadingHTTPServer(("127.0.0.1", 0), CarelessUpstream)
    thread = threading.Thread(target=server.serve_forever, args=(0.1,), daemon=True)
    thread.start()
    try:
        with nginx_in_front_of(server.server_address[1]) as proxy:
            yield proxy
    finally:
        server.shutdown()
        server.server_close()


def test_a_page_that_is_gone_is_not_served_stale_after_its_max_age(careless_proxy):
    """A withdrawn item leaves the micro-cache when its copy expires: the refresh's 404 is what the
    next visitors get, never the expired copy again (as `proxy_cache_background_update` would do)."""
    path = "/withdrawn/1"
    assert (get(careless_proxy, path).cache, get(careless_proxy, path).cache) == ("MISS", "HIT")
    CarelessUpstream.withdrawn.add(path)
    time.sleep(2.1)  # nginx counts whole seconds: max-age=1 keeps a copy fresh for 1 to 2 s
    answers = [get(careless_proxy, path) for _ in range(3)]
    assert [a.status for a in answers] == [404, 404, 404]


CREDENTIALS = {
    "token": {"Authorization": "Token 0123456789abcdef"},
    "session": {"Cookie": "sessionid=abcdefghijklmnopqrstuvwxyz012345"},
    "csrf": {"Cookie": "theme=dark; csrftoken=abcdefghijklmnopqrstuvwxyz012345"},
}


@pytest.mark.parametrize("kind", CREDENTIALS)
def test_answer_to_credentials_is_neither_stored_nor_served_from_the_cache(careless_proxy, kind):
    path = f"/staff/{kind}/"
    mine = get(careless_proxy, path, CREDENTIALS[kind])
    assert mine.cache == "BYPASS" and "某人的个人数据" in mine.text
    anonymous = get(careless_proxy, path)
    assert anonymous.cache == "MISS" and "某人的个人数据" not in anonymous.text

    # The anonymous answer is stored now, and still not handed to a request with credentials.
    assert get(careless_proxy, path).cache == "HIT"
    assert get(careless_proxy, path, CREDENTIALS[kind]).cache == "BYPASS"


def test_answer_without_a_public_cache_control_is_not_stored(careless_proxy):
    get(careless_proxy, "/unmarked/page/")
    assert get(careless_proxy, "/unmarked/page/").cache == "MISS"


def test_cookies_that_carry_no_credentials_do_not_bypass_the_cache(careless_proxy):
    get(careless_proxy, "/public/page/")
    assert get(careless_proxy, "/public/page/", {"Cookie": "theme=dark; xsessionid=1"}).cache == "HIT"


# ---- The app itself behind the shipped configuration ----

APPLICANT = {
    "applicant_type": "citizen", "applicant_name": "张申请人", "id_number": "11010519491231002X",
    "phone": "13800138000", "description": "请公开2025年本科招生录取分数线。",
    "preferred_form": "electronic", "delivery": "post",
}


@dataclass
class Site:
    proxy: str
    item: int
    token: str
    session: str


def _make_data() -> tuple[int, str, str]:
    """A published item, a request with an applicant's personal data, and an office token and session."""
    if not ChecklistEntry.objects.exists():  # emptied by a transactional test before this module
        for module, function in REFERENCE_DATA:
            getattr(importlib.import_module(module), function)(apps, None)
    roles.sync_role_groups()
    office = User.objects.create_user("office-nginx", first_name="王办", last_name="公", is_staff=True)
    office.groups.add(roles.group_for(roles.OFFICE))
    office = User.objects.get(pk=office.pk)
    department = Department.objects.create(name="教务处", code="jwc")
    item = services.create_item(by=office, title="学校章程", department=department,
                                entries=[ChecklistEntry.objects.get(number=2)],
                                produced_on=dt.date(2026, 3, 2), body="<p>章程全文。</p>")
    item = services.submit_for_review(item, by=office)
    item = services.publish_item(item, by=office, confirm_review_now=True)
    request_services.receive_request(by=office, channel="letter", **APPLICANT)
    browser = Client()
    browser.force_login(office, backend="django.contrib.auth.backends.ModelBackend")
    session = browser.cookies[settings.SESSION_COOKIE_NAME].value
    return item.pk, Token.objects.create(user=office).key, session


def _database_url(folder: Path) -> str:
    """The suite's test database, as the app process reaches it."""
    if connection.vendor == "sqlite":
        # In this process's memory: the app gets a copy on disk.
        path = folder / "db.sqlite3"
        connection.ensure_connection()
        target = sqlite3.connect(path)
        try:
            connection.connection.backup(target)
        finally:
            target.close()
        return f"sqlite:///{path}"
    return database_url(connection.settings_dict, connection.settings_dict["NAME"])


@pytest.fixture(scope="module")
def site(django_db_setup, django_db_blocker):
    """gunicorn over the test database, as deployed without Redis (local memory), behind nginx."""
    folder = Path(tempfile.mkdtemp(prefix="disclosure-nginx-app-"))
    app = None
    try:
        with django_db_blocker.unblock():
            item, token, session = _make_data()
            database_url = _database_url(folder)
        env = {
            **{k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "TEST_DATABASE_NAME"}},
            "DJANGO_SETTINGS_MODULE": "portal.settings.base",
            "DATABASE_URL": database_url,
            "MEDIA_ROOT": str(folder / "media"),
            # The session above was signed with this process's key.
            "SECRET_KEY": settings.SECRET_KEY,
            "ALLOWED_HOSTS": "127.0.0.1",
            "DEBUG": "0",
            "CONN_MAX_AGE": "0",
            "PUBLIC_PAGE_MAX_AGE": str(MAX_AGE),
        }
        port = stack.free_port()
        app = subprocess.Popen(
            [str(Path(sys.executable).with_name("gunicorn")), "portal.wsgi:application",
             "--bind", f"127.0.0.1:{port}", "--workers", "1", "--log-level", "warning"],
            env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )
        stack.wait_until_up(f"http://127.0.0.1:{port}/robots.txt", app)
        with nginx_in_front_of(port) as proxy:
            yield Site(proxy, item, token, session)
    finally:
        if app is not None:
            app.terminate()
            try:
                app.wait(timeout=10)
            except subprocess.TimeoutExpired:
                app.kill()
        # Committed outside any test's transaction: emptied as after a transactional test (the
        # reference data comes back through tests/conftest.py).
        with django_db_blocker.unblock():
            call_command("flush", interactive=False, verbosity=0)
        shutil.rmtree(folder, ignore_errors=True)


# The mark makes pytest-django create the test database even when this module runs alone.
@pytest.mark.django_db
def test_staff_answer_to_a_token_never_reaches_an_anonymous_visitor(site):
    url = "/api/v1/staff/requests/"
    staff = get(site.proxy, url, {"Authorization": f"Token {site.token}"})
    assert staff.status == 200 and "张申请人" in staff.text

    anonymous = get(site.proxy, url)
    for private in PERSONAL:
        assert private not in anonymous.text, f"匿名访客拿到了缓存的个人数据（{anonymous.cache}）"
    assert anonymous.status in (401, 403) and anonymous.cache != "HIT"
    # Both layers refuse: nginx bypasses the token, and Django forbids any cache to keep it.
    assert staff.cache == "BYPASS"
    assert staff.headers["Cache-Control"] == "private, no-store"


@pytest.mark.django_db
def test_public_page_is_micro_cached(site):
    url = f"/items/{site.item}/"
    first, second = get(site.proxy, url), get(site.proxy, url)
    assert first.status == second.status == 200 and "学校章程" in first.text
    assert first.headers["Cache-Control"] == f"public, max-age={MAX_AGE}"
    assert first.cache == "MISS" and second.cache == "HIT"
    assert second.text == first.text


@pytest.mark.django_db
def test_signed_in_staff_bypass_the_micro_cache_and_leave_nothing_in_it(site):
    signed_in = {"Cookie": f"{settings.SESSION_COOKIE_NAME}={site.session}"}
    form_visitor = {"Cookie": f"{settings.CSRF_COOKIE_NAME}={'x' * 32}"}

    url = "/departments/jwc/"
    get(site.proxy, url)
    assert get(site.proxy, url).cache == "HIT"  # the anonymous page is in the cache
    for headers in (signed_in, form_visitor):
        answer = get(site.proxy, url, headers)
        assert answer.status == 200 and answer.cache == "BYPASS"
        assert answer.headers["Cache-Control"] == "private, no-store"

    # What a signed-in member of staff was answered is not stored for the next visitor.
    staff = get(site.proxy, "/admin/", signed_in)
    assert staff.status == 200 and "公王办" in staff.text and staff.cache == "BYPASS"
    fresh = "/checklist/"
    assert get(site.proxy, fresh, signed_in).cache == "BYPASS"
    assert get(site.proxy, fresh).cache == "MISS"
