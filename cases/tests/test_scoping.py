"""The one scoping rule, Household.objects.visible_to(user), in every place it must hold."""

import pytest
from django.urls import reverse

from cases.models import Household, Person
from cases.tests.factories import HouseholdFactory, PersonFactory

pytestmark = pytest.mark.django_db

# role -> households (keys of four_households) that the role sees
EXPECTED = {
    "worker_a": {"a"},
    "colleague_a": {"a", "a_closed"},  # lead worker of the closed household
    "coordinator_a": {"a", "a_closed"},
    "manager_ab": {"a", "b", "a_closed"},
    "worker_b": {"b"},
    "former_a": set(),  # position ended yesterday
    "partner": set(),
    "admin": set(),  # no position: administrators manage accounts, not cases
}


@pytest.mark.parametrize("role, expected", EXPECTED.items())
def test_visible_to_matrix(world, four_households, role, expected):
    """Each role sees exactly its households: own team, closed only when overseeing or leading."""
    user = getattr(world, role)
    visible = set(Household.objects.visible_to(user).values_list("pk", flat=True))
    assert visible == {four_households[key].pk for key in expected}


@pytest.mark.parametrize("role, expected", EXPECTED.items())
def test_the_open_households_rule_is_the_rule_narrowed_to_open(world, four_households, role, expected):
    """The list's default asks visible_to(only_open=True), a plainer condition for the planner
    (issue 16): it must give the same households as the whole rule filtered on open, for every
    role, and neither the lead's nor the overseer's closed household."""
    user = getattr(world, role)
    only_open = set(Household.objects.visible_to(user, only_open=True).values_list("pk", flat=True))
    narrowed = Household.objects.visible_to(user).filter(status=Household.Status.OPEN)
    assert only_open == set(narrowed.values_list("pk", flat=True))
    assert only_open == {four_households[key].pk for key in expected - {"a_closed"}}


@pytest.mark.parametrize("role, expected", EXPECTED.items())
def test_search_of_open_households_stays_in_scope(client, world, four_households, role, expected):
    """The list's default, open households, searched: the subquery keeps the scope."""
    client.force_login(getattr(world, role))
    response = client.get(reverse("cases:household_list"), {"q": "Familie"})
    shown = {key for key, household in four_households.items() if household.name in response.text}
    assert shown == expected - {"a_closed"}


@pytest.mark.parametrize("role, expected", EXPECTED.items())
def test_list_shows_exactly_the_visible_households(client, world, four_households, role, expected):
    """The list, with every status, shows exactly the visible households and nothing else."""
    client.force_login(getattr(world, role))
    response = client.get(reverse("cases:household_list"), {"status": ""})
    if not expected:
        # Without a position there is no list: typing the URL is refused, and nothing shows.
        assert response.status_code == 403
    shown = {key for key, household in four_households.items() if household.name in response.text}
    assert shown == expected


@pytest.mark.parametrize("role, expected", EXPECTED.items())
def test_search_never_reaches_outside_scope(client, world, four_households, role, expected):
    """A search for 'Familie' (it matches all four) returns only the visible households."""
    client.force_login(getattr(world, role))
    response = client.get(reverse("cases:household_list"), {"q": "Familie", "status": ""})
    shown = {key for key, household in four_households.items() if household.name in response.text}
    assert shown == expected


@pytest.mark.parametrize("role, expected", EXPECTED.items())
def test_detail_of_out_of_scope_household_is_404(client, world, four_households, role, expected):
    """Every household outside the user's scope answers 404, never 403 or data."""
    client.force_login(getattr(world, role))
    for key, household in four_households.items():
        response = client.get(reverse("cases:household_detail", args=[household.pk]))
        assert response.status_code == (200 if key in expected else 404), key
        if key not in expected:
            assert household.name not in response.text


def test_default_list_shows_open_households_only(client, world, four_households):
    """The coordinator's list opens on open households; closed ones need the status filter."""
    client.force_login(world.coordinator_a)
    response = client.get(reverse("cases:household_list"))
    assert four_households["a"].name in response.text
    assert four_households["a_closed"].name not in response.text
    response = client.get(reverse("cases:household_list"), {"status": "closed"})
    assert four_households["a_closed"].name in response.text
    assert four_households["a"].name not in response.text


def test_members_scoped_like_their_household(world, four_households):
    """Person.objects.visible_to follows the household rule."""
    inside = PersonFactory(household=four_households["a"])
    PersonFactory(household=four_households["b"])
    PersonFactory(household=four_households["c"])
    assert list(Person.objects.visible_to(world.worker_a)) == [inside]


def test_inactive_user_sees_nothing(world, four_households):
    """A deactivated account keeps its position on paper but sees no households."""
    world.worker_a.is_active = False
    world.worker_a.save()
    assert not Household.objects.visible_to(world.worker_a).exists()


def test_position_starting_tomorrow_gives_no_access_yet(world):
    """Access starts on the position's first day, not when it is entered."""
    import datetime

    from django.utils import timezone

    from teams.tests.factories import PositionFactory

    starter = PositionFactory(
        team=world.team_a, active_from=timezone.localdate() + datetime.timedelta(days=1)
    ).user
    HouseholdFactory(team=world.team_a)
    assert not Household.objects.visible_to(starter).exists()


def test_search_by_member_name_and_postcode(client, world):
    """A coordinator finds a household by a member's name and by postcode in any spacing."""
    household = HouseholdFactory(team=world.team_a, name="Familie Zomer", postcode="8021AB")
    PersonFactory(household=household, first_name="Noor", last_name="Winter")
    HouseholdFactory(team=world.team_a, name="Familie Herfst", postcode="8022CD")
    client.force_login(world.coordinator_a)
    for query in ["Winter", "noor winter", "8021 ab", "8021AB"]:
        response = client.get(reverse("cases:household_list"), {"q": query})
        assert "Familie Zomer" in response.text, query
        assert "Familie Herfst" not in response.text, query
