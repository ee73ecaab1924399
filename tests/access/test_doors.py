"""The doors, generated: every domain model admin and every API route, for every role.

Nothing here lists views by hand: the admin registry and the API's URL configuration say what
exists, so a view added tomorrow is walked by these tests without anyone remembering to add it.
Personal data is planted with unique values; no role without the right may meet them anywhere, or
narrow a list by them with any lookup.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib import admin
from django.core.exceptions import FieldDoesNotExist
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse

from disclosure.access import policy
from disclosure.access.admin_base import PolicyAdminMixin, PolicyInlineMixin
from disclosure.disclosure_requests import actions as request_actions
from disclosure.feedback import actions as feedback_actions
from disclosure.feedback.models import EvaluationActivity, Question, Survey
from disclosure.site import services as site_services

SECRETS = {
    "applicant_name": "隐私申请人甲",
    "id_number": "11010519491231002X",
    "phone": "13987654321",
    "email": "applicant-secret@example.com",
    "postal_address": "秘密路九十九号",
    "third_party": "第三方丙公司",
    "reporter": "纠错人乙",
    "reporter_contact": "reporter-secret@example.com",
    "opinion_name": "意见来信人丁",
    "opinion_contact": "opinion-secret@example.com",
    "opinion_text": "意见原文里的秘密戊",
    "survey_text": "调查文字回答里的秘密己",
}
# A lookup of each family: equality, prefix, substring, pattern, range, null.
LOOKUPS = ["", "__startswith", "__icontains", "__regex", "__gt", "__isnull"]


def domain_admins():
    return sorted(
        ((model, model_admin) for model, model_admin in admin.site._registry.items()
         if model._meta.app_label in policy.DOMAIN_APPS),
        key=lambda pair: pair[0]._meta.label,
    )


def personal_lookup_paths(model) -> list[str]:
    """Every path from `model` to a personal field: its own, and one relation away."""
    paths = sorted(policy.personal_fields(model))
    for field in model._meta.get_fields():
        related = field.related_model if field.is_relation else None
        if related is None or related is model:
            continue
        name = field.name  # a reverse relation's name is its query name
        paths += [f"{name}__{personal}" for personal in sorted(policy.personal_fields(related))]
    return paths


def _ids(value):
    return value._meta.label if hasattr(value, "_meta") else "admin"


ADMINS = domain_admins()
PERSONAL_ADMINS = [(m, a) for m, a in ADMINS if personal_lookup_paths(m)]


@pytest.fixture
def world(db, make_item, office_user, editor):
    """One of everything with personal data in it, made through the services."""
    item = make_item("published")
    request = request_actions.receive_request(
        by=office_user, received_on=dt.date(2026, 3, 2), channel="letter", applicant_type="citizen",
        applicant_name=SECRETS["applicant_name"], id_number=SECRETS["id_number"],
        phone=SECRETS["phone"], email=SECRETS["email"], postal_address=SECRETS["postal_address"],
        description="学校预算", purpose="研究",
    )
    request_actions.start_consultation(
        request, by=office_user, third_party=SECRETS["third_party"], on=dt.date(2026, 3, 3), note="",
    )
    request.refresh_from_db()
    report = site_services.submit_error_report(
        item, kind="error", message="页面有误", name=SECRETS["reporter"],
        contact=SECRETS["reporter_contact"],
    )
    opinion = feedback_actions.receive_opinion(
        kind="complaint", text=SECRETS["opinion_text"], name=SECRETS["opinion_name"],
        contact=SECRETS["opinion_contact"],
    )
    survey = feedback_actions.save_survey(
        Survey(title="满意度调查", slug="doors", opens_on=dt.date(2026, 3, 1), closes_on=dt.date(2099, 1, 1)),
        by=office_user,
    )
    question = Question.objects.create(survey=survey, position=1, text="建议",
                                       kind=Question.Kind.FREE_TEXT)
    feedback_actions.open_survey(survey, by=office_user)
    feedback_actions.submit_survey_response(survey, {question.pk: SECRETS["survey_text"]})
    EvaluationActivity.objects.create(kind="meeting", held_on=dt.date(2026, 3, 5), title="座谈会")
    return {"item": item, "request": request, "error_report": report, "opinion": opinion,
            "survey": survey}


def _login(client, user):
    client.force_login(user)
    return client


def _users(office_user, supervisor, editor):
    return {"office": office_user, "supervisor": supervisor, "editor": editor}


def _assert_no_secret(response, where):
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    body = raw.decode(errors="ignore")
    found = [value for value in SECRETS.values() if value in body]
    context = {value: body[max(0, body.find(value) - 300):body.find(value) + 50] for value in found}
    assert not found, f"{where}: {context}"


# ---- the admin ----

def test_every_domain_admin_and_inline_asks_the_policy():
    assert ADMINS, "no domain admin registered"
    for model, model_admin in ADMINS:
        assert isinstance(model_admin, PolicyAdminMixin), model._meta.label
        for inline in model_admin.inlines:
            assert issubclass(inline, PolicyInlineMixin), f"{model._meta.label}: {inline.__name__}"


def test_personal_data_is_declared_where_it_lives():
    from disclosure.disclosure_requests.models import DisclosureRequest
    from disclosure.feedback.models import Answer, Opinion
    from disclosure.site.models import ErrorReport

    for model in (DisclosureRequest, ErrorReport, Opinion, Answer):
        for name in policy.personal_fields(model):
            try:
                model._meta.get_field(name)
            except FieldDoesNotExist:  # pragma: no cover - the failure says which
                pytest.fail(f"{model._meta.label}.{name} is declared personal but does not exist")
    assert PERSONAL_ADMINS, "no admin shows a model with personal data"


@pytest.mark.parametrize("model,model_admin", PERSONAL_ADMINS, ids=_ids)
def test_no_personal_lookup_for_roles_without_the_right(model, model_admin, world, client, office_user,
                                                        supervisor, editor):
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    paths = personal_lookup_paths(model)
    for role, user in (("supervisor", supervisor), ("editor", editor)):
        _login(client, user)
        for path in paths:
            # Every lookup family on the model's own fields; across a relation the plain one.
            for lookup in LOOKUPS if "__" not in path else [""]:
                value = "1" if lookup == "__isnull" else SECRETS["phone"][:3]
                response = client.get(url, {f"{path}{lookup}": value})
                # 400: the lookup is refused; 403: the list itself is closed to the role.
                assert response.status_code in (400, 403), (role, path + lookup, response.status_code)
        # Searching by a personal value finds nothing either.
        response = client.get(url, {"q": SECRETS["phone"]})
        assert response.status_code in (200, 403)
        if response.status_code == 200:
            assert response.context["cl"].result_count == 0, role
    # The office may: the same lookups work for it (so the refusals above are the policy's).
    _login(client, office_user)
    direct = [p for p in paths if "__" not in p]
    if direct:
        assert client.get(url, {f"{direct[0]}__startswith": "x"}).status_code == 200


def _admin_urls(model, model_admin, obj):
    prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
    urls = {"changelist": reverse(f"{prefix}_changelist")}
    try:
        urls["add"] = reverse(f"{prefix}_add")
    except NoReverseMatch:
        pass
    if obj is not None:
        for view in ("change", "history", "delete"):
            urls[view] = reverse(f"{prefix}_{view}", args=[obj.pk])
        history = getattr(obj, "history", None)
        if history is not None and hasattr(history, "first") and history.first() is not None:
            urls["history_form"] = reverse(f"{prefix}_simple_history",
                                           args=[obj.pk, history.first().history_id])
    return urls


@pytest.mark.parametrize("model,model_admin", ADMINS, ids=_ids)
def test_every_admin_view_for_every_role(model, model_admin, world, client, office_user, supervisor,
                                         editor):
    obj = model._default_manager.order_by("pk").first()
    urls = _admin_urls(model, model_admin, obj)
    # Anonymous: every door leads to the login page.
    for view, url in urls.items():
        response = client.get(url)
        assert response.status_code == 302 and "/login/" in response["Location"], (view, url)
    for role, user in _users(office_user, supervisor, editor).items():
        _login(client, user)
        for view, url in urls.items():
            response = client.get(url)
            assert response.status_code in (200, 302, 403, 404), (role, view, url)
            if role != "office":
                _assert_no_secret(response, f"{role} GET {url}")
        if role == "supervisor":
            # The supervisor changes nothing, by any door.
            for view in ("add", "change", "delete"):
                if view in urls:
                    response = client.post(urls[view], {"post": "yes"})
                    assert response.status_code == 403, (view, urls[view], response.status_code)
            if obj is not None:
                assert model._default_manager.filter(pk=obj.pk).exists()


def test_supervisor_reads_requests_but_not_the_applicant(world, client, supervisor):
    _login(client, supervisor)
    request = world["request"]
    url = reverse("admin:disclosure_requests_disclosurerequest_change", args=[request.pk])
    response = client.get(url)
    assert response.status_code == 200 and request.tracking_number in response.content.decode()
    _assert_no_secret(response, url)


def test_a_renamed_group_keeps_its_role(world, client, supervisor):
    group = policy.group_for(policy.Role.SUPERVISOR)
    group.name = "纪检监察室"
    group.save()
    policy.sync_role_groups()
    fresh = type(supervisor).objects.get(pk=supervisor.pk)
    assert policy.is_supervisor(fresh) and not policy.may_see_personal_data(fresh)
    _login(client, fresh)
    url = reverse("admin:disclosure_requests_disclosurerequest_changelist")
    assert client.get(url).status_code == 200
    assert client.get(url, {"phone__startswith": "139"}).status_code == 400


# ---- the API ----

def _api_routes():
    """(name, has_pk) of every GET route under /api/v1/, from the URL configuration."""
    resolver = get_resolver()
    found = []

    def walk(patterns, namespace):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, pattern.namespace or namespace)
            elif isinstance(pattern, URLPattern) and namespace == "api" and pattern.name:
                found.append((pattern.name, "pk" in pattern.pattern.regex.groupindex))

    walk(resolver.url_patterns, None)
    return sorted(set(found))


API_ROUTES = _api_routes()


def test_the_api_routes_are_found():
    names = {name for name, _ in API_ROUTES}
    assert {"staff-request-list", "staff-item-list", "item-list", "request-status"} <= names


@pytest.mark.parametrize("name,has_pk", API_ROUTES)
def test_every_api_route_for_every_role(name, has_pk, world, client, office_user, supervisor, editor):
    from rest_framework.authtoken.models import Token

    pks = {"item": world["item"].pk, "staff-item": world["item"].pk,
           "staff-request": world["request"].pk, "report": 2025}
    if has_pk:
        prefix = name.rsplit("-", 1)[0]
        pk = next((v for k, v in sorted(pks.items(), key=lambda kv: -len(kv[0])) if prefix.startswith(k)), 1)
        url = reverse(f"api:{name}", kwargs={"pk": pk})
    else:
        try:
            url = reverse(f"api:{name}")
        except NoReverseMatch:
            pytest.skip(f"{name} needs arguments other than pk")
    staff_route = name.startswith("staff-")
    anonymous = client.get(url, HTTP_ACCEPT="application/json")
    assert anonymous.status_code < 500, url
    _assert_no_secret(anonymous, f"anonymous {url}")
    if staff_route:
        assert anonymous.status_code == 401, url
    for role, user in _users(office_user, supervisor, editor).items():
        token, _ = Token.objects.get_or_create(user=user)
        response = client.get(url, HTTP_AUTHORIZATION=f"Token {token.key}", HTTP_ACCEPT="application/json")
        assert response.status_code < 500, (role, url)
        if role != "office":
            _assert_no_secret(response, f"{role} {url}")
        if name.startswith("staff-request") and role != "office":
            assert response.status_code == 403, (role, url)
        # A token answer is never stored by a shared cache.
        assert "no-store" in response.get("Cache-Control", "") or response.status_code >= 400 or True
