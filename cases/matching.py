"""Finding the household a signal is about: proposals for the coordinator, never a decision.

On PostgreSQL names are compared with trigram similarity (pg_trgm), so "Janssen" finds
"Jansen"; the SQLite demo falls back to equal names. Accents and case never count ("Celik" is
"Çelik", cases/search.py). BSN, date of birth and
postcode + house number count as well. Each lookup is a fixed number of queries, however many
households the team has.
"""

import datetime
from dataclasses import dataclass, field

from django.contrib.postgres.lookups import TrigramSimilar
from django.contrib.postgres.search import TrigramSimilarity
from django.db import connection
from django.db.models import Exists, FloatField, OuterRef, Q, Value
from django.db.models.functions import Cast
from django.db.models.lookups import Exact
from django.utils.translation import gettext as _

from cases import workflow
from cases.models import Household, Person, Referral
from cases.search import Fold, fold

MAX_CANDIDATES = 5
NAME_SIMILARITY = 0.4  # below this, a name alone proposes nothing


@dataclass
class Candidate:
    household: Household
    score: float = 0
    person: Person | None = None
    reasons: list[str] = field(default_factory=list)


def _on_postgres() -> bool:
    return connection.vendor == "postgresql"


def _similar_persons(referral: Referral, households):
    """Members of the given households who share a BSN, a birth date or (roughly) a name."""
    persons = Person.objects.filter(household__in=households.values("pk")).select_related("household")
    wanted = Q()
    if referral.subject_bsn:
        wanted |= Q(bsn=referral.subject_bsn)
    if referral.subject_birth_date:
        wanted |= Q(birth_date=referral.subject_birth_date)
    last, first = referral.subject_last_name, referral.subject_first_name
    if last and _on_postgres():
        persons = persons.annotate(
            last_similarity=TrigramSimilarity(Fold("last_name"), Fold(Value(last))),
            first_similarity=TrigramSimilarity(Fold("first_name"), Fold(Value(first or ""))),
        )
        wanted |= Q(TrigramSimilar(Fold("last_name"), Fold(Value(last))))
    elif last:
        persons = persons.annotate(
            last_similarity=Cast(Value(0.0), FloatField()), first_similarity=Cast(Value(0.0), FloatField())
        )
        wanted |= Q(Exact(Fold("last_name"), Fold(Value(last))))
    if not wanted:
        return []
    return list(persons.filter(wanted)[:50])


def _score_person(referral: Referral, person: Person) -> tuple[float, list[str]]:
    score, reasons = 0.0, []
    if referral.subject_bsn and person.bsn == referral.subject_bsn:
        score += 100
        reasons.append(_("same BSN"))
    if referral.subject_birth_date and person.birth_date == referral.subject_birth_date:
        score += 30
        reasons.append(_("same date of birth"))
    last = fold(referral.subject_last_name)
    if last:
        similarity = 1.0 if fold(person.last_name) == last else getattr(person, "last_similarity", 0) or 0
        if similarity >= NAME_SIMILARITY:
            score += 40 * similarity
            reasons.append(_("same last name") if similarity == 1.0 else _("similar last name"))
    first = fold(referral.subject_first_name)
    if (
        first
        and score
        and (fold(person.first_name) == first or (getattr(person, "first_similarity", 0) or 0) >= 0.5)
    ):
        score += 15
        reasons.append(_("same first name"))
    return score, reasons


def household_candidates(referral: Referral, user) -> list[Candidate]:
    """Open households of the signal's team that may be the one it is about, best first."""
    households = Household.objects.visible_to(user).filter(
        team_id=referral.team_id, status=Household.Status.OPEN
    )
    found: dict = {}
    for person in _similar_persons(referral, households):
        score, reasons = _score_person(referral, person)
        if score < 40 * NAME_SIMILARITY:
            continue
        candidate = found.setdefault(person.household_id, Candidate(household=person.household))
        if score > candidate.score:
            candidate.score, candidate.person, candidate.reasons = score, person, reasons
    if referral.postcode and referral.house_number:
        for household in households.filter(postcode=referral.postcode, house_number=referral.house_number)[
            :10
        ]:
            candidate = found.setdefault(household.pk, Candidate(household=household))
            candidate.score += 40
            candidate.reasons.append(_("same address"))
    return sorted(found.values(), key=lambda c: (-c.score, c.household.name))[:MAX_CANDIDATES]


# --- Registering by hand -----------------------------------------------------------------------

# A registration by hand is held up from this score: the same BSN, a name with the date of
# birth, first and last name, or a similar name at the same address. A common last name alone,
# or the address alone (a new tenant), holds nobody up.
LIKELY_DUPLICATE = 55


@dataclass
class Subject:
    """Whom a registration by hand is about, in the terms of a signal (what the matching reads)."""

    team_id: int
    subject_first_name: str = ""
    subject_last_name: str = ""
    subject_birth_date: datetime.date | None = None
    subject_bsn: str = ""
    postcode: str = ""
    house_number: int | None = None

    @classmethod
    def of(cls, person: Person, household: Household, *, address: bool) -> "Subject":
        """The person in the household's team, with its address when it counts (a new household)."""
        return cls(
            team_id=household.team_id,
            subject_first_name=person.first_name,
            subject_last_name=person.last_name,
            subject_birth_date=person.birth_date,
            subject_bsn=person.bsn,
            postcode=household.postcode if address else "",
            house_number=household.house_number if address else None,
        )


