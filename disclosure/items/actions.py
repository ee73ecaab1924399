"""The life of an item, every verb declared once in `ITEM_ACTIONS`.

    draft      --submit------------->  in_review
    in_review  --take_back---------->  draft        (the editor, before the review is confirmed)
    in_review  --return------------->  draft        (office, with a comment)
    in_review  --review------------->  in_review    (office: 保密审查 recorded)
    in_review  --publish------------>  published    (office; review confirmed; proactive only)
    published  --record_change------>  published    (update clock starts)
    published  --publish_update----->  published    (the update is out)
    published  --publish_revision--->  published    (office: an editor's pending revision goes live)
    published  --reject_revision---->  published    (office, with a comment)
    published  --withdraw----------->  withdrawn    (office, with a reason)

办法 art. 5: nothing is published before the confidentiality review. So an edit after the review
clears it, and an editor's edit of a published item is a revision the office reviews before the
public sees it; the office's own edit of a published item is a correction (更正), live at once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from disclosure.access import policy
from disclosure.access.action_tables import Action as Verb
from disclosure.access.action_tables import ActionTable
from disclosure.catalogue.models import ChecklistEntry
from disclosure.core.errors import ConflictError, NotAllowed, TransitionNotAllowed
from disclosure.items.models import Attachment, DisclosureItem, ItemEvent, ItemRevision, Publication

Status = DisclosureItem.Status
Action = ItemEvent.Action
Role = policy.Role
STAFF = frozenset({Role.OFFICE, Role.DEPARTMENT_EDITOR})
OFFICE = frozenset({Role.OFFICE})
EDITOR = frozenset({Role.DEPARTMENT_EDITOR})


def _pending_revision(item: DisclosureItem) -> ItemRevision | None:
    if hasattr(item, "pending_revisions"):  # fetched for a whole list by `for_action_listing`
        return item.pending_revisions[0] if item.pending_revisions else None
    return item.revisions.filter(status=ItemRevision.Status.PENDING).first()


def _has_entries(item: DisclosureItem) -> bool:
    if "entries" in getattr(item, "_prefetched_objects_cache", {}):
        return bool(item.entries.all())
    return item.entries.exists()


def for_action_listing(items):
    """`items` with what the table's guards read fetched in one query, for a list of buttons."""
    from django.db.models import Prefetch

    pending = ItemRevision.objects.filter(status=ItemRevision.Status.PENDING).order_by("pk")
    return items.prefetch_related("entries",
                                  Prefetch("revisions", queryset=pending, to_attr="pending_revisions"))


