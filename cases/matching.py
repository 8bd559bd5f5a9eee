"""Finding the household a signal is about: proposals for the coordinator, never a decision.

On PostgreSQL names are compared with trigram similarity (pg_trgm), so "Janssen" finds
"Jansen"; the SQLite demo falls back to equal names. Accents and case never count ("Celik" is
"Çelik", cases/search.py). BSN, date of birth and
postcode + house number count as well. Each lookup is a fixed number of queries, however many
households the team has.
"""

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
