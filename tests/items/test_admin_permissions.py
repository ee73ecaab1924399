"""Every door of the item admin, for the three roles: list, form, history, autocomplete, actions,
export, import, workflow buttons, and a hand-typed URL of another department's item."""

import datetime as dt
import io

import pytest
from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse
from openpyxl import load_workbook

from disclosure.core import errors
from disclosure.items import actions as item_actions
from disclosure.items.models import DisclosureItem, ItemEvent

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:items_disclosureitem_changelist")


def change_url(item):
    return reverse("admin:items_disclosureitem_change", args=[item.pk])


def history_url(item):
    return reverse("admin:items_disclosureitem_history", args=[item.pk])


def workflow_url(item, step):
    return reverse("admin:items_disclosureitem_workflow", args=[item.pk, step])


def form_data(response, **changes):
    """What the browser would post back from a rendered change form, with `changes` applied."""
    data = {}

    def add(form):
        for name in form.fields:
            value = form[name].value()
            key = form.add_prefix(name)
            if value is None or hasattr(value, "url"):
                continue
            if isinstance(value, bool):
                if value:
                    data[key] = "on"
            elif isinstance(value, (list, tuple)):
                data[key] = [str(v) for v in value]
            else:
                data[key] = str(value)

    add(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        add(inline.formset.management_form)
        for form in inline.formset.forms:
            add(form)
    data.update(changes)
    return data


@pytest.fixture
def own(make_item):
    return make_item(title="教务处的考试安排")


@pytest.fixture
def foreign(make_item, other_department):
    return make_item(title="财务处的预算草稿", department=other_department)


@pytest.fixture
def logged(client):
    def login(user):
        client.force_login(user)
        return client

    return login


# ---- The list ----


def test_changelist_scoped_per_role(logged, editor, office_user, supervisor, own, foreign):
    body = logged(editor).get(CHANGELIST).content.decode()
    assert own.title in body and foreign.title not in body
    for user in (office_user, supervisor):
        body = logged(user).get(CHANGELIST).content.decode()
        assert own.title in body and foreign.title in body


def test_changelist_search_and_filters_stay_scoped(logged, editor, own, foreign, other_department):
    client = logged(editor)
    body = client.get(CHANGELIST, {"q": "预算"}).content.decode()
    assert foreign.title not in body
    body = client.get(CHANGELIST, {"department__id__exact": other_department.pk}).content.decode()
    assert foreign.title not in body


# ---- The change form and hand-typed URLs ----


def test_other_departments_item_is_404_for_the_editor(logged, editor, foreign):
    client = logged(editor)
    assert client.get(change_url(foreign)).status_code == 404
    assert client.post(change_url(foreign), {"title": "改掉"}).status_code == 404
    assert client.get(history_url(foreign)).status_code == 404
    delete = reverse("admin:items_disclosureitem_delete", args=[foreign.pk])
    assert client.get(delete).status_code in (403, 404)
    assert client.post(workflow_url(foreign, "submit")).status_code == 404
    foreign.refresh_from_db()
    assert foreign.title == "财务处的预算草稿" and foreign.status == "draft"


def test_missing_item_is_404_not_a_redirect(logged, office_user):
    assert logged(office_user).get(
        reverse("admin:items_disclosureitem_change", args=[999999])).status_code == 404


def test_editor_edits_own_item_through_the_service(logged, editor, own):
    client = logged(editor)
    response = client.get(change_url(own))
    assert response.status_code == 200
    response = client.post(change_url(own), form_data(response, title="教务处的考试安排（修订）"))
    assert response.status_code == 302
    own.refresh_from_db()
    assert own.title == "教务处的考试安排（修订）"
    event = own.events.filter(action=ItemEvent.Action.EDITED).get()
    assert event.actor == editor
    assert own.history.first().history_user == editor


def test_editor_cannot_move_item_to_another_department(logged, editor, own, other_department):
    client = logged(editor)
    response = client.get(change_url(own))
    response = client.post(change_url(own), form_data(response, department=str(other_department.pk)))
    assert response.status_code == 200  # the form again, with the error at the field
    own.refresh_from_db()
    assert own.department_id != other_department.pk


def test_supervisor_reads_but_cannot_change(logged, supervisor, own):
    client = logged(supervisor)
    response = client.get(change_url(own))
    assert response.status_code == 200
    assert 'name="title"' not in response.content.decode()  # a read-only page
    assert response.context["workflow_steps"] == []
    assert client.post(change_url(own), {"title": "改掉"}).status_code == 403
    assert client.get(reverse("admin:items_disclosureitem_add")).status_code == 403
    assert client.post(workflow_url(own, "submit")).status_code == 403
    own.refresh_from_db()
    assert own.title == "教务处的考试安排" and own.status == "draft"


def test_supervisor_has_no_add_change_or_delete_anywhere(supervisor):
    perms = supervisor.get_all_permissions()
    assert perms and all(p.split(".")[1].startswith("view_") for p in perms)


def test_withdrawn_item_is_read_only_even_for_the_office(logged, office_user, make_item):
    item = make_item("withdrawn")
    response = logged(office_user).get(change_url(item))
    assert response.status_code == 200 and 'name="title"' not in response.content.decode()


def test_editor_add_form_offers_only_own_departments(logged, editor, department, other_department):
    response = logged(editor).get(reverse("admin:items_disclosureitem_add"))
    choices = list(response.context["adminform"].form.fields["department"].queryset)
    assert choices == [department]


def test_save_conflict_gives_a_clear_chinese_message(client, logged, office_user, editor, own):
    editor_client = logged(editor)
    stale = editor_client.get(change_url(own))
    from django.test import Client

    office_client = Client()
    office_client.force_login(office_user)
    fresh = office_client.get(change_url(own))
    assert office_client.post(change_url(own), form_data(fresh, summary="办公室先改")).status_code == 302
    response = editor_client.post(change_url(own), form_data(stale, summary="信息员后改"))
    assert response.status_code == 200
    assert "该事项已被他人修改" in response.content.decode()
    own.refresh_from_db()
    assert own.summary == "办公室先改"


def test_service_refusal_in_save_is_a_message_not_a_500(logged, editor, own, monkeypatch):
    # The form's checks pass, then the service refuses (someone saved in between): no 500, no change.
    client = logged(editor)
    response = client.get(change_url(own))

    def refuse(*args, **kwargs):
        raise errors.ConflictError("该事项已被他人修改，您的修改未保存。")

    monkeypatch.setattr(item_actions, "edit_item", refuse)
    response = client.post(change_url(own), form_data(response, title="新标题"), follow=True)
    assert response.status_code == 200
    assert "该事项已被他人修改" in response.content.decode()
    own.refresh_from_db()
    assert own.title == "教务处的考试安排"


# ---- History ----


def test_history_shows_each_transition_with_user(logged, office_user, editor, own):
    item_actions.submit_for_review(own, by=editor)
    item_actions.publish_item(own, by=office_user, confirm_review_now=True)
    client = logged(editor)
    assert client.get(history_url(own)).status_code == 200
    page = client.get(change_url(own)).content.decode()
    for label in ("创建", "提交审核", "保密审查通过", "发布"):
        assert label in page
    actions = list(own.events.order_by("at", "id").values_list("action", "actor__username"))
    assert actions == [("created", "office"), ("submitted", "editor"), ("reviewed", "office"),
                       ("published", "office")]
    users = {h.history_user.username for h in own.history.all()}
    assert users == {"office", "editor"}


def test_history_version_cannot_be_seen_across_departments_or_reverted(logged, editor, own, foreign):
    client = logged(editor)
    version = foreign.history.first().history_id
    url = reverse("admin:items_disclosureitem_simple_history", args=[foreign.pk, version])
    assert client.get(url).status_code == 404
    own_version = own.history.first().history_id
    url = reverse("admin:items_disclosureitem_simple_history", args=[own.pk, own_version])
    assert client.get(url).status_code == 200
    assert client.post(url, {"title": "回滚"}).status_code == 403


# ---- Autocomplete ----


def test_autocomplete_is_scoped(logged, editor, supervisor, own, foreign):
    url = reverse("admin:autocomplete")
    params = {"app_label": "items", "model_name": "attachment", "field_name": "item", "term": "的"}
    ids = {r["id"] for r in logged(editor).get(url, params).json()["results"]}
    assert ids == {str(own.pk)}
    ids = {r["id"] for r in logged(supervisor).get(url, params).json()["results"]}
    assert ids == {str(own.pk), str(foreign.pk)}


# ---- Actions ----


def _action(client, action, *items):
    return client.post(CHANGELIST, {"action": action, ACTION_CHECKBOX_NAME: [i.pk for i in items]},
                       follow=True)


def test_actions_offered_per_role(rf, editor, office_user, supervisor):
    model_admin = admin.site.get_model_admin(DisclosureItem)

    def names(user):
        request = rf.get(CHANGELIST)
        request.user = user
        return set(model_admin.get_actions(request))

    assert names(editor) == {"submit_selected", "export_selected_xlsx", "export_selected_csv"}
    assert names(supervisor) == {"export_selected_xlsx", "export_selected_csv"}
    assert {"submit_selected", "review_selected", "publish_selected"} <= names(office_user)
    assert "delete_selected" not in names(office_user)


def test_editor_cannot_publish_by_action(logged, editor, own):
    item_actions.submit_for_review(own, by=editor)
    _action(logged(editor), "publish_selected", own)
    own.refresh_from_db()
    assert own.status == "in_review"


def test_action_on_other_departments_item_does_nothing(logged, editor, own, foreign):
    _action(logged(editor), "submit_selected", own, foreign)
    own.refresh_from_db(), foreign.refresh_from_db()
    assert own.status == "in_review" and foreign.status == "draft"


def test_supervisor_cannot_run_changing_actions(logged, supervisor, own):
    _action(logged(supervisor), "submit_selected", own)
    own.refresh_from_db()
    assert own.status == "draft"


def test_bulk_publish_reports_each_refusal(logged, office_user, make_item):
    ready = make_item("in_review", title="待发布一")
    draft = make_item(title="还是草稿")
    response = _action(logged(office_user), "publish_selected", ready, draft)
    page = response.content.decode()
    assert "已处理 1 项" in page and "《还是草稿》" in page
    ready.refresh_from_db()
    assert ready.status == "published" and ready.reviewed_by == office_user


# ---- Export and import ----


def _xlsx_titles(content):
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    return [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]


def test_export_is_scoped_and_follows_the_list_filters(logged, editor, office_user, own, foreign):
    url = reverse("admin:items_disclosureitem_export", args=["xlsx"])
    assert _xlsx_titles(logged(editor).get(url).content) == [own.title]
    office = logged(office_user)
    assert set(_xlsx_titles(office.get(url).content)) == {own.title, foreign.title}
    filtered = office.get(url, {"department__id__exact": foreign.department_id})
    assert _xlsx_titles(filtered.content) == [foreign.title]
    csv_url = reverse("admin:items_disclosureitem_export", args=["csv"])
    body = logged(editor).get(csv_url).content.decode("utf-8-sig")
    assert own.title in body and foreign.title not in body


def test_export_action_of_selected_rows_is_scoped(logged, editor, own, foreign):
    response = _action(logged(editor), "export_selected_xlsx", own, foreign)
    assert _xlsx_titles(response.content) == [own.title]


def test_only_the_office_imports(logged, editor, supervisor, office_user):
    url = reverse("admin:items_disclosureitem_import")
    assert logged(editor).get(url).status_code == 403
    assert logged(supervisor).get(url).status_code == 403
    assert logged(office_user).get(url).status_code == 200


# ---- Workflow buttons ----


def test_editor_submits_but_cannot_publish_by_button(logged, editor, own):
    client = logged(editor)
    response = client.post(workflow_url(own, "submit"), follow=True)
    assert response.status_code == 200
    own.refresh_from_db()
    assert own.status == "in_review"
    # A refused action is a 403 (the page offers no such button; only a forged post gets here).
    response = client.post(workflow_url(own, "publish"), follow=True)
    assert response.status_code == 403
    own.refresh_from_db()
    assert own.status == "in_review"


def test_workflow_buttons_shown_per_role_and_state(logged, editor, office_user, own):
    steps = [name for name, _ in logged(editor).get(change_url(own)).context["workflow_steps"]]
    assert steps == ["submit", "refer"]
    item_actions.submit_for_review(own, by=editor)
    # Before the review the department may take its submission back; after it, nothing.
    steps = [name for name, _ in logged(editor).get(change_url(own)).context["workflow_steps"]]
    assert steps == ["take_back"]
    steps = [name for name, _ in logged(office_user).get(change_url(own)).context["workflow_steps"]]
    assert steps == ["review", "return"]
    page = logged(office_user).get(change_url(own)).content.decode()
    assert "确认保密审查通过" in page and "csrfmiddlewaretoken" in page
    item_actions.confirm_review(own, by=office_user)
    assert logged(editor).get(change_url(own)).context["workflow_steps"] == []


def test_workflow_get_is_refused(logged, office_user, own):
    assert logged(office_user).get(workflow_url(own, "submit")).status_code == 405


def test_requests_are_hidden_from_editors(logged, editor):
    # Registered by the requests module; the editor role has none of its permissions.
    for model, model_admin in admin.site._registry.items():
        if model._meta.model_name == "disclosurerequest":
            url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
            assert logged(editor).get(url).status_code == 403
            request = type("R", (), {"user": editor})()
            assert not model_admin.has_view_permission(request)
            return
    pytest.skip("the requests admin is not registered")


def test_admin_index_shows_own_counts(logged, editor, own, foreign):
    page = logged(editor).get(reverse("admin:index")).content.decode()
    assert "我的期限提醒" in page
    assert "已逾期 <strong>1</strong>" in page  # produced 2026-03-02, due 2026-03-23: overdue now
    assert reverse("deadline_board") in page


def test_changelist_query_count_is_bounded(logged, office_user, make_item, django_assert_max_num_queries):
    client = logged(office_user)
    make_item(produced_on=dt.date(2026, 3, 2))
    client.get(CHANGELIST)  # warm the per-process caches
    with django_assert_max_num_queries(20) as few:
        assert client.get(CHANGELIST).status_code == 200
    for n in range(25):
        make_item(title=f"事项{n}", produced_on=dt.date(2026, 3, 2) + dt.timedelta(days=n))
    with django_assert_max_num_queries(len(few.captured_queries)) as many:
        assert client.get(CHANGELIST).status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries)


@pytest.mark.parametrize("role", ["office_user", "supervisor", "editor"])
def test_read_doors_per_role(request, logged, role, own, foreign):
    """History, autocomplete and export: what each role reads through them."""
    client = logged(request.getfixturevalue(role))
    sees_foreign = role != "editor"
    assert client.get(history_url(own)).status_code == 200
    assert client.get(history_url(foreign)).status_code == (200 if sees_foreign else 404)
    params = {"app_label": "items", "model_name": "publication", "field_name": "item", "term": ""}
    ids = {r["id"] for r in client.get(reverse("admin:autocomplete"), params).json()["results"]}
    assert (str(foreign.pk) in ids) is sees_foreign and str(own.pk) in ids
    exported = client.get(reverse("admin:items_disclosureitem_export", args=["csv"]))
    assert (foreign.title in exported.content.decode("utf-8-sig")) is sees_foreign
