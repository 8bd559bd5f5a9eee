"""Right of access (AVG art. 15): everything held about one person, complete and readable.

The export is declarative. Every kind of record about a person or their household has a `Spec`
in SPECS: the fields it exports (machine name as the JSON key, verbose name as the label on the
printable page) and the fields it leaves out, each with a reason (`excluded`). A model with a
path to a Person or a Household that is not exported is in EXCLUDED with a reason.
tests/test_export.py fails when a model *or a field* is neither.

What is about this person:
- their own records (their details, assessments, consent decisions, access requests, the shares
  that name them) and the household's records (the household, its signals and the decisions on
  them, plans, goals, actions, network, contacts, safety warnings, case reviews, follow-up
  decisions, tasks): those are about the household the person is part of;
- other members' own records (their details, assessments, consents, shares and access-log rows
  about them alone) are withheld (AVG art. 15(4)): the export says how many, not what they hold;
- within a record, fields about someone else are withheld with the reason, field by field: the
  reporter of a signal (unless the person reported themselves), the subject of a signal about
  another member, a network member's contact details, confidential prior information the
  exporting user may not read (then the export says it is not complete).

`person_document(person, user)` builds the export once; `.as_json()` is the machine-readable
form, the template cases/person_export.html the printable one.
"""

import datetime
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from django.db.models import Q
from django.template.defaultfilters import yesno
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from cases import services, timeline
from cases.models import (
    AccessEvent,
    AccessRequest,
    Action,
    Appointment,
    Assessment,
    CaseReview,
    ConsentDecision,
    Contact,
    DataCategory,
    Domain,
    FollowUpDecision,
    Goal,
    Household,
    NetworkMember,
    Note,
    Person,
    Plan,
    Referral,
    ReferralDecision,
    SafetyWarning,
    Score,
    Share,
    Task,
)
from cases.templatetags.access_tags import basis_label, object_label, roles_label
from cases.validators import format_phone, format_postcode
from documents.models import Document as CaseDocument
from teams.models import Position

FORMAT = "wijkteam-inzage/2"

# Reasons a field is left out of every record of its kind (for the completeness test and the
# reader of this file; the resident is not shown bookkeeping).
INTERNAL_ID = "internal number of the record: means nothing to the resident"
TECHNICAL = "technical bookkeeping (optimistic locking, double-submit protection)"
OWN_SECTION = "the household is its own section of the export"
# What every record of the household leaves out (most kinds of record are one).
HOUSEHOLD_RECORD = MappingProxyType({"id": INTERNAL_ID, "household": OWN_SECTION})
THE_PERSON = "the person the export is about: that is the whole export"
SAME_AS_TEAM = "the municipality of the team, shown with the household"

# Reasons shown to the resident when something is withheld.
OTHERS = gettext_lazy("Data about other members of the household is not provided (AVG art. 15(4)).")
REPORTER = gettext_lazy(
    "The identity of the person who reported the concern is not provided, to protect them "
    "(AVG art. 15(4)). The organisation that sent the signal is shown."
)
SUBJECT_OTHER = gettext_lazy(
    "This signal names another member of the household: their details are not provided (AVG art. 15(4))."
)
NETWORK_CONTACT = gettext_lazy(
    "The contact details of people in your network are theirs, not yours (AVG art. 15(4))."
)
PRIOR_INFORMATION = gettext_lazy(
    "Prior information from the organisation that sent the signal is left out: the user who made "
    "this export may not read it. The coordinator or the lead worker of the household must prepare "
    "the export for the resident."
)


def _incomplete(count: int) -> str:
    return ngettext(
        "This export is not complete: the prior information of %(count)s signal is left out, "
        "because you may not read it. Do not give this export to the resident: the coordinator "
        "or the lead worker of the household must prepare it.",
        "This export is not complete: the prior information of %(count)s signals is left out, "
        "because you may not read it. Do not give this export to the resident: the coordinator "
        "or the lead worker of the household must prepare it.",
        count,
    ) % {"count": count}


# --- Values ----------------------------------------------------------------------------------


@dataclass
class Context:
    """What every value and rule needs: the person, the household, its members, the user."""

    person: Person
    household: Household
    user: object
    members: dict[str, Person]
    employers: dict = field(default_factory=dict)  # access event pk -> organisation
    team_basis: bool | None = None  # consent or a basis for the team itself (asked once)

    def name(self, member: Person) -> str:
        """The person themself by full name; another member by first name only.

        Household records (actions, contacts, shares, consents decided by a parent) name other
        members in their own right: "Mother calls the school" is part of the family's plan, which
        the family owns and already reads together. The first name keeps the record readable
        (who does what) without handing over the other member's identifying data (last name,
        birth date, BSN), which stays theirs (AVG art. 15(4)).
        """
        return member.full_name if member.pk == self.person.pk else member.first_name


def _local(value: datetime.datetime) -> datetime.datetime:
    return timezone.localtime(value) if timezone.is_aware(value) else value


