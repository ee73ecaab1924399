"""The life of an item: draft → in review → published → withdrawn, and its updates.

Allowed moves (办法 art. 5: nothing is published before the confidentiality review):

    draft      --submit_for_review-->  in_review
    in_review  --return_to_draft---->  draft        (office, with a comment)
    in_review  --confirm_review----->  in_review    (office: 保密审查 recorded)
    in_review  --publish_item------->  published    (office; review confirmed; proactive only)
    published  --record_change------>  published    (update clock starts)
    published  --withdraw_item------>  withdrawn    (office, with a reason)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from disclosure.access import policy
from disclosure.catalogue.models import ChecklistEntry
from disclosure.core.errors import ConflictError, NotAllowed, TransitionNotAllowed
from disclosure.items.models import DisclosureItem, ItemEvent

Status = DisclosureItem.Status
Action = ItemEvent.Action

ALLOWED_TRANSITIONS: dict[str, set[str]] = {
    Status.DRAFT: {Status.IN_REVIEW},
    Status.IN_REVIEW: {Status.DRAFT, Status.PUBLISHED},
    Status.PUBLISHED: {Status.WITHDRAWN},
    Status.WITHDRAWN: set(),
}

# Fields a department editor may set; the rest are the office's or derived.
EDITABLE_FIELDS = (
    "title", "summary", "body", "department", "document_number", "document_kind", "attribute",
    "exemption_reason", "produced_on", "changed_on",
)


def can_edit_item(user, item: DisclosureItem) -> bool:
    """Office staff edit every item; department editors only their own departments' items."""
    if policy.is_office(user):
        return True
    return policy.is_department_editor(user) and item.department_id in policy.user_department_ids(user)


def _require(condition: bool, message: str, error=NotAllowed) -> None:
    if not condition:
        raise error(message)


def _require_editor(user, item: DisclosureItem) -> None:
    _require(can_edit_item(user, item), "您没有编辑该部门公开事项的权限。")


def _require_office(user) -> None:
    _require(policy.is_office(user), "只有信息公开办公室可以执行此操作。")


def _require_transition(item: DisclosureItem, target: str) -> None:
    if target not in ALLOWED_TRANSITIONS[item.status]:
        raise TransitionNotAllowed(
            f"“{item.get_status_display()}”状态的事项不能变为“{Status(target).label}”。",
            code="transition",
        )


def _locked(item: DisclosureItem) -> DisclosureItem:
    """Re-read the item under a row lock, so two transitions cannot interleave."""
    return DisclosureItem.objects.select_for_update().get(pk=item.pk)


def _save(item: DisclosureItem, fields: Iterable[str], *, by, reason: str,
          expected_version: int | None = None) -> None:
    """Save `fields`, bump the version, and refuse when someone saved the item since it was read."""
    if expected_version is not None:
        bumped = DisclosureItem.objects.filter(pk=item.pk, version=expected_version).update(
            version=F("version") + 1
        )
        if not bumped:
            raise ConflictError(
                "该事项已被他人修改，您的修改未保存。请重新打开页面，在最新内容上修改。",
                code="conflict",
            )
        item.version = expected_version + 1
    else:
        item.version = item.version + 1
        fields = [*fields, "version"]
    item._history_user = by
    item._change_reason = reason
    item.save(update_fields=[*fields])


def _record(item: DisclosureItem, action: str, *, by, note: str = "", **data: Any) -> ItemEvent:
    return ItemEvent.objects.create(item=item, action=action, actor=by, note=note, data=data)


def _validate(item: DisclosureItem) -> None:
    # Model validation (field rules and the table's check constraints), with the Chinese messages.
    item.full_clean(exclude=["created_by"], validate_unique=False)


@transaction.atomic
def create_item(*, by, entries: Iterable[ChecklistEntry] = (), **fields: Any) -> DisclosureItem:
    """Create a draft item of a department `by` may edit. Raises ValidationError on bad input."""
    item = DisclosureItem(created_by=by, status=Status.DRAFT, **fields)
    _require_editor(by, item)
    if item.attribute_referred:
        _require(False, "新建事项不能直接标记为报请学校审定，请保存后再报请。", TransitionNotAllowed)
    _validate(item)
    item._history_user = by
    item._change_reason = Action.CREATED.label
    item.save()
    item.entries.set(entries)
    _record(item, Action.CREATED, by=by)
    return item


def check_edit(item: DisclosureItem, *, by, changes: dict[str, Any]) -> None:
    """Raise what `edit_item` would refuse for `changes`, without saving anything.

    Forms call it while validating, so that a refusal is shown next to the fields; `edit_item`
    calls it again under the row lock.
    """
    _require_editor(by, item)
    department = changes.get("department")
    if department is not None and department.pk != item.department_id:
        _require(can_edit_item(by, DisclosureItem(department=department)),
                 "您不能把事项移到您不负责的部门。")
    _require(item.status != Status.WITHDRAWN, "已撤回的事项不能修改。", TransitionNotAllowed)
    unknown = set(changes) - set(EDITABLE_FIELDS)
    _require(not unknown, f"这些字段不能在此修改：{', '.join(sorted(unknown))}。", TransitionNotAllowed)
    if item.status == Status.PUBLISHED:
        _require(
            changes.get("attribute", item.attribute) == DisclosureItem.Attribute.PROACTIVE,
            "已发布事项的公开属性不能改为非主动公开，请先撤回。",
            TransitionNotAllowed,
        )


