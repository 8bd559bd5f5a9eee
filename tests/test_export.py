"""Right of access: a person's complete export, behind a fresh password check (step-up)."""

import datetime
import json

import pytest
from django.apps import apps
from django.urls import reverse
from simple_history.models import HistoricalChanges

from cases import export
from cases.models import AccessEvent, AccessRequest, Household, Person
from cases.tests.factories import (
    ConsentDecisionFactory,
    ContactFactory,
    HouseholdFactory,
    PersonFactory,
    PlanFactory,
    ReferralFactory,
    assessment_with_scores,
)

pytestmark = pytest.mark.django_db
PASSWORD = "een-lang-wachtwoord-voor-tests"


def _points_to(model, targets) -> bool:
    return any(f.many_to_one and f.related_model in targets for f in model._meta.get_fields())


def case_models():
    """Every model with a path (one or two steps) to a Person or a Household."""
    targets = {Person, Household}
    for model in apps.get_models():
        if issubclass(model, HistoricalChanges) or model._meta.auto_created:
            continue  # history is exported with its model; m2m links with their owner
        if model in targets or _points_to(model, targets):
            yield model
            continue
        parents = [f.related_model for f in model._meta.get_fields() if f.many_to_one and f.related_model]
        if any(_points_to(parent, targets) for parent in parents if parent not in targets):
            yield model


def test_every_model_about_a_person_is_exported_or_excluded_with_a_reason():
    missing = [
        model._meta.label
        for model in case_models()
        if model not in export.EXPORTED and model._meta.label not in export.EXCLUDED
    ]
    assert missing == [], "export these in cases/export.py, or exclude them there with a reason"


def login_for_real(client, user):
    """Logged in, and the password given again just now (allauth's reauthentication)."""
    user.set_password(PASSWORD)
    user.save()
    client.force_login(user)
    assert client.post(reverse("account_reauthenticate"), {"password": PASSWORD}).status_code == 302


@pytest.fixture
def person(world):
    household = HouseholdFactory(team=world.team_a, lead_worker=world.worker_a)
    person = PersonFactory(household=household, first_name="Aisha", birth_date=datetime.date(1985, 6, 1))
    ReferralFactory(
        team=world.team_a, household=household, status="accepted", prior_information="Vroeger bij GGZ"
    )
    PlanFactory(household=household)
    ContactFactory(household=household, recorded_by=world.worker_a, note="Koffie gedronken")
    assessment_with_scores(person, world.worker_a, [3] * 13)
    ConsentDecisionFactory(person=person, recipient=world.partner.organisation, recorded_by=world.worker_a)
    return person


def test_export_asks_for_the_password_again(client, world, person):
    url = reverse("cases:person_export", args=[person.household_id, person.pk])
    client.force_login(world.worker_a)
    response = client.get(url)
    assert response.status_code == 302 and reverse("account_reauthenticate") in response.url
    assert not AccessEvent.objects.filter(action="export").exists()


def test_export_holds_everything_and_is_logged(client, world, person):
    client.force_login(world.worker_a)
    client.get(person.household.get_absolute_url())  # a view, so the access log has a row
    login_for_real(client, world.worker_a)
    url = reverse("cases:person_export", args=[person.household_id, person.pk])
    data = json.loads(client.get(url, {"format": "json"}).content)
    assert data["person"][0]["first_name"] == "Aisha"
    assert data["signals"][0]["prior_information"] == "Vroeger bij GGZ"
    assert data["contacts"][0]["note"] == "Koffie gedronken"
    assert len(data["assessments"][0]["scores"]) == 13
    assert data["consents"][0]["decision"] == "given"
    assert data["access_log"] and "origin" not in data["access_log"][0]
    assert data["history"]["person"]
    page = client.get(url)
    assert "Wat het wijkteam over u bewaart" in page.text
    assert AccessEvent.objects.filter(action="export", user=world.worker_a).count() == 2


def test_export_is_for_the_team_only(client, world, person):
    login_for_real(client, world.worker_b)
    assert (
        client.get(reverse("cases:person_export", args=[person.household_id, person.pk])).status_code == 404
    )


def test_access_requests_are_due_within_a_month_and_shown_when_late(client, world, person):
    client.force_login(world.worker_a)
    client.post(reverse("cases:access_request_add", args=[person.household_id, person.pk]))
    request = AccessRequest.objects.get()
    assert (request.due_on - request.requested_on).days in (28, 29, 30, 31)
    late = AccessRequest.objects.create(
        person=person, requested_on="2026-01-01", due_on="2026-02-01", recorded_by=world.worker_a
    )
    client.force_login(world.coordinator_a)
    assert late in client.get(reverse("cases:referral_queue")).context["late_access_requests"]
    client.post(reverse("cases:access_request_answered", args=[person.household_id, late.pk]))
    late.refresh_from_db()
    assert late.handled_on is not None
