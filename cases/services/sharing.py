"""The sharing gate: what may leave the team, about whom, to whom, for what (docs/domain.md: consent,
legal basis, privacy).

A share names the persons it is about and the data categories it contains. It passes only when,
for every person, a current decision covers the recipient, the purpose and every category: a
consent given by the right person for the person's age *now* (a parent's consent stops counting
when the child turns 16), a legal basis recorded for that person, or a mandate whose basis covers
the category. A coordinator may override with a written reason, which is kept and shown.

Feedback to a partner follows the mandate's grade and goes only to an organisation that sent a
signal about the household: status only (the partner sees the status, no share), a short summary
with consent, or full feedback on consent or the mandate's basis.
"""

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from api import webhooks
from cases.models import (
    ConsentDecision,
    DataCategory,
    Household,
    LegalBasis,
    Person,
    Purpose,
    Referral,
    Share,
)
from cases.services.consent import CHILD_AND_PARENTS, PARENTS, SELF, who_decides
from cases.services.households import check_may_edit
from mandates.models import Mandate
from teams import policy
from teams.models import Organisation, User

# The longest feedback on a "short summary" grade, in characters.
SUMMARY_LENGTH = 400
GRADES = [Mandate.FeedbackLevel.STATUS, Mandate.FeedbackLevel.SUMMARY, Mandate.FeedbackLevel.FULL]


class SharingRefused(Exception):
    pass


@dataclass
class Ground:
    kind: str
    reference: str


@dataclass
class Cover:
    """One person: the categories covered (each with its ground) and why the rest is not."""

    person: Person
    grounds: dict[str, Ground] = field(default_factory=dict)
    why_not: str = ""

    @property
    def categories(self) -> list[str]:
        return [value for value in DataCategory.values if value in self.grounds]

    @property
    def missing(self) -> list[str]:
        return [value for value in DataCategory.values if value not in self.grounds]


@dataclass
class Coverage:
    """What may be shared with one organisation for one purpose, per member of the household."""

    recipient: Organisation
    purpose: str
    covers: list[Cover]
    grade: str | None = None  # for feedback: the mandate's feedback level (None: no mandate)
    refused: str = ""  # nothing at all may be shared, and why (no override)

    @property
    def max_length(self) -> int | None:
        return SUMMARY_LENGTH if self.grade == Mandate.FeedbackLevel.SUMMARY else None

    @property
    def may_override(self) -> bool:
        """A coordinator may share what is not covered: never past the grade of feedback."""
        return not self.refused and (
            self.purpose != Purpose.FEEDBACK or self.grade == Mandate.FeedbackLevel.FULL
        )

    def cover_of(self, person_pk) -> Cover | None:
        return next((cover for cover in self.covers if cover.person.pk == person_pk), None)

    def uncovered(self, persons, categories) -> list[tuple[Person, list[str]]]:
        """Per person, the chosen categories that are not covered."""
        gaps = []
        for person in persons:
            cover = self.cover_of(person.pk)
            missing = [c for c in categories if cover is None or c not in cover.grounds]
            if missing:
                gaps.append((person, missing))
        return gaps


def category_names(codes) -> str:
    return ", ".join(str(label) for value, label in DataCategory.choices if value in set(codes))


def decided_rightly(decision: ConsentDecision, person: Person) -> str:
    """'' when the decision was made by who decides for the person's age today, else why not."""
    if decision.legal_basis != LegalBasis.CONSENT:
        return ""  # a legal basis recorded by the team: nobody of the family decides
    deciders = set(decision.decided_by or ())
    own = str(person.pk) in deciders
    parents = bool(deciders - {str(person.pk)})
    rule = who_decides(person)
    if rule == SELF and not own:
        return _("%(name)s is %(age)s now and decides alone: the parents' consent no longer counts.") % {
            "name": person.first_name,
            "age": person.age,
        }
    if rule == CHILD_AND_PARENTS and not (own and parents):
        return _("%(name)s is %(age)s: the child and a parent with authority must both agree.") % {
            "name": person.first_name,
            "age": person.age,
        }
    if rule == PARENTS and not parents:
        return _("%(name)s is under 12: a parent with authority decides.") % {"name": person.first_name}
    return ""


def _consent_ground(decision: ConsentDecision, person: Person) -> Ground:
    when = date_format(decision.recorded_at, "SHORT_DATE_FORMAT")
    if decision.legal_basis == LegalBasis.CONSENT:
        return Ground(
            Share.Ground.CONSENT,
            _("consent of %(person)s, %(date)s") % {"person": person.first_name, "date": when},
        )
    basis = decision.get_legal_basis_display()
    if decision.basis_text:
        basis = f"{basis}: {decision.basis_text}"
    return Ground(Share.Ground.BASIS, f"{person.first_name}: {basis}, {when}")