def _value(obj, model_field, ctx: Context) -> tuple[object, str]:
    """(JSON value, printed text) of one field of one record: names instead of ids, labels
    for choices, dates dd-mm-jjjj in Europe/Amsterdam."""
    if model_field.many_to_many:
        related = list(getattr(obj, model_field.name).all())
        names = [ctx.name(r) if isinstance(r, Person) else str(r) for r in related]
        return names, ", ".join(names)
    if model_field.is_relation:
        related = getattr(obj, model_field.name)
        if related is None:
            return None, ""
        text = ctx.name(related) if isinstance(related, Person) else str(related)
        return text, text
    value = getattr(obj, model_field.attname)
    if value is None or value == "":
        return None, ""
    if model_field.choices:
        label = str(dict(model_field.flatchoices).get(value, value))
        return {"code": value, "label": label}, label
    if isinstance(value, bool):
        return value, yesno(value)  # Django's own translation
    if isinstance(value, datetime.datetime):
        local = _local(value)
        return local.isoformat(), local.strftime("%d-%m-%Y %H:%M")
    if isinstance(value, datetime.date):
        return value.isoformat(), value.strftime("%d-%m-%Y")
    if isinstance(value, datetime.time):  # an appointment's start and end
        return value.strftime("%H:%M"), value.strftime("%H:%M")
    if isinstance(value, list):
        return value, ", ".join(str(v) for v in value)
    return value, str(value)


def _codes(choices) -> Callable:
    """A JSON list of codes, by their labels (data categories, advice)."""

    def render(obj, model_field, ctx):
        chosen = set(getattr(obj, model_field.name) or ())
        pairs = [(code, str(label)) for code, label in choices.choices if code in chosen]
        return [{"code": code, "label": label} for code, label in pairs], ", ".join(
            label for _code, label in pairs
        )

    return render


def _postcode(obj, model_field, ctx):
    value = getattr(obj, model_field.name)
    return (value, format_postcode(value)) if value else (None, "")


def _phone(obj, model_field, ctx):
    value = getattr(obj, model_field.name)
    return (value, format_phone(value)) if value else (None, "")


def _deciders(obj, model_field, ctx):
    """Who decided on a consent: keys of persons, shown by name (first name for a parent)."""
    names = [
        ctx.name(ctx.members[key]) if key in ctx.members else _("someone outside the household")
        for key in obj.decided_by
    ]
    return names, ", ".join(names)


def _recipient(obj, model_field, ctx):
    text = obj.recipient_label
    return text, text


def _reason_code(obj, model_field, ctx):
    if not obj.reason_code:
        return None, ""
    label = obj.reason_label or obj.reason_code
    return {"code": obj.reason_code, "label": label}, label


def _plan_version(obj, model_field, ctx):
    return obj.plan.number, _("version %(number)s") % {"number": obj.plan.number}


def _score(obj, model_field, ctx):
    label = obj.assessment.instrument.label(obj.score)
    return obj.score, f"{obj.score} – {label}" if label else str(obj.score)


def _organisation(obj, model_field, ctx):
    """The organisation of the user who read (NEN 7513 client view): never their name."""
    text = ctx.employers.get(obj.pk, "")
    return text or None, text


def _roles(obj, model_field, ctx):
    text = roles_label(obj.role)
    return {"code": obj.role, "label": text}, text


def _basis(obj, model_field, ctx):
    if not obj.basis:
        return None, ""
    label = basis_label(obj.basis)
    return {"code": obj.basis, "label": label}, label


def _object(obj, model_field, ctx):
    label = object_label(obj.object_type)
    return {"code": obj.object_type, "label": label}, label


# --- What is about this person ---------------------------------------------------------------


def reported_by_the_person(referral: Referral, person: Person) -> bool:
    """A self-referral whose sender is this person (full name, or first and last name)."""
    if referral.channel != Referral.Channel.SELF_REFERRAL:
        return False

    def norm(text: str) -> str:
        return " ".join(text.split()).casefold()

    return norm(referral.sender_name) in {
        norm(person.full_name),
        norm(f"{person.first_name} {person.last_name}"),
    }


def signal_is_about(referral: Referral, person: Person) -> bool:
    """The signal's subject is this person: the same BSN, or the same first name and birth date
    (a sender often has no BSN, or mistypes it; two members never share both)."""
    same_bsn = bool(person.bsn) and referral.subject_bsn == person.bsn
    same_name_and_birth = (
        bool(referral.subject_first_name and referral.subject_birth_date)
        and referral.subject_first_name.strip().casefold() == person.first_name.strip().casefold()
        and referral.subject_birth_date == person.birth_date
    )
    return same_bsn or same_name_and_birth


REPORTER_FIELDS = ("sender_name", "sender_phone", "sender_email", "submitted_by")
SUBJECT_FIELDS = (
    "subject_first_name",
    "subject_last_name_prefix",
    "subject_last_name",
    "subject_birth_date",
    "subject_bsn",
)


def _referral_withheld(referral: Referral, ctx: Context) -> dict:
    withheld = {}
    if not reported_by_the_person(referral, ctx.person):
        withheld |= dict.fromkeys(REPORTER_FIELDS, REPORTER)
    if not signal_is_about(referral, ctx.person):
        withheld |= dict.fromkeys(SUBJECT_FIELDS, SUBJECT_OTHER)
    # The rule is the signal page's own (cases.services): need to know, whoever exports.
    referral.household = ctx.household
    if referral.prior_information:
        if ctx.team_basis is None:
            ctx.team_basis = services.team_has_basis(ctx.household)
        if not services.may_read_prior_information(ctx.user, referral, team_basis=ctx.team_basis):
            withheld["prior_information"] = PRIOR_INFORMATION
    return withheld


