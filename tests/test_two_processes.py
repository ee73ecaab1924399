"""Two app processes on one PostgreSQL and one Redis behave as one site.

What is done through one process (a rate-limited submission, a sign-in, an uploaded file) is seen
by the other: nothing that matters is kept in a process or on its local disk beyond the shared
media folder (or object storage). This is what lets the web service scale to several replicas.
"""

from __future__ import annotations

import http.cookiejar
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import urllib.error
import urllib.parse
import urllib.request
import uuid
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings

from bench.stack import free_port, wait_until_up
from tests.databases import database_url, server_admin

ROOT = Path(__file__).resolve().parent.parent
REDIS_HOST, REDIS_PORT, REDIS_DB = "127.0.0.1", 6379, 13

pytestmark = pytest.mark.postgres


def _server() -> dict:
    """The suite's PostgreSQL server and credentials (its database name is never used)."""
    server = settings.DATABASES["default"]
    if "postgresql" not in server["ENGINE"]:
        pytest.skip("两进程测试需要 PostgreSQL：设置 DATABASE_URL=postgres://... 后运行（SQLite 下跳过）")
    return server


def _redis_up() -> bool:
    try:
        with socket.create_connection((REDIS_HOST, REDIS_PORT), timeout=1) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


class _Form(HTMLParser):
    """The fields of the first form with a given id (or the first form), as a browser would send them."""

    def __init__(self, form_id: str | None = None):
        super().__init__()
        self.form_id, self.inside, self.done = form_id, False, False
        self.fields: list[tuple[str, str]] = []
        self._select: str | None = None
        self._select_value: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and not self.done and (self.form_id is None or a.get("id") == self.form_id):
            self.inside = True
        if not self.inside:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text")
            if kind in ("submit", "button", "file", "image"):
                return
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            self.fields.append((name, a.get("value", "on" if kind == "checkbox" else "")))
        elif tag == "select" and name:
            self._select, self._select_value = name, None
        elif tag == "option" and self._select is not None:
            if "selected" in a or self._select_value is None:
                if "selected" in a or not any(n == self._select for n, _ in self.fields):
                    self._select_value = a.get("value", "")
                    if "selected" in a:
                        self._select_value = "!" + self._select_value
        elif tag == "textarea" and name:
            self._textarea = name
            self.fields.append((name, ""))

    def handle_data(self, data):
        if self._textarea is not None:
            name, value = self.fields[-1]
            self.fields[-1] = (name, value + data)

    def handle_endtag(self, tag):
        if tag == "select" and self._select is not None:
            value = self._select_value or ""
            self.fields.append((self._select, value[1:] if value.startswith("!") else value))
            self._select = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "form" and self.inside:
            self.inside, self.done = False, True


def _form_fields(html: str, form_id: str | None = None) -> list[tuple[str, str]]:
    parser = _Form(form_id)
    parser.feed(html)
    return parser.fields


def _multipart(fields: list[tuple[str, str]], files: dict[str, tuple[str, bytes]]) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields:
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        )
    for name, (filename, content) in files.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            "Content-Type: application/pdf\r\n\r\n".encode() + content + b"\r\n"
        )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


class Browser:
    """One visitor: a cookie jar shared by both processes (cookies do not depend on the port)."""

    def __init__(self):
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect()
        )

    def request(self, url: str, data: bytes | None = None, content_type: str | None = None,
                referer: str | None = None) -> tuple[int, str, bytes]:
        request = urllib.request.Request(url, data=data)
        if content_type:
            request.add_header("Content-Type", content_type)
        if referer:
            request.add_header("Referer", referer)
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, response.headers.get("Location", ""), response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.headers.get("Location", ""), error.read()

    def csrf(self) -> str:
        return next(c.value for c in self.jar if c.name == "csrftoken")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


