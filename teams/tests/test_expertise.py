"""The team's expertise (issue 24): "Mijn expertise", a coordinator's edit, "Wie weet iets van…"
and the worker list of a signal's assignment, filtered by expertise at a flat query count."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from cases.tests.factories import ReferralFactory
from directory.models import Contact
from teams import services
from teams.models import Expertise
from teams.tests.factories import PositionFactory

pytestmark = pytest.mark.django_db


def dutch(text: str) -> str:
    """The Dutch of a message (the English until the catalogue has it: issue 24's strings)."""
    with translation.override("nl"):
        return translation.gettext(text)


def give(user, **fields):
    return services.expertise_save(user=user, by=user, **fields)


def test_a_worker_saves_their_own_expertise_with_history(client, world):
    client.force_login(world.worker_a)
    assert client.get(reverse("teams:expertise_mine")).status_code == 200
    response = client.post(
        reverse("teams:expertise_mine"),
        {"domains": ["financien", "huisvesting"], "languages": ["ti", "ar"], "note": "Woningvervuiling"},
    )
    assert response.status_code == 302
    profile = Expertise.objects.get(user=world.worker_a)
    assert (profile.domains, profile.languages) == (["financien", "huisvesting"], ["ti", "ar"])
    with translation.override("nl"):
        assert profile.language_names() == [dutch("Arabic"), "Tigrinya"]
    record = profile.history.get()
    assert (record.history_user, record.history_change_reason) == (world.worker_a, dutch("Expertise changed"))


def test_a_language_outside_the_list_is_refused_at_the_field_and_the_text_kept(client, world):
    client.force_login(world.worker_a)
    response = client.post(reverse("teams:expertise_mine"), {"languages": ["xx"], "note": "Schuldhulp"})
    assert response.status_code == 400
    assert "Selecteer een geldige keuze" in response.text and 'value="Schuldhulp"' in response.text
    assert not Expertise.objects.exists()
    with pytest.raises(Exception, match="ISO 639-1"):
        give(world.worker_a, languages=["xx"])


def test_a_coordinator_edits_their_team_members_only(client, world):
    client.force_login(world.coordinator_a)
    url = reverse("teams:expertise_edit", args=[world.worker_a.pk])
    assert client.post(url, {"methods": ["mgv"]}).status_code == 302
    record = Expertise.objects.get(user=world.worker_a).history.get()
    assert (record.history_user, record.history_change_reason) == (
        world.coordinator_a,
        dutch("Expertise changed by coordinator"),
    )
    assert client.get(reverse("teams:expertise_edit", args=[world.worker_b.pk])).status_code == 404
    client.force_login(world.worker_a)
    assert client.get(reverse("teams:expertise_edit", args=[world.colleague_a.pk])).status_code == 403


def test_who_knows_finds_by_domain_and_language_and_never_another_team(client, world):
    give(world.worker_a, domains=["financien"], languages=["ti"])
    give(world.worker_b, domains=["financien"], languages=["ti"])  # team B
    give(world.coordinator_a, domains=["justitie"], languages=["nl"])
    world.worker_a.first_name, world.worker_b.first_name = "Anouk", "Bertus"
    world.worker_a.save()
    world.worker_b.save()
    contact = Contact(organisation=world.partner.organisation, name="Ilse Budgetcoach", domains=["financien"])
    contact.save()
    client.force_login(world.colleague_a)
    url = reverse("teams:who_knows")
    for query in ({"domain": "financien"}, {"language": "ti"}, {"q": "Tigrinya"}, {"q": "financiën"}):
        page = client.get(url, query).text
        assert "Anouk" in page, query
        assert "Bertus" not in page, query
        assert world.coordinator_a.get_full_name() not in page, query
    assert "Ilse Budgetcoach" in client.get(url, {"domain": "financien"}).text
    assert "Ilse Budgetcoach" not in client.get(url, {"language": "ti"}).text
    client.force_login(world.partner)
    assert client.get(url, {"domain": "financien"}).status_code == 403


def _workers(count, team):
    users = []
    for index in range(count):
        user = PositionFactory(team=team, access_role="worker").user
        give(user, domains=["financien"] if index % 2 == 0 else ["justitie"], languages=["ti"])
        users.append(user)
    return users


def test_the_assignment_list_is_filtered_by_expertise(client, world):
    """The coordinator filters the workers of a new signal by life domain, method or language:
    the worker list and the assign choice show only who matches, with their expertise."""
    give(world.worker_a, domains=["financien"], methods=["mgv"], languages=["ti"])
    give(world.colleague_a, domains=["justitie"], languages=["nl"])
    referral = ReferralFactory(
        team=world.team_a, status="received", received_at=timezone.now() - datetime.timedelta(hours=1)
    )
    world.worker_a.first_name, world.colleague_a.first_name = "Anouk", "Corneel"
    world.worker_a.save()
    world.colleague_a.save()
    client.force_login(world.coordinator_a)
    url = referral.get_absolute_url()
    page = client.get(url).text
    assert "Anouk" in page and "Corneel" in page
    assert "Financiën" in page and "Tigrinya" in page
    for query in ({"domain": "financien"}, {"method": "mgv"}, {"language": "ti"}):
        page = client.get(url, query).text
        assert "Anouk" in page, query
        assert "Corneel" not in page, query
    page = client.get(url, {"domain": "financien", "language": "nl"}).text
    assert "Anouk" not in page


def test_the_assignment_page_costs_the_same_for_one_worker_as_for_many(client, world):
    team = world.team_b  # no one else there but worker_b
    coordinator = PositionFactory(team=team, access_role="coordinator").user
    referral = ReferralFactory(
        team=team, status="received", received_at=timezone.now() - datetime.timedelta(hours=1)
    )
    client.force_login(coordinator)

    def count():
        client.get(
            referral.get_absolute_url(), {"language": "ti"}
        )  # the session is saved once after login: not part of the page
        with CaptureQueriesContext(connection) as queries:
            assert client.get(referral.get_absolute_url(), {"language": "ti"}).status_code == 200
        return len(queries)

    _workers(1, team)
    one = count()
    _workers(6, team)
    assert count() == one


def test_who_knows_costs_the_same_for_one_match_as_for_many(client, world):
    """Colleagues and contact persons with their expertise: no query per person found."""
    client.force_login(world.coordinator_a)
    url = reverse("teams:who_knows")

    def count():
        client.get(url, {"domain": "financien"})  # the session is saved once after login
        with CaptureQueriesContext(connection) as queries:
            page = client.get(url, {"domain": "financien"})
        assert page.status_code == 200
        return len(queries), page.text.count("Budgetcoach")

    _workers(1, world.team_a)
    Contact(organisation=world.partner.organisation, name="Budgetcoach 0", domains=["financien"]).save()
    one, shown = count()
    _workers(6, world.team_a)
    for n in range(1, 5):
        Contact(
            organisation=world.partner.organisation, name=f"Budgetcoach {n}", domains=["financien"]
        ).save()
    assert count() == (one, 5) and shown == 1