def _network_withheld(member: NetworkMember, ctx: Context) -> dict:
    return dict.fromkeys(("phone", "email"), NETWORK_CONTACT)


def _access_event_is_about(event: AccessEvent, ctx: Context) -> bool:
    """A read of the household (no person named) or of this person; not of another member alone."""
    return not event.persons or str(ctx.person.pk) in event.persons


# --- The declaration -------------------------------------------------------------------------


@dataclass(frozen=True)
class Spec:
    """How one kind of record is exported.

    rows(ctx): every record of this kind in the household (a constant number of queries);
    about(obj, ctx): whether it is about this person (the rest is counted as withheld, OTHERS);
    withheld(obj, ctx): {field: reason} left out of this record (only fields with a value count);
    render: {field: fn(obj, field, ctx) -> (JSON value, text)} where the default is not readable;
    keys / labels: a JSON key or a printed label other than the field's own.
    """

    model: type
    key: str
    title: object
    intro: object
    fields: tuple[str, ...]
    excluded: Mapping[str, str]
    rows: Callable
    record_title: Callable
    about: Callable = lambda obj, ctx: True
    withheld: Callable = lambda obj, ctx: {}
    render: dict = field(default_factory=dict)
    keys: dict = field(default_factory=dict)
    labels: dict = field(default_factory=dict)
    # Printed as one table (many short rows) instead of a block per record: (heading, fields).
    columns: tuple[tuple[object, tuple[str, ...]], ...] = ()
    children: tuple = ()  # (Spec, attname of the key to the parent)
    # Called with the records about the person before they are shown (bulk lookups into ctx).
    prepare: Callable = lambda objs, ctx: None


def _names(text: str) -> tuple[str, ...]:
    """Field names, in the order they are shown."""
    return tuple(text.split())


def _date(value) -> str:
    return value.strftime("%d-%m-%Y") if value else ""


def _moment(value) -> str:
    return _local(value).strftime("%d-%m-%Y %H:%M") if value else ""


SCORE = Spec(
    model=Score,
    key="scores",
    title=Score._meta.verbose_name_plural,
    intro="",
    fields=_names("domain score note"),
    excluded={"id": INTERNAL_ID, "assessment": "shown within its assessment"},
    rows=lambda ctx: Score.objects.filter(assessment__person=ctx.person).select_related(
        "domain", "assessment__instrument"
    ),
    record_title=lambda s, ctx: str(s.domain),
    render={"score": _score},
    labels={"domain": Domain._meta.verbose_name},
)

