"""The life of a signal (Referral): its states and the one table of allowed transitions.

    received ──accept──▶ accepted ──assign──▶ assigned ──close──▶ closed
        │                    └────────close─────────────────────────▲
        ├──decline──▶ declined        assigned ──reassign──▶ assigned
        │                 └──supplement (the sender adds information)──▶ received
        ├──forward──▶ forwarded
        └──merge────▶ merged (into an earlier signal about the same household)

Services call `check()` before every change; nothing else decides what may follow what. The
other tables of the case record (plan, approval, household, action, task) are in cases/states.py:
the models import this module, so it cannot import them.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from wijkteam import statemachine
from wijkteam.statemachine import Transition


class Status(models.TextChoices):
    RECEIVED = "received", _("New")
    ACCEPTED = "accepted", _("Accepted")
    ASSIGNED = "assigned", _("Assigned")
    DECLINED = "declined", _("Declined")
    FORWARDED = "forwarded", _("Forwarded")
    MERGED = "merged", _("Merged")
    CLOSED = "closed", _("Closed")


class Decision(models.TextChoices):
    """What a ReferralDecision records; each maps to the status it leads to."""

    ACCEPT = "accept", _("Accepted")
    ASSIGN = "assign", _("Assigned")
    REASSIGN = "reassign", _("Reassigned")
    DECLINE = "decline", _("Declined")
    FORWARD = "forward", _("Forwarded")
    MERGE = "merge", _("Merged")
    CLOSE = "close", _("Closed")
    SUPPLEMENT = "supplement", _("Supplemented by the sender")


class TransitionError(statemachine.TransitionError):
    """A decision that the signal's current state does not allow."""

    @property
    def status(self) -> str:
        return self.state

    @property
    def decision(self) -> str | None:
        return self.transition

    def params(self) -> dict:
        if self.transition is None:
            return super().params()
        return {
            "status": Status(self.state).label.lower(),
            "decision": Decision(self.transition).label.lower(),
        }


SIGNAL = statemachine.Machine(
    "signal",
    states=Status,
    refused=_("This signal is %(status)s; it cannot be %(decision)s now."),
    error=TransitionError,
    transitions={
        Decision.ACCEPT: Transition(
            Decision.ACCEPT.label, {Status.RECEIVED}, Status.ACCEPTED, perm="referral.triage"
        ),
        Decision.ASSIGN: Transition(
            Decision.ASSIGN.label, {Status.ACCEPTED}, Status.ASSIGNED, perm="referral.triage"
        ),
        Decision.REASSIGN: Transition(
            Decision.REASSIGN.label, {Status.ASSIGNED}, Status.ASSIGNED, perm="referral.triage"
        ),
        Decision.DECLINE: Transition(
            Decision.DECLINE.label, {Status.RECEIVED}, Status.DECLINED, perm="referral.triage"
        ),
        Decision.FORWARD: Transition(
            Decision.FORWARD.label, {Status.RECEIVED}, Status.FORWARDED, perm="referral.triage"
        ),
        Decision.MERGE: Transition(
            Decision.MERGE.label, {Status.RECEIVED}, Status.MERGED, perm="referral.triage"
        ),
        Decision.CLOSE: Transition(
            Decision.CLOSE.label, {Status.ACCEPTED, Status.ASSIGNED}, Status.CLOSED, perm="referral.close"
        ),
        # The sender answers a decline (e.g. "too little information"): back to the queue.
        Decision.SUPPLEMENT: Transition(
            Decision.SUPPLEMENT.label, {Status.DECLINED}, Status.RECEIVED, perm="referral.send"
        ),
    },
)

# The same table, per decision and per state (forwarded, merged and closed are final; the sender
# may answer a decline with more information).
RESULT: dict[str, str] = {name: step.target for name, step in SIGNAL.transitions.items()}
ALLOWED_TRANSITIONS: dict[str, set[str]] = SIGNAL.table

# Waiting for the coordinator: the triage queue shows these by default, and marks them
# overdue once their first-contact deadline has passed.
UNDECIDED = [Status.RECEIVED, Status.ACCEPTED]


class PartnerStatus(models.TextChoices):
    """All that a referring partner learns without consent: whether the team picked it up."""

    RECEIVED = "received", _("Received")
    PICKED_UP = "picked_up", _("Picked up")
    NOT_PICKED_UP = "not_picked_up", _("Not picked up")
    CLOSED = "closed", _("Closed")


PARTNER_STATUS = {
    Status.RECEIVED: PartnerStatus.RECEIVED,
    Status.ACCEPTED: PartnerStatus.PICKED_UP,
    Status.ASSIGNED: PartnerStatus.PICKED_UP,
    Status.DECLINED: PartnerStatus.NOT_PICKED_UP,
    Status.FORWARDED: PartnerStatus.NOT_PICKED_UP,
    Status.CLOSED: PartnerStatus.CLOSED,
    # A merged signal is handled as the earlier one: the partner sees that one's status.
    Status.MERGED: None,
}


def allowed(status: str) -> set[str]:
    return SIGNAL.allowed(status)


def check(status: str, decision: str) -> str:
    """The status `decision` leads to from `status`, or TransitionError."""
    return SIGNAL.check(status, decision)