ITEM_ACTIONS = ActionTable(
    "items",
    state_of=lambda item: item.status,
    state_label=lambda item: item.get_status_display(),
    actions=[
        Verb("submit", "提交审核", frozenset({Status.DRAFT}), STAFF, scoped=True,
             leads_to=frozenset({Status.IN_REVIEW}),
             extra={"api": "submit", "basis": "草稿提交信息公开办公室审核。"},
             guard=lambda item, **_: (
                 "只有公开属性为“主动公开”的事项可以提交发布审核。"
                 if item.attribute != DisclosureItem.Attribute.PROACTIVE
                 else "公开属性正在报请学校审定，审定后才能提交。" if item.attribute_referred
                 else "请先选择该事项对应的清单事项。" if not _has_entries(item) else "")),
        # The office sends an item back with `return`; taking back is the department's own.
        Verb("take_back", "撤回提交", frozenset({Status.IN_REVIEW}), EDITOR, scoped=True,
             leads_to=frozenset({Status.DRAFT}),
             extra={"api": "take-back", "basis": "部门在保密审查前撤回已提交审核的事项。"},
             guard=lambda item, **_: "保密审查已完成，不能撤回提交，请联系信息公开办公室退回。"
             if item.reviewed_at else ""),
        Verb("refer", "报请学校审定公开属性", frozenset({Status.DRAFT}), STAFF, scoped=True,
             extra={"api": "refer", "basis": "公开属性难以确定的事项报请学校审定，须说明原因。"},
             guard=lambda item, **_: "该事项已报请学校审定。" if item.attribute_referred else "",
             input="note", input_label="难以确定的原因"),
        Verb("decide", "审定公开属性", frozenset({Status.DRAFT}), OFFICE,
             extra={"api": "decide", "basis": "信息公开办公室审定报请的公开属性（不予公开须选理由，办法第十条）。"},
             guard=lambda item, **_: "" if item.attribute_referred else "该事项没有报请学校审定。",
             input="decision", input_label="审定说明"),
        Verb("review", "确认保密审查通过", frozenset({Status.IN_REVIEW}), OFFICE,
             extra={"api": "review", "basis": "信息公开办公室登记保密审查（办法第五条）：审查人和时间。"},
             guard=lambda item, **_: "保密审查已确认。" if item.reviewed_at else "",
             input="note", input_label="审查意见（可选）"),
        Verb("publish", "发布", frozenset({Status.IN_REVIEW}), OFFICE, css="default",
             leads_to=frozenset({Status.PUBLISHED}),
             extra={"api": "publish", "basis": "信息公开办公室发布已通过保密审查的主动公开事项。"},
             guard=lambda item, **_: (
                 f"公开属性为“{item.get_attribute_display()}”的事项不能发布。"
                 if item.attribute != DisclosureItem.Attribute.PROACTIVE
                 else "公开属性尚待学校审定，不能发布。" if item.attribute_referred
                 else "发布前须完成保密审查。" if item.reviewed_at is None else "")),
        Verb("return", "退回修改", frozenset({Status.IN_REVIEW}), OFFICE,
             leads_to=frozenset({Status.DRAFT}),
             extra={"api": "return", "basis": "信息公开办公室把待审核事项退回部门，须填写审核意见。"},
             input="comment", input_label="审核意见"),
        Verb("publish_revision", "审核通过并发布修订", frozenset({Status.PUBLISHED}), OFFICE,
             extra={"api": "publish-revision", "basis": "信息公开办公室审核部门对已发布事项的修订并发布。"},
             css="default",
             guard=lambda item, **_: "" if _pending_revision(item) else "该事项没有待审修订。",
             input="note", input_label="审核意见（可选）"),
        Verb("reject_revision", "退回修订", frozenset({Status.PUBLISHED}), OFFICE,
             extra={"api": "reject-revision", "basis": "信息公开办公室退回部门对已发布事项的修订，须填写理由。"},
             guard=lambda item, **_: "" if _pending_revision(item) else "该事项没有待审修订。",
             input="comment", input_label="退回理由"),
        Verb("record_change", "登记变更", frozenset({Status.PUBLISHED}), STAFF, scoped=True,
             extra={"api": "record-change", "basis": "已发布信息发生变更：自变更之日次日起计算 20 个工作日的更新期限。"},
             input="changed_on", input_label="变更之日"),
        Verb("publish_update", "发布更新", frozenset({Status.PUBLISHED}), STAFF, scoped=True,
             extra={"api": "publish-update", "basis": "登记了变更的已发布事项，其更新内容已对外发布。"},
             guard=lambda item, **_: "" if item.changed_on is not None and item.updated_at is None
             else "只有登记了变更的已发布事项可以发布更新。",
             input="note", input_label="更新说明（可选）"),
        Verb("withdraw", "撤回", frozenset({Status.PUBLISHED}), OFFICE,
             leads_to=frozenset({Status.WITHDRAWN}),
             extra={"api": "withdraw", "basis": "信息公开办公室撤回已发布事项，须填写原因。"},
             input="reason", input_label="撤回原因"),
    ],
)

# Fields a department editor may set; the rest are the office's or derived.
EDITABLE_FIELDS = (
    "title", "summary", "body", "department", "document_number", "document_kind", "attribute",
    "exemption_reason", "produced_on", "changed_on", "issuing_organ", "disclosure_method", "scope",
    "validity", "superseded_by",
)
# What the public sees of an item: a change to any of them after the review needs a new review.
REVIEWED_FIELDS = ("title", "summary", "body", "department", "document_number", "document_kind",
                   "attribute", "exemption_reason", "produced_on", "changed_on", "issuing_organ",
                   "disclosure_method", "scope", "validity", "superseded_by")


def can_edit_item(user, item: DisclosureItem) -> bool:
    """Office staff edit every item; department editors only their own departments' items."""
    return policy.may_edit_department(user, item.department_id)


def _require(condition: bool, message: str, error=NotAllowed) -> None:
    if not condition:
        raise error(message)