SPECS: tuple[Spec, ...] = (
    Spec(
        model=Person,
        key="person",
        title=gettext_lazy("Your data"),
        intro=gettext_lazy("Your own details as the neighbourhood team has recorded them."),
        fields=_names(
            "first_name last_name_prefix last_name birth_date bsn relation phone email reach_by "
            "reach_when do_not_call do_not_call_note"
        ),
        excluded=HOUSEHOLD_RECORD,
        rows=lambda ctx: list(ctx.members.values()),
        about=lambda p, ctx: p.pk == ctx.person.pk,
        record_title=lambda p, ctx: p.full_name,
        render={"phone": _phone},
    ),
    Spec(
        model=Household,
        key="household",
        title=Household._meta.verbose_name,
        intro=gettext_lazy("Your household: its address, the team and your contact at the team."),
        fields=_names(
            "name street house_number house_number_addition postcode city wijk_code buurt_code "
            "area_codes_year team municipality lead_worker status created_at closed_on end_result "
            "record_class legal_hold pseudonymised_on handed_over_to"
        ),
        excluded={"id": INTERNAL_ID, "search_text": "the names and street again, for the search"},
        rows=lambda ctx: [ctx.household],
        record_title=lambda h, ctx: h.name,
        render={"postcode": _postcode},
    ),
    Spec(
        model=Referral,
        key="signals",
        title=Referral._meta.verbose_name_plural,
        intro=gettext_lazy(
            "Concerns about your household that reached the team, which organisation sent them "
            "(the source of the data), and what the team did with them."
        ),
        fields=_names(
            "reference received_at channel sender_organisation sender_name sender_phone "
            "sender_email submitted_by concern request prior_information "
            "prior_information_confidentiality urgency warm_handover subject_first_name "
            "subject_last_name_prefix subject_last_name subject_birth_date subject_bsn street "
            "house_number house_number_addition postcode city guardian_name guardian_relation "
            "family_aware partner_label household_view "
            "professional_judgement status first_contact_due team assigned_to forwarded_to "
            "merged_into"
        ),
        excluded={
            "id": INTERNAL_ID,
            "submission_id": TECHNICAL,
            "municipality": SAME_AS_TEAM,
            "household": OWN_SECTION,
        },
        rows=lambda ctx: (
            Referral.objects.filter(household=ctx.household)
            .select_related(
                "sender_organisation", "submitted_by", "team", "assigned_to", "forwarded_to", "merged_into"
            )
            .order_by("received_at", "id")
        ),
        record_title=lambda r, ctx: f"{r.reference} · {_moment(r.received_at)}",
        withheld=_referral_withheld,
        render={"postcode": _postcode},
        # The form's labels speak to the sender ("what you ask"); this page to the resident.
        labels={"request": gettext_lazy("what the sender asks the team to change")},
    ),
    Spec(
        model=ReferralDecision,
        key="signal_decisions",
        title=ReferralDecision._meta.verbose_name_plural,
        intro=gettext_lazy("What the team decided on each signal, who decided, when and why."),
        fields=_names(
            "referral kind decided_at decided_by reason_code reason assigned_to forwarded_to merged_into"
        ),
        excluded=HOUSEHOLD_RECORD,
        rows=lambda ctx: (
            ReferralDecision.objects.filter(referral__household=ctx.household)
            .select_related("referral", "decided_by", "assigned_to", "forwarded_to", "merged_into")
            .order_by("decided_at", "id")
        ),
        record_title=lambda d, ctx: f"{d.referral.reference} · {d.get_kind_display()}",
        render={"reason_code": _reason_code},
        labels={
            # The decision's own keys have no verbose names: the signal's fields name them.
            "assigned_to": Referral._meta.get_field("assigned_to").verbose_name,
            "forwarded_to": Referral._meta.get_field("forwarded_to").verbose_name,
            "merged_into": Referral._meta.get_field("merged_into").verbose_name,
        },
    ),
    Spec(
        model=Plan,
        key="plans",
        title=Plan._meta.verbose_name_plural,
        intro=gettext_lazy("Every version of your household's plan."),
        fields=_names(
            "number status family_view strengths worries earlier_help safety_plan evaluation_date "
            "approval approval_comment created_at evaluated_at evaluation_note"
        ),
        excluded={"id": INTERNAL_ID, "lock_version": TECHNICAL, "household": OWN_SECTION},
        rows=lambda ctx: Plan.objects.filter(household=ctx.household).order_by("number"),
        record_title=lambda p, ctx: _("version %(number)s") % {"number": p.number},
    ),
    Spec(
        model=Goal,
        key="goals",
        title=Goal._meta.verbose_name_plural,
        intro="",
        fields=_names("plan domain family_words achieved"),
        excluded={"id": INTERNAL_ID},
        rows=lambda ctx: (
            Goal.objects.filter(plan__household=ctx.household)
            .select_related("plan", "domain")
            .order_by("plan__number", "domain__position", "id")
        ),
        record_title=lambda g, ctx: f"{g.domain}: {g.family_words[:60]}",
        render={"plan": _plan_version},
    ),
    Spec(
        model=Action,
        key="actions",
        title=Action._meta.verbose_name_plural,
        intro=gettext_lazy("Who does what, by when. Other members of the household are named by first name."),
        fields=_names(
            "plan goal what who person network_member worker organisation due_date status review "
            "service service_outcome"
        ),
        excluded={"id": INTERNAL_ID},
        rows=lambda ctx: (
            Action.objects.filter(plan__household=ctx.household)
            .select_related(
                "plan", "goal", "person", "network_member", "worker", "organisation", "review", "service"
            )
            .order_by("plan__number", "due_date", "id")
        ),
        record_title=lambda a, ctx: a.what,
        render={"plan": _plan_version},
    ),
    Spec(
        model=NetworkMember,
        key="network",
        title=NetworkMember._meta.verbose_name_plural,
        intro=gettext_lazy("People who matter around your household."),
        fields=_names("name kind organisation involvement phone email family_agrees active"),
        excluded=HOUSEHOLD_RECORD,
        rows=lambda ctx: (
            NetworkMember.objects.filter(household=ctx.household)
            .select_related("organisation")
            .order_by("name", "id")
        ),
        record_title=lambda n, ctx: n.name,
        withheld=_network_withheld,
    ),
    Spec(
        model=Assessment,
        key="assessments",
        title=Assessment._meta.verbose_name_plural,
        intro=gettext_lazy("Your self-sufficiency scores (1 to 5) per life domain, by date."),
        fields=_names("assessed_on instrument assessed_by"),
        excluded={"id": INTERNAL_ID, "person": THE_PERSON},
        rows=lambda ctx: (
            Assessment.objects.filter(person__household=ctx.household)
            .select_related("instrument", "assessed_by")
            .order_by("assessed_on", "id")
        ),
        about=lambda a, ctx: a.person_id == ctx.person.pk,
        record_title=lambda a, ctx: _date(a.assessed_on),
        children=((SCORE, "assessment_id"),),
    ),
    Spec(
        model=Contact,
        key="contacts",
        title=Contact._meta.verbose_name_plural,
        intro=gettext_lazy("Visits, calls and other contacts with your household."),
        fields=_names("at kind reached workers persons note next_step follow_up_on recorded_by"),
        excluded=HOUSEHOLD_RECORD,
        rows=lambda ctx: (
            Contact.objects.filter(household=ctx.household)
            .select_related("recorded_by")
            .prefetch_related("workers", "persons")
            .order_by("at", "id")
        ),
        record_title=lambda c, ctx: f"{c.get_kind_display()} · {_moment(c.at)}",
    ),
    Spec(
        model=Appointment,
        key="appointments",
        title=Appointment._meta.verbose_name_plural,
        intro=gettext_lazy("Visits, calls and meetings the team planned with your household."),
        fields=_names(
            "date starts_at ends_at kind place workers persons purpose status cancel_reason contact "
            "created_by created_at"
        ),
        excluded=HOUSEHOLD_RECORD,
        rows=lambda ctx: (
            Appointment.objects.filter(household=ctx.household)
            .select_related("created_by", "contact")
            .prefetch_related("workers", "persons")
            .order_by("date", "starts_at", "id")
        ),
        record_title=lambda a, ctx: f"{a.get_kind_display()} · {_date(a.date)} {a.starts_at:%H:%M}",
    ),
    Spec(
        model=Note,
        key="notes",
        title=Note._meta.verbose_name_plural,
        intro=gettext_lazy("What the team wrote down about your household outside a contact."),
        fields=_names("written_at text written_by"),
        excluded=HOUSEHOLD_RECORD,
        rows=lambda ctx: (
            Note.objects.filter(household=ctx.household)
            .select_related("written_by")
            .order_by("written_at", "id")
        ),
        record_title=lambda n, ctx: _moment(n.written_at),
    ),
    Spec(
        model=CaseDocument,
        key="documents",
        title=CaseDocument._meta.verbose_name_plural,
        intro=gettext_lazy(
            "Letters, forms, decisions and photos the team keeps about you or your household. "
            "The files themselves can be included in the export."
        ),
        fields=_names(
            "title kind date persons file_name content_type size added_by added_at confidentiality "
            "contact consent plan referral replaces scan_status scanned_at file_deleted_on"
        ),
        excluded={
            **HOUSEHOLD_RECORD,
            "storage_key": "technical: where the file is stored (a random key)",
        },
        # What the exporting user may open (a document for the lead worker and coordinator only:
        # they make the export).
        rows=lambda ctx: (
            CaseDocument.objects.filter(household=ctx.household)
            .readable_by(ctx.user, ctx.household)
            .select_related("added_by", "contact", "consent__recipient", "plan", "referral", "replaces")
            .prefetch_related("persons")
            .order_by("date", "added_at")
        ),
        # About the person when it names them, or names nobody (about the whole household).
        about=lambda d, ctx: not d.persons.all() or any(p.pk == ctx.person.pk for p in d.persons.all()),
        record_title=lambda d, ctx: f"{d.title} · {_date(d.date)}",
    ),
    Spec(
        model=CaseReview,
        key="case_reviews",
        title=CaseReview._meta.verbose_name_plural,
        intro=gettext_lazy(
            "Team meetings about your household: the question, what was considered and decided."
        ),
        fields=_names("held_on workers organisations question considerations decisions follow_up"),
        excluded=HOUSEHOLD_RECORD,
        rows=lambda ctx: (
            CaseReview.objects.filter(household=ctx.household)
            .prefetch_related("workers", "organisations")
            .order_by("held_on", "id")
        ),
        record_title=lambda r, ctx: _date(r.held_on),
    ),
    Spec(
        model=SafetyWarning,
        key="safety_warnings",
        title=SafetyWarning._meta.verbose_name_plural,
        intro=gettext_lazy(
            "Warnings for the team's staff after an incident, and the advice that goes with them."
        ),
        fields=_names(
            "incident incident_on description advice advice_note active_from active_until "
            "end_reason recorded_by"
        ),
        excluded=HOUSEHOLD_RECORD,
        rows=lambda ctx: (
            SafetyWarning.objects.filter(household=ctx.household)
            .select_related("recorded_by")
            .order_by("active_from", "id")
        ),
        record_title=lambda w, ctx: f"{w.get_incident_display()} · {_date(w.incident_on)}",
        render={"advice": _codes(SafetyWarning.Advice)},
    ),
    Spec(
        model=FollowUpDecision,
        key="follow_up_decisions",
        title=FollowUpDecision._meta.verbose_name_plural,
        intro=gettext_lazy(
            "What the team decided when there was no contact with your household for a while."
        ),
        fields=_names("kind next_kind next_part_of_day revisit_on note decided_by decided_at"),
        excluded=HOUSEHOLD_RECORD,
        rows=lambda ctx: (
            FollowUpDecision.objects.filter(household=ctx.household)
            .select_related("decided_by")
            .order_by("decided_at", "id")
        ),
        record_title=lambda d, ctx: f"{d.get_kind_display()} · {_moment(d.decided_at)}",
    ),
    Spec(
        model=Task,
        key="tasks",
        title=Task._meta.verbose_name_plural,
        intro="",
        fields=_names("kind referral status created_at done_at done_by done_note"),
        excluded=HOUSEHOLD_RECORD,
        rows=lambda ctx: (
            Task.objects.filter(household=ctx.household)
            .select_related("referral", "done_by")
            .order_by("created_at", "id")
        ),
        record_title=lambda t, ctx: f"{t.get_kind_display()} · {_moment(t.created_at)}",
    ),
    Spec(
        model=ConsentDecision,
        key="consents",
        title=ConsentDecision._meta.verbose_name_plural,
        intro=gettext_lazy(
            "Your decisions (or your parents') on sharing your data: with whom, for what, on which basis."
        ),
        fields=_names(
            "recorded_at decision recipient purpose categories legal_basis basis_text obtained "
            "information_given decided_by valid_until recorded_by"
        ),
        excluded={"id": INTERNAL_ID, "person": THE_PERSON},
        rows=lambda ctx: (
            ConsentDecision.objects.filter(person__household=ctx.household)
            .select_related("recipient", "recorded_by")
            .order_by("recorded_at", "id")
        ),
        about=lambda d, ctx: d.person_id == ctx.person.pk,
        record_title=lambda d, ctx: (
            f"{d.get_decision_display()} · {d.recipient_label} · {_date(d.recorded_at)}"
        ),
        render={"categories": _codes(DataCategory), "decided_by": _deciders, "recipient": _recipient},
    ),
    Spec(
        model=Share,
        key="shares",
        title=Share._meta.verbose_name_plural,
        intro=gettext_lazy("Data about you the team shared with an organisation, and on which ground."),
        fields=_names(
            "shared_at recipient purpose persons categories documents content ground ground_reference "
            "override_reason shared_by referral"
        ),
        excluded=HOUSEHOLD_RECORD,
        rows=lambda ctx: (
            Share.objects.filter(household=ctx.household)
            .select_related("recipient", "referral", "shared_by")
            .prefetch_related("persons", "documents")
            .order_by("shared_at", "id")
        ),
        about=lambda s, ctx: any(p.pk == ctx.person.pk for p in s.persons.all()),
        record_title=lambda s, ctx: f"{s.recipient} · {_date(s.shared_at)}",
        render={"categories": _codes(DataCategory)},
    ),
    Spec(
        model=AccessRequest,
        key="access_requests",
        title=AccessRequest._meta.verbose_name_plural,
        intro=gettext_lazy("Your requests to see your data, and when they were answered."),
        fields=_names("requested_on due_on handled_on note recorded_by"),
        excluded={"id": INTERNAL_ID, "person": THE_PERSON},
        rows=lambda ctx: (
            AccessRequest.objects.filter(person__household=ctx.household)
            .select_related("recorded_by")
            .order_by("requested_on", "id")
        ),
        about=lambda r, ctx: r.person_id == ctx.person.pk,
        record_title=lambda r, ctx: _date(r.requested_on),
    ),
    Spec(
        model=AccessEvent,
        key="access_log",
        title=AccessEvent._meta.verbose_name_plural,
        intro=gettext_lazy(
            "Who looked at your data (NEN 7513): when, from which organisation and in which role, "
            "what, and on what basis. Names of staff, and technical details of their computers, "
            "are not part of this overview."
        ),
        fields=_names("at user team role action object_type result basis reason"),
        excluded={
            "id": INTERNAL_ID,
            "household": OWN_SECTION,
            "persons": "internal numbers of the persons read; they select the rows of this section",
            "object_id": INTERNAL_ID,
            "origin": "address of origin: not part of the client's view of NEN 7513",
            "request_id": "technical: finds the request in the server's logs",
            "session_hash": "technical: tells one login session from another",
            "api_client": "the partner system's client: shown as its organisation under user",
            "acting_person": "a name of the partner's staff, like the team's staff names not shown",
        },
        rows=lambda ctx: (
            AccessEvent.objects.filter(
                # The household's rows by its index; rows naming the person without a household too.
                Q(household=ctx.household) | Q(household__isnull=True, persons__icontains=str(ctx.person.pk))
            )
            .select_related("user__organisation", "team")
            .order_by("at", "id")
        ),
        about=_access_event_is_about,
        record_title=lambda e, ctx: _moment(e.at),
        prepare=lambda events, ctx: ctx.employers.update(_employers(events)),
        render={"user": _organisation, "role": _roles, "basis": _basis, "object_type": _object},
        # The user is shown as their organisation, never by name (NEN 7513's client view).
        keys={"user": "organisation", "object_type": "object"},
        labels={"user": gettext_lazy("organisation"), "object_type": gettext_lazy("what")},
        columns=(
            (gettext_lazy("When"), ("at",)),
            (gettext_lazy("Organisation and role"), ("user", "team", "role")),
            (gettext_lazy("What"), ("action", "object_type", "result")),
            (gettext_lazy("On what basis"), ("basis", "reason")),
        ),
    ),
)

