"""The item workflow services: every transition allowed and refused, with who may take it."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from disclosure.core.errors import ConflictError, NotAllowed, TransitionNotAllowed
from disclosure.items import actions as item_actions
from disclosure.items.actions import check_edit
from disclosure.items.models import DisclosureItem, ItemEvent

pytestmark = pytest.mark.django_db
Status = DisclosureItem.Status


def actions(item):
    return list(item.events.order_by("at", "id").values_list("action", flat=True))


def test_full_life_records_every_step_with_actor(make_item, editor, office_user):
    item = make_item(by=editor)
    item_actions.submit_for_review(item, by=editor)
    item = item_actions.return_to_draft(item, by=office_user, comment="请补充文号。")
    assert item.status == Status.DRAFT and item.review_comment == "请补充文号。"
    item_actions.submit_for_review(item, by=editor)
    item = item_actions.confirm_review(item, by=office_user, note="不涉密")
    assert item.reviewed_by == office_user and item.reviewed_at is not None
    item = item_actions.publish_item(item, by=office_user)
    assert item.status == Status.PUBLISHED and item.published_at is not None
    item = item_actions.record_change(item, by=editor, changed_on=dt.date(2026, 4, 1))
    assert item.update_due == dt.date(2026, 4, 30)  # 20 working days over Qingming (4-6 Apr)
    item = item_actions.publish_update(item, by=editor)
    item = item_actions.withdraw_item(item, by=office_user, reason="内容有误")
    assert item.status == Status.WITHDRAWN and item.withdrawn_reason == "内容有误"
    assert actions(item) == ["created", "submitted", "returned", "submitted", "reviewed",
                             "published", "change_recorded", "updated", "withdrawn"]
    assert set(item.events.values_list("actor__username", flat=True)) == {"editor", "office"}


def test_editor_cannot_publish_review_return_or_withdraw(make_item, editor, office_user):
    item = make_item("in_review", by=editor)
    for step in (
        lambda: item_actions.publish_item(item, by=editor),
        lambda: item_actions.confirm_review(item, by=editor),
        lambda: item_actions.return_to_draft(item, by=editor, comment="x"),
    ):
        with pytest.raises(NotAllowed):
            step()
    published = make_item("published", title="已发布")
    with pytest.raises(NotAllowed):
        item_actions.withdraw_item(published, by=editor, reason="x")


def test_supervisor_changes_nothing(make_item, supervisor):
    item = make_item()
    with pytest.raises(PermissionDenied):
        item_actions.submit_for_review(item, by=supervisor)
    with pytest.raises(PermissionDenied):
        item_actions.edit_item(item, by=supervisor, changes={"title": "改"})
    with pytest.raises(PermissionDenied):
        item_actions.create_item(by=supervisor, title="新", department=item.department,
                             produced_on=dt.date(2026, 3, 2))


def test_other_departments_editor_is_refused(make_item, other_editor):
    item = make_item()
    with pytest.raises(NotAllowed):
        item_actions.edit_item(item, by=other_editor, changes={"title": "改"})
    with pytest.raises(NotAllowed):
        item_actions.submit_for_review(item, by=other_editor)


def test_publishing_needs_the_confidentiality_review(make_item, office_user):
    item = make_item("in_review")
    with pytest.raises(TransitionNotAllowed, match="保密审查"):
        item_actions.publish_item(item, by=office_user)
    assert DisclosureItem.objects.get(pk=item.pk).status == Status.IN_REVIEW


def test_draft_cannot_be_published_directly(make_item, office_user):
    with pytest.raises(TransitionNotAllowed):
        item_actions.publish_item(make_item(), by=office_user, confirm_review_now=True)


@pytest.mark.parametrize("attribute", ["on_request", "exempt"])
def test_non_proactive_item_cannot_be_submitted_or_published(make_item, office_user, attribute):
    extra = {"exemption_reason": "personal_privacy"} if attribute == "exempt" else {}
    item = make_item(attribute=attribute, **extra)
    with pytest.raises(TransitionNotAllowed):
        item_actions.submit_for_review(item, by=office_user)


def test_return_and_withdraw_need_a_reason(make_item, office_user):
    with pytest.raises(TransitionNotAllowed, match="审核意见"):
        item_actions.return_to_draft(make_item("in_review"), by=office_user, comment="  ")
    with pytest.raises(TransitionNotAllowed, match="撤回原因"):
        item_actions.withdraw_item(make_item("published", title="二"), by=office_user, reason="")


def test_withdrawn_item_cannot_be_edited_or_republished(make_item, office_user):
    item = make_item("withdrawn")
    with pytest.raises(TransitionNotAllowed):
        item_actions.edit_item(item, by=office_user, changes={"title": "改"})
    with pytest.raises(TransitionNotAllowed):
        item_actions.submit_for_review(item, by=office_user)


def test_referred_attribute_blocks_until_the_office_decides(make_item, editor, office_user):
    item = make_item(by=editor)
    with pytest.raises(TransitionNotAllowed):
        item_actions.refer_attribute(item, by=editor, note="")
    item = item_actions.refer_attribute(item, by=editor, note="涉及个人信息，是否公开难以确定")
    assert item.attribute_referred
    with pytest.raises(TransitionNotAllowed, match="审定"):
        item_actions.submit_for_review(item, by=editor)
    with pytest.raises(NotAllowed):
        item_actions.decide_attribute(item, by=editor, attribute="proactive")
    with pytest.raises(ValidationError):  # exempt needs its reason
        item_actions.decide_attribute(item, by=office_user, attribute="exempt")
    item = item_actions.decide_attribute(item, by=office_user, attribute="exempt",
                                     exemption_reason="personal_privacy", note="涉及个人隐私")
    assert not item.attribute_referred and item.attribute == "exempt"
    event = item.events.get(action=ItemEvent.Action.ATTRIBUTE_DECIDED)
    assert event.actor == office_user and event.data["attribute"] == "exempt"


def test_stale_version_is_a_conflict(make_item, editor, office_user):
    item = make_item(by=editor)
    version = item.version
    item_actions.edit_item(item, by=office_user, changes={"summary": "先"}, expected_version=version)
    with pytest.raises(ConflictError, match="已被他人修改"):
        item_actions.edit_item(item, by=editor, changes={"summary": "后"}, expected_version=version)
    assert DisclosureItem.objects.get(pk=item.pk).summary == "先"


def test_edit_of_published_item_is_its_update(make_item, office_user):
    item = make_item("published")
    item = item_actions.edit_item(item, by=office_user, changes={"summary": "修订"})
    assert item.changed_on == timezone.localdate() and item.updated_at is not None


def test_record_change_restarts_the_update_clock(make_item, editor):
    item = make_item("published")
    item = item_actions.record_change(item, by=editor, changed_on=dt.date(2026, 5, 6))
    assert item.updated_at is None and item.update_due is not None
    with pytest.raises(TransitionNotAllowed):
        item_actions.record_change(item, by=editor, changed_on=dt.date(2026, 1, 1))  # before produced_on


def test_check_edit_refuses_what_edit_item_refuses(make_item, editor, other_department, office_user):
    item = make_item(by=editor)
    with pytest.raises(NotAllowed):
        check_edit(item, by=editor, changes={"department": other_department})
    published = make_item("published", title="已发布")
    with pytest.raises(TransitionNotAllowed):
        check_edit(published, by=office_user, changes={"attribute": "on_request"})