def _require_editor(user, item: DisclosureItem) -> None:
    _require(can_edit_item(user, item), "您没有编辑该部门公开事项的权限。")


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


def _clear_review(item: DisclosureItem, *, by, why: str) -> list[str]:
    """An item changed after its confidentiality review must be reviewed again (办法 art. 5)."""
    if item.reviewed_at is None:
        return []
    item.reviewed_by, item.reviewed_at = None, None
    _record(item, Action.REVIEW_CLEARED, by=by, note=why)
    return ["reviewed_by", "reviewed_at"]


def _serialise(value):
    if hasattr(value, "pk"):
        return value.pk
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


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
    """Change an item's content, by the rule for its state.

    A draft changes at once; an item in review too, and a confirmed review is cleared. A published
    item changed by its department becomes a pending revision the public does not see until the
    office publishes it; the office's own change is a correction (更正), live at once.
    """
    item = _locked(item)
    check_edit(item, by=by, changes=changes)
    if expected_version is not None and expected_version != item.version:
        raise ConflictError(
            "该事项已被他人修改，您的修改未保存。请重新打开页面，在最新内容上修改。", code="conflict",
        )
    changed = [name for name, value in changes.items() if getattr(item, name) != value]
    entries_changed = False
    if entries is not None:
        entries = list(entries)
        entries_changed = {e.pk for e in entries} != set(item.entries.values_list("pk", flat=True))
    if not changed and not entries_changed:
        return item
    if item.status == Status.PUBLISHED and not policy.is_office(by):
        propose_revision(item, by=by, changes={name: changes[name] for name in changed},
                         entries=entries if entries_changed else None)
        return item
    for name in changed:
        setattr(item, name, changes[name])
    fields = list(changed)
    action = Action.EDITED
    if item.status == Status.PUBLISHED:
        # The office's correction: publishing changed content is the update the 20-working-day rule
        # asks for. Without a stated change date and with no update owed, it changed today.
        action = Action.CORRECTED
        _mark_updated(item, changed)
        fields += ["changed_on", "updated_at"]
    elif item.status == Status.IN_REVIEW:
        fields += _clear_review(item, by=by, why="审查后内容被修改：" + "、".join(
            _label(name) for name in [*changed, *(["entries"] if entries_changed else [])]))
    _validate(item)
    _save(item, set(fields), by=by, reason=action.label,
          expected_version=item.version if expected_version is not None else None)
    if entries_changed:
        item.entries.set(entries)
    _record(item, action, by=by, fields=sorted(set(changed)), entries_changed=entries_changed)
    return item


def _mark_updated(item: DisclosureItem, changed: Iterable[str]) -> None:
    if "changed_on" not in changed and (item.changed_on is None or item.updated_at):
        item.changed_on = timezone.localdate()
    item.updated_at = timezone.now()


def _label(name: str) -> str:
    if name == "entries":
        return "清单事项"
    return str(DisclosureItem._meta.get_field(name).verbose_name)


# ---- Revisions of published items ----

@transaction.atomic
def propose_revision(item: DisclosureItem, *, by, changes: dict[str, Any] | None = None,
                     entries: Iterable[ChecklistEntry] | None = None) -> ItemRevision:
    """Keep a department's change to a published item as its pending revision (one per item)."""
    _require_editor(by, item)
    _require(item.status == Status.PUBLISHED, "只有已发布的事项以修订方式修改。", TransitionNotAllowed)
    revision = (ItemRevision.objects.select_for_update()
                .filter(item=item, status=ItemRevision.Status.PENDING).first())
    if revision is None:
        revision = ItemRevision(item=item, created_by=by)
    for name, value in (changes or {}).items():
        revision.before.setdefault(name, _serialise(getattr(item, name)))
        revision.changes[name] = _serialise(value)
    if entries is not None:
        revision.before.setdefault("entries", sorted(item.entries.values_list("pk", flat=True)))
        revision.changes["entries"] = sorted(e.pk for e in entries)
    revision.save()
    _record(item, Action.REVISION_PROPOSED, by=by, revision=revision.pk,
            fields=sorted(changes or {}) + (["entries"] if entries is not None else []))
    return revision


def pending_revision(item: DisclosureItem) -> ItemRevision | None:
    return _pending_revision(item)


