"""The one policy: who may run which action on which object, and who may see which field.

Every door asks here: admin querysets, lookups, search fields, filters, ordering, change, history and
delete views, exports, autocomplete, downloads, API querysets and serializers, the action tables.

Roles are stable codes (`Role`), bound to auth groups by the `StaffRole` table: the office may rename
a group in the admin without stripping anyone's permissions.
"""

from __future__ import annotations

from enum import StrEnum

# Shown in place of a personal value to a role that may not see it.
REDACTED = "（已隐去）"


class Role(StrEnum):
    OFFICE = "office"
    SUPERVISOR = "supervisor"
    DEPARTMENT_EDITOR = "department_editor"

    @property
    def default_group_name(self) -> str:
        return DEFAULT_GROUP_NAMES[self]


DEFAULT_GROUP_NAMES = {
    Role.OFFICE: "信息公开办公室",
    Role.SUPERVISOR: "监督部门",
    Role.DEPARTMENT_EDITOR: "部门信息员",
}
# The names as first shipped; kept so that code and tests can name a role's default group.
OFFICE = Role.OFFICE
SUPERVISOR = Role.SUPERVISOR
DEPARTMENT_EDITOR = Role.DEPARTMENT_EDITOR

# The app labels of the domain: their permissions are what the roles are made of.
DOMAIN_APPS = (
    "core", "access", "catalogue", "workcalendar", "items", "disclosure_requests", "feedback",
    "annual_reports", "site", "backoffice",
)


# ---- Who the user is ----

def roles_of(user) -> frozenset[Role]:
    """The user's roles (cached on the user object for the request). Superusers act as the office."""
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", True):
        return frozenset()
    cached = getattr(user, "_disclosure_roles", None)
    if cached is None:
        from disclosure.access.models import StaffRole

        cached = frozenset(
            Role(code) for code in StaffRole.objects.filter(group__user=user).values_list("code", flat=True)
        )
        if user.is_superuser:
            cached |= {Role.OFFICE}
        user._disclosure_roles = cached
    return cached


def has_role(user, *roles: Role) -> bool:
    return bool(roles_of(user) & set(roles))


def is_office(user) -> bool:
    return has_role(user, Role.OFFICE)


def is_supervisor(user) -> bool:
    return has_role(user, Role.SUPERVISOR)


def is_department_editor(user) -> bool:
    return has_role(user, Role.DEPARTMENT_EDITOR)


def is_staff_member(user) -> bool:
    return bool(roles_of(user))


def sees_all_items(user) -> bool:
    """The office and the supervisor read every department's records."""
    return has_role(user, Role.OFFICE, Role.SUPERVISOR)


def can_publish(user) -> bool:
    """Publishing, withdrawing and the confidentiality review are the office's alone (办法 art. 5)."""
    return is_office(user)


def is_read_only(user) -> bool:
    """The supervisor reads everything it may and changes nothing."""
    return is_supervisor(user) and not has_role(user, Role.OFFICE, Role.DEPARTMENT_EDITOR)


def user_department_ids(user) -> list[int]:
    if not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, "_disclosure_department_ids", None)
    if cached is None:
        cached = list(user.departments.values_list("pk", flat=True))
        user._disclosure_department_ids = cached
    return cached


def can_see_department(user, department_id: int | None) -> bool:
    """Whether `user` may see the back-office records of one department."""
    return sees_all_items(user) or department_id in user_department_ids(user)


def may_edit_department(user, department_id: int | None) -> bool:
    """The office edits every department's records; an editor only those of its own departments."""
    if is_office(user):
        return True
    return is_department_editor(user) and department_id in user_department_ids(user)


def scope_to_departments(queryset, user, field: str = "department"):
    """Narrow a back-office queryset to what `user` may see, by the records' department."""
    if sees_all_items(user):
        return queryset
    if not is_department_editor(user):
        return queryset.none()
    return queryset.filter(**{f"{field}__in": user_department_ids(user)})


# ---- Actions ----

def may_run(user, action, obj=None) -> bool:
    """Whether `user` may run `action` (an entry of an action table) on `obj`, roles and scope alike."""
    if not has_role(user, *action.roles):
        return False
    if obj is not None and action.scoped and not is_office(user):
        return may_edit_department(user, getattr(obj, "department_id", None))
    return True


