"""The life of a signal (Referral): its states and the one table of allowed transitions.

    received ──accept──▶ accepted ──assign──▶ assigned ──close──▶ closed
        │                    └────────close─────────────────────────▲
        ├──decline──▶ declined        assigned ──reassign──▶ assigned
        ├──forward──▶ forwarded
        └──merge────▶ merged (into an earlier signal about the same household)

Services call `check()` before every change; nothing else decides what may follow what.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


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


RESULT = {
    Decision.ACCEPT: Status.ACCEPTED,
    Decision.ASSIGN: Status.ASSIGNED,
    Decision.REASSIGN: Status.ASSIGNED,
    Decision.DECLINE: Status.DECLINED,
    Decision.FORWARD: Status.FORWARDED,
    Decision.MERGE: Status.MERGED,
    Decision.CLOSE: Status.CLOSED,
}

ALLOWED_TRANSITIONS: dict[str, set[str]] = {
    Status.RECEIVED: {Decision.ACCEPT, Decision.DECLINE, Decision.FORWARD, Decision.MERGE},
    Status.ACCEPTED: {Decision.ASSIGN, Decision.CLOSE},
    Status.ASSIGNED: {Decision.REASSIGN, Decision.CLOSE},
    Status.DECLINED: set(),
    Status.FORWARDED: set(),
    Status.MERGED: set(),
    Status.CLOSED: set(),
}

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


class TransitionError(Exception):
    """A decision that the signal's current state does not allow."""

    def __init__(self, status: str, decision: str):
        self.status, self.decision = status, decision
        super().__init__(
            _("This signal is %(status)s; it cannot be %(decision)s now.")
            % {"status": Status(status).label.lower(), "decision": Decision(decision).label.lower()}
        )


def allowed(status: str) -> set[str]:
    return ALLOWED_TRANSITIONS[status]


def check(status: str, decision: str) -> str:
    """The status `decision` leads to from `status`, or TransitionError."""
    if decision not in ALLOWED_TRANSITIONS[status]:
        raise TransitionError(status, decision)
    return RESULT[decision]
