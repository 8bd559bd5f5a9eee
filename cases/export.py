"""Right of access (AVG art. 15): everything held about one person, as plain data.

Every model with a path to a Person or a Household is either exported here or excluded with a
reason (EXCLUDED); tests/test_export.py fails when a new model is neither.
"""

import datetime
import uuid

from cases.models import (
    AccessEvent,
    Action,
    Assessment,
    CaseReview,
    ConsentDecision,
    Contact,
    FollowUpDecision,
    Goal,
    Household,
    NetworkMember,
    Person,
    Plan,
    Referral,
    ReferralDecision,
    SafetyWarning,
    Score,
    Share,
    Task,
)

# label of each exported model (the section heading in the printable page)
EXPORTED = {
    Person: "person",
    Household: "household",
    Referral: "signals",
    ReferralDecision: "signal_decisions",
    Plan: "plans",
    Goal: "goals",
    Action: "actions",
    NetworkMember: "network",
    Assessment: "assessments",
    Score: "assessments",
    Contact: "contacts",
    SafetyWarning: "safety_warnings",
    CaseReview: "case_reviews",
    ConsentDecision: "consents",
    Share: "shares",
    FollowUpDecision: "follow_up_decisions",
    Task: "tasks",
    AccessEvent: "access_log",
}
# Models with a path to a person or household that are deliberately not exported, and why.
EXCLUDED = {
    "cases.AccessRequest": "the request itself, not data about the person's situation",
}
SKIPPED_FIELDS = {"lock_version", "submission_id"}


def _value(value):
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    return value


def _rows(queryset, exclude=()) -> list[dict]:
    fields = [
        f
        for f in queryset.model._meta.concrete_fields
        if f.name not in SKIPPED_FIELDS and f.name not in exclude
    ]
    return [{f.attname: _value(getattr(obj, f.attname)) for f in fields} for obj in queryset]


def _history(model, where) -> list[dict]:
    records = model.history.filter(**where).select_related("history_user").order_by("history_date")
    return [
        {
            "at": _value(r.history_date),
            "by": str(r.history_user) if r.history_user else "",
            "type": r.get_history_type_display(),
            "reason": r.history_change_reason or "",
        }
        for r in records
    ]


def person_export(person: Person) -> dict:
    """Everything held about `person` and their household, with history and the access log."""
    household = person.household
    plans = Plan.objects.filter(household=household)
    signals = Referral.objects.filter(household=household)
    return {
        "generated_at": _value(datetime.datetime.now(datetime.UTC)),
        "person": _rows(Person.objects.filter(pk=person.pk)),
        "household": _rows(Household.objects.filter(pk=household.pk)),
        "members": _rows(Person.objects.filter(household=household).exclude(pk=person.pk), exclude=("bsn",)),
        # Prior information from partners is included: the resident has a right to see it.
        "signals": _rows(signals),
        "signal_decisions": _rows(ReferralDecision.objects.filter(referral__in=signals)),
        "plans": _rows(plans),
        "goals": _rows(Goal.objects.filter(plan__in=plans)),
        "actions": _rows(Action.objects.filter(plan__in=plans)),
        "network": _rows(NetworkMember.objects.filter(household=household)),
        "assessments": [
            {**row, "scores": _rows(Score.objects.filter(assessment_id=row["id"]).select_related("domain"))}
            for row in _rows(Assessment.objects.filter(person=person))
        ],
        "contacts": _rows(Contact.objects.filter(household=household)),
        "safety_warnings": _rows(SafetyWarning.objects.filter(household=household)),
        "case_reviews": _rows(CaseReview.objects.filter(household=household)),
        "consents": _rows(ConsentDecision.objects.filter(person=person)),
        # Recipients of shared data: who received what, on which ground.
        "shares": _rows(Share.objects.filter(household=household)),
        "follow_up_decisions": _rows(FollowUpDecision.objects.filter(household=household)),
        "tasks": _rows(Task.objects.filter(household=household)),
        "history": {
            "person": _history(Person, {"id": person.pk}),
            "household": _history(Household, {"id": household.pk}),
            "plans": _history(Plan, {"household_id": household.pk}),
            "contacts": _history(Contact, {"household_id": household.pk}),
        },
        "access_log": _rows(AccessEvent.objects.filter(household=household), exclude=("origin",)),
    }
