"""Every write that means something: one function per business verb.

Each is atomic, checks that the transition is allowed and that `by` may do it, records an event, and
defers side effects with `transaction.on_commit`.
"""

from .calendar import load_holiday_arrangement, recompute_deadlines, save_holiday
from .content import (
    resolve_error_report,
    save_page,
    start_error_report,
    submit_error_report,
)
from .errors import ConflictError, NotAllowed, TransitionNotAllowed
from .items import (
    confirm_review,
    create_item,
    decide_attribute,
    edit_item,
    publish_item,
    publish_update,
    record_change,
    refer_attribute,
    return_to_draft,
    submit_for_review,
    withdraw_item,
)
from .requests import (
    answer_request,
    confirm_receipt,
    end_consultation,
    extend_request,
    lapse_request,
    mark_not_processed,
    receive_correction,
    receive_request,
    request_correction,
    start_consultation,
    withdraw_request,
)

__all__ = [
    "ConflictError",
    "NotAllowed",
    "TransitionNotAllowed",
    "confirm_review",
    "create_item",
    "decide_attribute",
    "edit_item",
    "load_holiday_arrangement",
    "publish_item",
    "publish_update",
    "recompute_deadlines",
    "record_change",
    "refer_attribute",
    "resolve_error_report",
    "save_page",
    "start_error_report",
    "submit_error_report",
    "return_to_draft",
    "save_holiday",
    "submit_for_review",
    "withdraw_item",
    "answer_request",
    "confirm_receipt",
    "end_consultation",
    "extend_request",
    "lapse_request",
    "mark_not_processed",
    "receive_correction",
    "receive_request",
    "request_correction",
    "start_consultation",
    "withdraw_request",
]
