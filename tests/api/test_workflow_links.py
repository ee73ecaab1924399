"""The schema's links follow the workflows as the action tables declare them.

A client (or schemathesis's stateful phase) that starts from a creation and only ever follows the
links of the answer it just got can walk an item from draft to withdrawal and a request from its
registration to its answer; each step leaves the object in a state its verb declares (`leads_to`).
"""

import pytest
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from disclosure.disclosure_requests.actions import ALLOWED_TRANSITIONS, REQUEST_ACTIONS
from disclosure.items.actions import ITEM_ACTIONS

pytestmark = pytest.mark.django_db

ITEMS, REQUESTS = "/api/v1/staff/items/", "/api/v1/staff/requests/"


@pytest.fixture
def schema():
    return SchemaGenerator().get_schema(request=None, public=True)


def _client_of(user) -> APIClient:
    api = APIClient()
    token, _ = Token.objects.get_or_create(user=user)
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return api


@pytest.fixture
def office_api(office_user, department):
    return _client_of(office_user)


def _operation(schema, path: str, method: str = "post") -> dict:
    return schema["paths"][path][method]


def _links(operation: dict, status: str) -> set[str]:
    return {link["operationId"] for link in operation["responses"][status].get("links", {}).values()}


def _walk(schema, api, base: str, table, created: dict, steps: list[tuple[str, dict]]) -> list[str]:
    """Follow `steps` from the created object, each only if the previous answer links to it."""
    states = [created["status"]]
    previous, status, obj_id = _operation(schema, base), "201", created["id"]
    for name, body in steps:
        path = f"{base}{{id}}/{table[name].extra['api']}/"
        operation = _operation(schema, path)
        assert operation["operationId"] in _links(previous, status), (name, _links(previous, status))
        response = api.post(path.replace("{id}", str(obj_id)), body, format="json")
        assert response.status_code == 200, (name, response.content.decode())
        state = response.json()["status"]
        assert state in table.states_after(name), (name, state)
        states.append(state)
        previous, status = operation, "200"
    return states


def test_an_item_walks_from_draft_to_withdrawal_by_links(schema, office_api):
    created = office_api.post(ITEMS, {"title": "实验室安全管理办法", "department": "jwc",
                                      "entries": [27], "produced_on": "2026-03-02"}, format="json")
    assert created.status_code == 201, created.content
    states = _walk(schema, office_api, ITEMS, ITEM_ACTIONS, created.json(), [
        ("refer", {"note": "涉及第三方，公开属性难以确定"}),
        ("decide", {"attribute": "proactive", "note": "主动公开"}),
        ("submit", {}),
        ("return", {"comment": "请补充附件"}),
        ("submit", {}),
        ("review", {}),
        ("publish", {}),
        ("record_change", {"changed_on": "2026-03-20"}),
        ("publish_update", {}),
        ("withdraw", {"reason": "已被新办法替代"}),
    ])
    assert states == ["draft", "draft", "draft", "in_review", "draft", "in_review", "in_review",
                      "published", "published", "published", "withdrawn"]


def test_a_request_walks_from_registration_to_answer_by_links(schema, office_api):
    created = office_api.post(REQUESTS, {
        "channel": "letter", "received_on": "2026-03-02", "applicant_type": "citizen",
        "applicant_name": "张申请人", "id_number": "11010519491231002X", "phone": "13800138000",
        "email": "zhang.applicant@example.com", "description": "请公开2025年本科招生录取分数线。",
        "preferred_form": "electronic", "delivery": "email"}, format="json")
    assert created.status_code == 201, created.content
    assert created.json()["received_on"] == "2026-03-02" and created.json()["channel"] == "letter"
    states = _walk(schema, office_api, REQUESTS, REQUEST_ACTIONS, created.json(), [
        ("request_correction", {"on": "2026-03-03", "note": "请写明所需信息的年份"}),
        ("receive_correction", {"on": "2026-03-05"}),
        ("start_consultation", {"third_party": "某公司", "on": "2026-03-06"}),
        ("end_consultation", {"on": "2026-03-20"}),
        ("extend_request", {"workdays": 10, "approver": "王主任", "reason": "需汇总多个部门的数据",
                            "on": "2026-03-23"}),
        ("answer_request", {"reply_type": "disclosed", "text": "已提供", "on": "2026-03-30"}),
    ])
    assert states == ["received", "correction_requested", "received", "consulting", "received",
                      "extended", "answered"]


