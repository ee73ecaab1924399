"""Schema post-processing: what the serializers cannot say on their own.

- every operation lists the errors it can answer, in the one error shape with its codes;
- path ids are integers, and the publication year runs to this year;
- text fields state what the serializers refuse (NUL characters; only spaces where text is required);
- links between operations (OpenAPI links), so a client, or a stateful test, can follow an item or a
  request from its creation through its workflow with real ids.
"""

from __future__ import annotations

from django.utils import timezone

from disclosure.disclosure_requests.actions import REQUEST_ACTIONS
from disclosure.disclosure_requests.models import DisclosureRequest
from disclosure.items.actions import ITEM_ACTIONS
from disclosure.items.models import DisclosureItem

from .exceptions import ERROR_CODES
from .filters import MAX_ID

ERROR_SCHEMA = {
    "type": "object",
    "description": "API 的统一错误格式。",
    "properties": {
        "code": {"type": "string", "enum": list(ERROR_CODES),
                 "description": "机器可读的错误代码。"},
        "message": {"type": "string", "description": "中文说明。"},
        "errors": {
            "type": "object",
            "description": "按字段列出的错误。",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        },
    },
    "required": ["code", "message"],
}

DESCRIPTIONS = {
    "400": "请求不符合本接口说明（类型、格式、长度、取值范围、必填项）。",
    "401": "未登录或令牌无效。",
    "403": "没有权限。",
    "404": "资源不存在或未公开（包括筛选参数中不存在的部门、渠道，以及失效的翻页游标）。",
    "405": "不支持该请求方法。",
    "406": "无法按请求的格式返回。",
    "409": "当前状态不允许此操作，或事项已被他人修改。",
    "415": "不支持的请求内容类型。",
    "422": "数据格式正确，但不符合接口说明无法表达的办理规则（字段之间的关系、证件校验位、不存在的部门代码等）。",
    "429": "请求过于频繁。",
}

# DRF refuses NUL characters in any text, and trims spaces (as Python's str.strip() counts them)
# before checking a required text is not empty. Spelled out: regex dialects disagree about `\s`.
_SPACE = r"\t\n\u000b\f\r\u001c-\u001f \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
NO_NUL_PATTERN = r"^[^\u0000]*$"
NOT_BLANK_PATTERN = rf"^[^\u0000]*[^\u0000{_SPACE}][^\u0000]*$"

ID_SCHEMA = {"type": "integer", "minimum": 1, "maximum": MAX_ID}
METHODS = ("get", "post", "put", "patch", "delete")


def add_error_responses(result, generator, request, public):
    """drf-spectacular postprocessing hook: the error shape, and each operation's errors."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    ref = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for item in result.get("paths", {}).values():
        for method, operation in item.items():
            if method not in METHODS:
                continue
            codes = {"400", "404", "405", "406"}
            secured = {} not in operation.get("security", [{}])
            if secured:
                codes |= {"401", "403"}
            if method != "get":
                codes |= {"403", "409", "415", "422", "429"}
            responses = operation.setdefault("responses", {})
            for code in sorted(codes):
                responses.setdefault(code, {"description": DESCRIPTIONS[code], "content": ref})
    return result


def state_constraints(result, generator, request, public):
    """drf-spectacular postprocessing hook: ids, the year filter's bound, what text may hold."""
    this_year = timezone.localdate().year
    for item in result.get("paths", {}).values():
        for method, operation in item.items():
            if method not in METHODS:
                continue
            for parameter in operation.get("parameters", []):
                schema = parameter.setdefault("schema", {})
                if parameter["in"] == "path":
                    # Any other text in an id's place is answered 404, like a missing id.
                    parameter["schema"] = dict(ID_SCHEMA)
                elif parameter["name"] == "year" and schema.get("type") == "integer":
                    schema["maximum"] = this_year
                else:
                    _text_pattern(schema, required=False)
    for name, component in result.get("components", {}).get("schemas", {}).items():
        if not name.endswith("Request"):
            continue
        required = set(component.get("required", []))
        for field, schema in component.get("properties", {}).items():
            _text_pattern(schema, required=field in required)
            if schema.get("type") == "array":
                _text_pattern(schema.get("items", {}), required=True)
    return result


