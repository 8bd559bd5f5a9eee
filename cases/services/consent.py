"""Consent decisions, the sharing gate and shares (docs/domain.md: consent, legal basis, privacy).

Who decides depends on age: under 12 the parents with authority, 12 to 15 the child *and* the
parents, from 16 the young person alone. Withdrawing is a new decision, made in one step like
giving. What these decisions let the team share is decided in cases/services/sharing.py.
"""

from dateutil.relativedelta import relativedelta
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import (
    AccessRequest,
    ConsentDecision,
    Household,
    LegalBasis,
    Person,
)
from cases.services.households import check_may_edit
from teams.models import User

SELF, CHILD_AND_PARENTS, PARENTS = "self", "child_and_parents", "parents"
ADULT_RELATIONS = {
    Person.Relation.MAIN_RESIDENT,
    Person.Relation.PARTNER,
    Person.Relation.PARENT,
    Person.Relation.GRANDPARENT,
    Person.Relation.OTHER_FAMILY,
}


def who_decides(person: Person) -> str:
    age = person.age
    if age is None or age >= 16:
        return SELF
    return CHILD_AND_PARENTS if age >= 12 else PARENTS


def possible_parents(person: Person):
    """Adults of the household who may hold parental authority (the worker checks who does)."""
    return person.household.members.exclude(pk=person.pk).filter(relation__in=ADULT_RELATIONS)


def _deciders(person: Person, decision: str, parents: list[Person], child_agrees: bool) -> list[str]:
    rule = who_decides(person)
    if rule == SELF:
        return [str(person.pk)]
    allowed = set(possible_parents(person).values_list("pk", flat=True))
    if not parents:
        raise ValidationError({"parents": _("Which parent(s) with authority decided?")})
    if any(parent.pk not in allowed for parent in parents):
        raise PermissionDenied
    ids = [str(parent.pk) for parent in parents]
    if rule == CHILD_AND_PARENTS:
        if decision == ConsentDecision.Decision.GIVEN and not child_agrees:
            raise ValidationError({"child_agrees": _("From 12 to 15 the child must agree as well.")})
        ids.append(str(person.pk))
    return ids


@transaction.atomic
def consent_record(
    *,
    decision: ConsentDecision,
    person: Person,
    by: User,
    parents: list[Person] = (),
    child_agrees: bool = False,
) -> ConsentDecision:
    household = Household.objects.select_for_update().get(pk=person.household_id)
    check_may_edit(by, household)
    decision.person = person
    decision.recorded_by = by
    if decision.legal_basis == LegalBasis.CONSENT or decision.decision != ConsentDecision.Decision.GIVEN:
        decision.decided_by = _deciders(person, decision.decision, list(parents), child_agrees)
    decision.full_clean()
    decision.save()
    return decision


def may_withdraw(person: Person, members: list[Person] | None = None) -> list[Person]:
    """Who can withdraw: anyone who could decide (for a child of 12-15, the child or a parent).

    Pass the household's members when they are at hand, to save a query per person.
    """
    rule = who_decides(person)
    if members is None:
        parents = list(possible_parents(person)) if rule != SELF else []
    else:
        parents = (
            [m for m in members if m.pk != person.pk and m.relation in ADULT_RELATIONS]
            if rule != SELF
            else []
        )
    return ([person] if rule != PARENTS else []) + parents


@transaction.atomic
def consent_withdraw(*, given: ConsentDecision, by: User, withdrawn_by: Person) -> ConsentDecision:
    """One step, like giving: a new 'withdrawn' decision; the given one stays in the record."""
    person = given.person
    household = Household.objects.select_for_update().get(pk=person.household_id)
    check_may_edit(by, household)
    if withdrawn_by.pk not in {p.pk for p in may_withdraw(person)}:
        raise ValidationError({"withdrawn_by": _("This person cannot withdraw this consent.")})
    withdrawal = ConsentDecision(
        person=person,
        recipient=given.recipient,
        purpose=given.purpose,
        categories=given.categories,
        decision=ConsentDecision.Decision.WITHDRAWN,
        legal_basis=LegalBasis.CONSENT,
        obtained=given.obtained,
        decided_by=[str(withdrawn_by.pk)],
        recorded_by=by,
    )
    withdrawal.full_clean()
    withdrawal.save()
    return withdrawal


@transaction.atomic
def access_request_record(*, person: Person, by: User, note: str = "") -> AccessRequest:
    """A resident asks what is held about them: answer within one month (AVG art. 12)."""
    household = Household.objects.select_for_update().get(pk=person.household_id)
    check_may_edit(by, household)
    today = timezone.localdate()
    request = AccessRequest(
        person=person, requested_on=today, due_on=today + relativedelta(months=1), recorded_by=by, note=note
    )
    request._change_reason = _("Access request recorded")
    request._history_user = by
    request.full_clean()
    request.save()
    return request


@transaction.atomic
def access_request_answered(*, access_request, by: User) -> AccessRequest:
    household = Household.objects.select_for_update().get(pk=access_request.person.household_id)
    check_may_edit(by, household)
    access_request.handled_on = timezone.localdate()
    access_request._change_reason = _("Access request answered")
    access_request._history_user = by
    access_request.save()
    return access_request
