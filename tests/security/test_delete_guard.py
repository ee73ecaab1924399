"""Deleting is rare and guarded: only the office administrator (a superuser) deletes items and
requests; every other role withdraws or closes. Each deletion leaves a record."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from disclosure.access import policy
from disclosure.access.models import DeletionRecord
from disclosure.items.models import DisclosureItem

APPLICANT = {
    "applicant_type": "citizen", "applicant_name": "张三", "id_number": "11010519491231002X",
    "phone": "13800138000", "postal_address": "北京市海淀区某路 1 号",
    "description": "2025 年学校预算执行情况", "preferred_form": "electronic", "delivery": "post",
}


@pytest.fixture
def superuser(db, django_user_model):
    return django_user_model.objects.create_superuser("root", password="pw-12345-long")


def _request():
    from disclosure.disclosure_requests import actions as request_services

    return request_services.receive_request(**APPLICANT)


def test_no_role_group_holds_a_delete_permission(db):
    policy.sync_role_groups()
    for group in Group.objects.filter(name__in=[policy.OFFICE, policy.SUPERVISOR, policy.DEPARTMENT_EDITOR]):
        codenames = set(group.permissions.values_list("codename", flat=True))
        assert not {c for c in codenames if c.startswith("delete_") and ("item" in c or "request" in c)}, group


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["office_user", "editor", "supervisor"])
def test_staff_roles_cannot_delete_items_or_requests(client, request, make_item, who):
    user = request.getfixturevalue(who)
    item = make_item("published")
    disclosure_request = _request()
    client.force_login(user)
    for url in (
        reverse("admin:items_disclosureitem_delete", args=[item.pk]),
        reverse("admin:disclosure_requests_disclosurerequest_delete", args=[disclosure_request.pk]),
    ):
        assert client.post(url, {"post": "yes"}).status_code in {302, 403, 404}
    changelist = client.post(reverse("admin:items_disclosureitem_changelist"),
                             {"action": "delete_selected", "_selected_action": [item.pk], "post": "yes"})
    assert changelist.status_code in {200, 302, 403}
    assert DisclosureItem.objects.filter(pk=item.pk).exists()
    assert type(disclosure_request).objects.filter(pk=disclosure_request.pk).exists()
    assert not DeletionRecord.objects.exists()


@pytest.mark.django_db
def test_superuser_deletes_and_the_deletion_is_recorded(client, superuser, make_item):
    item = make_item("withdrawn", title="错误发布的通知")
    disclosure_request = _request()
    client.force_login(superuser)
    response = client.post(reverse("admin:items_disclosureitem_delete", args=[item.pk]), {"post": "yes"})
    assert response.status_code == 302
    response = client.post(
        reverse("admin:disclosure_requests_disclosurerequest_delete", args=[disclosure_request.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert not DisclosureItem.objects.filter(pk=item.pk).exists()
    records = {r.model: r for r in DeletionRecord.objects.all()}
    item_record = records["items.DisclosureItem"]
    assert item_record.object_pk == str(item.pk) and item_record.object_repr == "错误发布的通知"
    assert item_record.deleted_by == superuser and item_record.data["status"] == "withdrawn"
    request_record = records["disclosure_requests.DisclosureRequest"]
    assert request_record.object_repr == disclosure_request.tracking_number
    assert request_record.deleted_by == superuser


@pytest.mark.django_db
def test_deletion_records_cannot_be_edited_or_deleted_in_the_admin(client, superuser, make_item):
    item = make_item("draft")
    item.delete()
    record = DeletionRecord.objects.get()
    assert record.deleted_by is None  # deleted outside a web request: recorded all the same
    client.force_login(superuser)
    assert client.post(reverse("admin:access_deletionrecord_delete", args=[record.pk]),
                       {"post": "yes"}).status_code == 403
    assert DeletionRecord.objects.filter(pk=record.pk).exists()


@pytest.mark.django_db
def test_a_deleted_requests_record_keeps_no_personal_data_for_the_supervisor(client, superuser, supervisor):
    # Door 3: the record of a deletion outlives the request and is read by the supervisor.
    disclosure_request = _request()
    client.force_login(superuser)
    client.post(reverse("admin:disclosure_requests_disclosurerequest_delete", args=[disclosure_request.pk]),
                {"post": "yes"})
    record = DeletionRecord.objects.get(model="disclosure_requests.DisclosureRequest")
    stored = str(record.data) + record.object_repr
    for value in ("张三", "11010519491231002X", "13800138000", "北京市海淀区某路 1 号",
                  disclosure_request.check_code, "2025 年学校预算执行情况"):
        assert value not in stored
    assert record.data["tracking_number"] == disclosure_request.tracking_number
    assert record.data["description"] == policy.REDACTED  # what a citizen asked may name them
    client.force_login(supervisor)
    for url in (reverse("admin:access_deletionrecord_changelist"),
                reverse("admin:access_deletionrecord_change", args=[record.pk])):
        page = client.get(url)
        assert page.status_code == 200
        assert "11010519491231002X" not in page.content.decode() and "张三" not in page.content.decode()
