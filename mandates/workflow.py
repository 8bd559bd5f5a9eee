"""The life of a mandate: its states and the one table of allowed transitions.

    draft ─────activate──▶ active ──suspend──▶ suspended
    suspended ─activate──▶ active
    active, suspended ──end──▶ ended (final)

A manager edits the mandate in one form, status included: `mandate_save` lets the status stay
as it is, or follow one transition of this table. A new mandate may be recorded in any state,
since it may describe an agreement that is already in force, suspended or over. A review that
decides to end the mandate takes the `end` transition.
"""

from django.utils.translation import gettext_lazy as _

from mandates.models import Mandate
from wijkteam.statemachine import Machine, Transition

Status = Mandate.Status

MANDATE = Machine(
    "mandate",
    states=Status,
    refused=_("This mandate is “%(state)s”; “%(transition)s” is not possible now."),
    transitions={
        "activate": Transition(
            _("Activate"), {Status.DRAFT, Status.SUSPENDED}, Status.ACTIVE, perm="mandate.edit"
        ),
        "suspend": Transition(_("Suspend"), {Status.ACTIVE}, Status.SUSPENDED, perm="mandate.edit"),
        "end": Transition(_("End"), {Status.ACTIVE, Status.SUSPENDED}, Status.ENDED, perm="mandate.edit"),
    },
)
