"""Readable history (cases/timeline.py): old → new per field, named keys, every kind of record;
and the household page's consent decisions in sequence."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from cases.models import ConsentDecision, Household, Person, RecordClass, ReferralDecision, Share
from cases.tests.factories import (
    ConsentDecisionFactory,
    ContactFactory,
    HouseholdFactory,
    NetworkMemberFactory,
    PersonFactory,
    ReferralFactory,
)
from cases.timeline import Change, household_changes, record_history
from teams.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def english():
    """Plain English labels for direct calls (the Dutch ones are filled in later)."""
    with translation.override("en"):
        yield


def dutch(label) -> str:
    """A label as the (Dutch) page shows it."""
    with translation.override("nl"):
        return str(label)


def _save(obj, reason="", **changes):
    for name, value in changes.items():
        setattr(obj, name, value)
    obj._change_reason = reason
    obj.save()
    return obj


def _name(user) -> str:
    return user.get_full_name() or user.username


def _date(moment) -> str:
    return timezone.localtime(moment).strftime("%d-%m-%Y")


# --- record_history -------------------------------------------------------------------------


def test_record_history_shows_old_and_new_names_of_a_foreign_key(world, english):
    household = HouseholdFactory(team=world.team_a, lead_worker=world.worker_a)
    _save(household, "overgedragen", lead_worker=world.colleague_a)

    entries = record_history(Household, {"id": household.pk})

    assert [e.type for e in entries] == ["Created", "Changed"]
    changed = entries[-1]
    assert changed.object_id == str(household.pk)
    assert changed.reason == "overgedragen"
    assert changed.fields == [Change("lead worker", _name(world.worker_a), _name(world.colleague_a))]
    created = {c.field: c for c in entries[0].fields}
    assert created["lead worker"] == Change("lead worker", "", _name(world.worker_a)), "created with"


def test_record_history_shows_choice_labels_dates_and_masks_the_bsn(world, english):
    person = PersonFactory(
        household=HouseholdFactory(team=world.team_a), relation=Person.Relation.CHILD, bsn="111222333"
    )
    _save(
        person, relation=Person.Relation.FOSTER_CHILD, birth_date=datetime.date(2015, 4, 3), bsn="123456782"
    )

    changed = {c.field: c for c in record_history(Person, {"id": person.pk})[-1].fields}

    assert (changed["relation in the household"].old, changed["relation in the household"].new) == (
        "Child",
        "Foster child",
    )
    assert changed["date of birth"].new == "03-04-2015"
    assert (changed["BSN"].old, changed["BSN"].new) == ("•••", "•••")
    assert "111222333" not in repr(record_history(Person, {"id": person.pk}))


def test_record_history_names_a_deleted_target(world, english):
    organisation = OrganisationFactory(name="Stichting Weg")
    member = NetworkMemberFactory(household=HouseholdFactory(team=world.team_a))
    _save(member, kind="professional", organisation=organisation)
    _save(member, organisation=None)
    organisation.delete()

    changed = record_history(type(member), {"id": member.pk})[-1].fields

    assert changed == [Change("organisation", "(deleted)", "")]


def test_record_history_query_count_is_the_same_for_one_and_for_many_records(world):
    """Keys named in bulk, never by a __str__ that follows a key (an assessment's person)."""
    from cases.models import Score
    from cases.tests.factories import assessment_with_scores

    def history_queries(n):
        household = HouseholdFactory(team=world.team_a)
        contacts, assessments = [], []
        for i in range(n):
            person = PersonFactory(household=household)
            assessments.append(assessment_with_scores(person, world.worker_a, [3] * 13))
            contact = ContactFactory(household=household, recorded_by=world.worker_a)
            contact.persons.set([person])
            contact.workers.set([world.worker_a, world.colleague_a][: 1 + i % 2])
            contacts.append(contact)
        with CaptureQueriesContext(connection) as queries:
            record_history(Score, {"assessment_id__in": [a.pk for a in assessments]})
            record_history(type(contacts[0]), {"id__in": [c.pk for c in contacts]})
        return len(queries)

    assert history_queries(1) == history_queries(5)


# --- the household's timeline ---------------------------------------------------------------


def test_history_tab_shows_old_and_new_lead_worker_and_choice(client, world):
    household = HouseholdFactory(team=world.team_a, lead_worker=world.worker_a, record_class=RecordClass.WMO)
    _save(household, lead_worker=world.colleague_a, record_class=RecordClass.YOUTH_CARE)

    client.force_login(world.coordinator_a)
    page = client.get(reverse("cases:household_history", args=[household.pk])).text

    def shown(old, new):
        pattern = rf"{re.escape(old)}</span>\s*<span aria-hidden=\"true\">→</span>.*?\s{re.escape(new)}</li>"
        return re.search(pattern, page) is not None

    assert shown(_name(world.worker_a), _name(world.colleague_a)), "names, old → new"
    assert shown(dutch(RecordClass.WMO.label), dutch(RecordClass.YOUTH_CARE.label)), "labels, old → new"


def test_timeline_has_consent_decisions_shares_and_signal_decisions(world, english):
    household = HouseholdFactory(team=world.team_a)
    piet = PersonFactory(household=household, first_name="Piet")
    gp = OrganisationFactory(name="Huisartsenpraktijk Oost")
    ConsentDecisionFactory(person=piet, recipient=gp, recorded_by=world.worker_a, categories=["contact"])
    ConsentDecisionFactory(
        person=piet,
        recipient=None,
        purpose="team",
        legal_basis="legal_task",
        obtained="",
        decided_by=[],
        recorded_by=world.worker_a,
    )
    share = Share.objects.create(
        household=household,
        recipient=gp,
        purpose="coordination",
        categories=["health", "contact"],
        content="Vader is overbelast.",
        ground=Share.Ground.CONSENT,
        ground_reference="Toestemming van Piet",
        shared_by=world.worker_a,
    )
    share.persons.set([piet])
    referral = ReferralFactory(team=world.team_a, household=household)
    ReferralDecision.objects.create(
        referral=referral,
        kind="decline",
        decided_by=world.coordinator_a,
        reason_code="outside_area",
        reason="Woont in Kampen.",
    )

    entries = household_changes(household)

    def recorded(kind, label):
        entry = next(e for e in entries if e.kind == kind and e.label == label)
        assert entry.type == "Recorded"
        return entry, {c.field: c.new for c in entry.fields}

    consent, fields = recorded("consent decision", "Piet · Huisartsenpraktijk Oost")
    assert consent.user == world.worker_a
    assert fields["decision"] == "Given"
    assert fields["recipient"] == "Huisartsenpraktijk Oost"
    assert fields["purpose"] == "Feedback to the organisation that sent the signal"
    assert fields["data"] == "Contact details"
    assert fields["legal basis"] == "Consent"
    assert fields["decided by"] == "Piet"
    _team, fields = recorded("consent decision", "Piet · the team itself")
    assert (fields["recipient"], fields["legal basis"]) == (
        "the team itself",
        "Legal task (e.g. Wmo 2015 art. 5.1.1)",
    )

    _share, fields = recorded("share", "Huisartsenpraktijk Oost")
    assert fields["about"] == "Piet"
    assert fields["data"] == "Contact details, Health and mental health"
    assert fields["ground"] == "Consent of the person"
    assert fields["purpose"] == "Coordinating help together"

    decision, fields = recorded("signal decision", referral.reference)
    assert decision.user == world.coordinator_a
    assert fields["decision"] == "Declined"
    assert fields["reason"] == "Outside the team's area"
    assert fields["explanation"] == "Woont in Kampen."


def test_timeline_has_every_kind_of_record_and_is_newest_first(world, english):
    household = HouseholdFactory(team=world.team_a)
    PersonFactory(household=household)
    contact = ContactFactory(household=household, recorded_by=world.worker_a)
    contact.workers.set([world.worker_a])
    ReferralFactory(team=world.team_a, household=household)

    entries = household_changes(household)

    assert {"household", "person", "contact", "signal"} <= {e.kind for e in entries}
    assert [e.at for e in entries] == sorted((e.at for e in entries), reverse=True)
    workers = next(c for e in entries if e.kind == "contact" for c in e.fields if c.field == "workers")
    assert workers.new == _name(world.worker_a)


def _busy(household, world, n):
    """n of everything: changed members, contacts with workers, consents, shares, signal decisions."""
    gp = OrganisationFactory()
    for i in range(n):
        person = PersonFactory(household=household, relation=Person.Relation.CHILD)
        _save(person, relation=Person.Relation.FOSTER_CHILD)
        _save(household, lead_worker=world.colleague_a if i % 2 else world.worker_a)
        contact = ContactFactory(household=household, recorded_by=world.worker_a)
        contact.workers.set([world.worker_a, world.colleague_a][: 1 + i % 2])
        ConsentDecisionFactory(person=person, recipient=gp, recorded_by=world.worker_a)
        share = Share.objects.create(
            household=household,
            recipient=gp,
            purpose="coordination",
            content="x",
            ground="consent",
            ground_reference="y",
            shared_by=world.worker_a,
            categories=["contact"],
        )
        share.persons.set([person])
        referral = ReferralFactory(team=world.team_a, household=household)
        ReferralDecision.objects.create(referral=referral, kind="accept", decided_by=world.coordinator_a)


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_history_tab_query_count_is_the_same_for_one_and_for_many_changes(client, world):
    one, many = HouseholdFactory(team=world.team_a), HouseholdFactory(team=world.team_a)
    _busy(one, world, 1)
    _busy(many, world, 6)
    client.force_login(world.coordinator_a)
    history = lambda household: reverse("cases:household_history", args=[household.pk])  # noqa: E731
    client.get(history(one))  # warm up (session, caches)

    assert _queries(client, history(one)) == _queries(client, history(many))


# --- the household page: consent decisions in sequence --------------------------------------


def _consent_section(page: str) -> str:
    start = page.index('aria-labelledby="consent-heading"')
    return page[start : page.index("</section>", start)]


def test_household_page_lists_a_persons_decisions_in_sequence(client, world):
    household = HouseholdFactory(team=world.team_a)
    piet = PersonFactory(household=household, first_name="Piet", birth_date=datetime.date(1980, 3, 14))
    school, gp = OrganisationFactory(name="De Klimop"), OrganisationFactory(name="Huisarts Oost")
    now = timezone.now()
    given = ConsentDecisionFactory(
        person=piet,
        recipient=school,
        recorded_by=world.worker_a,
        recorded_at=now - datetime.timedelta(days=40),
    )
    withdrawn = ConsentDecisionFactory(
        person=piet,
        recipient=school,
        decision="withdrawn",
        obtained="",
        recorded_by=world.colleague_a,
        recorded_at=now - datetime.timedelta(days=3),
    )
    in_force = ConsentDecisionFactory(
        person=piet, recipient=gp, recorded_by=world.worker_a, recorded_at=now - datetime.timedelta(days=20)
    )

    client.force_login(world.worker_a)
    section = _consent_section(client.get(household.get_absolute_url()).text)

    withdrawn_at = section.index(_date(withdrawn.recorded_at))
    given_at = section.index(_date(given.recorded_at))
    assert withdrawn_at < section.index(_date(in_force.recorded_at)) < given_at, "newest first, all of them"
    assert dutch(ConsentDecision.Decision.WITHDRAWN.label) in section[withdrawn_at - 600 : withdrawn_at]
    assert _name(world.colleague_a) in section[withdrawn_at:given_at], "who recorded the withdrawal"
    withdraw = lambda d: reverse("cases:consent_withdraw", args=[household.pk, d.pk])  # noqa: E731
    assert withdraw(in_force) in section, "the one in force can be withdrawn"
    assert withdraw(given) not in section, "the given one is withdrawn already: no form"
    assert withdraw(withdrawn) not in section


def test_household_page_query_count_is_the_same_for_one_and_for_many_decisions(client, world):
    def household_with(n):
        household = HouseholdFactory(team=world.team_a)
        gp = OrganisationFactory()
        for i in range(n):
            person = PersonFactory(household=household)
            ConsentDecisionFactory(person=person, recipient=gp, recorded_by=world.worker_a)
            ConsentDecisionFactory(
                person=person,
                recipient=gp,
                recorded_by=world.colleague_a,
                decision="withdrawn" if i else "given",
            )
        return household

    one, many = household_with(1), household_with(5)
    client.force_login(world.worker_a)
    client.get(one.get_absolute_url())

    assert _queries(client, one.get_absolute_url()) == _queries(client, many.get_absolute_url())