def revision_diff(revision: ItemRevision) -> list[tuple[str, str, str]]:
    """(what, before, after) for each change of a revision, in words an office reader knows."""
    from disclosure.catalogue.models import ChecklistEntry, Department

    def show(name, value):
        if value in (None, ""):
            return "（空）"
        if name == "department":
            return str(Department.objects.filter(pk=value).first() or value)
        if name == "superseded_by":
            return str(DisclosureItem.objects.filter(pk=value).first() or value)
        if name == "entries":
            return "、".join(str(e) for e in ChecklistEntry.objects.filter(pk__in=value)) or "（空）"
        field = DisclosureItem._meta.get_field(name)
        if field.choices:
            return str(dict(field.flatchoices).get(value, value))
        return str(value)

    rows = [(_label(name), show(name, revision.before.get(name)), show(name, value))
            for name, value in revision.changes.items()]
    for attachment in revision.attachments.all():
        rows.append(("新增附件", "—", attachment.title))
    for publication in revision.publications.select_related("channel"):
        rows.append(("新增发布记录", "—", str(publication.channel)))
    return rows


def _deserialise(name: str, value):
    from disclosure.catalogue.models import Department

    if value is None:
        return None
    if name == "department":
        return Department.objects.get(pk=value)
    if name == "superseded_by":
        return DisclosureItem.objects.filter(pk=value).first()
    field = DisclosureItem._meta.get_field(name)
    if field.get_internal_type() == "DateField" and isinstance(value, str):
        return dt.date.fromisoformat(value)
    return value


@transaction.atomic
def publish_revision(item: DisclosureItem, *, by, note: str = "") -> DisclosureItem:
    """The office approves a pending revision: its content, attachments and records go live."""
    item = _locked(item)
    ITEM_ACTIONS.check("publish_revision", item, by)
    revision = ItemRevision.objects.select_for_update().get(item=item, status=ItemRevision.Status.PENDING)
    diff = revision_diff(revision)
    changed = [name for name in revision.changes if name != "entries"]
    for name in changed:
        setattr(item, name, _deserialise(name, revision.changes[name]))
    _mark_updated(item, changed)
    _validate(item)
    _save(item, {*changed, "changed_on", "updated_at"}, by=by, reason=Action.REVISION_PUBLISHED.label)
    if "entries" in revision.changes:
        item.entries.set(ChecklistEntry.objects.filter(pk__in=revision.changes["entries"]))
    for row in (*revision.attachments.all(), *revision.publications.all()):
        row.pending_revision = None
        row.save(update_fields=["pending_revision"])
    revision.status, revision.decided_by, revision.decided_at = (
        ItemRevision.Status.PUBLISHED, by, timezone.now())
    revision.comment = note
    revision.save(update_fields=["status", "decided_by", "decided_at", "comment", "modified_at"])
    _record(item, Action.REVISION_PUBLISHED, by=by, note=note, revision=revision.pk,
            diff=[list(row) for row in diff])
    return item


@transaction.atomic
def reject_revision(item: DisclosureItem, *, by, comment: str) -> DisclosureItem:
    """The office sends a pending revision back; what it added is removed, the public saw nothing."""
    item = _locked(item)
    ITEM_ACTIONS.check("reject_revision", item, by)
    comment = (comment or "").strip()
    _require(bool(comment), "退回修订时请填写理由。", TransitionNotAllowed)
    revision = ItemRevision.objects.select_for_update().get(item=item, status=ItemRevision.Status.PENDING)
    for attachment in revision.attachments.all():
        _record(item, Action.ATTACHMENT_REMOVED, by=by, note="随修订退回", title=attachment.title)
        attachment.delete()
    for publication in revision.publications.all():
        _record(item, Action.PUBLICATION_REMOVED, by=by, note="随修订退回", channel=str(publication.channel))
        publication.delete()
    revision.status, revision.decided_by, revision.decided_at = (
        ItemRevision.Status.REJECTED, by, timezone.now())
    revision.comment = comment
    revision.save(update_fields=["status", "decided_by", "decided_at", "comment", "modified_at"])
    _record(item, Action.REVISION_REJECTED, by=by, note=comment, revision=revision.pk)
    return item


# ---- Attachments and publication records (the inlines of the item page, and the API) ----

