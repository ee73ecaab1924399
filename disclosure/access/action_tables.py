"""Action tables: each verb of a workflow declared once, in the spirit of Wagtail's actions.

A table lists, for every verb, the states it starts from, the roles that may run it, whether an
editor is limited to their own departments, a guard (a further condition, with the sentence that
explains a refusal) and the function that does it. `check()` says whether a user may run a verb on an
object now, and why not; `available()` is what the admin's buttons and step pages, the API and the
deadline board list. The functions that do the work call `check()` again under the row lock, so the
table is the only place where "who may do what, from which state" is written.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from disclosure.access import policy
from disclosure.core.errors import NotAllowed, TransitionNotAllowed


@dataclass(frozen=True)
class Action:
    name: str
    label: str
    from_states: frozenset[str]
    roles: frozenset[policy.Role]
    # Department editors may run it on their own departments' objects only.
    scoped: bool = False
    # A further condition on the object: returns the reason it does not apply, or "". It is called
    # with the object and the listing's context (e.g. `today`), empty when the action is run.
    guard: Callable[..., str] | None = None
    # What the button or step page asks for ("", "comment", "reason", "note", "changed_on", …).
    input: str = ""
    input_label: str = ""
    css: str = ""
    # The public (the applicant's status page) may be told this step is possible.
    public: bool = False
    extra: dict = field(default_factory=dict)
    # The states the object can be in once the verb is done; None: the state it was in. What may
    # come next (`followers`) is read from this: the API's links follow it.
    leads_to: frozenset[str] | None = None


class ActionTable:
    def __init__(self, name: str, state_of: Callable[[Any], str], state_label: Callable[[Any], str],
                 actions: Iterable[Action]):
        self.name = name
        self._state_of = state_of
        self._state_label = state_label
        self.actions = {action.name: action for action in actions}

    def __getitem__(self, name: str) -> Action:
        return self.actions[name]

    def __contains__(self, name: str) -> bool:
        return name in self.actions

    def refusal(self, name: str, obj, user, **context) -> Exception | None:
        """Why `user` may not run `name` on `obj` now (an exception to raise), or None."""
        action = self.actions[name]
        if user is not None and not policy.may_run(user, action, obj):
            if action.roles == {policy.Role.OFFICE}:
                return NotAllowed("只有信息公开办公室可以执行此操作。")
            return NotAllowed("您没有对该记录执行此操作的权限。")
        if self._state_of(obj) not in action.from_states:
            return TransitionNotAllowed(
                f"“{self._state_label(obj)}”状态下不能{action.label}。", code="transition"
            )
        if action.guard is not None:
            reason = action.guard(obj, **context)
            if reason:
                return TransitionNotAllowed(reason, code="transition")
        return None

    def check(self, name: str, obj, user) -> Action:
        """Raise NotAllowed (403) or TransitionNotAllowed (a validation error) unless allowed."""
        refusal = self.refusal(name, obj, user)
        if refusal is not None:
            raise refusal
        return self.actions[name]

    def available(self, obj, user, **context) -> list[Action]:
        """The verbs `user` may run on `obj` now, in the table's order (`user=None`: any office).

        `context` (e.g. `today`) lets a listing leave out what would be refused for its dates; the
        functions that do the work check the dates they are given themselves.
        """
        return [action for name, action in self.actions.items()
                if self.refusal(name, obj, user, **context) is None]

    def from_state(self, state: str) -> list[Action]:
        return [action for action in self.actions.values() if state in action.from_states]

    def states_after(self, name: str) -> frozenset[str]:
        action = self.actions[name]
        return action.from_states if action.leads_to is None else action.leads_to

    def followers(self, name: str) -> list[Action]:
        """The verbs that may come after `name`: those starting from a state it can lead to."""
        after = self.states_after(name)
        return [action for action in self.actions.values() if action.from_states & after]
