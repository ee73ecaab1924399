"""Door 4: a published item changes only through review; an edit after the review clears it."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from disclosure.core.errors import NotAllowed, TransitionNotAllowed
from disclosure.items import actions as item_actions
from disclosure.items.models import Attachment, DisclosureItem, ItemEvent, ItemRevision

from .test_admin_permissions import form_data

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def published(make_item):
    return make_item("published", title="2026年招生章程")


def _api(user):
    api = APIClient()
    token, _ = Token.objects.get_or_create(user=user)
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return api


def _public_page(client, item):
    return client.get(reverse("disclosure:item", args=[item.pk])).content.decode()


def test_editor_patch_of_a_published_item_waits_for_review(client, published, editor, office_user):
    response = _api(editor).patch(f"/api/v1/staff/items/{published.pk}/",
                                  {"title": "2026年招生章程（修订）"}, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["title"] == "2026年招生章程"  # the item itself is unchanged
    assert body["pending_revision"][0] == {"field": "标题", "before": "2026年招生章程",
                                           "after": "2026年招生章程（修订）"}
    page = _public_page(client, published)
    assert "2026年招生章程" in page and "（修订）" not in page
    published.refresh_from_db()
    assert published.title == "2026年招生章程" and published.updated_at is None
    # The office sees the difference, then publishes it.
    assert "publish_revision" in _api(office_user).get(
        f"/api/v1/staff/items/{published.pk}/").json()["available_actions"]
    response = _api(office_user).post(f"/api/v1/staff/items/{published.pk}/publish-revision/",
                                      {"note": "同意"}, format="json")
    assert response.status_code == 200, response.content
    assert "2026年招生章程（修订）" in _public_page(client, published)
    published.refresh_from_db()
    assert published.updated_at is not None and published.changed_on is not None
    event = published.events.get(action=ItemEvent.Action.REVISION_PUBLISHED)
    assert event.actor == office_user and event.data["diff"][0][0] == "标题"
    assert ItemRevision.objects.get().status == ItemRevision.Status.PUBLISHED


def test_editor_cannot_publish_a_revision(published, editor):
    item_actions.edit_item(published, by=editor, changes={"title": "改"})
    with pytest.raises(NotAllowed):
        item_actions.publish_revision(published, by=editor)
    assert _api(editor).post(f"/api/v1/staff/items/{published.pk}/publish-revision/",
                             {}, format="json").status_code == 403


def test_attachment_added_in_the_admin_to_a_published_item_is_not_public(
        client, published, editor, office_user):
    client.force_login(editor)
    url = reverse("admin:items_disclosureitem_change", args=[published.pk])
    data = form_data(client.get(url))
    prefix = "attachments"
    data[f"{prefix}-TOTAL_FORMS"] = str(int(data[f"{prefix}-TOTAL_FORMS"]) + 1)
    index = int(data[f"{prefix}-TOTAL_FORMS"]) - 1
    data[f"{prefix}-{index}-title"] = "补充材料"
    data[f"{prefix}-{index}-sort_order"] = "0"
    data[f"{prefix}-{index}-file"] = SimpleUploadedFile("补充材料.pdf", PDF, "application/pdf")
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    attachment = Attachment.objects.get(title="补充材料")
    assert attachment.pending_revision is not None
    client.logout()
    assert "补充材料" not in _public_page(client, published)
    assert client.get(reverse("disclosure:attachment", args=[attachment.pk])).status_code == 404
    assert published.events.filter(action=ItemEvent.Action.ATTACHMENT_ADDED, actor=editor).exists()
    item_actions.publish_revision(published, by=office_user)
    assert "补充材料" in _public_page(client, published)
    assert client.get(reverse("disclosure:attachment", args=[attachment.pk])).status_code == 200


def test_rejected_revision_removes_what_it_added(client, published, editor, office_user):
    item_actions.edit_item(published, by=editor, changes={"summary": "新摘要"})
    revision = ItemRevision.objects.get()
    Attachment.objects.create(item=published, title="待审附件", pending_revision=revision,
                              file=SimpleUploadedFile("a.pdf", PDF, "application/pdf"))
    with pytest.raises(TransitionNotAllowed):
        item_actions.reject_revision(published, by=office_user, comment="")
    item_actions.reject_revision(published, by=office_user, comment="内容有误")
    assert not Attachment.objects.filter(title="待审附件").exists()
    published.refresh_from_db()
    assert published.summary == ""
    assert ItemRevision.objects.get().status == ItemRevision.Status.REJECTED


def test_editor_cannot_change_a_live_attachment_of_a_published_item(published, editor, office_user):
    live = Attachment.objects.create(item=published, title="原附件",
                                     file=SimpleUploadedFile("b.pdf", PDF, "application/pdf"))
    live.title = "偷偷改名"
    with pytest.raises(NotAllowed):
        item_actions.save_item_row(live, by=editor)
    live.refresh_from_db()
    assert live.title == "原附件"
    # The office's correction goes live at once and is recorded.
    live.title = "更正后的附件名"
    item_actions.save_item_row(live, by=office_user)
    assert published.events.filter(action=ItemEvent.Action.ATTACHMENT_CHANGED, actor=office_user).exists()


def test_office_correction_is_live_at_once_and_recorded(client, published, office_user):
    item_actions.edit_item(published, by=office_user, changes={"title": "2026年招生章程（更正）"})
    assert "（更正）" in _public_page(client, published)
    assert published.events.filter(action=ItemEvent.Action.CORRECTED, actor=office_user).exists()
    assert not ItemRevision.objects.exists()


def test_an_edit_after_the_review_clears_it(make_item, editor, office_user):
    item = make_item("in_review", by=editor)
    item_actions.confirm_review(item, by=office_user)
    item_actions.edit_item(item, by=editor, changes={"body": "<p>审查后改的正文</p>"})
    item.refresh_from_db()
    assert item.reviewed_at is None and item.reviewed_by is None
    assert item.events.filter(action=ItemEvent.Action.REVIEW_CLEARED).exists()
    with pytest.raises(TransitionNotAllowed, match="保密审查"):
        item_actions.publish_item(item, by=office_user)
    item_actions.confirm_review(item, by=office_user)
    assert item_actions.publish_item(item, by=office_user).status == DisclosureItem.Status.PUBLISHED


def test_attachment_after_the_review_clears_it(make_item, editor, office_user):
    item = make_item("in_review", by=editor)
    item_actions.confirm_review(item, by=office_user)
    item_actions.save_item_row(
        Attachment(item=item, title="后加的附件", file=SimpleUploadedFile("c.pdf", PDF, "application/pdf")),
        by=editor)
    item.refresh_from_db()
    assert item.reviewed_at is None


def test_the_department_takes_back_a_submission_before_the_review(make_item, editor, office_user):
    item = make_item("in_review", by=editor)
    assert item_actions.take_back_submission(item, by=editor).status == DisclosureItem.Status.DRAFT
    item = item_actions.submit_for_review(item, by=editor)
    item_actions.confirm_review(item, by=office_user)
    with pytest.raises(TransitionNotAllowed):
        item_actions.take_back_submission(item, by=editor)