EXPORTED: dict[type, Spec] = {
    spec.model: spec for s in SPECS for spec in (s, *(child for child, _key in s.children))
}
# Models with a path to a person or household that are deliberately not exported, and why.
EXCLUDED: dict[str, str] = {
    # walkin/: a visit is recorded before anyone is known. What the household took from it (the
    # topic and the note) is its first journal entry, "uit inloopspreekuur …", exported with the
    # journal; the visit row itself is a count for the figures. The name and phone number the
    # visitor gave are those of the person registered from it (their own details, exported) and
    # are blanked with the household by retention (cases/retention.py, walkin/retention.py).
    "walkin.Visit": "a walk-in visit: its topic and note are exported as the household's journal entry",
    # Issue 24: a colleague's question to the team and its answers. The form asks for no personal
    # data (the question only); it is pseudonymised with the household (cases/retention.py).
    "cases.ConsultQuestion": "a professional's question to colleagues, not a record about the person",
    "cases.ConsultAnswer": "a colleague's answer to such a question, not a record about the person",
}


# --- The document ----------------------------------------------------------------------------


@dataclass
class Item:
    key: str
    label: str
    data: object
    text: str


@dataclass
class Withheld:
    keys: list[str]
    labels: list[str]
    reason: str


@dataclass
class HistoryChange:
    key: str
    label: str
    old: str
    new: str


