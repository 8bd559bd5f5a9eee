"""Issue 24's walk-in hour on a 375-px phone: worker.noord opens today's walk-in hour from the
menu, records three anonymous visits in at most two taps each, and turns one into a household.
No page scrolls sideways."""

import pytest

from cases.models import Household
from teams.models import User
from tests.browser import log_in_as_demo, no_sideways_scroll, open_menu, phone_page
from walkin.models import Visit, WalkInHour

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser_page():
    with phone_page() as page:
        yield page


def test_worker_records_three_visits_in_two_taps_each_and_makes_a_household(live_server, browser_page, demo):
    worker = User.objects.get(username="worker.noord")
    hour = WalkInHour.objects.get(staff=worker)
    before = hour.visits.count()
    page = browser_page
    blocked = []
    page.on(
        "console", lambda msg: blocked.append(msg.text) if "Content Security Policy" in msg.text else None
    )
    log_in_as_demo(page, live_server, worker.username)

    # The walk-in hour from the menu; today's hour is on top.
    open_menu(page)
    page.locator("#main-nav a[href='/inloop/']").click()
    page.locator(f"main a[href='{hour.get_absolute_url()}']").first.click()
    page.locator("#recorder").wait_for()
    assert no_sideways_scroll(page)

    taps = []

    def tap(locator):
        locator.click()
        taps.append(locator)

    def record(topic: str, *chips: str) -> int:
        """Tap the chips, then the topic; wait until the list shows the new visit."""
        taps.clear()
        shown = page.locator("#recorder ul.list-group li[id^=visit-]").count()
        for chip in chips:
            tap(page.locator(f"#recorder label[for={chip}]"))
        tap(page.locator("#recorder button[name=topic]", has_text=topic))
        page.locator("#recorder ul.list-group li[id^=visit-]").nth(shown).wait_for()
        return len(taps)

    assert record("Financiën") == 1
    assert record("Huisvesting", "kind-letter") == 2
    assert record("Sociaal netwerk", "outcome-referred") == 2
    visits = list(hour.visits.order_by("occurred_at", "id"))[before:]
    assert [(v.topic.name, v.kind, v.outcome) for v in visits] == [
        ("Financiën", "question", "answered"),
        ("Huisvesting", "letter", "answered"),
        ("Sociaal netwerk", "question", "referred"),
    ]
    assert not any(v.is_named for v in visits)
    assert no_sideways_scroll(page)

    # "Maak huishouden aan" from the letter: the registration, with the visit carried along.
    letter = visits[1]
    page.locator(f"#visit-{letter.pk} a[href*='visit={letter.pk}']").click()
    page.locator("input[name=visit]").wait_for(state="attached")
    assert no_sideways_scroll(page)
    page.fill("#id_household-name", "Familie Inloop")
    page.fill("#id_household-street", "Kamperweg")
    page.fill("#id_household-house_number", "14")
    page.fill("#id_household-postcode", "8021AB")
    page.fill("#id_household-city", "Zwolle")
    page.fill("#id_member-first_name", "Nadia")
    page.fill("#id_member-last_name", "Inloop")
    page.fill("#id_member-birth_date", "1990-04-01")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    household = Household.objects.get(name="Familie Inloop")
    assert Visit.objects.get(pk=letter.pk).household_id == household.pk
    assert "Huisvesting" in household.notes.get().text
    assert str(household.pk) in page.url
    assert no_sideways_scroll(page)
    assert blocked == []
