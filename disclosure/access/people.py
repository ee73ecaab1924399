"""How a person is shown: one function, used by every page, list, log and export.

Staff know each other by name and department, not by login name; a login name on a review line or
in an operation log is also a hint for whoever guesses passwords. `person_name` is installed as the
user model's `__str__` (see `AccessConfig.ready`), so every foreign key to a user, in any list,
read-only field, select box or history page, shows the person the same way.
"""

from __future__ import annotations

# Shown when nobody is recorded (a system step, a deleted account).
NOBODY = "系统"


def person_name(user) -> str:
    """The user's full name in Chinese order (姓 + 名); never the login name."""
    if user is None:
        return NOBODY
    last = (getattr(user, "last_name", "") or "").strip()
    first = (getattr(user, "first_name", "") or "").strip()
    if last or first:
        # Chinese names are written family name first with no space; Latin ones keep a space.
        joiner = " " if (last + first).isascii() else ""
        return joiner.join(part for part in (last, first) if part)
    pk = getattr(user, "pk", None)
    return f"未填姓名的账号（编号 {pk}）" if pk else NOBODY


def person_label(user) -> str:
    """Name and department, "张三（教务处）": for review lines, logs and the board.

    Reads the departments from a prefetch (`prefetch_related("<user>__departments")`) when there is
    one, else with one query, remembered on the user object.
    """
    name = person_name(user)
    if user is None or getattr(user, "pk", None) is None:
        return name
    departments = getattr(user, "_person_departments", None)
    if departments is None:
        cache = getattr(user, "_prefetched_objects_cache", {})
        rows = cache["departments"] if "departments" in cache else user.departments.all()
        departments = [d.name for d in rows]
        user._person_departments = departments
    return f"{name}（{'、'.join(departments)}）" if departments else name
