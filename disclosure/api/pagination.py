"""Cursor pagination for the item lists: stable under new publications, cheap at any depth."""

from __future__ import annotations

from django.utils.dateparse import parse_datetime
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import CursorPagination

MAX_PAGE_SIZE = 100


def _is_datetime(value: str) -> bool:
    try:
        return parse_datetime(value) is not None
    except ValueError:
        return False


def _is_id(value: str) -> bool:
    return value.isascii() and value.isdigit() and int(value) < 2**63


class ItemCursorPagination(CursorPagination):
    ordering = ("-published_at", "-id")
    # The cursor's position is compared with the first ordering field in SQL: it must parse as one.
    position_is_valid = staticmethod(_is_datetime)
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE
    page_size_query_description = f"每页条数，1 到 {MAX_PAGE_SIZE}，默认 20。"
    cursor_query_description = "翻页游标：使用上一次响应中 next 或 previous 链接里的值。"
    invalid_cursor_message = "翻页游标无效，请使用上一次响应中 next 或 previous 链接里的值。"

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"] = {"type": "integer", "minimum": 1,
                                       "maximum": self.max_page_size}
            elif parameter["name"] == self.cursor_query_param:
                parameter["schema"] = {"type": "string", "minLength": 1}
                parameter["description"] += "游标无效（如已过期）时返回 404。"
        return parameters

    def get_page_size(self, request) -> int:
        # DRF quietly caps or ignores a bad size; a client asking for 10000 rows should be told.
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        size = int(raw) if raw.isascii() and raw.isdigit() else 0
        if not 1 <= size <= self.max_page_size:
            raise ValidationError(
                {self.page_size_query_param: [f"每页条数须为 1 到 {self.max_page_size} 之间的整数。"]}
            )
        return size

    def decode_cursor(self, request):
        # An empty cursor breaks the schema (400); a cursor is otherwise opaque, so one that points
        # nowhere is a page that does not exist (404), as for DRF, with our message.
        if request.query_params.get(self.cursor_query_param) == "":
            raise ValidationError({self.cursor_query_param: ["翻页游标不能为空；第一页请省略该参数。"]})
        try:
            cursor = super().decode_cursor(request)
        except NotFound as exc:
            raise NotFound(self.invalid_cursor_message) from exc
        if cursor is not None and cursor.position is not None:
            if not self.position_is_valid(cursor.position):
                raise NotFound(self.invalid_cursor_message)
        return cursor


class StaffItemCursorPagination(ItemCursorPagination):
    # Drafts have no publication time: the back office pages by id, newest first.
    ordering = ("-id",)
    position_is_valid = staticmethod(_is_id)