@transaction.atomic
def edit_item(
    item: DisclosureItem,
    *,
    by,
    changes: dict[str, Any],
    entries: Iterable[ChecklistEntry] | None = None,
    expected_version: int | None = None,
) -> DisclosureItem:
    """Change an item's content. On a published item, the edit is its update (update clock met)."""
    item = _locked(item)
    check_edit(item, by=by, changes=changes)
    changed = [name for name, value in changes.items() if getattr(item, name) != value]
    for name in changed:
        setattr(item, name, changes[name])
    entries_changed = False
    if entries is not None:
        entries = list(entries)
        entries_changed = {e.pk for e in entries} != set(item.entries.values_list("pk", flat=True))
    if not changed and not entries_changed:
        return item
    fields = list(changed)
    if item.status == Status.PUBLISHED:
        # Publishing changed content is the update the 20-working-day rule asks for.
        # Without a stated change date and with no update owed, the information changed today.
        if "changed_on" not in changed and (item.changed_on is None or item.updated_at):
            item.changed_on = timezone.localdate()
        item.updated_at = timezone.now()
        fields += ["changed_on", "updated_at"]
    _validate(item)
    _save(item, set(fields), by=by, reason=Action.EDITED.label, expected_version=expected_version)
    if entries_changed:
        item.entries.set(entries)
    _record(item, Action.EDITED, by=by, fields=sorted(set(changed)), entries_changed=entries_changed)
    return item


@transaction.atomic
def submit_for_review(item: DisclosureItem, *, by) -> DisclosureItem:
    """Send a draft to the office for review and publication."""
    item = _locked(item)
    _require_editor(by, item)
    _require_transition(item, Status.IN_REVIEW)
    _require(
        item.attribute == DisclosureItem.Attribute.PROACTIVE,
        "只有公开属性为“主动公开”的事项可以提交发布审核。",
        TransitionNotAllowed,
    )
    _require(not item.attribute_referred, "公开属性正在报请学校审定，审定后才能提交。", TransitionNotAllowed)
    _require(item.entries.exists(), "请先选择该事项对应的清单事项。", TransitionNotAllowed)
    item.status = Status.IN_REVIEW
    _save(item, ["status"], by=by, reason=Action.SUBMITTED.label)
    _record(item, Action.SUBMITTED, by=by)
    return item


@transaction.atomic
def return_to_draft(item: DisclosureItem, *, by, comment: str) -> DisclosureItem:
    """Send an item in review back to its department with the reviewer's comment."""
    item = _locked(item)
    _require_office(by)
    _require_transition(item, Status.DRAFT)
    comment = (comment or "").strip()
    _require(bool(comment), "退回修改时请填写审核意见。", TransitionNotAllowed)
    item.status, item.review_comment = Status.DRAFT, comment
    item.reviewed_by, item.reviewed_at = None, None
    _save(item, ["status", "review_comment", "reviewed_by", "reviewed_at"], by=by,
          reason=Action.RETURNED.label)
    _record(item, Action.RETURNED, by=by, note=comment)
    return item


@transaction.atomic
def confirm_review(item: DisclosureItem, *, by, note: str = "") -> DisclosureItem:
    """Record the confidentiality review (保密审查) of an item in review: who and when."""
    item = _locked(item)
    _require_office(by)
    _require(item.status == Status.IN_REVIEW, "只有待审核的事项需要保密审查。", TransitionNotAllowed)
    item.reviewed_by, item.reviewed_at = by, timezone.now()
    _save(item, ["reviewed_by", "reviewed_at"], by=by, reason=Action.REVIEWED.label)
    _record(item, Action.REVIEWED, by=by, note=note)
    return item


@transaction.atomic
def publish_item(item: DisclosureItem, *, by, confirm_review_now: bool = False) -> DisclosureItem:
    """Publish a reviewed, proactive item. With `confirm_review_now` the review is recorded first."""
    if confirm_review_now and not item.reviewed_at:
        item = confirm_review(item, by=by)
    item = _locked(item)
    _require_office(by)
    _require_transition(item, Status.PUBLISHED)
    _require(
        item.attribute == DisclosureItem.Attribute.PROACTIVE,
        f"公开属性为“{item.get_attribute_display()}”的事项不能发布。",
        TransitionNotAllowed,
    )
    _require(not item.attribute_referred, "公开属性尚待学校审定，不能发布。", TransitionNotAllowed)
    _require(item.reviewed_at is not None, "发布前须完成保密审查。", TransitionNotAllowed)
    item.status, item.published_at = Status.PUBLISHED, timezone.now()
    _save(item, ["status", "published_at"], by=by, reason=Action.PUBLISHED.label)
    _record(item, Action.PUBLISHED, by=by, late=bool(
        item.publish_due and timezone.localdate(item.published_at) > item.publish_due
    ))
    return item


