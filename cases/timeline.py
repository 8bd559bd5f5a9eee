"""The history tab of a household: who changed what, when and why, across its records.

One query per kind of record, diffs computed here (not with simple-history's per-row
`prev_record`, which would cost a query per change).
"""

import datetime
from dataclasses import dataclass, field
from itertools import groupby

from django.db import models
from django.utils.translation import gettext_lazy as _

from cases.models import Action, Assessment, CaseReview, Goal, Household, NetworkMember, Person, Plan

SKIPPED = {
    "id",
    "lock_version",
    "history_id",
    "history_date",
    "history_change_reason",
    "history_type",
    "history_user",
}
MASKED = {"bsn"}
SHOWN_LENGTH = 140
# How each record is named in the list, from its own columns (no query per row).
LABELS = {
    Household: lambda r: r.name,
    Person: lambda r: r.first_name,
    NetworkMember: lambda r: r.name,
    Plan: lambda r: _("version %(number)s") % {"number": r.number},
    Goal: lambda r: r.family_words[:60],
    Action: lambda r: r.what,
    Assessment: lambda r: r.assessed_on.strftime("%d-%m-%Y"),
    CaseReview: lambda r: r.held_on.strftime("%d-%m-%Y"),
}


@dataclass
class Entry:
    at: datetime.datetime
    user: object
    kind: str
    label: str
    type: str
    reason: str
    fields: list = field(default_factory=list)


def _value(record, model_field) -> str:
    if model_field.name in MASKED:
        return "•••"
    if isinstance(model_field, models.ForeignKey):
        return _("changed")
    value = getattr(record, model_field.attname)
    if isinstance(value, datetime.date):
        return value.strftime("%d-%m-%Y")
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    text = "" if value is None else str(value)
    return text if len(text) <= SHOWN_LENGTH else text[:SHOWN_LENGTH] + "…"


def _entries(model, records, kind):
    fields = [f for f in model._meta.concrete_fields if f.name not in SKIPPED]
    for _pk, versions in groupby(records, key=lambda r: r.id):
        previous = None
        for record in versions:
            changed = []
            if previous is not None:
                for f in fields:
                    if getattr(record, f.attname) != getattr(previous, f.attname):
                        changed.append((f.verbose_name, _value(record, f)))
            yield Entry(
                at=record.history_date,
                user=record.history_user,
                kind=kind,
                label=LABELS[model](record),
                type=record.get_history_type_display(),
                reason=record.history_change_reason or "",
                fields=changed,
            )
            previous = record


def household_changes(household: Household, limit: int = 200) -> list[Entry]:
    plan_ids = list(household.plans.values_list("pk", flat=True))
    member_ids = list(household.members.values_list("pk", flat=True))
    sources = [
        (Household, {"id": household.pk}),
        (Person, {"household_id": household.pk}),
        (NetworkMember, {"household_id": household.pk}),
        (Plan, {"household_id": household.pk}),
        (Goal, {"plan_id__in": plan_ids}),
        (Action, {"plan_id__in": plan_ids}),
        (Assessment, {"person_id__in": member_ids}),
        (CaseReview, {"household_id": household.pk}),
    ]
    entries = []
    for model, where in sources:
        records = model.history.filter(**where).select_related("history_user").order_by("id", "history_date")
        entries.extend(_entries(model, records, model._meta.verbose_name))
    entries.sort(key=lambda e: e.at, reverse=True)
    return entries[:limit]
