"""The API against its own schema, in process: schemathesis in every phase, with every check.

As the office (the role that may call every operation), and anonymously for the public operations,
over a small world: published items, a draft, a request just received. Bounded so the module runs in
seconds; the long run against a live server is `make fuzz` (scripts/fuzz_api.sh). Both read the
schema the server serves, so a constraint stated there is a constraint tested here.
"""

import datetime as dt
from pathlib import Path

import pytest
import schemathesis
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from hypothesis.stateful import run_state_machine_as_test
from rest_framework.authtoken.models import Token
from schemathesis.config import SchemathesisConfig

from disclosure.disclosure_requests import actions as request_services

# Per operation and phase; the coverage phase adds its own boundary cases on top.
MAX_EXAMPLES = 2
STATEFUL_RUNS, STATEFUL_STEPS = 4, 5
SEED = 20261203

# The repository's settings, and for this quick run no calls with methods an operation does not
# have (four or five per operation in the coverage phase; `make fuzz` makes them).
QUICK = SchemathesisConfig.from_str(
    (Path(__file__).resolve().parents[2] / "schemathesis.toml").read_text(encoding="utf-8")
    + "\n[phases.coverage]\nunexpected-methods = []\n"
)
# The schema as the server serves it, read through the WSGI application like any client would.
schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", get_wsgi_application(), config=QUICK)

APPLICATION = {
    "applicant_type": "citizen", "applicant_name": "张申请人", "id_number": "11010519491231002X",
    "phone": "13800138000", "email": "zhang.applicant@example.com",
    "description": "请公开2025年本科招生录取分数线。", "preferred_form": "electronic",
    "delivery": "email",
}


@pytest.fixture
def world(db, make_item, other_department, office_user):
    """A few rows of every kind, and the office's token."""
    # The generated calls go through the bare WSGI handler, whose end-of-request signal would
    # close the connection holding the test's transaction (Django's test client does the same).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    cache.clear()
    try:
        make_item("published", title="本科招生章程")
        make_item("published", title="年度部门预算", department=other_department)
        make_item("in_review", title="待审核的通知")
        make_item("draft", title="草稿")
        request_services.receive_request(by=office_user, received_on=dt.date(2026, 3, 2),
                                         channel="letter", **APPLICATION)
        token, _ = Token.objects.get_or_create(user=office_user)
        yield {"Authorization": f"Token {token.key}"}
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
        cache.clear()


BOUNDED = settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
    database=None,
)


@schema.parametrize()
@BOUNDED
def test_every_operation_keeps_its_contract(case, world):
    # The rate limits are part of the contract (429), but would stop the run after a few calls.
    cache.clear()
    case.call_and_validate(headers=world)


@schema.exclude(path_regex="/staff/").parametrize()
@BOUNDED
def test_every_public_operation_keeps_its_contract_anonymously(case, world):
    """As a visitor without a token: the open data, the request form and its status lookup."""
    cache.clear()
    case.call_and_validate()


def test_linked_operations_keep_their_contract(world):
    """Stateful: follow the links from lists and creations into the workflows, with real ids."""

    class Workflow(schema.as_state_machine()):
        def get_call_kwargs(self, case):
            return {"headers": world}

        def before_call(self, case):
            cache.clear()

        def validate_response(self, response, case, additional_checks=None, **kwargs):
            # Told which headers are ours, the auth checks replace them instead of adding theirs.
            case.validate_response(response, headers=world, additional_checks=additional_checks,
                                   transport_kwargs=kwargs or None, recorder=self.recorder)

    run_state_machine_as_test(Workflow, settings=settings(
        max_examples=STATEFUL_RUNS, stateful_step_count=STATEFUL_STEPS, deadline=None,
        suppress_health_check=list(HealthCheck), derandomize=True, database=None,
    ))


def test_the_schema_links_every_operation_that_needs_an_id():
    """Every operation on one item or request is reached by a link, so stateful runs get real ids."""
    raw = SchemaGenerator().get_schema(request=None, public=True)
    targets = {
        link["operationId"]
        for item in raw["paths"].values()
        for method, operation in item.items() if method in ("get", "post", "put", "patch")
        for response in operation.get("responses", {}).values()
        for link in response.get("links", {}).values()
    }
    needing_ids = {
        operation["operationId"]
        for path, item in raw["paths"].items() if "{" in path
        for method, operation in item.items() if method in ("get", "post", "put", "patch")
    }
    assert needing_ids <= targets, needing_ids - targets
