"""Changes to a household or person: one transaction, validated, history with a reason."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from cases import notifications
from cases.models import Household, Person
from teams import policy


def check_may_edit(user, household: Household) -> None:
    """The user may change this household now (its team, their role, and open: teams/policy.py)."""
    policy.require(user, "household.edit", household)


def lead_worker_choices(team_ids, on=None):
    """Users who may lead a household of these teams ("household.lead" there today, or on `on`):
    never someone whose position has ended, or ends before that day (issue 23)."""
    return policy.users_with("household.lead", team_ids, on=on).order_by("first_name", "last_name")


def _check_lead_worker(household: Household) -> None:
    if household.lead_worker_id is None:
        return
    if not lead_worker_choices([household.team_id]).filter(pk=household.lead_worker_id).exists():
        raise PermissionDenied(_("The lead worker must hold a position in the household's team."))


def check_bsn_free(person: Person, household: Household) -> None:
    """One BSN is in one open household of a team at a time: a second one needs a decision (move
    the person, `person_move`), never a silent second record. The form says more (which one)."""
    if not person.bsn:
        return
    elsewhere = (
        Person.objects.filter(
            bsn=person.bsn, household__team_id=household.team_id, household__status=Household.Status.OPEN
        )
        .exclude(household_id=household.pk)
        .exclude(pk=person.pk)
    )
    if elsewhere.exists():
        raise ValidationError(
            {"bsn": _("This BSN belongs to a member of another open household of the team.")}
        )


@transaction.atomic
def household_create(*, household: Household, first_member: Person | None, by, reason: str = "") -> Household:
    """Register a new household (with its first member, when known) in a team `by` may edit."""
    if household.team_id not in policy.teams_for(by, "household.edit"):
        raise PermissionDenied(_("You cannot register households in this team."))
    household.municipality_id = household.team.municipality_id
    _check_lead_worker(household)
    household._change_reason = reason or _("Household registered")
    household._history_user = by
    household.full_clean()
    household.save()
    if first_member is not None:
        first_member.household = household
        first_member._change_reason = household._change_reason
        first_member._history_user = by
        first_member.full_clean()
        check_bsn_free(first_member, household)
        first_member.save()
    return household


@transaction.atomic
def household_update(*, household: Household, by, reason: str) -> Household:
    """Save changed address or lead-worker fields of a household the user may edit."""
    original = Household.objects.select_for_update().get(pk=household.pk)
    check_may_edit(by, original)
    # The team and tenant never change through an edit (a move is a decision of its own).
    household.team_id = original.team_id
    household.municipality_id = original.municipality_id
    household.status = original.status
    household.closed_on = original.closed_on
    _check_lead_worker(household)
    household._change_reason = reason
    household._history_user = by
    household.full_clean()
    household.save()
    new_lead = household.lead_worker_id != original.lead_worker_id
    notifications.household_changed(household=household, by=by, new_lead=new_lead)
    return household


@transaction.atomic
def person_save(*, person: Person, household: Household, by, reason: str) -> Person:
    """Add a member to a household, or save changes to one, in a household the user may edit."""
    household = Household.objects.select_for_update().get(pk=household.pk)
    check_may_edit(by, household)
    person.household = household
    person._change_reason = reason
    person._history_user = by
    person.full_clean()
    check_bsn_free(person, household)
    person.save()
    notifications.household_changed(household=household, by=by)
    return person


@transaction.atomic
def person_move(
    *, person: Person, household: Household, by, reason: str, details: Person | None = None
) -> Person:
    """Move a member of another open household of the same team into `household`: their
    membership there ends. Both households keep it in their history with the reason; `details`
    (what was typed on the form) replace the person's details, their record and history stay one.
    """
    household = Household.objects.select_for_update().get(pk=household.pk)
    check_may_edit(by, household)
    person = Person.objects.select_for_update().get(pk=person.pk)
    old = Household.objects.select_for_update().get(pk=person.household_id)
    check_may_edit(by, old)
    if old.team_id != household.team_id or old.pk == household.pk:
        raise PermissionDenied(_("A member moves only between households of the same team."))
    if not reason.strip():
        raise ValidationError({"move_reason": _("Give the reason for the move.")})
    if details is not None:
        for field in Person._meta.concrete_fields:
            if field.name not in ("id", "household"):
                setattr(person, field.attname, getattr(details, field.attname))
    names = {"person": person.full_name, "old": old.name, "new": household.name, "reason": reason}
    person.household = household
    person._change_reason = (_("Moved from %(old)s: %(reason)s") % names)[:100]
    person._history_user = by
    person.full_clean()
    check_bsn_free(person, household)
    person.save()
    old._change_reason = (_("%(person)s moved to %(new)s: %(reason)s") % names)[:100]
    old._history_user = by
    old.save()
    notifications.household_changed(household=household, by=by)
    notifications.household_changed(household=old, by=by)
    return person
