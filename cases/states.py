"""The state tables of the case record besides the signal's (that one is cases/workflow.py).

    plan          current ──evaluate──▶ evaluated (final: the next version is a new plan)

    approval      not_requested ──request──▶ requested ──approve───▶ approved
                  sent_back ─────request──▶     └───────send_back─▶ sent_back
                  approved ──────request──▶ requested
                  approved ──────lapse────▶ not_requested (the plan text changed after approval)

    household     open ──close──▶ closed ──reopen──▶ open

    action        open ◀──reopen── done, dropped; to done ──complete── from open or dropped;
                  to dropped ──drop── from open or done (a slip of the hand is undone in one step)

    task          open ──complete──▶ done (final)

    appointment   planned ──fulfil──▶ done (a logged contact); planned ──cancel──▶ cancelled
                  (both final; "missed" is a planned one whose end has passed: computed, not stored)

Services call `check()` (or `clean()`, which refuses with a ValidationError for the form) before
they change a state; nothing else decides what may follow what. A transition's `refused` message
is what the user reads when it is not possible.
"""

from django.utils.translation import gettext_lazy as _

from cases.models import Action, Appointment, Household, Plan, Task
from wijkteam.statemachine import Machine, Transition

PLAN = Machine(
    "plan",
    states=Plan.Status,
    refused=_("This plan is “%(state)s”; “%(transition)s” is not possible now."),
    transitions={
        "evaluate": Transition(
            _("Evaluate"),
            {Plan.Status.CURRENT},
            Plan.Status.EVALUATED,
            refused=_("This is an earlier version of the plan; it can no longer be changed."),
            perm="household.edit",
        ),
    },
)

_NOBODY_ASKED = _("Nobody has asked to approve this plan.")

PLAN_APPROVAL = Machine(
    "plan approval",
    states=Plan.Approval,
    refused=_("The approval of this plan is “%(state)s”; “%(transition)s” is not possible now."),
    transitions={
        "request": Transition(
            _("Request approval"),
            {Plan.Approval.NOT_REQUESTED, Plan.Approval.SENT_BACK, Plan.Approval.APPROVED},
            Plan.Approval.REQUESTED,
            refused=_("Approval has already been requested."),
            perm="household.edit",
        ),
        "approve": Transition(
            _("Approve"),
            {Plan.Approval.REQUESTED},
            Plan.Approval.APPROVED,
            refused=_NOBODY_ASKED,
            perm="plan.approve",
        ),
        "send_back": Transition(
            _("Send back"),
            {Plan.Approval.REQUESTED},
            Plan.Approval.SENT_BACK,
            refused=_NOBODY_ASKED,
            perm="plan.approve",
        ),
        # Not a choice of anyone: saving a changed plan text takes the approval away.
        "lapse": Transition(
            _("Changed after approval"), {Plan.Approval.APPROVED}, Plan.Approval.NOT_REQUESTED
        ),
    },
)

HOUSEHOLD = Machine(
    "household",
    states=Household.Status,
    refused=_("This household is “%(state)s”; “%(transition)s” is not possible now."),
    transitions={
        "close": Transition(
            _("Close"),
            {Household.Status.OPEN},
            Household.Status.CLOSED,
            refused=_("This household is already closed."),
            perm="household.edit",
        ),
        "reopen": Transition(
            _("Reopen"),
            {Household.Status.CLOSED},
            Household.Status.OPEN,
            refused=_("This household is open."),
            perm="household.reopen",
        ),
    },
)

ACTION = Machine(
    "action",
    states=Action.Status,
    refused=_("This action is “%(state)s”; “%(transition)s” is not possible now."),
    transitions={
        "complete": Transition(
            _("Done"),
            {Action.Status.OPEN, Action.Status.DROPPED},
            Action.Status.DONE,
            refused=_("This action is already done."),
            perm="household.edit",
        ),
        "drop": Transition(
            _("No longer needed"),
            {Action.Status.OPEN, Action.Status.DONE},
            Action.Status.DROPPED,
            refused=_("This action is already marked as no longer needed."),
            perm="household.edit",
        ),
        "reopen": Transition(
            _("Reopen"),
            {Action.Status.DONE, Action.Status.DROPPED},
            Action.Status.OPEN,
            refused=_("This action is still to do."),
            perm="household.edit",
        ),
    },
)

TASK = Machine(
    "task",
    states=Task.Status,
    refused=_("This task is “%(state)s”; “%(transition)s” is not possible now."),
    transitions={
        "complete": Transition(_("Done"), {Task.Status.OPEN}, Task.Status.DONE, perm="household.edit"),
    },
)

APPOINTMENT = Machine(
    "appointment",
    states=Appointment.Status,
    refused=_("This appointment is “%(state)s”; “%(transition)s” is not possible now."),
    transitions={
        "fulfil": Transition(
            _("Fulfilled by a contact"),
            {Appointment.Status.PLANNED},
            Appointment.Status.DONE,
            refused=_("This appointment is no longer planned."),
            perm="household.edit",
        ),
        "cancel": Transition(
            _("Cancel"),
            {Appointment.Status.PLANNED},
            Appointment.Status.CANCELLED,
            refused=_("This appointment is no longer planned."),
            perm="household.edit",
        ),
    },
)
