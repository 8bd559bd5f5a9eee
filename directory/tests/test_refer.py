"""From a plan's action to a service of the social map, and what the team learns from it."""

import pytest
from django.urls import reverse
from django.utils.translation import gettext as _

from cases.models import AccessEvent, Share
from cases.tests.factories import ActionFactory, HouseholdFactory, PlanFactory
from directory.tests.factories import ServiceFactory
from teams.tests.factories import PositionFactory


@pytest.fixture
def action(world):
    household = HouseholdFactory(team=world.team_a, lead_worker=world.worker_a)
    return ActionFactory(
        plan=PlanFactory(household=household), worker=world.worker_a, what="Schuldhulp bellen"
    )


def refer(client, action, **data):
    household = action.plan.household
    return client.post(reverse("directory:action_refer", args=[household.pk, action.pk]), data)


@pytest.mark.django_db
def test_a_worker_links_an_action_to_a_service_and_the_plan_shows_it(client, world, action):
    service = ServiceFactory(name="Schuldhulpverlening")
    client.force_login(world.worker_a)
    household = action.plan.household
    plan_page = client.get(reverse("cases:plan_detail", args=[household.pk])).text
    assert f"{reverse('directory:search')}?household={household.pk}&amp;action={action.pk}" in plan_page
    # From the social map, with the action carried along, the service page offers the link.
    page = client.get(
        reverse("directory:service", args=[service.pk]), {"household": household.pk, "action": action.pk}
    )
    assert reverse("directory:action_refer", args=[household.pk, action.pk]) in page.text
    response = refer(client, action, service=str(service.pk))
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.service == service
    record = action.history.latest()
    assert (record.history_user, record.history_change_reason) == (
        world.worker_a,
        _("Referred to a service of the social map"),
    )
    assert "Schuldhulpverlening" in client.get(reverse("cases:plan_detail", args=[household.pk])).text
    assert not Share.objects.exists()  # the link shares nothing
    assert AccessEvent.objects.filter(household=household, user=world.worker_a).exists()


@pytest.mark.django_db
def test_a_worker_of_another_team_cannot_link_the_action(client, world, action):
    service = ServiceFactory()
    client.force_login(world.worker_b)
    assert refer(client, action, service=str(service.pk)).status_code == 404
    action.refresh_from_db()
    assert action.service is None


@pytest.mark.django_db
def test_an_outcome_without_a_service_is_refused_and_changes_nothing(client, world, action):
    client.force_login(world.worker_a)
    refer(client, action, outcome="helped")
    action.refresh_from_db()
    assert (action.service, action.service_outcome) == (None, "")


@pytest.mark.django_db
def test_coordinators_see_how_often_the_team_referred_and_what_came_of_it(client, world, action):
    service = ServiceFactory()
    client.force_login(world.worker_a)
    refer(client, action, service=str(service.pk), outcome="helped")
    second = ActionFactory(plan=action.plan, worker=world.worker_a)
    refer(client, second, service=str(service.pk), outcome="not_helped")
    third = ActionFactory(plan=action.plan, worker=world.worker_a)
    refer(client, third, service=str(service.pk))
    page = client.get(reverse("directory:service", args=[service.pk]))
    assert page.context["figures"] is None  # not for workers
    client.force_login(world.coordinator_a)
    page = client.get(reverse("directory:service", args=[service.pk]))
    assert page.context["figures"] == {"referred": 3, "helped": 1, "not_helped": 1}
    coordinator_c = PositionFactory(team=world.team_c, access_role="coordinator").user
    client.force_login(coordinator_c)  # another team's referrals are not theirs to count
    assert client.get(reverse("directory:service", args=[service.pk])).context["figures"]["referred"] == 0


@pytest.mark.django_db
def test_bad_input_comes_back_at_its_field_with_what_was_chosen(client, world, action):
    inactive = ServiceFactory(status="inactive")
    active = ServiceFactory(name="Thuisadministratie")
    client.force_login(world.worker_a)
    cases = [
        ({"outcome": "helped"}, "service"),  # no service
        ({"service": str(inactive.pk)}, "service"),  # an inactive service
        ({"service": "not-a-uuid"}, "service"),
        ({"service": str(active.pk), "outcome": "maybe"}, "outcome"),  # a bad outcome
    ]
    for data, field in cases:
        response = refer(client, action, **data)
        assert response.status_code == 400, data
        form = response.context["form"]
        assert list(form.errors) == [field], (data, form.errors)
        assert 'class="invalid-feedback' in response.text
    # What was chosen is kept: the valid service stays selected beside the bad outcome.
    assert f'value="{active.pk}" selected' in response.text
    action.refresh_from_db()
    assert (action.service, action.service_outcome) == (None, "")
