"""Readable history: who changed what, from what to what, when and why.

`record_history(model, where)` gives the history of one audited model's records; the household's
history tab (`household_changes`) puts every kind of record of a household in one timeline,
with the append-only records (consent decisions, shares, signal decisions) as "recorded" events.

Cheap by construction: one query per kind of record (plus one per many-to-many field), diffs
computed by simple-history's `diff_against` on records already loaded (no queries), and every
foreign key named by one query per target model for the whole timeline (never one per row).
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from itertools import groupby

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import get_m2m_reverse_field_name

from cases.fields import PhoneField
from cases.models import (
    AccessRequest,
    Action,
    Appointment,
    Assessment,
    CaseReview,
    ConsentDecision,
    ConsultAnswer,
    ConsultQuestion,
    Contact,
    DataCategory,
    Domain,
    FollowUpDecision,
    Goal,
    Household,
    Instrument,
    NetworkMember,
    Note,
    Person,
    Plan,
    Referral,
    ReferralDecision,
    SafetyWarning,
    Share,
    Task,
)
from cases.validators import format_phone
from teams.models import Municipality, Organisation, Team

# Bookkeeping, not content: never shown as a change.
SKIPPED = {
    "id",
    "lock_version",
    "submission_id",
    "reference",
    "history_id",
    "history_date",
    "history_change_reason",
    "history_type",
    "history_user",
}
# Shown only as changed, never with their value: the BSN, and confidential prior information
# (the history tab does not know whether its reader has the need to know).
MASKED = {"bsn", "subject_bsn", "prior_information"}
MASK = "•••"
SHOWN_LENGTH = 140
# JSON lists of codes, shown by their labels.
LIST_CHOICES = {"categories": DataCategory, "advice": SafetyWarning.Advice}
TYPES = {"+": gettext_lazy("Created"), "~": gettext_lazy("Changed"), "-": gettext_lazy("Deleted")}
RECORDED = gettext_lazy("Recorded")


def _date(value) -> str:
    return value.strftime("%d-%m-%Y") if value else ""


# How each record is named in the list, from its own columns (no query per row).
LABELS = {
    Household: lambda r: r.name,
    Person: lambda r: r.first_name,
    NetworkMember: lambda r: r.name,
    Plan: lambda r: _("version %(number)s") % {"number": r.number},
    Goal: lambda r: r.family_words[:60],
    Action: lambda r: r.what,
    Assessment: lambda r: _date(r.assessed_on),
    CaseReview: lambda r: _date(r.held_on),
    Contact: lambda r: f"{r.get_kind_display()} {timezone.localtime(r.at):%d-%m-%Y %H:%M}",
    SafetyWarning: lambda r: r.get_incident_display(),
    FollowUpDecision: lambda r: r.get_kind_display(),
    Task: lambda r: r.get_kind_display(),
    Referral: lambda r: r.reference,
    AccessRequest: lambda r: _date(r.requested_on),
    Appointment: lambda r: f"{r.get_kind_display()} {_date(r.date)} {r.starts_at:%H:%M}",
    Note: lambda r: f"{timezone.localtime(r.written_at):%d-%m-%Y %H:%M}",
}

# How a record is named when another one points at it (a foreign key's old and new value), from
# its own columns: a __str__ that follows a key (an assessment's person) would cost a query a row.
NAMES = {
    Organisation: lambda o: o.name,
    Person: lambda p: p.first_name,
    Household: lambda h: h.name,
    Referral: lambda r: r.reference,
    Team: lambda t: t.name,
    Municipality: lambda m: m.name,
    NetworkMember: lambda n: n.name,
    Plan: LABELS[Plan],
    Goal: LABELS[Goal],
    Action: LABELS[Action],
    CaseReview: LABELS[CaseReview],
    Assessment: LABELS[Assessment],
    Contact: LABELS[Contact],
    Domain: lambda d: d.name,
    Instrument: lambda i: i.name,
}


def _name(obj) -> str:
    if isinstance(obj, get_user_model()):
        return obj.get_full_name() or obj.username
    namer = NAMES.get(type(obj))
    return namer(obj) if namer else str(obj)


@dataclass
class Change:
    field: str  # verbose name (translated)
    old: str  # display value before ('' if none)
    new: str  # display value after


@dataclass
class Entry:
    at: datetime.datetime
    user: object  # the User or None
    kind: str  # verbose name of the model
    label: str  # how the record is named
    type: str  # Created / Changed / Deleted / Recorded (translated)
    reason: str
    object_id: str  # str(pk) of the record the entry is about
    fields: list[Change] = field(default_factory=list)


class Shown(str):
    """A value that is already display text (no lookup, no formatting)."""


@dataclass
class _Event:
    """An entry before its values are displayed: raw values, foreign keys as primary keys."""

    at: datetime.datetime
    user: object
    kind: str
    label: str
    type: str
    reason: str
    object_id: str
    changes: list  # (model field, old raw value, new raw value)


# Lists of primary keys in a JSON field, named like a many-to-many field.
REFERENCE_LISTS = {(ConsentDecision, "decided_by"): Person}


def _targets(model_field):
    """The model a field refers to (a foreign key, a many-to-many or a list of keys), or None."""
    if model_field.is_relation:
        return model_field.related_model
    return REFERENCE_LISTS.get((model_field.model, model_field.name))


def _keys(value) -> list:
    if value is None or value == "":
        return []
    return [str(v) for v in value] if isinstance(value, list | tuple | set) else [str(value)]


def _resolve(events: list[_Event], names: dict) -> None:
    """Name every record the events' values point at: one query per target model."""
    wanted = defaultdict(set)
    for event in events:
        for model_field, old, new in event.changes:
            target = _targets(model_field)
            if target is None or model_field.name in MASKED:
                continue
            for value in (old, new):
                if isinstance(value, Shown):
                    continue
                for key in _keys(value):
                    if (target, key) not in names:
                        wanted[target].add(key)
    for target, keys in wanted.items():
        valid = []
        for key in keys:
            try:
                valid.append(target._meta.pk.to_python(key))
            except ValidationError:
                continue
        if not valid:
            continue
        for obj in target._base_manager.filter(pk__in=valid).order_by():
            names[(target, str(obj.pk))] = _name(obj)


