"""A worker's journey in real Chromium: log in, find a household, open it, log out."""

import re

import pytest

from cases.models import Referral
from cases.tests.factories import (
    HouseholdFactory,
    NetworkMemberFactory,
    PersonFactory,
    PlanFactory,
    ReferralFactory,
    SafetyWarningFactory,
)
from tests.browser import chromium_browser, open_menu

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser_page():
    with chromium_browser() as browser:
        context = browser.new_context(viewport={"width": 375, "height": 740}, locale="nl-NL")
        yield context.new_page()


def test_worker_logs_in_opens_a_household_and_logs_out(live_server, browser_page, world):
    world.worker_a.set_password("wijkteam-demo-browser")
    world.worker_a.save()
    household = HouseholdFactory(team=world.team_a, name="Familie Visser", lead_worker=world.worker_a)
    PersonFactory(household=household, first_name="Henk", last_name="Visser")
    HouseholdFactory(team=world.team_a, name="Familie Jansen")
    HouseholdFactory(team=world.team_b, name="Familie Verborgen")
    page = browser_page
    blocked = []
    page.on(
        "console", lambda msg: blocked.append(msg.text) if "Content Security Policy" in msg.text else None
    )

    page.goto(live_server.url + "/")
    assert "/accounts/login/" in page.url
    assert blocked == []  # nothing was refused by the Content-Security-Policy
    page.get_by_label("Gebruikersnaam").fill(world.worker_a.username)
    page.get_by_label("Wachtwoord").fill("wijkteam-demo-browser")
    page.get_by_role("button", name="Inloggen").click()

    page.get_by_role("heading", name="Mijn caseload").wait_for()  # a worker starts on the caseload
    open_menu(page)
    page.get_by_role("link", name="Huishoudens").click()
    page.get_by_role("heading", name="Huishoudens").wait_for()
    assert page.get_by_text("Familie Visser").is_visible()
    assert page.get_by_text("Familie Verborgen").count() == 0

    # Typing in the search box narrows the list without a full page load (htmx).
    page.evaluate("window.notReloaded = true")
    page.get_by_label("Zoeken").fill("Visser")
    page.get_by_text("Familie Jansen").wait_for(state="detached")
    assert page.evaluate("window.notReloaded") is True
    assert "q=Visser" in page.url

    page.get_by_role("link", name="Familie Visser").click()
    page.get_by_role("heading", name="Familie Visser").wait_for()
    members = page.get_by_role("region", name="Gezinsleden")
    assert members.locator(".fw-semibold", has_text="Henk Visser").is_visible()

    open_menu(page)
    page.get_by_role("button", name=world.worker_a.get_full_name()).click()
    page.get_by_role("button", name="Uitloggen").click()
    page.wait_for_url("**/accounts/login/**")
    page.goto(live_server.url + household.get_absolute_url())
    assert "/accounts/login/" in page.url
    assert blocked == []  # nothing was refused by the Content-Security-Policy


def _log_in(page, live_server, user):
    user.set_password("wijkteam-demo-browser")
    user.save()
    page.goto(live_server.url + "/")
    page.get_by_label("Gebruikersnaam").fill(user.username)
    page.get_by_label("Wachtwoord").fill("wijkteam-demo-browser")
    page.get_by_role("button", name="Inloggen").click()


def _csp_watch(page) -> list[str]:
    blocked = []
    page.on(
        "console", lambda msg: blocked.append(msg.text) if "Content Security Policy" in msg.text else None
    )
    return blocked


def test_coordinator_triages_a_signal_in_four_interactions(live_server, browser_page, world):
    """From the open queue: open the signal, pick the proposed household, pick a worker, accept."""
    household = HouseholdFactory(
        team=world.team_a, name="Familie Smit", street="Kerkstraat", house_number=3, postcode="8021AB"
    )
    PersonFactory(household=household, first_name="Anna", last_name="Smit")
    signal = ReferralFactory(
        team=world.team_a,
        subject_first_name="Anna",
        subject_last_name="Smid",
        street="Kerkstraat",
        house_number=3,
        postcode="8021AB",
        concern="Anna lijkt de post niet meer te openen.",
    )
    page = browser_page
    blocked = _csp_watch(page)
    _log_in(page, live_server, world.coordinator_a)
    page.get_by_role("heading", name="Signalen").wait_for()

    interactions = 0
    page.get_by_role("link", name=signal.reference, exact=False).click()
    interactions += 1
    page.get_by_role("heading", name="Triage").wait_for()
    assert page.get_by_text("Anna lijkt de post niet meer te openen.").is_visible()
    page.get_by_label("Familie Smit", exact=False).check()
    interactions += 1
    page.get_by_label("Toewijzen aan").select_option(str(world.worker_a.pk))
    interactions += 1
    page.get_by_role("button", name="Accepteren").click()
    interactions += 1

    page.get_by_text(f"Signaal {signal.reference} geaccepteerd en toegewezen aan").wait_for()
    assert interactions <= 4
    signal.refresh_from_db()
    assert (signal.status, signal.household, signal.assigned_to) == ("assigned", household, world.worker_a)
    assert blocked == []