def _why_no_consent(decision: ConsentDecision | None, recipient: Organisation) -> str:
    if decision is None:
        return _("No consent recorded for %(organisation)s for this purpose.") % {"organisation": recipient}
    when = date_format(decision.recorded_at, "SHORT_DATE_FORMAT")
    if decision.decision == ConsentDecision.Decision.REFUSED:
        return _("Consent refused on %(date)s.") % {"date": when}
    if decision.decision == ConsentDecision.Decision.WITHDRAWN:
        return _("Consent withdrawn on %(date)s.") % {"date": when}
    return _("Consent expired on %(date)s.") % {
        "date": date_format(decision.valid_until, "SHORT_DATE_FORMAT")
    }


def signal_senders(household: Household):
    """The organisations that sent a signal about this household (also one merged into its own)."""
    sent = Referral.objects.filter(Q(household=household) | Q(merged_into__household=household))
    return Organisation.objects.filter(pk__in=sent.values("sender_organisation_id"))


def feedback_grade(mandates: list[Mandate]) -> str | None:
    """The most feedback any mandate in force with the partner allows; None without a mandate."""
    levels = [m.feedback_level for m in mandates]
    return max(levels, key=GRADES.index) if levels else None


def coverage(*, household: Household, recipient: Organisation, purpose: str, members=None) -> Coverage:
    """Per member of the household: which categories may go to `recipient` for `purpose`, and why not.

    Three queries whatever the size of the household: its members (unless given), the decisions
    for this recipient and purpose, the mandates in force with the recipient.
    """
    members = list(members if members is not None else household.members.order_by("birth_date", "first_name"))
    covers = [Cover(person) for person in members]
    result = Coverage(recipient, purpose, covers)
    mandates = list(Mandate.objects.in_force_for(household.team_id, recipient))
    if purpose == Purpose.FEEDBACK:
        if not signal_senders(household).filter(pk=recipient.pk).exists():
            result.refused = _(
                "Feedback goes only to an organisation that sent a signal about this household: "
                "%(organisation)s did not."
            ) % {"organisation": recipient}
            return result
        result.grade = feedback_grade(mandates)
        if result.grade in (None, Mandate.FeedbackLevel.STATUS):
            result.refused = _(
                "%(organisation)s receives the status of its signal only (picked up or not): that is "
                "what the mandate allows, and the partner already sees it. Nothing more is shared."
            ) % {"organisation": recipient}
            return result
    decisions = ConsentDecision.objects.filter(
        person__in=members, recipient=recipient, purpose=purpose
    ).latest()
    by_person = {decision.person_id: decision for decision in decisions}
    # The mandate's basis counts, except on a summary grade: that one needs consent.
    on_mandate = {}
    if purpose != Purpose.FEEDBACK or result.grade == Mandate.FeedbackLevel.FULL:
        for mandate in mandates:
            reference = (
                f"{mandate} · {mandate.get_sharing_basis_display()} {mandate.legal_basis_text}".strip()
            )
            for category in mandate.covered_categories:
                on_mandate.setdefault(category, Ground(Share.Ground.MANDATE, reference))
    summary_only = result.grade == Mandate.FeedbackLevel.SUMMARY
    for cover in covers:
        reason = _consent_covers(cover, by_person.get(cover.person.pk), recipient, summary_only)
        for category, ground in on_mandate.items():
            cover.grounds.setdefault(category, ground)
        if cover.missing:
            if on_mandate:
                mandate_says = _("The mandate's basis covers only: %(categories)s.") % {
                    "categories": category_names(on_mandate)
                }
            else:
                mandate_says = _("No mandate with %(organisation)s whose basis covers data.") % {
                    "organisation": recipient
                }
            cover.why_not = f"{reason} {mandate_says}"
    return result


def _consent_covers(cover: Cover, decision: ConsentDecision | None, recipient, summary_only: bool) -> str:
    """Add the categories the person's current decision covers; return what it says otherwise."""
    if decision is None or not decision.in_force:
        return _why_no_consent(decision, recipient)
    wrong = decided_rightly(decision, cover.person)
    if summary_only and decision.legal_basis != LegalBasis.CONSENT:
        wrong = _("A summary as feedback needs consent, not another basis.")
    if wrong:
        return wrong
    ground = _consent_ground(decision, cover.person)
    for category in decision.categories:
        cover.grounds[category] = ground
    return _("The consent covers only: %(categories)s.") % {"categories": category_names(decision.categories)}


