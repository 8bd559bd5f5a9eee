"""Every read of household data is logged (NEN 7513), and the log can be read by the right people."""

import hashlib

import pytest
from django.urls import reverse
from django.utils.html import escape

from cases.models import AccessEvent
from cases.tests.factories import HouseholdFactory, PersonFactory, PlanFactory, ReferralFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def household(world):
    household = HouseholdFactory(team=world.team_a, name="Familie Öztürk", lead_worker=world.worker_a)
    PersonFactory(household=household, first_name="Emre", last_name="Öztürk")
    PlanFactory(household=household)
    return household


def url(name, household):
    return reverse(f"cases:{name}", args=[household.pk])


@pytest.mark.parametrize(
    "name, object_type",
    [
        ("household_detail", "household"),
        ("plan_detail", "plan"),
        ("assessments", "assessments"),
        ("household_history", "history"),
        ("plan_print", "plan"),
    ],
)
def test_every_household_page_writes_one_row(client, world, household, name, object_type):
    client.force_login(world.colleague_a)
    assert client.get(url(name, household), REMOTE_ADDR="10.1.2.3").status_code == 200
    event = AccessEvent.objects.get()
    assert (event.user, event.team, event.household, event.object_type) == (
        world.colleague_a,
        world.team_a,
        household,
        object_type,
    )
    assert (event.role, event.basis, event.result, event.origin) == (
        "worker",
        "team_position",
        "allowed",
        "10.1.2.3",
    )


def test_the_row_names_the_request_and_a_hash_of_the_session_never_the_session(client, world, household):
    client.force_login(world.worker_a)
    response = client.get(household.get_absolute_url())
    event = AccessEvent.objects.get()
    session_key = client.session.session_key
    assert event.request_id == response["X-Request-ID"] != ""
    assert event.session_hash == hashlib.sha256(session_key.encode()).hexdigest()
    assert session_key not in str(vars(event))


def test_behind_the_proxy_the_origin_is_the_client_not_the_proxy(client, world, household, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    client.force_login(world.worker_a)
    client.get(household.get_absolute_url(), REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="192.0.2.7")
    assert AccessEvent.objects.get().origin == "192.0.2.7"


def test_the_basis_says_lead_worker_and_the_persons_are_listed(client, world, household):
    client.force_login(world.worker_a)
    client.get(household.get_absolute_url())
    event = AccessEvent.objects.get()
    assert event.basis == "lead_worker"
    assert event.persons == [str(household.members.get().pk)]


def test_a_search_is_logged_without_its_words(client, world, household):
    client.force_login(world.worker_a)
    client.get(reverse("cases:household_list"), {"q": "Öztürk"})
    event = AccessEvent.objects.get()
    assert (event.action, event.object_type) == ("search", "household_search")
    assert "Öztürk" not in str(vars(event))


def test_a_refused_attempt_is_logged(client, world, household):
    signal = ReferralFactory(team=world.team_a)
    for user in (world.worker_b, world.partner):
        client.force_login(user)
        assert client.get(household.get_absolute_url()).status_code == 404
    client.force_login(world.worker_b)
    assert client.get(signal.get_absolute_url()).status_code == 404
    refused = AccessEvent.objects.filter(result="denied")
    assert refused.count() == 3
    assert set(refused.filter(object_type="household").values_list("household", flat=True)) == {household.pk}
    assert set(refused.values_list("basis", flat=True)) == {"no_position"}
    assert refused.get(object_type="referral").object_id == str(signal.pk)


def test_coordinator_reads_the_household_log_and_the_reading_is_logged(client, world, household):
    client.force_login(world.worker_a)
    client.get(household.get_absolute_url())
    client.force_login(world.worker_b)
    client.get(household.get_absolute_url())  # refused
    client.force_login(world.coordinator_a)
    page = client.get(url("household_access_log", household))
    assert page.status_code == 200
    rows = list(page.context["page"].object_list)
    assert [(e.user, e.result) for e in rows] == [(world.worker_b, "denied"), (world.worker_a, "allowed")]
    assert "regisseur van het huishouden" in page.text and "geen positie: geweigerd" in page.text
    assert AccessEvent.objects.filter(user=world.coordinator_a, object_type="access_log").count() == 1


def test_the_household_log_is_not_for_workers_or_other_teams(client, world, household):
    client.force_login(world.worker_a)
    assert client.get(url("household_access_log", household)).status_code == 403
    client.force_login(world.worker_b)
    assert client.get(url("household_access_log", household)).status_code == 404


def test_the_residents_overview_has_no_addresses_of_origin(client, world, household):
    client.force_login(world.worker_a)
    client.get(household.get_absolute_url(), REMOTE_ADDR="10.9.9.9")
    client.force_login(world.coordinator_a)
    page = client.get(url("household_access_log", household), {"print": "1"})
    assert "Wie uw gegevens bekeek" in page.text
    assert "10.9.9.9" not in page.text
    assert escape(str(world.worker_a)) in page.text


def test_per_user_log_stays_within_the_coordinators_teams(client, world, household):
    other = HouseholdFactory(team=world.team_b, name="Familie Zuid")
    client.force_login(world.manager_ab)
    client.get(household.get_absolute_url())
    client.get(other.get_absolute_url())
    client.force_login(world.coordinator_a)
    page = client.get(reverse("cases:user_access_log", args=[world.manager_ab.pk]))
    assert [e.household for e in page.context["page"].object_list] == [household]
    assert client.get(reverse("cases:user_access_log", args=[world.worker_b.pk])).status_code == 404
    client.force_login(world.worker_a)
    assert client.get(reverse("cases:user_access_log", args=[world.colleague_a.pk])).status_code == 403