def _truncated(text: str) -> str:
    return text if len(text) <= SHOWN_LENGTH else text[:SHOWN_LENGTH] + "…"


def _display(model_field, value, names: dict) -> str:
    if value is None or value == "" or value == []:
        return ""
    if isinstance(value, Shown):
        return str(value)
    if model_field.name in MASKED:
        return MASK
    target = _targets(model_field)
    if target is not None:
        return ", ".join(names.get((target, key), _("(deleted)")) for key in _keys(value))
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, datetime.datetime):
        return (timezone.localtime(value) if timezone.is_aware(value) else value).strftime("%d-%m-%Y %H:%M")
    if isinstance(value, datetime.date):
        return _date(value)
    if isinstance(value, datetime.time):
        return value.strftime("%H:%M")
    if isinstance(model_field, PhoneField):
        return format_phone(value)  # 06-12345678, not the stored +31612345678
    if isinstance(value, list):
        choices = LIST_CHOICES.get(model_field.name)
        if choices is not None:
            return ", ".join(str(label) for code, label in choices.choices if code in value)
        return _truncated(", ".join(str(v) for v in value))
    return _truncated(str(value))


def _render(events: list[_Event], names: dict | None = None) -> list[Entry]:
    names = {} if names is None else names
    _resolve(events, names)
    entries = []
    for event in events:
        fields = []
        for model_field, old, new in event.changes:
            shown_old, shown_new = _display(model_field, old, names), _display(model_field, new, names)
            if shown_old == shown_new == "":
                continue
            fields.append(Change(field=str(model_field.verbose_name), old=shown_old, new=shown_new))
        entries.append(
            Entry(
                at=event.at,
                user=event.user,
                kind=event.kind,
                label=event.label,
                type=event.type,
                reason=event.reason,
                object_id=event.object_id,
                fields=fields,
            )
        )
    return entries


