"""Schema post-processing: every operation lists the errors it can answer, in the one error shape."""

from __future__ import annotations

ERROR_SCHEMA = {
    "type": "object",
    "description": "API 的统一错误格式。",
    "properties": {
        "code": {"type": "string", "description": "机器可读的错误代码，如 invalid、not_found、conflict。"},
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
    "400": "请求参数有误（筛选值、游标、每页条数或提交的数据）。",
    "401": "未登录或令牌无效。",
    "403": "没有权限。",
    "404": "资源不存在或未公开。",
    "405": "不支持该请求方法。",
    "406": "无法按请求的格式返回。",
    "409": "当前状态不允许此操作，或事项已被他人修改。",
    "415": "不支持的请求内容类型。",
    "429": "请求过于频繁。",
}


def add_error_responses(result, generator, request, public):
    """drf-spectacular postprocessing hook."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    ref = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for item in result.get("paths", {}).values():
        for method, operation in item.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            codes = {"400", "404", "405", "406"}
            secured = {} not in operation.get("security", [{}])
            if secured:
                codes |= {"401", "403"}
            if method != "get":
                codes |= {"403", "409", "415", "429"}
            responses = operation.setdefault("responses", {})
            for code in sorted(codes):
                responses.setdefault(code, {"description": DESCRIPTIONS[code], "content": ref})
    return result