def test_partner_sends_a_signal_from_a_phone(live_server, browser_page, world):
    world.team_a.postcode_areas = ["8021"]
    world.team_a.save()
    page = browser_page
    blocked = _csp_watch(page)
    _log_in(page, live_server, world.partner)
    page.get_by_role("heading", name="Signalen van").wait_for()
    page.get_by_role("link", name="Signaal melden").last.click()
    page.get_by_label("Urgent").check()
    page.get_by_label(re.compile(r"^\s*Zorg\b")).fill("Tim is al twee weken niet op school geweest.")
    page.get_by_label(re.compile(r"^\s*Achternaam")).fill("Bakker")
    page.get_by_label("Postcode").fill("8021 ab")
    page.get_by_label("Huisnummer").fill("7")
    page.get_by_role("button", name="Signaal versturen").click()

    page.get_by_role("heading", name="Ontvangstbevestiging").wait_for()
    referral = Referral.objects.get()
    assert page.get_by_text(referral.reference).is_visible()
    assert referral.team == world.team_a and referral.urgency == "urgent"
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, "no sideways scrolling on a phone"
    assert blocked == []


def test_worker_changes_the_plan_adds_an_action_scores_zrm_and_prints(live_server, browser_page, world):
    """The worker's desk on a phone: plan, an action for the neighbour, a ZRM score, the print."""
    household = HouseholdFactory(team=world.team_a, name="Familie Kaya", lead_worker=world.worker_a)
    PersonFactory(household=household, first_name="Elif", last_name="Kaya")
    PlanFactory(household=household)
    NetworkMemberFactory(household=household, name="Buurman Piet", kind="friend_neighbour")
    page = browser_page
    blocked = _csp_watch(page)
    _log_in(page, live_server, world.worker_a)
    page.get_by_role("link", name="Familie Kaya", exact=True).click()
    page.get_by_role("link", name="Plan", exact=True).click()

    page.get_by_role("link", name="Plan wijzigen").click()
    page.get_by_label(re.compile(r"^\s*Wat goed gaat")).fill("Elif kookt elke dag voor de buren.")
    page.get_by_role("button", name="Opslaan").click()
    page.get_by_text("Plan opgeslagen.").wait_for()
    assert page.get_by_text("Elif kookt elke dag voor de buren.").is_visible()

    page.get_by_role("link", name="Actie toevoegen").click()
    page.get_by_label(re.compile(r"^\s*Wat\b")).fill("Samen naar de buurtkamer")
    page.get_by_role("radio", name="Netwerklid").check()
    page.get_by_role("combobox", name="Netwerklid").select_option(label="Buurman Piet")
    page.get_by_role("button", name="Opslaan").click()
    page.get_by_role("button", name=re.compile("Samen naar de buurtkamer")).wait_for()

    page.goto(live_server.url + f"/households/{household.pk}/assessments/new/")
    for select in page.locator("select[name^=score_]").all():
        select.select_option("3")
    page.locator("select[name^=score_]").first.select_option("1")
    page.get_by_role("button", name="Opslaan").click()
    page.get_by_text("Zelfredzaamheid gescoord.").wait_for()
    assert page.locator("svg circle").count() == 13
    assert page.get_by_role("table").get_by_text("Financiën").is_visible()

    page.goto(live_server.url + f"/households/{household.pk}/plan/print/")
    page.get_by_role("heading", name="Ons plan: Familie Kaya").wait_for()
    assert page.get_by_text("Samen naar de buurtkamer").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert blocked == []


def test_doorstep_attempt_in_three_taps_from_the_caseload(live_server, browser_page, world):
    """On a phone: caseload → 'Contact vastleggen' → 'Niet thuis, kaartje achtergelaten'."""
    household = HouseholdFactory(team=world.team_a, name="Familie Demir", lead_worker=world.worker_a)
    SafetyWarningFactory(household=household, recorded_by=world.coordinator_a, advice=["in_pairs"])
    page = browser_page
    blocked = _csp_watch(page)
    _log_in(page, live_server, world.worker_a)
    page.get_by_role("heading", name="Mijn caseload").wait_for()
    page.evaluate("window.notReloaded = true")

    taps = 0
    page.get_by_role("link", name="Contact vastleggen Familie Demir").click()
    taps += 1
    assert page.get_by_text("Met z'n tweeën op bezoek").first.is_visible(), "the warning is next to the visit"
    page.get_by_role("button", name="Niet thuis, kaartje achtergelaten").click()
    taps += 1
    page.get_by_text("Vastgelegd: Kaartje of briefje achtergelaten").wait_for()

    assert taps <= 3
    assert page.evaluate("window.notReloaded") is True, "no full page load"
    contact = household.contacts.get()
    assert (contact.kind, contact.reached) == ("card_left", False)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert blocked == []