def _m2m_members(history_model, m2m_fields, records_qs) -> dict:
    """{(field name, history_id): sorted target keys}: one query per many-to-many field."""
    members = defaultdict(list)
    for m2m_field in m2m_fields:
        through = getattr(history_model, m2m_field.name).model
        target = through._meta.get_field(get_m2m_reverse_field_name(m2m_field)).attname
        rows = through.objects.filter(history_id__in=records_qs.values("history_id")).values_list(
            "history_id", target
        )
        for history_id, key in rows:
            members[(m2m_field.name, history_id)].append(str(key))
    return {key: sorted(value) for key, value in members.items()}


def _history_events(model, where: dict) -> list[_Event]:
    """The model's history rows matching `where`, as events with old and new raw values."""
    history_model = model.history.model
    m2m_fields = [f for f in history_model._history_m2m_fields if f.name not in SKIPPED]
    compared = [
        model._meta.get_field(f.name)
        for f in history_model.tracked_fields
        if f.editable and f.name not in SKIPPED and not f.many_to_many
    ]
    included = [f.name for f in compared]
    shown_fields = [*compared, *(model._meta.get_field(f.name) for f in m2m_fields)]
    order = {f.name: i for i, f in enumerate(shown_fields)}
    by_name = {f.name: f for f in compared}
    pk_name = model._meta.pk.attname
    records_qs = model.history.filter(**where)
    records = list(records_qs.select_related("history_user").order_by(pk_name, "history_date", "history_id"))
    members = _m2m_members(history_model, m2m_fields, records_qs) if m2m_fields else {}

    blank = history_model()
    for f in compared:
        setattr(blank, f.attname, None)

    kind = str(model._meta.verbose_name)
    label = LABELS.get(model, lambda r: str(getattr(r, pk_name)))
    events = []
    for pk, versions in groupby(records, key=lambda r: getattr(r, pk_name)):
        previous = None
        for record in versions:
            changes = []
            if previous is not None or record.history_type == "+":
                delta = record.diff_against(previous or blank, included_fields=included)
                changes = [(by_name[c.field], c.old, c.new) for c in delta.changes]
                for m2m_field in m2m_fields:
                    new = members.get((m2m_field.name, record.history_id), [])
                    old = members.get((m2m_field.name, previous.history_id), []) if previous else []
                    if old != new:
                        changes.append((model._meta.get_field(m2m_field.name), old, new))
                changes.sort(key=lambda c: order[c[0].name])
            events.append(
                _Event(
                    at=record.history_date,
                    user=record.history_user,
                    kind=kind,
                    label=label(record),
                    type=str(TYPES.get(record.history_type, record.history_type)),
                    reason=record.history_change_reason or "",
                    object_id=str(pk),
                    changes=changes,
                )
            )
            previous = record
    return events


def record_history(model, where: dict) -> list[Entry]:
    """History entries of one audited model's records matching `where` (a filter on the
    historical table, e.g. {"household_id": pk} or {"id__in": ids}), oldest first, with
    old → new per field; FK values resolved to names in bulk.

    A creation lists the values it was created with (old ''); BSN and confidential prior
    information show as "•••". Queries: one, plus one per many-to-many field, plus one per
    model that foreign keys point at.
    """
    events = _history_events(model, where)
    events.sort(key=lambda e: e.at)
    return _render(events)


# The append-only records: each row is itself an event.


def _field(model, name):
    return model._meta.get_field(name)


def _consent_events(person_ids, names: dict) -> list[_Event]:
    decisions = ConsentDecision.objects.filter(person_id__in=person_ids).select_related(
        "person", "recipient", "recorded_by"
    )
    events = []
    for d in decisions:
        names[(Person, str(d.person_id))] = _name(d.person)
        values = [
            ("person", d.person_id),
            ("decision", d.decision),
            ("recipient", Shown(d.recipient_label)),
            ("purpose", d.purpose),
            ("categories", d.categories),
            ("legal_basis", d.legal_basis),
            ("basis_text", d.basis_text),
            ("obtained", d.obtained),
            ("decided_by", d.decided_by),
            ("valid_until", d.valid_until),
        ]
        events.append(
            _Event(
                at=d.recorded_at,
                user=d.recorded_by,
                kind=str(ConsentDecision._meta.verbose_name),
                label=f"{d.person.first_name} · {d.recipient_label}",
                type=str(RECORDED),
                reason="",
                object_id=str(d.pk),
                changes=[(_field(ConsentDecision, name), None, value) for name, value in values],
            )
        )
    return events