def _text_pattern(schema: dict, *, required: bool) -> None:
    if schema.get("type") != "string" or {"format", "enum", "pattern"} & set(schema):
        return
    blank_allowed = not required or schema.get("minLength", 0) == 0
    schema["pattern"] = NO_NUL_PATTERN if blank_allowed else NOT_BLANK_PATTERN


# ---- Links ----
#
# Links follow the workflows as their action tables declare them: a verb's answer links to the verbs
# that may come after it (`ActionTable.followers`), a creation to the verbs of a new item or request,
# so a client or a stateful test walks an item from draft to publication, and a request from its
# registration to its answer, with real ids. Lists link only to reading and editing one row: their
# rows are in any state, and a verb chosen blindly would mostly be refused.

# Where the id of an item or a request can be read in a response, by operation.
_LIST_ID = "$response.body#/results/0/id"
_ONE_ID = "$response.body#/id"
_ITEMS, _REQUESTS = "/api/v1/staff/items/", "/api/v1/staff/requests/"


def _link(source: dict | None, status: str, targets: list[dict], expression: str) -> None:
    response = (source or {}).get("responses", {}).get(status)
    if response is None:
        return
    links = response.setdefault("links", {})
    for target in targets:
        links[target["operationId"]] = {
            "operationId": target["operationId"],
            "parameters": {"id": expression},
            "description": f"对返回的对象执行：{target.get('summary', target['operationId'])}",
        }


def _workflow_links(paths: dict, base: str, table, first_state: str, reads: list[dict]) -> None:
    """A verb links to the verbs that may follow it; the creation to those of the first state."""
    def verb_operations(actions):
        found = (paths.get(f"{base}{{id}}/{action.extra.get('api')}/", {}).get("post")
                 for action in actions)
        return [operation for operation in found if operation]

    for action in table.actions.values():
        source = paths.get(f"{base}{{id}}/{action.extra.get('api')}/", {}).get("post")
        _link(source, "200", reads + verb_operations(table.followers(action.name)), _ONE_ID)
    creation = paths.get(base, {}).get("post")
    _link(creation, "201", reads + verb_operations(table.from_state(first_state)), _ONE_ID)
    for source in reads:
        # Reading or editing leaves the state as it was, which the link cannot know: every verb.
        _link(source, "200", verb_operations(table.actions.values()), _ONE_ID)
    _link(paths.get(base, {}).get("get"), "200", reads, _LIST_ID)


def add_links(result, generator, request, public):
    """drf-spectacular postprocessing hook: OpenAPI links that follow items and requests."""
    paths = result.get("paths", {})
    one_item = paths.get(f"{_ITEMS}{{id}}/", {})
    item_reads = [op for op in (one_item.get("get"), one_item.get("put"), one_item.get("patch"),
                                paths.get(f"{_ITEMS}{{id}}/attachments/", {}).get("post"),
                                paths.get("/api/v1/items/{id}/", {}).get("get")) if op]
    _workflow_links(paths, _ITEMS, ITEM_ACTIONS, DisclosureItem.Status.DRAFT, item_reads)
    _link(paths.get("/api/v1/items/", {}).get("get"), "200", item_reads, _LIST_ID)
    request_reads = [op for op in (paths.get(f"{_REQUESTS}{{id}}/", {}).get("get"),) if op]
    _workflow_links(paths, _REQUESTS, REQUEST_ACTIONS, DisclosureRequest.Status.RECEIVED,
                    request_reads)

    reports, report = paths.get("/api/v1/reports/", {}), paths.get("/api/v1/reports/{year}/", {})
    if "get" in reports and "get" in report:
        reports["get"]["responses"]["200"].setdefault("links", {})["reports_retrieve"] = {
            "operationId": report["get"]["operationId"],
            "parameters": {"year": "$response.body#/0/year"},
        }
    submit, lookup = paths.get("/api/v1/requests/", {}), paths.get("/api/v1/requests/status/", {})
    if "post" in submit and "post" in lookup:
        submit["post"]["responses"]["201"].setdefault("links", {})["requests_status"] = {
            "operationId": lookup["post"]["operationId"],
            "requestBody": {"tracking_number": "$response.body#/tracking_number",
                            "secret": "$response.body#/check_code"},
            "description": "凭回执中的申请编号和查询码查询办理进度。",
        }
    return result