_ROW_ACTIONS = {
    Attachment: (Action.ATTACHMENT_ADDED, Action.ATTACHMENT_CHANGED, Action.ATTACHMENT_REMOVED),
    Publication: (Action.PUBLICATION_ADDED, Action.PUBLICATION_CHANGED, Action.PUBLICATION_REMOVED),
}


def may_change_rows(user, item: DisclosureItem) -> bool:
    """Whether `user` may change or remove the item's existing attachments and records now.

    On a published item the department only adds (to its pending revision): a change to a row the
    public already sees would skip the review.
    """
    if item.status == Status.WITHDRAWN:
        return False
    if item.status == Status.PUBLISHED:
        return policy.is_office(user)
    return can_edit_item(user, item)


@transaction.atomic
def save_item_row(row: Attachment | Publication, *, by, removed: bool = False) -> None:
    """Add, change or remove one attachment or publication record of an item, by the item's rule."""
    item = _locked(row.item)
    _require_editor(by, item)
    _require(item.status != Status.WITHDRAWN, "已撤回的事项不能修改。", TransitionNotAllowed)
    added, changed, deleted = _ROW_ACTIONS[type(row)]
    describe = {"title": getattr(row, "title", "")} if isinstance(row, Attachment) else {
        "channel": str(row.channel)}
    if row.pk and not may_change_rows(by, item):
        raise NotAllowed("已发布事项的附件和发布记录只能由信息公开办公室修改；您可以新增，经审核后公开。")
    if removed:
        row.delete()
        _record(item, deleted, by=by, **describe)
        return
    is_new = row.pk is None
    if is_new and item.status == Status.PUBLISHED and not policy.is_office(by):
        row.pending_revision = propose_revision(item, by=by)
    row.save()
    if item.status == Status.IN_REVIEW:
        fields = _clear_review(item, by=by, why="审查后附件或发布记录被修改")
        if fields:
            _save(item, fields, by=by, reason=Action.REVIEW_CLEARED.label)
    _record(item, added if is_new else changed, by=by, pending=bool(row.pending_revision_id), **describe)


@transaction.atomic
def submit_for_review(item: DisclosureItem, *, by) -> DisclosureItem:
    """Send a draft to the office for review and publication."""
    item = _locked(item)
    ITEM_ACTIONS.check("submit", item, by)
    item.status = Status.IN_REVIEW
    _save(item, ["status"], by=by, reason=Action.SUBMITTED.label)
    _record(item, Action.SUBMITTED, by=by)
    return item


@transaction.atomic
def take_back_submission(item: DisclosureItem, *, by, note: str = "") -> DisclosureItem:
    """The department takes back a submission the office has not reviewed yet."""
    item = _locked(item)
    ITEM_ACTIONS.check("take_back", item, by)
    item.status = Status.DRAFT
    _save(item, ["status"], by=by, reason=Action.TAKEN_BACK.label)
    _record(item, Action.TAKEN_BACK, by=by, note=note)
    return item


@transaction.atomic
def return_to_draft(item: DisclosureItem, *, by, comment: str) -> DisclosureItem:
    """Send an item in review back to its department with the reviewer's comment."""
    item = _locked(item)
    ITEM_ACTIONS.check("return", item, by)
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
    ITEM_ACTIONS.check("review", item, by)
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
    ITEM_ACTIONS.check("publish", item, by)
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
    ITEM_ACTIONS.check("withdraw", item, by)
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
    ITEM_ACTIONS.check("record_change", item, by)
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
    ITEM_ACTIONS.check("publish_update", item, by)
    item.updated_at = timezone.now()
    _save(item, ["updated_at"], by=by, reason=Action.UPDATED.label)
    _record(item, Action.UPDATED, by=by, note=note)
    return item


@transaction.atomic
def refer_attribute(item: DisclosureItem, *, by, note: str) -> DisclosureItem:
    """Ask the office to decide an unclear disclosure attribute (报请学校审定)."""
    item = _locked(item)
    ITEM_ACTIONS.check("refer", item, by)
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
    ITEM_ACTIONS.check("decide", item, by)
    item.attribute, item.attribute_referred = attribute, False
    item.exemption_reason = exemption_reason if attribute == DisclosureItem.Attribute.EXEMPT else ""
    _validate(item)
    _save(item, ["attribute", "attribute_referred", "exemption_reason"], by=by,
          reason=Action.ATTRIBUTE_DECIDED.label)
    _record(item, Action.ATTRIBUTE_DECIDED, by=by, note=note, attribute=attribute,
            exemption_reason=item.exemption_reason)
    return item