def _share_events(household, names: dict) -> list[_Event]:
    shares = household.shares.select_related("recipient", "referral", "shared_by").prefetch_related("persons")
    events = []
    for s in shares:
        for person in s.persons.all():
            names[(Person, str(person.pk))] = _name(person)
        values = [
            ("recipient", Shown(s.recipient.name)),
            ("purpose", s.purpose),
            ("persons", sorted(str(p.pk) for p in s.persons.all())),
            ("categories", s.categories),
            ("ground", s.ground),
            ("ground_reference", s.ground_reference),
            ("override_reason", s.override_reason),
            ("referral", Shown(s.referral.reference) if s.referral_id else None),
            ("content", s.content),
        ]
        events.append(
            _Event(
                at=s.shared_at,
                user=s.shared_by,
                kind=str(Share._meta.verbose_name),
                label=s.recipient.name,
                type=str(RECORDED),
                reason="",
                object_id=str(s.pk),
                changes=[(_field(Share, name), None, value) for name, value in values],
            )
        )
    return events


def _signal_decision_events(referral_ids, names: dict) -> list[_Event]:
    decisions = ReferralDecision.objects.filter(referral_id__in=referral_ids).select_related(
        "referral", "decided_by", "assigned_to", "forwarded_to", "merged_into"
    )
    events = []
    for d in decisions:
        values = [
            (_field(ReferralDecision, "kind"), d.kind),
            (_field(ReferralDecision, "reason_code"), Shown(d.reason_label)),
            (_field(ReferralDecision, "reason"), d.reason),
            # The decision's own keys have no verbose names: the signal's fields name them.
            (_field(Referral, "assigned_to"), Shown(_name(d.assigned_to)) if d.assigned_to_id else None),
            (_field(Referral, "forwarded_to"), Shown(d.forwarded_to.name) if d.forwarded_to_id else None),
            (_field(Referral, "merged_into"), Shown(d.merged_into.reference) if d.merged_into_id else None),
        ]
        events.append(
            _Event(
                at=d.decided_at,
                user=d.decided_by,
                kind=str(ReferralDecision._meta.verbose_name),
                label=d.referral.reference,
                type=str(RECORDED),
                reason="",
                object_id=str(d.pk),
                changes=[(model_field, None, value) for model_field, value in values],
            )
        )
    return events


def household_changes(household: Household, limit: int = 200) -> list[Entry]:
    """The household's timeline, newest first: every audited record that hangs from it, old →
    new per field, and its consent decisions, shares and signal decisions.

    Records are found through their history (a deleted member's changes stay in the timeline);
    the ids are subqueries, so the number of queries does not grow with the records or changes.
    """
    pk = household.pk
    persons = Person.history.filter(household_id=pk).values("id")
    plans = Plan.history.filter(household_id=pk).values("id")
    referrals = Referral.history.filter(household_id=pk).values("id")
    sources = [
        (Household, {"id": pk}),
        (Person, {"household_id": pk}),
        (NetworkMember, {"household_id": pk}),
        (Plan, {"household_id": pk}),
        (Goal, {"plan_id__in": plans}),
        (Action, {"plan_id__in": plans}),
        (Assessment, {"person_id__in": persons}),
        (CaseReview, {"household_id": pk}),
        (Contact, {"household_id": pk}),
        (Appointment, {"household_id": pk}),
        (SafetyWarning, {"household_id": pk}),
        (FollowUpDecision, {"household_id": pk}),
        (Task, {"household_id": pk}),
        (Referral, {"id__in": referrals}),
        (AccessRequest, {"person_id__in": persons}),
        (Note, {"household_id": pk}),
        # Consult questions linked to the household, and their answers (issue 24).
        (ConsultQuestion, {"household_id": pk}),
        (ConsultAnswer, {"question_id__in": ConsultQuestion.history.filter(household_id=pk).values("id")}),
    ]
    names = {}
    events = []
    for model, where in sources:
        events.extend(_history_events(model, where))
    events.extend(_consent_events(persons, names))
    events.extend(_share_events(household, names))
    events.extend(_signal_decision_events(referrals, names))
    events.sort(key=lambda e: e.at, reverse=True)
    return _render(events[:limit], names)
