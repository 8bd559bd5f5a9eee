"""Which household is a signal about: proposals by BSN, address, birth date and (fuzzy) name."""

import datetime

from cases import matching
from cases.tests.factories import HouseholdFactory, PersonFactory, ReferralFactory


def _signal(world, **details):
    base = {"street": "", "house_number": None, "postcode": "", "city": "", "subject_first_name": ""}
    return ReferralFactory(team=world.team_a, **{**base, **details})


def test_a_misspelled_name_still_finds_the_household(postgres_only, world, jansen):
    """'Janssen' finds the Jansen family on PostgreSQL (trigram similarity), without any address."""
    signal = _signal(world, subject_last_name="Janssen")
    candidates = matching.household_candidates(signal, world.coordinator_a)
    assert [c.household for c in candidates] == [jansen]
    assert candidates[0].reasons == ["achternaam lijkt erop"]


def test_bsn_outweighs_a_namesake(world, jansen):
    namesake = HouseholdFactory(team=world.team_a, name="Familie Jansen 2")
    PersonFactory(household=namesake, first_name="Kees", last_name="Jansen")
    signal = _signal(world, subject_last_name="Jansen", subject_bsn="111222333")
    candidates = matching.household_candidates(signal, world.coordinator_a)
    assert candidates[0].household == jansen
    assert "zelfde BSN" in candidates[0].reasons
    assert namesake in [c.household for c in candidates]


def test_only_open_households_of_the_signals_team_are_proposed(world, jansen):
    closed = HouseholdFactory(team=world.team_a, closed=True, postcode="8021AB", house_number=12)
    other_team = HouseholdFactory(team=world.team_b, postcode="8021AB", house_number=12)
    signal = _signal(world, postcode="8021AB", house_number=12, subject_last_name="Onbekend")
    proposed = {c.household for c in matching.household_candidates(signal, world.coordinator_a)}
    assert proposed == {jansen}
    assert closed not in proposed and other_team not in proposed


def test_nothing_given_proposes_nothing(world, jansen):
    signal = _signal(world, subject_last_name="")
    assert matching.household_candidates(signal, world.coordinator_a) == []
    assert matching.known_in_other_teams(signal) == []


def test_other_teams_are_named_only_on_strict_criteria(world):
    other = HouseholdFactory(team=world.team_b)
    PersonFactory(household=other, last_name="Visser", birth_date=datetime.date(1990, 1, 1))
    loose = _signal(world, subject_last_name="Visser")
    assert matching.known_in_other_teams(loose) == [], "a name alone says nothing about other teams"
    strict = _signal(world, subject_last_name="visser", subject_birth_date=datetime.date(1990, 1, 1))
    assert matching.known_in_other_teams(strict) == [world.team_b.name]