def test_the_office_registers_a_request_with_the_forms_rules(office_api, editor):
    body = {"channel": "in_person", "applicant_type": "citizen", "applicant_name": "李四",
            "id_number": "110105194912310021", "phone": "13800138000",
            "description": "学校预算", "preferred_form": "paper", "delivery": "pick_up"}
    refused = office_api.post(REQUESTS, body, format="json")
    assert refused.status_code == 422 and "id_number" in refused.json()["errors"]  # check digit
    assert office_api.post(REQUESTS, {**body, "channel": "pigeon"}, format="json").status_code == 400
    assert _client_of(editor).post(REQUESTS, {**body, "id_number": "11010519491231002X"},
                           format="json").status_code == 403
    created = office_api.post(REQUESTS, {**body, "id_number": "11010519491231002X"}, format="json")
    assert created.status_code == 201, created.content
    data = created.json()
    assert data["channel"] == "in_person" and data["due_on"]
    assert data["events"][0]["action"] == "received" and data["tracking_number"].startswith("YSQ-")


def test_a_request_step_leads_only_where_the_state_graph_allows():
    for action in REQUEST_ACTIONS.actions.values():
        for state in action.from_states:
            after = action.leads_to or frozenset({state})  # None: the step leaves the state alone
            assert after <= ALLOWED_TRANSITIONS[state] | {state}, (action.name, state)


def test_a_verbs_followers_start_from_where_it_leads():
    assert [a.name for a in ITEM_ACTIONS.followers("submit")] == [
        "take_back", "review", "publish", "return"]
    assert ITEM_ACTIONS.followers("withdraw") == []
    assert {a.name for a in REQUEST_ACTIONS.followers("request_correction")} >= {
        "receive_correction", "lapse_request"}
    assert "answer_request" not in {a.name for a in REQUEST_ACTIONS.followers("answer_request")}


def _example(schema, path: str, method: str = "post") -> dict:
    content = _operation(schema, path, method).get("requestBody", {}).get("content", {})
    examples = content.get("application/json", {}).get("examples", {})
    return next(iter(examples.values()))["value"] if examples else {}


def test_the_schemas_examples_walk_every_workflow(schema, office_api):
    """Each example body, sent as it is, is accepted by its operation in the state the links lead
    to: the documentation's examples work, and a contract test that sends them gets past the rules."""
    item = office_api.post(ITEMS, _example(schema, ITEMS), format="json")
    assert item.status_code == 201, item.content
    item_steps = ["refer", "decide", "submit", "return", "submit", "review", "publish",
                  "record_change", "publish_update", "withdraw"]
    _walk(schema, office_api, ITEMS, ITEM_ACTIONS, item.json(), [
        (name, _example(schema, f"{ITEMS}{{id}}/{ITEM_ACTIONS[name].extra['api']}/"))
        for name in item_steps])

    # Received today (the site's today), so that steps dated today by default follow it.
    registered = {**_example(schema, REQUESTS), "received_on": timezone.localdate().isoformat()}
    request = office_api.post(REQUESTS, registered, format="json")
    assert request.status_code == 201, request.content
    request_steps = ["confirm_receipt", "request_correction", "receive_correction",
                     "start_consultation", "end_consultation", "extend_request", "answer_request"]
    states = _walk(schema, office_api, REQUESTS, REQUEST_ACTIONS, request.json(), [
        (name, _example(schema, f"{REQUESTS}{{id}}/{REQUEST_ACTIONS[name].extra['api']}/"))
        for name in request_steps])
    assert states[-1] == "answered"
    for name in ("mark_not_processed", "withdraw_request"):
        other = office_api.post(REQUESTS, registered, format="json").json()
        path = f"{REQUESTS}{{id}}/{REQUEST_ACTIONS[name].extra['api']}/"
        response = office_api.post(path.replace("{id}", str(other["id"])), _example(schema, path),
                                   format="json")
        assert response.status_code == 200, (name, response.content.decode())
