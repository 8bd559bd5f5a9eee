"""Every create form creates once (docs/security.md CC-3): the same submission posted twice, one after
the other or at the same moment, makes one record, and both answers lead to it."""

import datetime
import threading
import uuid

import pytest
from django.db import connection, connections
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cases import zrm
from cases.models import (
    AccessRequest,
    Action,
    CaseReview,
    ConsentDecision,
    Contact,
    Goal,
    Household,
    NetworkMember,
    Person,
    SafetyWarning,
    Share,
)
from tests.test_permission_matrix import Objects


def today() -> str:
    return timezone.localdate().isoformat()


def cases(world, objects):
    """(url name, kwargs, valid data, model that grows by one)."""
    household = {"pk": objects.household.pk}
    return [
        (
            "cases:household_create",
            {},
            {
                "household-team": world.team_a.pk,
                "household-name": "Familie Dubbel",
                "household-street": "Klikstraat",
                "household-house_number": "2",
                "household-postcode": "8021 AB",
                "household-city": "Zwolle",
                "member-first_name": "Dirk",
                "member-last_name": "Dubbel",
                "member-relation": "main_resident",
            },
            Household,
        ),
        (
            "cases:person_add",
            household,
            {"first_name": "Tim", "last_name": "Twee", "relation": "child"},
            Person,
        ),
        ("cases:network_add", household, {"name": "Buurman", "kind": "friend_neighbour"}, NetworkMember),
        ("cases:goal_add", household, {"domain": zrm.domains().first().pk, "family_words": "Rust"}, Goal),
        (
            "cases:action_add",
            household,
            {"what": "Bellen", "who": "worker", "worker": world.coordinator_a.pk},
            Action,
        ),
        ("cases:review_add", household, {"held_on": today(), "question": "Wat nu?"}, CaseReview),
        (
            "cases:warning_add",
            household,
            {"incident": "threat", "incident_on": today(), "description": "Dreiging", "advice": ["in_pairs"]},
            SafetyWarning,
        ),
        (
            "cases:consent_add",
            {**household, "person_pk": objects.person.pk},
            {
                "recipient": world.partner.organisation.pk,
                "purpose": "coordination",
                "categories": ["contact"],
                "decision": "given",
                "legal_basis": "consent",
                "obtained": "verbal",
            },
            ConsentDecision,
        ),
        (
            "cases:share_add",
            household,
            {
                "recipient": world.partner.organisation.pk,
                "purpose": "coordination",
                "persons": [objects.person.pk],
                "categories": ["contact"],
                "content": "x",
                "override_reason": "y",
            },
            Share,
        ),
        ("cases:access_request_add", {**household, "person_pk": objects.person.pk}, {}, AccessRequest),
        ("cases:contact_add", household, {"quick": "card_left"}, Contact),
    ]


@pytest.mark.django_db
def test_posting_the_same_form_twice_creates_one_record(client, world):
    objects = Objects(world)
    objects.person.birth_date = datetime.date(1980, 1, 1)
    objects.person.save()
    client.force_login(world.coordinator_a)
    for name, kwargs, data, model in cases(world, objects):
        url = reverse(name, kwargs=kwargs)
        before = model.objects.count()
        data = {**data, "submission_id": str(uuid.uuid4())}
        first, second = client.post(url, data), client.post(url, data)
        assert model.objects.count() == before + 1, name
        assert first.status_code == 302, (name, first.status_code)
        assert second.status_code == 302 and second.url == first.url, name


@pytest.mark.django_db
def test_the_managers_create_forms_create_once(client, world):
    from mandates.models import Mandate
    from teams.models import Position
    from teams.tests.factories import OrganisationFactory, UserFactory

    client.force_login(world.manager_ab)
    employer = Position.objects.get(user=world.worker_a).employer
    newcomer = UserFactory()
    forms = [
        (
            reverse("teams:position_add", args=[world.team_a.pk]),
            {
                "user": newcomer.pk,
                "employer": employer.pk,
                "access_role": "worker",
                "membership": "team",
                "accountable_to": "team",
                "active_from": today(),
            },
            Position,
        ),
        (
            reverse("mandates:add"),
            {
                "team": world.team_a.pk,
                "organisation": OrganisationFactory(sector="ggz").pk,
                "domain": "ggz",
                "kind": "machtiging",
                "scope": "x",
                "sharing_basis": "agreement",
                "feedback_level": "status",
                "valid_from": today(),
                "status": "draft",
            },
            Mandate,
        ),
    ]
    for url, data, model in forms:
        before = model.objects.count()
        data = {**data, "submission_id": str(uuid.uuid4())}
        first, second = client.post(url, data), client.post(url, data)
        assert model.objects.count() == before + 1, url
        assert first.status_code == second.status_code == 302 and first.url == second.url


@pytest.mark.django_db(transaction=True)
def test_two_taps_at_the_same_moment_log_one_contact(world):
    if connection.vendor != "postgresql":
        pytest.skip("concurrent transactions need PostgreSQL")
    objects = Objects(world)
    url = reverse("cases:contact_add", kwargs={"pk": objects.household.pk})
    data = {"quick": "card_left", "submission_id": str(uuid.uuid4())}
    barrier = threading.Barrier(2)
    answers = []

    def tap():
        client = Client()
        client.force_login(world.worker_a)
        barrier.wait(timeout=10)
        answers.append(client.post(url, data).status_code)
        connections.close_all()

    threads = [threading.Thread(target=tap) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert answers == [302, 302]
    assert Contact.objects.filter(household=objects.household).count() == 1