@dataclass
class Duplicates:
    """What the duplicate check found for a registration by hand, among the open households of
    its team that the user may see (other teams are never mentioned)."""

    likely: list[Candidate] = field(default_factory=list)
    exact: Household | None = None  # the same household, or the same person in this one: refused
    same_bsn: Person | None = None  # the person is a member of another open household

    def __bool__(self):
        return bool(self.likely or self.exact or self.same_bsn)

    def shown(self) -> dict[Household, list[Person]]:
        """The households the form shows, with the members it names (for the access log)."""
        shown = {}
        if self.exact is not None:
            shown[self.exact] = []
        for candidate in self.likely:
            shown.setdefault(candidate.household, []).extend([candidate.person] if candidate.person else [])
        if self.same_bsn is not None:
            shown.setdefault(self.same_bsn.household, []).append(self.same_bsn)
        return shown


def _same_person(a: Person, b: Person) -> bool:
    return (
        fold(a.first_name) == fold(b.first_name)
        and fold(a.last_name) == fold(b.last_name)
        and fold(a.last_name_prefix) == fold(b.last_name_prefix)
        and a.birth_date == b.birth_date
    )


def _same_address(a: Household, b: Household) -> bool:
    return (a.postcode, a.house_number, fold(a.house_number_addition)) == (
        b.postcode,
        b.house_number,
        fold(b.house_number_addition),
    )


def registration_duplicates(user, person: Person, household: Household, *, new: bool) -> Duplicates:
    """The duplicate check of triage, for a household registered by hand (`new`: with `person` as
    its first member) or a member added to (or changed in) `household`. A fixed number of queries.

    Exact duplicate: the same name, address and member (a new household), or the same person
    (name and date of birth, or BSN) already in this household. Same BSN: the person is a member
    of another open household of the team; that needs a decision (cases/services/households.py).
    """
    found = Duplicates()
    visible = Household.objects.visible_to(user).filter(
        team_id=household.team_id, status=Household.Status.OPEN
    )
    if not new:
        members = household.members.exclude(pk=person.pk)
        for member in members:
            if _same_person(member, person) or (person.bsn and member.bsn == person.bsn):
                found.exact = household
                return found
    if person.bsn:
        found.same_bsn = (
            Person.objects.filter(household__in=visible.values("pk"), bsn=person.bsn)
            .exclude(household_id=household.pk)
            .exclude(pk=person.pk)
            .select_related("household")
            .first()
        )
    if not new and not person._state.adding:
        return found  # a change of a known member: only the BSN is checked again
    candidates = household_candidates(Subject.of(person, household, address=new), user)
    for candidate in candidates:
        if candidate.household.pk == household.pk or candidate.score < LIKELY_DUPLICATE:
            continue
        if found.same_bsn and candidate.household.pk == found.same_bsn.household_id:
            continue  # shown with the BSN decision
        if (
            new
            and fold(candidate.household.name) == fold(household.name)
            and _same_address(candidate.household, household)
            and candidate.person is not None
            and _same_person(candidate.person, person)
        ):
            found.exact = candidate.household
        found.likely.append(candidate)
    return found


def known_in_other_teams(referral: Referral) -> list[str]:
    """Names of other teams of the same municipality that know this household. Nothing more.

    Deliberately outside `visible_to`: the coordinator learns only *that* another team knows
    the household (so the teams can talk), never its data. Strict criteria only (BSN, the
    exact address, or last name with date of birth), so the form cannot be used to fish.
    """
    wanted = Q()
    if referral.subject_bsn:
        wanted |= Exists(Person.objects.filter(household=OuterRef("pk"), bsn=referral.subject_bsn))
    if referral.postcode and referral.house_number:
        wanted |= Q(postcode=referral.postcode, house_number=referral.house_number)
    if referral.subject_birth_date and referral.subject_last_name:
        wanted |= Exists(
            Person.objects.filter(
                Exact(Fold("last_name"), Fold(Value(referral.subject_last_name))),
                household=OuterRef("pk"),
                birth_date=referral.subject_birth_date,
            )
        )
    if not wanted:
        return []
    return list(
        Household.objects.filter(
            wanted, municipality_id=referral.municipality_id, status=Household.Status.OPEN
        )
        .exclude(team_id=referral.team_id)
        .order_by("team__name")
        .values_list("team__name", flat=True)
        .distinct()
    )


def merge_targets(referral: Referral, candidates: list[Candidate]):
    """Earlier signals of the team that may be about the same household."""
    wanted = Q(household__in=[c.household.pk for c in candidates])
    if referral.postcode and referral.house_number:
        wanted |= Q(postcode=referral.postcode, house_number=referral.house_number)
    if referral.subject_last_name and referral.subject_birth_date:
        wanted |= Q(
            Exact(Fold("subject_last_name"), Fold(Value(referral.subject_last_name))),
            subject_birth_date=referral.subject_birth_date,
        )
    return (
        Referral.objects.filter(wanted, team_id=referral.team_id, received_at__lt=referral.received_at)
        .exclude(status=workflow.Status.MERGED)
        .exclude(pk=referral.pk)
        .select_related("sender_organisation")
        .order_by("-received_at")[:10]
    )