@transaction.atomic
def withdraw_item(item: DisclosureItem, *, by, reason: str) -> DisclosureItem:
    """Take a published item off the public site, with the reason recorded."""
    item = _locked(item)
    _require_office(by)
    _require_transition(item, Status.WITHDRAWN)
    reason = (reason or "").strip()
    _require(bool(reason), "撤回时请填写撤回原因。", TransitionNotAllowed)
    item.status, item.withdrawn_reason = Status.WITHDRAWN, reason
    _save(item, ["status", "withdrawn_reason"], by=by, reason=Action.WITHDRAWN.label)
    _record(item, Action.WITHDRAWN, by=by, note=reason)
    return item


@transaction.atomic
def record_change(item: DisclosureItem, *, by, changed_on: dt.date, note: str = "") -> DisclosureItem:
    """Record that published information changed on `changed_on`: the update clock (re)starts."""
    item = _locked(item)
    _require_editor(by, item)
    _require(item.status == Status.PUBLISHED, "只有已发布的事项需要登记变更。", TransitionNotAllowed)
    _require(changed_on >= item.produced_on, "变更之日不能早于信息制作完成之日。", TransitionNotAllowed)
    _require(changed_on <= timezone.localdate(), "变更之日不能晚于今天。", TransitionNotAllowed)
    item.changed_on, item.updated_at = changed_on, None
    _save(item, ["changed_on", "updated_at"], by=by, reason=Action.CHANGE_RECORDED.label)
    _record(item, Action.CHANGE_RECORDED, by=by, note=note, changed_on=changed_on.isoformat(),
            update_due=item.update_due.isoformat())
    return item


@transaction.atomic
def publish_update(item: DisclosureItem, *, by, note: str = "") -> DisclosureItem:
    """Record that the changed content of a published item is out: the update clock is met."""
    item = _locked(item)
    _require_editor(by, item)
    _require(item.status == Status.PUBLISHED and item.changed_on is not None,
             "只有登记了变更的已发布事项可以发布更新。", TransitionNotAllowed)
    item.updated_at = timezone.now()
    _save(item, ["updated_at"], by=by, reason=Action.UPDATED.label)
    _record(item, Action.UPDATED, by=by, note=note)
    return item


@transaction.atomic
def refer_attribute(item: DisclosureItem, *, by, note: str) -> DisclosureItem:
    """Ask the office to decide an unclear disclosure attribute (报请学校审定)."""
    item = _locked(item)
    _require_editor(by, item)
    _require(item.status == Status.DRAFT, "只有草稿可以报请学校审定公开属性。", TransitionNotAllowed)
    _require(not item.attribute_referred, "该事项已报请学校审定。", TransitionNotAllowed)
    note = (note or "").strip()
    _require(bool(note), "请说明公开属性难以确定的原因。", TransitionNotAllowed)
    item.attribute_referred = True
    _save(item, ["attribute_referred"], by=by, reason=Action.REFERRED.label)
    _record(item, Action.REFERRED, by=by, note=note)
    return item


@transaction.atomic
def decide_attribute(
    item: DisclosureItem, *, by, attribute: str, exemption_reason: str = "", note: str = ""
) -> DisclosureItem:
    """The office's decision on a referred attribute, recorded with who, when and why."""
    item = _locked(item)
    _require_office(by)
    _require(item.attribute_referred, "该事项没有报请学校审定。", TransitionNotAllowed)
    item.attribute, item.attribute_referred = attribute, False
    item.exemption_reason = exemption_reason if attribute == DisclosureItem.Attribute.EXEMPT else ""
    _validate(item)
    _save(item, ["attribute", "attribute_referred", "exemption_reason"], by=by,
          reason=Action.ATTRIBUTE_DECIDED.label)
    _record(item, Action.ATTRIBUTE_DECIDED, by=by, note=note, attribute=attribute,
            exemption_reason=item.exemption_reason)
    return item


def recompute_item_deadlines(*, calendar, by=None, reason: str) -> int:
    """Recompute every open item's stored deadlines after a calendar change; record each move."""
    from disclosure.items import deadlines

    moved = 0
    items = DisclosureItem.objects.with_open_deadline().only(
        "id", "produced_on", "changed_on", "publish_due", "update_due", "deadline_provisional",
    )
    for item in items.iterator(chunk_size=500):
        before = {"publish_due": item.publish_due, "update_due": item.update_due,
                  "provisional": item.deadline_provisional}
        if deadlines.refresh_item_deadlines(item, calendar):
            DisclosureItem.objects.filter(pk=item.pk).update(
                publish_due=item.publish_due, update_due=item.update_due,
                deadline_provisional=item.deadline_provisional,
            )
            _record(item, Action.DEADLINE_RECOMPUTED, by=by, note=reason,
                    before={k: str(v) for k, v in before.items()},
                    after={"publish_due": str(item.publish_due), "update_due": str(item.update_due),
                           "provisional": str(item.deadline_provisional)})
            moved += 1
    return moved