SETUP = """
import datetime as dt, json
from django.contrib.auth.models import Group
from disclosure.access import policy
from disclosure.items import actions as item_actions
from disclosure.catalogue.models import ChecklistEntry, Department
policy.sync_role_groups()
from django.contrib.auth import get_user_model
user = get_user_model().objects.create_user("office2p", password="two-process-pw-2026", first_name="二进程", last_name="甲", is_staff=True)
user.groups.add(policy.group_for(policy.OFFICE))
department = Department.objects.create(name="教务处", code="jwc")
item = item_actions.create_item(by=user, entries=[ChecklistEntry.objects.get(number=2)], title="学校章程",
    department=department, produced_on=dt.date(2026, 3, 2), body="<p>章程全文。</p>")
item = item_actions.submit_for_review(item, by=user)
item = item_actions.publish_item(item, by=user, confirm_review_now=True)
print(json.dumps({"item": item.pk}))
"""


@pytest.fixture(scope="module")
def site():
    """Two gunicorn processes on loopback ports over their own database, Redis DB and media folder."""
    server = _server()
    if not _redis_up():
        pytest.skip(f"两进程测试需要 Redis（{REDIS_HOST}:{REDIS_PORT}），未连上，跳过")
    # One database per pytest-xdist worker: each worker builds this module fixture on its own.
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    name = (os.environ.get("TEST_DATABASE_NAME") or "test_disclosure") + f"_two_processes{worker}"
    # Made and dropped from the maintenance database: the one DATABASE_URL names need not exist.
    admin = server_admin(server)
    with admin.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cur.execute(f'CREATE DATABASE "{name}"')
    media = Path(tempfile.mkdtemp(prefix="disclosure-two-processes-"))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.base",
        "DATABASE_URL": database_url(server, name),
        "REDIS_URL": f"redis://{REDIS_HOST}:{REDIS_PORT}/{REDIS_DB}",
        "CACHE_KEY_PREFIX": f"two-processes-{uuid.uuid4().hex[:8]}",
        "MEDIA_ROOT": str(media),
        "SECRET_KEY": "two-processes-" + "x" * 50,
        "ALLOWED_HOSTS": "127.0.0.1",
        "DEBUG": "0",
        "CONN_MAX_AGE": "0",
    }
    manage = [sys.executable, str(ROOT / "manage.py")]
    processes = []
    try:
        subprocess.run([*manage, "migrate", "--noinput"], env=env, cwd=ROOT, check=True,
                       capture_output=True, timeout=300)
        out = subprocess.run([*manage, "shell", "-c", SETUP], env=env, cwd=ROOT, check=True,
                             capture_output=True, text=True, timeout=120).stdout
        item = json.loads(out.strip().splitlines()[-1])["item"]
        urls = []
        for _ in range(2):
            port = free_port()
            processes.append(subprocess.Popen(
                [str(Path(sys.executable).with_name("gunicorn")), "portal.wsgi:application",
                 "--bind", f"127.0.0.1:{port}", "--workers", "1", "--log-level", "warning"],
                env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
            ))
            urls.append(f"http://127.0.0.1:{port}")
        for url, process in zip(urls, processes, strict=True):
            wait_until_up(url + "/robots.txt", process)
        yield {"a": urls[0], "b": urls[1], "item": item, "media": media}
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
        with admin.cursor() as cur:
            cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()
        shutil.rmtree(media, ignore_errors=True)