@dataclass
class HistoryEntry:
    at: datetime.datetime
    by: str
    type: str
    reason: str
    created: bool
    changes: list[HistoryChange]

    @property
    def at_text(self) -> str:
        return _moment(self.at)


@dataclass
class Record:
    title: str
    items: list[Item]
    withheld: list[Withheld] = field(default_factory=list)
    history: list[HistoryEntry] = field(default_factory=list)
    children: list = field(default_factory=list)  # [(Spec, [Record])]

    @property
    def shown(self) -> list[Item]:
        return [item for item in self.items if item.text]

    def withholds(self, key: str) -> bool:
        return any(key in note.keys for note in self.withheld)

    @property
    def child_changes(self) -> list[tuple[str, "HistoryEntry"]]:
        """Changes of the records within this one (an assessment's scores), oldest first; their
        creation is the parent's."""
        changes = [
            (child.title, entry)
            for _spec, children in self.children
            for child in children
            for entry in child.history
            if not entry.created
        ]
        return sorted(changes, key=lambda pair: pair[1].at)


@dataclass
class Section:
    spec: Spec
    title: str
    intro: str
    records: list[Record]
    withheld: list[tuple[int, str]]  # (records left out, why)
    notices: list[str] = field(default_factory=list)

    @property
    def key(self) -> str:
        return self.spec.key

    @property
    def columns(self) -> list[str]:
        return [capfirst(str(heading)) for heading, _names in self.spec.columns]

    @property
    def rows(self) -> list[list[tuple[str, list[str]]]]:
        """For a section printed as a table: per record, per column its heading and texts."""
        columns = [
            (capfirst(str(heading)), [self.spec.keys.get(n, n) for n in names])
            for heading, names in self.spec.columns
        ]
        rows = []
        for record in self.records:
            texts = {item.key: item.text for item in record.items}
            rows.append(
                [(heading, [texts[key] for key in keys if texts.get(key)]) for heading, keys in columns]
            )
        return rows


