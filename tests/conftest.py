import datetime as dt
import importlib

import pytest
from django.core.cache import cache

from disclosure.access import policy as roles
from disclosure.catalogue.models import ChecklistEntry, Department
from disclosure.items import actions as item_actions
from disclosure.workcalendar.workdays import forget_calendar


@pytest.fixture(autouse=True)
def _fresh_calendar():
    # The holiday calendar is cached per process; each test starts from its own database.
    # So is what the shared cache remembers (the security policy, counts, rate limits): a value read
    # in one test must not outlive that test's rolled-back database.
    forget_calendar()
    cache.clear()
    yield
    forget_calendar()
    cache.clear()


# The reference data the data migrations load, in the order they load it.
REFERENCE_DATA = [
    ("disclosure.catalogue.migrations.0002_load_checklist", "load_checklist"),
    ("disclosure.catalogue.migrations.0003_seed_channels", "seed_channels"),
    ("disclosure.site.migrations.0002_seed_guide_page", "forward"),
    ("disclosure.disclosure_requests.migrations.0002_seed_reply_letter_templates", "seed"),
]


@pytest.fixture(autouse=True)
def _reference_data(request):
    """Put the migrations' reference data back when a transactional test emptied the tables.

    A transactional test ends with a flush; tests are spread over workers by file, so a test in the
    same worker may come after one. The check is one query; the reload happens only after a flush.
    """
    if "django_db_setup" not in request.fixturenames and not request.node.get_closest_marker("django_db"):
        yield
        return
    request.getfixturevalue("_django_db_helper")
    if not ChecklistEntry.objects.exists():
        from django.apps import apps

        for module, function in REFERENCE_DATA:
            getattr(importlib.import_module(module), function)(apps, None)
    yield


@pytest.fixture
def department(db):
    return Department.objects.create(name="教务处", code="jwc")


@pytest.fixture
def other_department(db):
    return Department.objects.create(name="财务处", code="cwc")


@pytest.fixture
def entry(db):
    return ChecklistEntry.objects.get(number=2)


def _user(django_user_model, username, group, departments=()):
    roles.sync_role_groups()
    user = django_user_model.objects.create_user(username, password="pw-12345-long", is_staff=True)
    user.groups.add(roles.group_for(group))
    for department in departments:
        department.editors.add(user)
    return django_user_model.objects.get(pk=user.pk)


@pytest.fixture
def office_user(db, django_user_model):
    return _user(django_user_model, "office", roles.OFFICE)


@pytest.fixture
def editor(db, django_user_model, department):
    return _user(django_user_model, "editor", roles.DEPARTMENT_EDITOR, [department])


@pytest.fixture
def other_editor(db, django_user_model, other_department):
    return _user(django_user_model, "other_editor", roles.DEPARTMENT_EDITOR, [other_department])


@pytest.fixture
def supervisor(db, django_user_model):
    return _user(django_user_model, "supervisor", roles.SUPERVISOR)


@pytest.fixture
def make_item(office_user, department, entry):
    """Build an item through the services, as staff would: draft, in review or published."""

    def make(status="draft", *, by=None, entries=None, **fields):
        by = by or office_user
        fields.setdefault("title", "学校章程")
        fields.setdefault("department", department)
        fields.setdefault("produced_on", dt.date(2026, 3, 2))
        fields.setdefault("body", "<p>为规范学校管理，制定本章程。</p>")
        item = item_actions.create_item(by=by, entries=entries or [entry], **fields)
        if status in ("in_review", "published", "withdrawn"):
            item = item_actions.submit_for_review(item, by=by)
        if status in ("published", "withdrawn"):
            item = item_actions.publish_item(item, by=office_user, confirm_review_now=True)
        if status == "withdrawn":
            item = item_actions.withdraw_item(item, by=office_user, reason="信息有误")
        return item

    return make


@pytest.fixture
def run_worker(db, monkeypatch):
    """Drain the task queue as `python manage.py db_worker --batch` does, inside the test's transaction.

    The worker checks its connection between tasks; inside a test's transaction that check would
    close it, so here it is left out. Returns how many tasks ran.
    """
    from django.core.management import call_command
    from django_tasks_db.management.commands import db_worker
    from django_tasks_db.models import DBTaskResult

    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)

    def run() -> int:
        before = DBTaskResult.objects.exclude(status="READY").count()
        call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0,
                     interval=0)
        return DBTaskResult.objects.exclude(status="READY").count() - before

    return run
