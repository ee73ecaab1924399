"""Backup and restore: scripts/backup.sh, then scripts/restore.sh into an empty database, finds
every item, attachment (with the same bytes) and request."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.db import connection

from tests.databases import database_url, server_admin

ROOT = Path(__file__).resolve().parents[2]

MAKE_DATA = r'''
import datetime as dt
from django.contrib.auth.models import Group, User
from django.core.files.base import ContentFile
from disclosure.access import policy
from disclosure.items import actions as item_actions
from disclosure.items.models import Attachment
from disclosure.catalogue.models import ChecklistEntry, Department
from disclosure.disclosure_requests import actions as rs
policy.sync_role_groups()
office = User.objects.create_user("office", password="x-long-pass-123", is_staff=True)
office.groups.add(policy.group_for(policy.OFFICE))
department = Department.objects.create(name="教务处", code="jwc")
entry = ChecklistEntry.objects.get(number=2)
for n in range(3):
    item = item_actions.create_item(by=office, entries=[entry], title=f"学校章程{n}", department=department,
                                produced_on=dt.date(2026, 3, 2), body="<p>正文</p>")
    if n < 2:
        item = item_actions.submit_for_review(item, by=office)
        item = item_actions.publish_item(item, by=office, confirm_review_now=True)
    Attachment.objects.create(item=item, title=f"附件{n}",
                              file=ContentFile(b"%PDF-1.7 content " + str(n).encode(), name=f"a{n}.pdf"))
for n in range(2):
    rs.receive_request(applicant_type="citizen", applicant_name=f"申请人{n}", id_number="11010519491231002X",
                       phone="13800138000", postal_address="北京市海淀区某路 1 号",
                       description="2025 年学校预算执行情况", preferred_form="electronic", delivery="post")
'''

SNAPSHOT = r'''
import hashlib, json
from django.contrib.auth.models import User
from disclosure.items.models import Attachment, DisclosureItem, ItemEvent
from disclosure.disclosure_requests.models import DisclosureRequest
def digest(a):
    with a.file.open("rb") as f:
        return hashlib.sha256(f.read()).hexdigest()
print("SNAPSHOT" + json.dumps({
    "items": sorted([i.title, i.status, i.version] for i in DisclosureItem.objects.all()),
    "entries": sorted([i.title, [e.number for e in i.entries.all()]] for i in DisclosureItem.objects.all()),
    "attachments": sorted([a.title, a.item.title, a.original_name, digest(a)] for a in Attachment.objects.all()),
    "requests": sorted([r.tracking_number, r.applicant_name, r.status, str(r.due_on)] for r in DisclosureRequest.objects.all()),
    "events": ItemEvent.objects.count(),
    "users": sorted(u.username for u in User.objects.all()),
    "groups": sorted(f"{u.username}:{g.name}" for u in User.objects.all() for g in u.groups.all()),
}, ensure_ascii=False))
'''


def _run(cmd, env):
    result = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, f"{cmd}\n{result.stdout[-2000:]}\n{result.stderr[-3000:]}"
    return result.stdout


def _env(database_url: str, media: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"TEST_DATABASE_NAME"}}
    env |= {"DATABASE_URL": database_url, "MEDIA_ROOT": str(media), "PYTHON": sys.executable,
            "DJANGO_SETTINGS_MODULE": "portal.settings.dev", "DEBUG": "0", "CONN_MAX_AGE": "0"}
    return env


def _shell(code: str, env) -> str:
    return _run([sys.executable, "manage.py", "shell", "-c", code], env)


def _snapshot(env) -> dict:
    out = _shell(SNAPSHOT, env)
    return json.loads(out.split("SNAPSHOT", 1)[1])


@pytest.fixture
def databases(tmp_path):
    """A source and an empty target database of the kind the suite runs on."""
    if connection.vendor == "postgresql":
        base = connection.settings_dict
        names = [f"backup_{kind}_{uuid.uuid4().hex[:8]}" for kind in ("src", "dst")]
        admin = server_admin(base)
        with admin.cursor() as cursor:
            for name in names:
                cursor.execute(f'CREATE DATABASE "{name}"')
        urls = [database_url(base, name) for name in names]
        yield urls
        with admin.cursor() as cursor:
            for name in names:
                cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()
    else:
        yield [f"sqlite:///{tmp_path / 'source.sqlite3'}", f"sqlite:///{tmp_path / 'restored.sqlite3'}"]


@pytest.mark.django_db
def test_restore_into_an_empty_database_finds_everything(tmp_path, databases):
    if connection.vendor == "postgresql" and not shutil.which("pg_dump"):
        pytest.skip("pg_dump is not installed")
    source_url, target_url = databases
    source = _env(source_url, tmp_path / "media-source")
    target = _env(target_url, tmp_path / "media-restored")

    _run([sys.executable, "manage.py", "migrate", "--noinput"], source)
    _shell(MAKE_DATA, source)
    before = _snapshot(source)
    assert len(before["items"]) == 3 and len(before["attachments"]) == 3 and len(before["requests"]) == 2

    folder = Path(_run(["scripts/backup.sh", str(tmp_path / "backups")], source).strip().splitlines()[-1])
    assert (folder / "media.tar.gz").exists() and (folder / "SHA256SUMS").exists()
    # The source is gone: its database and its files.
    shutil.rmtree(tmp_path / "media-source")

    _run(["scripts/restore.sh", str(folder)], target)
    after = _snapshot(target)
    assert after == before


def test_restore_refuses_a_damaged_backup(tmp_path):
    folder = tmp_path / "backup"
    folder.mkdir()
    (folder / "media.tar.gz").write_bytes(b"x")
    (folder / "SHA256SUMS").write_text("0" * 64 + "  ./media.tar.gz\n")
    result = subprocess.run(["scripts/restore.sh", str(folder)], cwd=ROOT, capture_output=True, text=True,
                            env={**os.environ, "PYTHON": sys.executable}, timeout=60)
    assert result.returncode != 0
