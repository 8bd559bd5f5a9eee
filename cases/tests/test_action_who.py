"""The action form asks *who* once (family member, network member, worker or partner) and shows
only the picker of that kind, by CSS alone; the server keeps only the chosen kind's (issue 22)."""

import pathlib

import pytest
from django.conf import settings
from django.urls import reverse

from cases.models import Action
from cases.tests.factories import HouseholdFactory, NetworkMemberFactory, PersonFactory, PlanFactory
from tests.browser import chromium_browser, log_in_as_demo

pytestmark = pytest.mark.django_db

KINDS = {"family": "person", "network": "network_member", "worker": "worker", "partner": "organisation"}


@pytest.fixture
def household(world):
    household = HouseholdFactory(team=world.team_a, name="Familie Bos", lead_worker=world.worker_a)
    PersonFactory(household=household, first_name="Sara", last_name="Bos")
    PlanFactory(household=household)
    return household


def test_one_choice_of_who_with_a_picker_per_kind(client, world, household):
    client.force_login(world.worker_a)
    form = client.get(reverse("cases:action_add", args=[household.pk])).context["form"]
    assert [value for value, _label in form.fields["who"].choices] == list(KINDS), "no empty radio"
    page = client.get(reverse("cases:action_add", args=[household.pk])).text
    css = (pathlib.Path(settings.BASE_DIR) / "static/css/wijkteam.css").read_text()
    for kind, field in KINDS.items():
        assert f'class="who-picker who-picker-{kind}"' in page
        assert f'.who-choice:has(input[value="{kind}"]:checked) .who-picker-{kind}' in css, field


def test_what_a_hidden_picker_sends_is_dropped(client, world, household):
    """Without JavaScript the hidden worker picker still sends its worker: the action is the
    neighbour's alone."""
    neighbour = NetworkMemberFactory(household=household, name="Buurvrouw Els")
    client.force_login(world.worker_a)
    data = {
        "what": "Boodschappen",
        "who": "network",
        "network_member": neighbour.pk,
        "worker": world.worker_a.pk,
    }
    assert client.post(reverse("cases:action_add", args=[household.pk]), data).status_code == 302
    action = Action.objects.get(what="Boodschappen")
    assert (action.network_member, action.worker) == (neighbour, None)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_only_the_chosen_kinds_picker_shows_without_javascript(live_server, world, household):
    with chromium_browser() as browser:
        context = browser.new_context(viewport={"width": 375, "height": 740}, locale="nl-NL")
        page = context.new_page()
        log_in_as_demo(page, live_server, world.worker_a.username)
        page.wait_for_load_state()
        page = browser.new_context(
            viewport={"width": 375, "height": 740},
            locale="nl-NL",
            java_script_enabled=False,
            storage_state=context.storage_state(),
        ).new_page()
        page.goto(live_server.url + reverse("cases:action_add", args=[household.pk]))

        def shown():
            return [f for f in KINDS.values() if page.locator(f"select[name={f}]").is_visible()]

        assert shown() == ["worker"], "a new action is the worker's by default"
        page.get_by_role("radio", name="Gezinslid").check()
        assert shown() == ["person"]
        page.get_by_role("radio", name="Partnerorganisatie").check()
        assert shown() == ["organisation"]