@dataclass
class Document:
    person_name: str
    team: str
    generated_at: datetime.datetime
    sections: list[Section]
    incomplete: list[str]

    @property
    def complete(self) -> bool:
        return not self.incomplete

    @property
    def generated_text(self) -> str:
        return _moment(self.generated_at)

    def as_json(self) -> dict:
        """Plain JSON (ensure_ascii=False is fine): machine names as keys, no internal ids."""
        return {
            "format": FORMAT,
            "about": self.person_name,
            "team": self.team,
            "generated_at": _local(self.generated_at).isoformat(),
            "complete": self.complete,
            "incomplete": self.incomplete,
            "sections": {
                section.key: {
                    "title": section.title,
                    "labels": {
                        section.spec.keys.get(n, n): _label(section.spec, n) for n in section.spec.fields
                    },
                    "records": [_record_json(record) for record in section.records],
                    "withheld": [{"count": count, "reason": reason} for count, reason in section.withheld],
                    "notices": section.notices,
                }
                for section in self.sections
            },
        }


def _record_json(record: Record) -> dict:
    data = {
        "title": record.title,
        "fields": {item.key: item.data for item in record.items},
    }
    if record.withheld:
        data["withheld"] = [{"fields": w.keys, "reason": w.reason} for w in record.withheld]
    data["history"] = [
        {
            "at": _local(entry.at).isoformat(),
            "by": entry.by,
            "type": entry.type,
            "reason": entry.reason,
            "changes": [
                {"field": c.key, "label": c.label, "old": c.old, "new": c.new} for c in entry.changes
            ],
        }
        for entry in record.history
    ]
    for spec, children in record.children:
        data[spec.key] = [_record_json(child) for child in children]
    return data


def _label(spec: Spec, name: str) -> str:
    if name in spec.labels:
        return capfirst(str(spec.labels[name]))
    return capfirst(str(spec.model._meta.get_field(name).verbose_name))


def _has_history(model) -> bool:
    return hasattr(model, "history") and hasattr(model.history, "model")


def _items(spec: Spec, obj, ctx: Context, withheld: dict) -> list[Item]:
    items = []
    for name in spec.fields:
        if name in withheld:
            continue
        model_field = spec.model._meta.get_field(name)
        render = spec.render.get(name, _value)
        data, text = render(obj, model_field, ctx)
        items.append(Item(key=spec.keys.get(name, name), label=_label(spec, name), data=data, text=text))
    return items


def _has_value(obj, name: str) -> bool:
    model_field = obj._meta.get_field(name)
    value = getattr(obj, model_field.attname)
    return value not in (None, "", [])


def _withheld_notes(spec: Spec, withheld: dict) -> list[Withheld]:
    by_reason = defaultdict(list)
    for name, reason in withheld.items():
        by_reason[str(reason)].append(name)
    return [
        Withheld(
            keys=[spec.keys.get(n, n) for n in names],
            labels=[_label(spec, n) for n in names],
            reason=reason,
        )
        for reason, names in by_reason.items()
    ]


def _history_by(entry, obj, withheld: dict) -> str:
    """Who made a change: a staff member by full name. The reporter of a signal stays unnamed
    while their identity is withheld, and a partner's employee is shown as their organisation."""
    user = entry.user
    if user is None:
        return ""
    if isinstance(obj, Referral) and user.pk == obj.submitted_by_id and "submitted_by" in withheld:
        return str(obj.sender_organisation or _("the sender"))
    if user.organisation_id is not None:
        return _("a partner organisation")
    return user.get_full_name() or user.username


