"""The team profile and the manager's team overview: who reaches them, what a change keeps."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from mandates.tests.factories import MandateFactory
from teams import services
from teams.tests.factories import OrganisationFactory, PositionFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", ["worker_a", "coordinator_a", "partner", "admin", "former_a"])
def test_only_managers_reach_the_team_overview_and_profile(client, world, role):
    """Workers, coordinators, partners, administrators and former workers get 403."""
    client.force_login(getattr(world, role))
    assert client.get(reverse("teams:overview")).status_code == 403
    assert client.get(reverse("teams:team_edit", args=[world.team_a.pk])).status_code == 403
    assert client.post(reverse("teams:team_edit", args=[world.team_a.pk]), {}).status_code == 403


def test_a_manager_of_another_team_sees_nothing_of_this_one(client, world):
    """Another team's profile and positions are 404 to a manager elsewhere."""
    other_manager = PositionFactory(team=world.team_c, access_role="manager").user
    client.force_login(other_manager)
    assert client.get(reverse("teams:team_edit", args=[world.team_a.pk])).status_code == 404
    assert client.get(reverse("teams:positions", args=[world.team_a.pk])).status_code == 404
    assert client.get(reverse("teams:position_add", args=[world.team_a.pk])).status_code == 404
    overview = client.get(reverse("teams:overview"))
    assert [team.pk for team in overview.context["teams"]] == [world.team_c.pk]


def test_the_service_refuses_a_profile_change_by_a_coordinator(world):
    """The rule holds below the views too."""
    with pytest.raises(PermissionDenied):
        services.team_profile_update(team=world.team_a, by=world.coordinator_a, organisations=[], reason="x")


def test_the_overview_lists_the_managed_teams_and_their_mandates_needing_attention(client, world):
    """A manager of two teams sees both, and a review due in either."""
    due = MandateFactory(team=world.team_b, next_review_on=timezone.localdate() - datetime.timedelta(days=1))
    client.force_login(world.manager_ab)
    response = client.get(reverse("teams:overview"))
    assert {team.pk for team in response.context["teams"]} == {world.team_a.pk, world.team_b.pk}
    assert response.context["attention"] == [due]


def test_manager_fills_the_team_profile(client, world):
    ggz = OrganisationFactory(name="GGZ Oost", sector="ggz")
    client.force_login(world.manager_ab)
    response = client.post(
        reverse("teams:team_edit", args=[world.team_a.pk]),
        {
            "target_groups": ["older_people", "informal_carers"],
            "aims": ["psychosocial"],
            "participating_organisations": [ggz.pk],
            "funders": "Gemeente Zwolle",
            "funded_from": "2026-01-01",
            "funded_until": "2027-12-31",
            "area_codes": "wk019301, BU01930101",
            "area_codes_year": "2026",
            "postcode_areas": "8021",
            "support_group": "intervision",
            "support_rhythm": "Om de week",
            "reason": "Nieuwe subsidie",
        },
    )
    assert response.status_code == 302
    team = world.team_a
    team.refresh_from_db()
    assert team.area_codes == ["WK019301", "BU01930101"]
    assert list(team.participating_organisations.all()) == [ggz]
    record = team.history.first()
    assert (record.history_user, record.history_change_reason) == (world.manager_ab, "Nieuwe subsidie")
    overview = client.get(reverse("teams:overview")).text
    assert "Ouderen" in overview and "GGZ Oost" in overview and "Gemeente Zwolle" in overview


def test_profile_refuses_funding_that_ends_before_it_starts(client, world):
    client.force_login(world.manager_ab)
    response = client.post(
        reverse("teams:team_edit", args=[world.team_a.pk]),
        {"funded_from": "2027-01-01", "funded_until": "2026-01-01", "funders": "Gemeente"},
    )
    assert "kan niet eindigen voordat ze begint" in response.text