def gate(coverage: Coverage, persons: list[Person], categories: list[str]) -> Ground:
    """The ground for sharing these categories about these persons, or SharingRefused."""
    if coverage.refused:
        raise SharingRefused(coverage.refused)
    if not persons or not categories:
        raise SharingRefused(_("Say about whom and which data you share."))
    gaps = coverage.uncovered(persons, categories)
    if gaps:
        raise SharingRefused(
            " ".join(
                _("Not covered for %(name)s: %(categories)s.")
                % {"name": person.first_name, "categories": category_names(missing)}
                for person, missing in gaps
            )
        )
    grounds = [
        coverage.cover_of(person.pk).grounds[category] for person in persons for category in categories
    ]
    kinds = {ground.kind for ground in grounds}
    # Recorded as the weakest ground among them; the reference names each one.
    kind = next(k for k in (Share.Ground.MANDATE, Share.Ground.BASIS, Share.Ground.CONSENT) if k in kinds)
    reference = "; ".join(dict.fromkeys(ground.reference for ground in grounds))
    return Ground(kind, reference)


@transaction.atomic
def share(
    *,
    household: Household,
    recipient: Organisation,
    purpose: str,
    persons: list[Person],
    categories: list[str],
    content: str,
    by: User,
    referral: Referral | None = None,
    override_reason: str = "",
    documents=(),
) -> Share:
    household = Household.objects.select_for_update().get(pk=household.pk)
    check_may_edit(by, household)
    _check_documents(documents, household=household, categories=categories, by=by)
    if referral is not None and referral.household_id != household.pk:
        raise PermissionDenied
    if any(person.household_id != household.pk for person in persons):
        raise PermissionDenied
    if purpose == Purpose.TEAM:
        raise SharingRefused(_("Support by the team itself is not a share with an organisation."))
    cover = coverage(household=household, recipient=recipient, purpose=purpose)
    if cover.max_length is not None and len(content) > cover.max_length:
        raise ValidationError(
            {
                "content": _(
                    "The mandate allows a short summary: at most %(limit)s characters (now %(count)s)."
                )
                % {"limit": cover.max_length, "count": len(content)}
            }
        )
    try:
        ground = gate(cover, persons, categories)
    except SharingRefused:
        if not override_reason.strip() or not cover.may_override:
            raise
        if not policy.can(by, "consent.override", household):
            raise PermissionDenied(_("Only a coordinator can share without consent or basis.")) from None
        ground = Ground(Share.Ground.OVERRIDE, override_reason)
    if purpose == Purpose.FEEDBACK and referral is None:
        # Feedback answers a signal: the partner reads it on the latest one it sent about them.
        referral = (
            Referral.objects.filter(Q(household=household) | Q(merged_into__household=household))
            .filter(sender_organisation=recipient)
            .order_by("-received_at")
            .first()
        )
    record = Share(
        household=household,
        referral=referral,
        recipient=recipient,
        purpose=purpose,
        categories=[value for value in DataCategory.values if value in set(categories)],
        content=content,
        ground=ground.kind,
        ground_reference=ground.reference[:200],
        override_reason=override_reason if ground.kind == Share.Ground.OVERRIDE else "",
        shared_by=by,
    )
    record.full_clean()
    record.save()
    record.persons.set(persons)
    if documents:
        record.documents.set(documents)
    webhooks.feedback_shared(record)  # the sender's system hears of it, after the commit
    return record


def _check_documents(documents, *, household: Household, categories, by: User) -> None:
    """A document leaves the team only as the category "documents" (so the gate checked that
    category for every person the share is about), and only one the user may open, scanned clean."""
    if not documents:
        return
    if DataCategory.DOCUMENTS not in categories:
        raise ValidationError(
            {"documents": _("A document is shared as the data “Documents”: tick it under “Which data”.")}
        )
    restricted = policy.can(by, "document.read_restricted", household)
    for document in documents:
        if document.household_id != household.pk:
            raise PermissionDenied
        if document.confidentiality != document.Confidentiality.TEAM and not restricted:
            raise PermissionDenied
        if not document.downloadable:
            raise ValidationError({"documents": _("Only a document found free of viruses can be shared.")})


def partner_feedback(referral: Referral, organisation_id: int | None):
    """The feedback a sending organisation reads on its signal (its status page, and the API):
    only what passed the gate (consent or the mandate's basis, in the mandate's grade) and was
    shared with that organisation, oldest first."""
    return referral.shares.filter(recipient_id=organisation_id).order_by("shared_at")


def team_has_basis(household: Household | None) -> bool:
    """Consent or a legal basis for the team itself is recorded for a member and in force."""
    if household is None:
        return False
    decisions = ConsentDecision.objects.filter(person__household=household, purpose=Purpose.TEAM).latest()
    return any(decision.in_force for decision in decisions)