# ---- Personal data ----
# A model declares its personal fields as `personal_fields = (...)`; only roles with the right to see
# applicants' personal data (the office) may see, filter, search, sort or export them, by any door.

def may_see_personal_data(user) -> bool:
    return is_office(user)


def personal_fields(model) -> frozenset[str]:
    return frozenset(getattr(model, "personal_fields", ()))


def visible_fields(user, model, names):
    """`names` less the personal fields of `model` that `user` may not see (order kept)."""
    if may_see_personal_data(user):
        return list(names)
    hidden = personal_fields(model)
    return [name for name in names if _field_root(name) not in hidden]


def _field_root(name) -> str:
    return name.split("__", 1)[0].lstrip("-") if isinstance(name, str) else ""


def touches_personal_data(model, lookup: str) -> bool:
    """Whether a lookup path (`phone__startswith`, `request__id_number`, …) reads a personal field."""
    from django.core.exceptions import FieldDoesNotExist

    current = model
    for part in lookup.lstrip("-").split("__"):
        if part in personal_fields(current):
            return True
        try:
            field = current._meta.get_field(part)
        except (FieldDoesNotExist, AttributeError):
            return False
        if not field.is_relation or field.related_model is None:
            return False
        current = field.related_model
    return False


def may_look_up(user, model, lookup: str) -> bool:
    return may_see_personal_data(user) or not touches_personal_data(model, lookup)


def safe_repr(obj) -> str:
    """A name for `obj` that shows no personal data (models may say how with `safe_str`)."""
    return obj.safe_str() if hasattr(obj, "safe_str") else str(obj)


# ---- The roles' permissions ----

# Models a department editor works on, and reference data they may read.
EDITOR_MODELS = {"disclosureitem", "attachment", "publication", "errorreport"}
# Editors read their items' event log and revisions (on the item page) but never write them.
EDITOR_READ_MODELS = {"department", "checklistcategory", "checklistentry", "channel", "channelsection",
                      "itemevent", "itemrevision"}


def sync_role_groups() -> None:
    """Bind each role code to a group and give it exactly its permissions (idempotent).

    The office gets every permission of the domain apps but delete: only the office administrator
    (a superuser) deletes, and rarely. The supervisor gets every view permission. A group the office
    renamed keeps its role: the binding is by code, not by name.
    """
    from django.contrib.auth.models import Group, Permission

    from disclosure.access.models import StaffRole

    perms = Permission.objects.filter(content_type__app_label__in=DOMAIN_APPS).select_related(
        "content_type"
    )
    granted: dict[Role, list] = {role: [] for role in Role}
    # The login records (every staff login and failed login) are read by the office and supervisor.
    login_records = list(
        Permission.objects.filter(content_type__app_label="axes", codename__startswith="view_")
    )
    granted[Role.OFFICE].extend(login_records)
    granted[Role.SUPERVISOR].extend(login_records)
    for perm in perms:
        action, _, _model = perm.codename.partition("_")
        model = perm.content_type.model
        if action != "delete":
            granted[Role.OFFICE].append(perm)
        if action == "view":
            granted[Role.SUPERVISOR].append(perm)
        if model in EDITOR_MODELS and action in {"add", "change", "view"}:
            granted[Role.DEPARTMENT_EDITOR].append(perm)
        elif model in EDITOR_READ_MODELS and action == "view":
            granted[Role.DEPARTMENT_EDITOR].append(perm)
    for role in Role:
        binding = StaffRole.objects.filter(code=role).select_related("group").first()
        if binding is None:
            group, _ = Group.objects.get_or_create(name=role.default_group_name)
            binding = StaffRole.objects.create(code=role, group=group)
        binding.group.permissions.set(granted[role])


def group_for(role: Role):
    """The auth group that carries `role` (whatever the office has renamed it to)."""
    from disclosure.access.models import StaffRole

    return StaffRole.objects.select_related("group").get(code=role).group


def users_with_role(role: Role):
    """Active users who hold `role` (through whatever group carries it)."""
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(groups__staff_role__code=role, is_active=True).distinct()
