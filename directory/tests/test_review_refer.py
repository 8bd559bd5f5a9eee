"""From a follow-up line of a case review to a plan action that refers to a service, in one step."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.models import Action, Share
from cases.tests.factories import CaseReviewFactory, HouseholdFactory, PlanFactory
from directory.tests.factories import ServiceFactory


@pytest.fixture
def review(world):
    household = HouseholdFactory(team=world.team_a, lead_worker=world.worker_a)
    PlanFactory(household=household)
    return CaseReviewFactory(household=household, follow_up="Schuldhulp inschakelen\nSchool bellen")


def url(review, line=0):
    return reverse("directory:review_refer", args=[review.household_id, review.pk, line])


@pytest.mark.django_db
def test_the_line_becomes_one_action_linked_to_the_service_and_a_second_time_links_that_action(
    client, world, review
):
    service = ServiceFactory(name="Schuldhulpverlening Zwolle", how_to_refer="Bel het spreekuur.")
    other = ServiceFactory(name="Schuldhulp maatje")
    client.force_login(world.worker_a)
    household_page = client.get(reverse("cases:household_detail", args=[review.household_id])).text
    assert url(review) in household_page
    page = client.get(url(review), {"q": "schuldhulp"})
    assert page.status_code == 200
    assert "Schuldhulpverlening Zwolle" in page.text and "Bel het spreekuur." in page.text
    assert "deelt niets" in page.text or "shares nothing" in page.text

    response = client.post(url(review), {"service": str(service.pk), "q": "schuldhulp"})
    assert response.status_code == 302
    action = Action.objects.get(review=review)
    assert (action.what, action.service, action.plan.household_id) == (
        "Schuldhulp inschakelen",
        service,
        review.household_id,
    )
    record = action.history.latest()
    assert record.history_user == world.worker_a
    assert record.history_change_reason.startswith(("Uit casusoverleg", "From the case review"))
    assert service.name in record.history_change_reason

    # Again, to another service: the same action is linked, no second one.
    assert client.post(url(review), {"service": str(other.pk)}).status_code == 302
    assert Action.objects.filter(review=review).count() == 1
    action.refresh_from_db()
    assert action.service == other
    assert not Share.objects.exists()  # the link shares nothing


@pytest.mark.django_db
def test_a_line_already_on_the_plan_has_its_action_linked(client, world, review):
    service = ServiceFactory()
    client.force_login(world.worker_a)
    client.post(reverse("cases:review_follow_up", args=[review.household_id, review.pk, 1]))
    assert Action.objects.filter(review=review).count() == 1
    client.post(url(review, 1), {"service": str(service.pk)})
    assert list(Action.objects.filter(review=review).values_list("what", "service")) == [
        ("School bellen", service.pk)
    ]


@pytest.mark.django_db
def test_no_choice_or_an_inactive_service_comes_back_at_the_field(client, world, review):
    inactive = ServiceFactory(name="Oude dienst", status="inactive")
    client.force_login(world.worker_a)
    for data in ({"q": "dienst"}, {"service": str(inactive.pk), "q": "dienst"}):
        response = client.post(url(review), data)
        assert response.status_code == 400
        assert response.context["form"].errors["service"]
        assert 'value="dienst"' in response.text  # the search typed is kept
    assert not Action.objects.filter(review=review).exists()


@pytest.mark.django_db
def test_another_team_gets_404_and_a_closed_household_refuses(client, world, review):
    service = ServiceFactory()
    client.force_login(world.worker_b)
    assert client.get(url(review)).status_code == 404
    assert client.post(url(review), {"service": str(service.pk)}).status_code == 404
    closed = HouseholdFactory(team=world.team_a, lead_worker=world.worker_a, closed=True)
    PlanFactory(household=closed)
    closed_review = CaseReviewFactory(household=closed)
    client.force_login(world.worker_a)
    assert client.get(url(closed_review)).status_code == 403
    assert client.post(url(closed_review), {"service": str(service.pk)}).status_code == 403
    assert client.get(url(review, 5)).status_code == 404  # a line that does not exist
    assert not Action.objects.exists()


@pytest.mark.django_db
def test_the_picker_costs_the_same_queries_for_one_service_as_for_many(client, world, review):
    client.force_login(world.worker_a)
    ServiceFactory(name="Dienst voor schulden 0")
    client.get(url(review), {"q": "schulden"})  # warm up (session, caches)
    with CaptureQueriesContext(connection) as one:
        assert len(client.get(url(review), {"q": "schulden"}).context["found"]) == 1
    for number in range(1, 8):
        ServiceFactory(name=f"Dienst voor schulden {number}")
    with CaptureQueriesContext(connection) as many:
        assert len(client.get(url(review), {"q": "schulden"}).context["found"]) == 8
    assert len(many) == len(one)