def recompute_item_deadlines(*, calendar, by=None, reason: str, dry_run: bool = False) -> list:
    """Recompute every open item's publish and update deadlines after a calendar change.

    Returns the moves (`DateMove`); unless `dry_run`, saves each item that moved and records the
    move on it (old → new).
    """
    from disclosure.items import deadlines
    from disclosure.workcalendar.services import DateMove

    moves = []
    items = DisclosureItem.objects.with_open_deadline().only(
        "id", "title", "produced_on", "changed_on", "publish_due", "update_due",
        "deadline_provisional",
    )
    for item in items.iterator(chunk_size=500):
        before = {"publish_due": item.publish_due, "update_due": item.update_due,
                  "provisional": item.deadline_provisional}
        if not deadlines.refresh_item_deadlines(item, calendar):
            continue
        subject = f"事项“{item.title}”"
        for field, what in (("publish_due", "公开期限"), ("update_due", "更新期限")):
            if before[field] != getattr(item, field):
                moves.append(DateMove(subject, what, before[field], getattr(item, field)))
        if dry_run:
            continue
        DisclosureItem.objects.filter(pk=item.pk).update(
            publish_due=item.publish_due, update_due=item.update_due,
            deadline_provisional=item.deadline_provisional,
        )
        _record(item, Action.DEADLINE_RECOMPUTED, by=by, note=reason,
                before={k: str(v) for k, v in before.items()},
                after={"publish_due": str(item.publish_due), "update_due": str(item.update_due),
                       "provisional": str(item.deadline_provisional)})
    return moves


def _parse_date(value) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat((value or "").strip())
    except ValueError as error:
        raise TransitionNotAllowed("请按“年-月-日”格式填写日期，如 2026-03-02。") from error


def _decide(item, by, data, text):
    attribute = data.get("attribute", "")
    if attribute not in DisclosureItem.Attribute.values:
        raise TransitionNotAllowed("请选择审定后的公开属性。")
    return decide_attribute(item, by=by, attribute=attribute,
                            exemption_reason=data.get("exemption_reason", ""), note=text)


# The effect of each verb of ITEM_ACTIONS, called with the input its button or API call posts.
ITEM_EFFECTS = {
    "submit": lambda item, by, data, text: submit_for_review(item, by=by),
    "take_back": lambda item, by, data, text: take_back_submission(item, by=by, note=text),
    "refer": lambda item, by, data, text: refer_attribute(item, by=by, note=text),
    "decide": _decide,
    "review": lambda item, by, data, text: confirm_review(item, by=by, note=text),
    # The API may ask to record the review in the same step (`confirm_review`).
    "publish": lambda item, by, data, text: publish_item(
        item, by=by, confirm_review_now=data.get("confirm_review") in (True, "1", "on", "true")),
    "return": lambda item, by, data, text: return_to_draft(item, by=by, comment=text),
    "publish_revision": lambda item, by, data, text: publish_revision(item, by=by, note=text),
    "reject_revision": lambda item, by, data, text: reject_revision(item, by=by, comment=text),
    "record_change": lambda item, by, data, text: record_change(
        item, by=by, changed_on=_parse_date(data.get("changed_on")), note=text),
    "publish_update": lambda item, by, data, text: publish_update(item, by=by, note=text),
    "withdraw": lambda item, by, data, text: withdraw_item(item, by=by, reason=text),
}
assert set(ITEM_EFFECTS) == set(ITEM_ACTIONS.actions), "every verb has exactly one effect"


def run_item_action(name: str, item: DisclosureItem, *, by, data=None) -> DisclosureItem:
    """Run one verb of ITEM_ACTIONS with the posted input (the admin's buttons, the API)."""
    if name not in ITEM_ACTIONS:
        raise TransitionNotAllowed("没有这个操作。", code="unknown_action")
    data = data or {}
    text = (data.get("text") or data.get("note") or data.get("comment") or data.get("reason") or "")
    return ITEM_EFFECTS[name](item, by, data, str(text).strip())
