"""A state machine as data: the states, the named transitions, and the one `check()`.

Each table lives beside its model's states (cases/workflow.py for the signal, cases/states.py,
mandates/workflow.py) and its services call `check()` before they change a state; nothing else
decides what may follow what.

    APPROVAL = Machine(
        "plan approval",
        states=Plan.Approval,
        refused=_("This plan is “%(state)s”; “%(transition)s” is not possible now."),
        transitions={
            "approve": Transition(_("Approve"), {Plan.Approval.REQUESTED}, Plan.Approval.APPROVED),
            ...
        },
    )
    plan.approval = APPROVAL.check(plan.approval, "approve")   # or TransitionError
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# When a form sets the state itself and no transition leads from the stored state to the new one.
NO_CHANGE = _("The status cannot go from “%(state)s” to “%(target)s”.")


@dataclass(frozen=True)
class Transition:
    """One named step: from any of `sources` to `target`.

    `label` names it for a user (a button, a history line); `refused`, when given, is the message
    when the step is not possible, instead of the machine's general one; `perm`, the permission
    of teams/policy.py a user needs to take it (None: nobody chooses it, it follows from another
    change).
    """

    label: str | Promise
    sources: frozenset[str]
    target: str
    refused: str | Promise | None = None
    perm: str | None = None

    def __post_init__(self):
        object.__setattr__(self, "sources", frozenset(self.sources))


class TransitionError(Exception):
    """A transition that the current state does not allow; the message says so for a user."""

    def __init__(self, machine: "Machine", state: str, transition: str | None, target: str | None = None):
        self.machine, self.state, self.transition, self.target = machine, state, transition, target
        super().__init__(self.message())

    def message(self) -> str:
        if self.transition is None:
            return NO_CHANGE % self.params()
        return (self.machine.transitions[self.transition].refused or self.machine.refused) % self.params()

    def params(self) -> dict:
        """The labels a message names: the state, and the transition or the wanted state."""
        label = self.machine.state_label
        if self.transition is None:
            return {"state": label(self.state), "target": label(self.target)}
        return {"state": label(self.state), "transition": self.machine.label(self.transition)}


class Machine:
    """The states of one model field and the named transitions between them."""

    def __init__(
        self,
        name: str,
        *,
        states: type[models.TextChoices],
        transitions: dict[str, Transition],
        refused: str | Promise,
        error: type[TransitionError] = TransitionError,
    ):
        self.name, self.states, self.refused, self.error = name, states, refused, error
        self.transitions = {str(key): value for key, value in transitions.items()}
        known = set(states.values)
        for key, transition in self.transitions.items():
            unknown = (transition.sources | {transition.target}) - known
            if unknown or not transition.sources:
                raise ValueError(f"{name}: transition {key!r} names unknown states {sorted(unknown)}")

    def __repr__(self):
        return f"<Machine {self.name}>"

    def _known(self, state: str) -> str:
        if state not in self.states.values:
            raise ValueError(f"{self.name}: unknown state {state!r}")
        return state

    def _transition(self, transition: str) -> Transition:
        if transition not in self.transitions:
            raise ValueError(f"{self.name}: unknown transition {transition!r}")
        return self.transitions[transition]

    def label(self, transition: str) -> str:
        return str(self._transition(transition).label)

    def state_label(self, state: str) -> str:
        return str(self.states(self._known(state)).label)

    @property
    def table(self) -> dict[str, set[str]]:
        """Per state, the names of the transitions possible from it (every state, final ones too)."""
        return {state: self.allowed(state) for state in self.states.values}

    def allowed(self, state: str) -> set[str]:
        """The names of the transitions possible from `state`."""
        self._known(state)
        return {name for name, t in self.transitions.items() if state in t.sources}

    def choices(self, state: str) -> list[tuple[str, str]]:
        """(name, label) of the transitions possible from `state`, in the table's order: buttons."""
        self._known(state)
        return [(name, str(t.label)) for name, t in self.transitions.items() if state in t.sources]

    def offered(self, state: str, user, obj) -> list[str]:
        """What a page offers: the transitions the state allows (this table) and the user may take
        on `obj` (the policy), in the table's order."""
        from teams import policy

        self._known(state)
        return [
            name
            for name, t in self.transitions.items()
            if state in t.sources and t.perm is not None and policy.can(user, t.perm, obj)
        ]

    def targets(self, state: str) -> set[str]:
        """The states one transition away from `state` (a form's status choices, besides `state`)."""
        self._known(state)
        return {t.target for t in self.transitions.values() if state in t.sources}

    def is_final(self, state: str) -> bool:
        return not self.allowed(state)

    def check(self, state: str, transition: str) -> str:
        """The state `transition` leads to from `state`, or TransitionError."""
        step = self._transition(transition)
        if self._known(state) not in step.sources:
            raise self.error(self, state, transition)
        return step.target

    def check_change(self, state: str, target: str) -> str | None:
        """For a form that sets the state itself: the transition from `state` to `target`.

        None when the state stays the same (an edit, not a transition); TransitionError when no
        transition leads from `state` to `target`.
        """
        self._known(target)
        if self._known(state) == target:
            return None
        for name, step in self.transitions.items():
            if state in step.sources and step.target == target:
                return name
        raise self.error(self, state, None, target)

    def clean(self, state: str, transition: str, *, field: str | None = None) -> str:
        """`check()` for a service behind a form: a refused transition is a ValidationError."""
        try:
            return self.check(state, transition)
        except TransitionError as error:
            raise _validation_error(error, field) from None

    def clean_change(self, state: str, target: str, *, field: str | None = None) -> str | None:
        """`check_change()` for a service behind a form: a refused change is a ValidationError."""
        try:
            return self.check_change(state, target)
        except TransitionError as error:
            raise _validation_error(error, field) from None


def _validation_error(error: TransitionError, field: str | None) -> ValidationError:
    invalid = ValidationError(str(error), code="transition")
    return ValidationError({field: invalid}) if field else invalid
