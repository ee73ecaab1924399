"""One JSON shape for every API error, with Chinese messages.

    {"code": "invalid", "message": "请求参数有误。", "errors": {"year": ["请输入..."]}}

`errors` is present only when there are per-field messages. What the schema states (types,
formats, lengths, ranges, enums, required fields) is checked by the serializers and filters: a request
that breaks it is 400, so a client that follows the schema never sees one. What the schema cannot
state (rules between fields, check digits, a code that names nothing) is checked by the forms and
the services: their `ValidationError` is 422. A refused transition or a stale version is a conflict
(409), a role that may not take the step is 403.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from disclosure.core.errors import ConflictError, TransitionNotAllowed

DEFAULT_MESSAGES = {
    status.HTTP_400_BAD_REQUEST: "请求参数有误。",
    status.HTTP_401_UNAUTHORIZED: "请先登录或提供有效的令牌（Authorization: Token …）。",
    status.HTTP_403_FORBIDDEN: "您没有执行此操作的权限。",
    status.HTTP_404_NOT_FOUND: "请求的资源不存在或未公开。",
    status.HTTP_405_METHOD_NOT_ALLOWED: "不支持该请求方法。",
    status.HTTP_406_NOT_ACCEPTABLE: "无法按请求的格式返回数据。",
    status.HTTP_409_CONFLICT: "当前状态不允许此操作。",
    status.HTTP_415_UNSUPPORTED_MEDIA_TYPE: "不支持的请求内容类型，请使用 JSON。",
    status.HTTP_422_UNPROCESSABLE_ENTITY: "提交的数据格式正确，但不符合办理规则。",
    status.HTTP_429_TOO_MANY_REQUESTS: "请求过于频繁，请稍后再试。",
}


# Every `code` an error body can carry; the schema lists them (schema.py).
ERROR_CODES = (
    "invalid", "parse_error", "not_authenticated", "authentication_failed", "permission_denied",
    "not_found", "method_not_allowed", "not_acceptable", "conflict", "transition_not_allowed",
    "unsupported_media_type", "unprocessable", "throttled", "error",
)


class Unprocessable(exceptions.ValidationError):
    """Well-formed input that a rule beyond the schema refuses (see the module's docstring)."""

    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_detail = DEFAULT_MESSAGES[status.HTTP_422_UNPROCESSABLE_ENTITY]
    default_code = "unprocessable"


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = DEFAULT_MESSAGES[status.HTTP_409_CONFLICT]
    default_code = "conflict"


def _django_messages(exc: DjangoValidationError) -> tuple[list[str], dict[str, list[str]]]:
    """The general and the per-field messages of a Django ValidationError."""
    if hasattr(exc, "error_dict"):
        fields = {
            ("non_field_errors" if name == "__all__" else name): messages
            for name, messages in exc.message_dict.items()
        }
        return fields.pop("non_field_errors", []), fields
    return list(exc.messages), {}


def _translate(exc: Exception) -> Exception:
    """Django and service errors as DRF exceptions with the right status."""
    if isinstance(exc, DjangoValidationError):
        general, fields = _django_messages(exc)
        if isinstance(exc, TransitionNotAllowed | ConflictError):
            code = "conflict" if isinstance(exc, ConflictError) else "transition_not_allowed"
            return Conflict(detail="".join(general) or DEFAULT_MESSAGES[409], code=code)
        detail: dict[str, list[str]] = dict(fields)
        if general:
            detail["non_field_errors"] = general
        return Unprocessable(detail or DEFAULT_MESSAGES[422])
    if isinstance(exc, Http404):
        return exceptions.NotFound(DEFAULT_MESSAGES[404])
    if isinstance(exc, DjangoPermissionDenied):
        message = str(exc) or DEFAULT_MESSAGES[403]
        return exceptions.PermissionDenied(message)
    return exc


def _flatten(value) -> list[str]:
    if isinstance(value, dict):
        return [m for v in value.values() for m in _flatten(v)]
    if isinstance(value, list):
        return [m for v in value for m in _flatten(v)]
    return [str(value)]


def api_exception_handler(exc: Exception, context) -> Response | None:
    """DRF's handler, with every body reshaped to {code, message, errors?}."""
    exc = _translate(exc)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # a real bug: let it surface as a 500 and be logged
    code = "error"
    if isinstance(exc, Unprocessable):
        code = "unprocessable"
    elif isinstance(exc, exceptions.APIException):
        codes = exc.get_codes()
        code = codes if isinstance(codes, str) else "invalid"
    if code not in ERROR_CODES:
        code = "error"
    data = response.data
    body: dict = {"code": code}
    if isinstance(data, dict) and set(data) == {"detail"}:
        body["message"] = str(data["detail"])
    elif isinstance(data, dict):
        general = _flatten(data.get("non_field_errors", []))
        body["message"] = general[0] if general else DEFAULT_MESSAGES.get(
            response.status_code, DEFAULT_MESSAGES[400])
        body["errors"] = {name: _flatten(value) for name, value in data.items()}
    else:
        messages = _flatten(data)
        body["message"] = messages[0] if messages else DEFAULT_MESSAGES.get(response.status_code, "")
    response.data = body
    return response
