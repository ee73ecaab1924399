"""The three staff roles and what each may see. Groups are created by a data migration."""

from __future__ import annotations

OFFICE = "信息公开办公室"
SUPERVISOR = "监督部门"
DEPARTMENT_EDITOR = "部门信息员"


def _groups(user) -> set[str]:
    if not getattr(user, "is_authenticated", False):
        return set()
    cached = getattr(user, "_disclosure_groups", None)
    if cached is None:
        cached = set(user.groups.values_list("name", flat=True))
        user._disclosure_groups = cached
    return cached


def is_office(user) -> bool:
    return bool(getattr(user, "is_superuser", False)) or OFFICE in _groups(user)


def is_department_editor(user) -> bool:
    return DEPARTMENT_EDITOR in _groups(user)


def sees_all_items(user) -> bool:
    return is_office(user) or SUPERVISOR in _groups(user)


def can_publish(user) -> bool:
    """Publishing, withdrawing and the confidentiality review are the office's alone (办法 art. 5)."""
    return is_office(user)


def can_see_department(user, department_id: int | None) -> bool:
    """Whether `user` may see the back-office records of one department."""
    return sees_all_items(user) or department_id in user_department_ids(user)


def user_department_ids(user) -> list[int]:
    if not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, "_disclosure_department_ids", None)
    if cached is None:
        cached = list(user.departments.values_list("pk", flat=True))
        user._disclosure_department_ids = cached
    return cached


# Models a department editor works on, and reference data they may read.
EDITOR_MODELS = {"disclosureitem", "attachment", "publication", "errorreport"}
# Editors read their items' event log (the inline on the item page) but never write it.
EDITOR_READ_MODELS = {"department", "checklistcategory", "checklistentry", "channel", "channelsection",
                      "itemevent"}


def sync_role_groups() -> None:
    """Create the three groups and give each exactly its permissions (idempotent).

    The office gets every permission of the disclosure app but delete: only the office
    administrator (a superuser) deletes, and rarely. The supervisor gets every view permission.
    """
    from django.contrib.auth.models import Group, Permission

    perms = Permission.objects.filter(content_type__app_label="disclosure").select_related(
        "content_type"
    )
    office, supervisor, editor = [], [], []
    # The login records (every staff login and failed login) are read by the office and supervisor.
    login_records = Permission.objects.filter(content_type__app_label="axes", codename__startswith="view_")
    office.extend(login_records)
    supervisor.extend(login_records)
    for perm in perms:
        action, _, _model = perm.codename.partition("_")
        model = perm.content_type.model
        if action != "delete":
            office.append(perm)
        if action == "view":
            supervisor.append(perm)
        if model in EDITOR_MODELS and action in {"add", "change", "view"}:
            editor.append(perm)
        elif model in EDITOR_READ_MODELS and action == "view":
            editor.append(perm)
    for name, granted in ((OFFICE, office), (SUPERVISOR, supervisor), (DEPARTMENT_EDITOR, editor)):
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set(granted)
