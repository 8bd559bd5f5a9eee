"""Outreach changes: contact attempts, safety warnings, follow-up decisions, closing and reopening.

One transaction each, with who and why in the history.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases import notifications, states
from cases.models import Action, Contact, EndResult, FollowUpDecision, Household, Plan, SafetyWarning
from cases.services.households import lead_worker_choices
from cases.services.reach import check_calling
from teams import policy
from teams.models import Organisation, User


def _audit(obj, by, reason: str) -> None:
    obj._change_reason = reason
    obj._history_user = by


def _locked_household(household: Household, by, perm: str = "household.edit") -> Household:
    household = Household.objects.select_for_update().select_related("team").get(pk=household.pk)
    policy.require(by, perm, household)
    return household


@transaction.atomic
def contact_log(
    *, contact: Contact, household: Household, by: User, workers, persons, appointment=None
) -> Contact:
    """Record a contact attempt; the workers must be of the team, the persons of the household.

    With an appointment of the household, the contact fulfils it (cases/services/agenda.py)."""
    household = _locked_household(household, by)
    if household.status != Household.Status.OPEN:
        raise ValidationError(_("This household is closed. Reopen it to log contacts."))
    workers = list(workers) or [by]
    team_workers = set(lead_worker_choices([household.team_id]).values_list("pk", flat=True))
    if any(worker.pk not in team_workers for worker in workers):
        raise PermissionDenied(_("Only workers of the team can take part in a contact."))
    persons = list(persons)
    if any(person.household_id != household.pk for person in persons):
        raise PermissionDenied
    check_calling(contact=contact, household=household, persons=persons)  # "do not call"
    contact.household = household
    contact.recorded_by = by
    _audit(contact, by, _("Contact logged"))
    contact.full_clean()
    contact.save()
    contact.workers.set(workers)
    contact.persons.set(persons)
    notifications.household_changed(household=household, by=by)
    if appointment is not None:
        from cases.services.agenda import appointment_fulfil

        appointment_fulfil(appointment=appointment, contact=contact, by=by)
    return contact


@transaction.atomic
def warning_record(*, warning: SafetyWarning, household: Household, by: User) -> SafetyWarning:
    household = _locked_household(household, by)
    warning.household = household
    warning.recorded_by = by
    _audit(warning, by, _("Safety warning recorded"))
    warning.full_clean()
    warning.save()
    return warning


@transaction.atomic
def warning_end(*, warning: SafetyWarning, by: User, reason: str) -> SafetyWarning:
    """End a warning from today; the reason is required and kept."""
    warning = SafetyWarning.objects.select_for_update().get(pk=warning.pk)
    _locked_household(warning.household, by)
    if warning.active_until is not None and warning.active_until <= timezone.localdate():
        raise ValidationError(_("This warning has already ended."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the warning ends.")})
    warning.active_until = max(timezone.localdate(), warning.active_from)
    warning.end_reason = reason
    _audit(warning, by, _("Safety warning ended: %(reason)s") % {"reason": reason})
    warning.full_clean()
    warning.save()
    return warning


@transaction.atomic
def follow_up_decide(*, decision: FollowUpDecision, household: Household, by: User) -> FollowUpDecision:
    """Decide what happens with a household out of contact: it leaves the list until revisit_on."""
    household = _locked_household(household, by)
    decision.household = household
    decision.decided_by = by
    decision.decided_at = timezone.now()
    _audit(decision, by, decision.note)
    decision.full_clean()
    decision.save()
    return decision


@transaction.atomic
def household_close(
    *,
    household: Household,
    by: User,
    end_result: str,
    handed_over_to: Organisation | None,
    reason: str,
    cancel_open_actions: bool,
) -> Household:
    """Close with an end result. Open actions must be finished, or cancelled here explicitly."""
    household = _locked_household(household, by)
    status = states.HOUSEHOLD.clean(household.status, "close")
    if end_result == EndResult.HANDED_OVER and handed_over_to is None:
        raise ValidationError({"handed_over_to": _("To which organisation was the household handed over?")})
    open_actions = list(
        Action.objects.filter(
            plan__household=household, plan__status=Plan.Status.CURRENT, status=Action.Status.OPEN
        )
    )
    if open_actions and not cancel_open_actions:
        raise ValidationError(
            {
                "cancel_open_actions": _(
                    "The plan still has open actions: %(actions)s. Finish them or cancel them."
                )
                % {"actions": ", ".join(a.what for a in open_actions)}
            }
        )
    for action in open_actions:
        action.status = states.ACTION.check(action.status, "drop")
        _audit(action, by, _("Cancelled when the household was closed"))
        action.save()
    household.status = status
    household.closed_on = timezone.localdate()
    household.end_result = end_result
    household.handed_over_to = handed_over_to if end_result == EndResult.HANDED_OVER else None
    _audit(household, by, _("Closed: %(reason)s") % {"reason": reason})
    household.full_clean()
    household.save()
    return household


@transaction.atomic
def household_reopen(*, household: Household, by: User, reason: str) -> Household:
    household = _locked_household(household, by, "household.reopen")
    status = states.HOUSEHOLD.clean(household.status, "reopen")
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the household is reopened.")})
    household.status = status
    household.closed_on = None
    household.end_result = ""
    household.handed_over_to = None
    _audit(household, by, _("Reopened: %(reason)s") % {"reason": reason})
    household.full_clean()
    household.save()
    return household
