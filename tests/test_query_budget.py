"""Twelve SQL queries or fewer on every key page, and the same number for one of everything as for
many (issue 21): measured as bench/run does, a logged-in user with a second factor through the
whole middleware, on a request after the first (the session's expiry is refreshed once a minute,
not on every click)."""

import datetime

import pytest
from allauth.mfa.models import Authenticator
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases.tests.factories import HouseholdFactory, PersonFactory
from cases.tests.test_views import rich_household
from teams.services import position_save

pytestmark = pytest.mark.django_db

MAX_QUERIES = 12

# name: (who, url of the household)
PAGES = {
    "household_list": ("worker_a", lambda h: reverse("cases:household_list")),
    "household_search": ("worker_a", lambda h: reverse("cases:household_list") + "?q=Familie"),
    "household_page": ("worker_a", lambda h: reverse("cases:household_detail", args=[h.pk])),
    "plan": ("worker_a", lambda h: reverse("cases:plan_detail", args=[h.pk])),
    "caseload": ("worker_a", lambda h: reverse("cases:caseload")),
    "triage_queue": ("coordinator_a", lambda h: reverse("cases:referral_queue")),
    "partner_overview": ("manager_ab", lambda h: reverse("mandates:partners")),
    "access_log": ("coordinator_a", lambda h: reverse("cases:household_access_log", args=[h.pk])),
}


def queries_of(client, settings, world, page: str, n: int) -> int:
    settings.WIJKTEAM_REQUIRE_MFA = True
    household = rich_household(world, n)
    for _ in range(n - 1):  # more households on the lists
        PersonFactory(household=HouseholdFactory(team=world.team_a, lead_worker=world.worker_a))
    who, url = PAGES[page]
    user = getattr(world, who)
    Authenticator.objects.get_or_create(user=user, type=Authenticator.Type.TOTP, defaults={"data": {}})
    client.force_login(user)
    assert client.get(url(household)).status_code == 200  # the first request refreshes the session
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url(household))
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("page", PAGES)
def test_key_page_costs_at_most_twelve_queries_however_much_it_shows(client, settings, world, page):
    one = queries_of(client, settings, world, page, 1)
    assert one <= MAX_QUERIES, f"{page}: {one} queries"
    many = queries_of(client, settings, world, page, 15)
    assert many == one, f"{page}: {one} queries for one of everything, {many} for many"


def test_a_removed_second_factor_counts_on_the_next_request(client, settings, world):
    """The second factor is read with the roles in one query, never kept from an earlier request:
    removing it sends the user to set one up at once."""
    settings.WIJKTEAM_REQUIRE_MFA = True
    device = Authenticator.objects.create(user=world.worker_a, type=Authenticator.Type.TOTP, data={})
    client.force_login(world.worker_a)
    assert client.get(reverse("cases:household_list")).status_code == 200
    device.delete()
    response = client.get(reverse("cases:household_list"))
    assert response.status_code == 302 and response.url == reverse("mfa_activate_totp")


def test_an_ended_position_counts_on_the_next_request(client, settings, world):
    """The roles are read once per request, never kept across requests: the request after a
    position ends no longer shows the team's household."""
    settings.WIJKTEAM_REQUIRE_MFA = True
    Authenticator.objects.create(user=world.worker_a, type=Authenticator.Type.TOTP, data={})
    household = HouseholdFactory(team=world.team_a)
    client.force_login(world.worker_a)
    assert client.get(household.get_absolute_url()).status_code == 200
    position = world.worker_a.positions.get()
    position.active_from = timezone.localdate() - datetime.timedelta(days=30)
    position.active_until = timezone.localdate() - datetime.timedelta(days=1)
    position_save(position=position, by=world.manager_ab, reason="Uit dienst")
    assert client.get(household.get_absolute_url()).status_code == 404