def _history(spec: Spec, entries, obj, withheld: dict) -> list[HistoryEntry]:
    """Old → new of the fields this record shows; changes of withheld or excluded fields are
    left out (they would tell what the record leaves out), the BSN masked."""
    labels = defaultdict(list)
    for name in spec.fields:
        labels[str(spec.model._meta.get_field(name).verbose_name)].append(name)
    # History names a field by its verbose name; one shared by two fields counts if both are shown.
    shown = {label: names[0] for label, names in labels.items() if not any(n in withheld for n in names)}
    result = []
    for entry in entries:
        changes = []
        for change in entry.fields:
            name = shown.get(change.field)
            if name is None:
                continue
            old, new = change.old, change.new
            if name in timeline.MASKED:
                old, new = (timeline.MASK if old else ""), (timeline.MASK if new else "")
            changes.append(
                HistoryChange(key=spec.keys.get(name, name), label=_label(spec, name), old=old, new=new)
            )
        created = entry.type == str(timeline.TYPES["+"])
        if not changes and not created and not entry.reason:
            continue  # a change of left-out fields only
        result.append(
            HistoryEntry(
                at=entry.at,
                by=_history_by(entry, obj, withheld),
                type=entry.type,
                reason=entry.reason,
                created=created,
                changes=changes,
            )
        )
    return result


def _records(spec: Spec, objs: list, ctx: Context) -> list[Record]:
    """The records of one kind about this person, with their history and children."""
    entries = defaultdict(list)
    if objs and _has_history(spec.model):
        for entry in timeline.record_history(spec.model, {"id__in": [o.pk for o in objs]}):
            entries[entry.object_id].append(entry)
    children = []
    for child_spec, parent_key in spec.children:
        grouped = defaultdict(list)
        child_objs = list(child_spec.rows(ctx)) if objs else []
        for child_record, child in zip(_records(child_spec, child_objs, ctx), child_objs, strict=True):
            grouped[getattr(child, parent_key)].append(child_record)
        children.append((child_spec, grouped))
    records = []
    for obj in objs:
        withheld = {name: reason for name, reason in spec.withheld(obj, ctx).items() if _has_value(obj, name)}
        records.append(
            Record(
                title=spec.record_title(obj, ctx),
                items=_items(spec, obj, ctx, withheld),
                withheld=_withheld_notes(spec, withheld),
                history=_history(spec, entries[str(obj.pk)], obj, withheld),
                children=[(child_spec, grouped.get(obj.pk, [])) for child_spec, grouped in children],
            )
        )
    return records


def _employers(events: list[AccessEvent]) -> dict:
    """{event pk: organisation}: the employer of the user's position in the event's team at the
    time (one query for all events), else the user's own organisation (a partner), else ""."""
    positions = defaultdict(list)
    users = {e.user_id for e in events}
    teams = {e.team_id for e in events if e.team_id}
    if users and teams:
        rows = Position.objects.filter(user_id__in=users, team_id__in=teams).values_list(
            "user_id", "team_id", "active_from", "active_until", "employer__name"
        )
        for user_id, team_id, start, end, employer in rows:
            positions[(user_id, team_id)].append((start, end, employer))
    result = {}
    for event in events:
        day = timezone.localdate(event.at)
        held = positions.get((event.user_id, event.team_id), [])
        then = [name for start, end, name in held if start <= day and (end is None or end >= day)]
        names = then or [name for _start, _end, name in held]
        result[event.pk] = names[0] if names else str(event.user.organisation or "")
    return result


def person_document(person: Person, user) -> Document:
    """Everything held about `person`, as the resident may have it, for the user exporting it.

    The number of queries does not grow with the number of records (one or two per kind, one
    per kind of history, one for the organisations in the access log).
    """
    household = Household.objects.select_related("team", "municipality", "lead_worker", "handed_over_to").get(
        pk=person.household_id
    )
    members = {str(m.pk): m for m in Person.objects.filter(household=household).order_by("birth_date", "id")}
    ctx = Context(person=members[str(person.pk)], household=household, user=user, members=members)
    sections = []
    for spec in SPECS:
        rows = list(spec.rows(ctx))
        about = [obj for obj in rows if spec.about(obj, ctx)]
        spec.prepare(about, ctx)
        others = len(rows) - len(about)
        sections.append(
            Section(
                spec=spec,
                title=capfirst(str(spec.title)),
                intro=str(spec.intro),
                records=_records(spec, about, ctx),
                withheld=[(others, str(OTHERS))] if others else [],
            )
        )
    signals = next(section for section in sections if section.spec.model is Referral)
    prior = sum(1 for record in signals.records if record.withholds("prior_information"))
    incomplete = [_incomplete(prior)] if prior else []
    signals.notices = incomplete
    return Document(
        person_name=ctx.person.full_name,
        team=str(household.team),
        generated_at=timezone.now(),
        sections=sections,
        incomplete=incomplete,
    )


def person_export(person: Person, user) -> dict:
    """The export as plain JSON data (see `person_document`)."""
    return person_document(person, user).as_json()
