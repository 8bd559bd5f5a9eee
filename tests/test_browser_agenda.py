"""Issue 16's journey on a 375-px phone: the worker opens the app, sees today's appointments first,
calls a member with a tap, logs "not home" and accepts the proposed next attempt in at most three
taps, and the household stays on top of the caseload with that attempt."""

import datetime

import pytest
from django.utils import timezone

from cases import services
from cases.models import Appointment
from cases.tests.factories import ContactFactory, HouseholdFactory, PersonFactory
from tests.browser import chromium_browser

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser_page():
    with chromium_browser() as browser:
        context = browser.new_context(viewport={"width": 375, "height": 740}, locale="nl-NL")
        yield context.new_page()


def test_the_worker_day_on_a_phone(live_server, browser_page, world):
    worker = world.worker_a
    worker.set_password("wijkteam-demo-browser")
    worker.save()
    visser = HouseholdFactory(team=world.team_a, name="Familie Visser", lead_worker=worker)
    henk = PersonFactory(household=visser, first_name="Henk", last_name="Visser", phone="0612345678")
    later = HouseholdFactory(team=world.team_a, name="Familie Aalbers", lead_worker=worker)
    ContactFactory(
        household=later,
        recorded_by=worker,
        reached=True,
        follow_up_on=timezone.localdate() + datetime.timedelta(days=7),
    )
    HouseholdFactory(team=world.team_a, name="Familie Bakker", lead_worker=worker)
    # A visit that started a few minutes ago: the worker is at the door.
    now = timezone.localtime()
    starts = max(now - datetime.timedelta(minutes=5), now.replace(hour=0, minute=0))
    services.appointment_create(
        appointment=Appointment(
            date=now.date(),
            starts_at=starts.time().replace(second=0, microsecond=0),
            ends_at=datetime.time(23, 59),
            purpose="Huisbezoek",
        ),
        household=visser,
        by=worker,
        workers=[worker],
        persons=[henk],
    )
    page = browser_page
    blocked = []
    page.on(
        "console", lambda msg: blocked.append(msg.text) if "Content Security Policy" in msg.text else None
    )

    page.goto(live_server.url + "/")
    page.get_by_label("Gebruikersnaam").fill(worker.username)
    page.get_by_label("Wachtwoord").fill("wijkteam-demo-browser")
    page.get_by_role("button", name="Inloggen").click()

    # Today's appointments come first on the start page, with a tap-to-call link.
    today = page.locator("section[aria-labelledby=today-heading]")
    today.wait_for()
    first_section = page.locator("main section, main ul").first
    assert first_section.get_attribute("aria-labelledby") == "today-heading"
    assert "Familie Visser" in today.inner_text()
    call = today.locator("a[href^='tel:']").first
    assert call.get_attribute("href") in ("tel:+31612345678", "tel:0612345678")
    assert call.is_visible()
    # The page does not scroll sideways on a phone.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    # Tap 1: log a contact on the household's row; tap 2: "not home"; tap 3: plan the proposal.
    row = page.locator(f"#row-{visser.pk}")
    row.locator(f"a[hx-get*='{visser.pk}']").click()
    row.locator("button[name=quick][value=not_home]").click()
    accept = row.locator("form[action$='/appointments/next/'] button[type=submit]")
    with page.expect_navigation():  # a plain form: sent once the session is found alive
        accept.click()

    attempt = visser.appointments.get(status=Appointment.Status.PLANNED)
    assert attempt.date > now.date()
    assert visser.appointments.get(status=Appointment.Status.DONE).contact.reached is False
    rows = page.locator("li[id^=row-]")
    assert rows.first.get_attribute("id") == f"row-{visser.pk}"  # still on top, with its attempt
    assert attempt.starts_at.strftime("%H:%M") in rows.first.inner_text()
    assert blocked == []
