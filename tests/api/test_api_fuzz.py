"""Fuzz the public API from its own schema: any input gives a documented answer, never a 500."""

import json

import pytest
import schemathesis
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

# Bounded so the whole run stays well under a minute on two cores.
MAX_EXAMPLES = 15


def _load_schema():
    # Generated in-process (no database, no request), exactly as /api/v1/schema/ serves it.
    document = SchemaGenerator().get_schema(request=None, public=True)
    schema = schemathesis.openapi.from_dict(json.loads(OpenApiJsonRenderer().render(document)))
    schema.app = get_wsgi_application()
    return schema


schema = _load_schema().exclude(path_regex=r"^/api/v1/staff/")


@pytest.fixture
def published(db, make_item, other_department):
    # The fuzzer exhausts the request rate limits; other tests must not inherit that.
    cache.clear()
    # Requests go through the bare WSGI handler, whose end-of-request signal would close the
    # database connection holding the test's transaction (Django's test client does the same).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield from _published(make_item, other_department)
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
        cache.clear()


def _published(make_item, other_department):
    # Real rows, so that list and detail responses are checked against the schema too.
    make_item("published", title="本科招生章程")
    make_item("published", title="年度部门预算", department=other_department)
    make_item("draft", title="草稿")
    yield


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_public_api_conforms_to_its_schema(case, published):
    case.call_and_validate(checks=[
        not_a_server_error,
        status_code_conformance,
        content_type_conformance,
        response_schema_conformance,
    ])
