"""Issue 20's "done when" on a 375-px phone: worker.noord opens the social map from the menu,
searches "schulden", finds Zwolle's debt services with how to refer, opens one, and links an
action of one of their households' plans to it. No page scrolls sideways."""

import pytest

from cases.models import Action
from directory.models import Service
from teams.models import User
from tests.browser import log_in_as_demo, no_sideways_scroll, open_menu, phone_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser_page():
    with phone_page() as page:
        yield page


def test_worker_finds_debt_help_and_refers_a_plan_action_on_a_phone(live_server, browser_page, demo):
    worker = User.objects.get(username="worker.noord")
    action = (
        Action.objects.filter(
            plan__household__lead_worker=worker,
            plan__status="current",
            plan__household__status="open",
            status="open",
            service__isnull=True,
        )
        .select_related("plan")
        .first()
    )
    assert action is not None, "the demo gives worker.noord a plan with an open action"
    page = browser_page
    log_in_as_demo(page, live_server, worker.username)

    # The social map from the menu; search "schulden".
    open_menu(page)
    page.get_by_role("link", name="Sociale kaart").click()
    page.get_by_label("Wat zoekt u?").fill("schulden")
    page.get_by_role("button", name="Zoeken", exact=True).click()
    results = page.locator("main .list-group")
    results.wait_for()
    text = results.inner_text()
    assert "Schuldhulpverlening" in text and "Schuldhulp Zwolle" in text
    assert "Hoe verwijzen" in text or "How to refer" in text
    assert no_sideways_scroll(page)

    # From the action on the plan: refer to a service, the same search, open one, link it.
    page.goto(f"{live_server.url}/households/{action.plan.household_id}/plan/")
    page.locator(f"a[href*='action={action.pk}']").click()
    page.get_by_label("Wat zoekt u?").fill("schulden")
    page.get_by_role("button", name="Zoeken", exact=True).click()
    page.get_by_role("link", name="Schuldhulpverlening", exact=True).click()
    assert "Aanmelden via het online formulier" in page.content()  # how to refer
    assert no_sideways_scroll(page)
    with page.expect_navigation():
        page.locator("form[action*='/service/'] button[type=submit]").click()
    action.refresh_from_db()
    assert action.service == Service.objects.get(name="Schuldhulpverlening")
    assert "Schuldhulpverlening" in page.content()
    assert no_sideways_scroll(page)