def test_the_processes_database_is_made_without_the_one_database_url_names():
    # The suite may be pointed at a server whose DATABASE_URL database does not exist (the suite
    # runs in its own test database): the two processes' database must not need it either.
    import psycopg2

    server = {**_server(), "NAME": f"no_such_database_{uuid.uuid4().hex[:8]}"}
    name = f"test_made_{uuid.uuid4().hex[:8]}"
    admin = server_admin(server)
    try:
        with admin.cursor() as cur:
            cur.execute("SELECT current_database()")
            assert cur.fetchone()[0] == "postgres"
            cur.execute(f'CREATE DATABASE "{name}"')
        made = psycopg2.connect(database_url(server, name))
        with made.cursor() as cur:
            cur.execute("SELECT current_database()")
            assert cur.fetchone()[0] == name
        made.close()
    finally:
        with admin.cursor() as cur:
            cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def _login(browser: Browser, base: str) -> None:
    status, _, html = browser.request(base + "/admin/login/")
    assert status == 200
    fields = dict(_form_fields(html.decode(), "login-form"))
    fields.update(username="office2p", password="two-process-pw-2026")
    status, location, _ = browser.request(
        base + "/admin/login/", urllib.parse.urlencode(fields).encode(),
        "application/x-www-form-urlencoded", referer=base + "/admin/login/",
    )
    assert status == 302 and "login" not in location, "登录应当成功并跳转"


def test_session_made_in_one_process_is_seen_by_the_other(site):
    browser = Browser()
    status, location, _ = browser.request(site["b"] + "/admin/")
    assert status == 302 and "/admin/login/" in location  # not signed in yet

    _login(browser, site["a"])

    status, _, html = browser.request(site["b"] + "/admin/")
    assert status == 200
    assert "甲二进程" in html.decode()  # the header names the person, never the login name


def test_rate_limit_counted_in_one_process_applies_in_the_other(site):
    # The status lookup allows 20 attempts an hour per address, counted before the form is checked.
    browser = Browser()
    browser.request(site["a"] + "/requests/status/")
    token = browser.csrf()
    statuses = []
    for n in range(21):
        base = site["a"] if n % 2 == 0 else site["b"]
        body = urllib.parse.urlencode({
            "csrfmiddlewaretoken": token, "tracking_number": "20260001", "secret": "wrong-code",
        }).encode()
        status, _, _ = browser.request(
            base + "/requests/status/", body, "application/x-www-form-urlencoded",
            referer=base + "/requests/status/",
        )
        statuses.append(status)
    # Each process saw only 10 or 11 attempts: only a shared count reaches the limit.
    assert 429 not in statuses[:20], statuses
    assert statuses[20] == 429, statuses


def test_file_uploaded_through_one_process_is_served_by_the_other(site):
    browser = Browser()
    _login(browser, site["a"])
    change = f"{site['a']}/admin/items/disclosureitem/{site['item']}/change/"
    status, _, html = browser.request(change)
    assert status == 200
    fields = [(n, v) for n, v in _form_fields(html.decode(), "disclosureitem_form") if n != "_saveasnew"]
    values = dict(fields)
    assert "attachments-TOTAL_FORMS" in values, "事项编辑页应当有附件表单"
    fields = [(n, v) for n, v in fields if n != "attachments-TOTAL_FORMS"]
    fields += [
        ("attachments-TOTAL_FORMS", str(int(values["attachments-TOTAL_FORMS"]) + 1)),
        (f"attachments-{values['attachments-TOTAL_FORMS']}-title", "章程文本"),
        (f"attachments-{values['attachments-TOTAL_FORMS']}-sort_order", "0"),
        ("_save", "保存"),
    ]
    content = b"%PDF-1.4\n% two processes\n" + uuid.uuid4().hex.encode() + b"\n%%EOF\n"
    prefix = f"attachments-{values['attachments-TOTAL_FORMS']}"
    body, content_type = _multipart(fields, {f"{prefix}-file": ("章程.pdf", content)})
    status, location, page = browser.request(change, body, content_type, referer=change)
    assert status == 302, page.decode()[:3000]

    # The public item page on the other process lists it, and its download is the same bytes.
    status, _, html = Browser().request(f"{site['b']}/items/{site['item']}/")
    assert status == 200
    import re

    link = re.search(r'href="(/attachments/\d+/)"', html.decode())
    assert link, "详情页应当列出附件"
    status, _, downloaded = Browser().request(site["b"] + link.group(1))
    assert status == 200
    assert downloaded == content
    assert any(site["media"].rglob("*.pdf"))
