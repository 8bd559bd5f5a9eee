"""Issue 17 in Chromium on a 375-px phone: contacts logged without a connection wait on the device
and arrive once, in order, with the time they were logged; a session that expired while typing
keeps the text and saves after logging in again; another user on the same browser never sees or
sends the first user's queue.

Playwright's offline mode cuts the page (and its service worker) from the network, as a
stairwell does.
"""

import datetime
import time

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from cases.models import Contact
from cases.tests.factories import HouseholdFactory
from tests.browser import chromium_browser

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "wijkteam-demo-browser"  # noqa: S105


@pytest.fixture
def browser():
    with chromium_browser() as launched:
        yield launched


@pytest.fixture
def context(browser):
    context = browser.new_context(viewport={"width": 375, "height": 740}, locale="nl-NL")
    yield context
    context.close()


def log_in(page, base_url, user, path="/"):
    user.set_password(PASSWORD)
    user.save()
    page.goto(base_url + path)
    page.get_by_label("Gebruikersnaam").fill(user.username)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_load_state()


def wait_until(check, seconds=15):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.2)
    return check()


def open_row(page, household):
    row = page.locator(f"#row-{household.pk}")
    row.locator(f"a[hx-get*='{household.pk}']").click()
    row.locator("button[name=quick][value=not_home]").wait_for()
    key_at_hand(page)
    return row


def key_at_hand(page):
    """The outbox fetched its key while the connection was there (it cannot without one)."""
    page.locator("body[data-outbox-key=ready]").wait_for(state="attached", timeout=15000)


def worker_ready(page):
    """The service worker controls the page (so that a reload without a connection shows the
    offline page) and the outbox's key is at hand."""
    page.evaluate("navigator.serviceWorker.ready")
    page.wait_for_function("navigator.serviceWorker.controller !== null", timeout=10000)


def test_two_contacts_logged_offline_arrive_once_in_order_with_their_times(live_server, context, world):
    worker = world.worker_a
    aalbers = HouseholdFactory(team=world.team_a, name="Familie Aalbers", lead_worker=worker)
    bakker = HouseholdFactory(team=world.team_a, name="Familie Bakker", lead_worker=worker)
    page = context.new_page()
    log_in(page, live_server.url, worker, reverse("cases:caseload"))
    page.reload()  # the first load registered the service worker; now it controls the page
    worker_ready(page)
    first, second = open_row(page, aalbers), open_row(page, bakker)

    context.set_offline(True)
    now = timezone.localtime().replace(second=0, microsecond=0)
    logged = [now - datetime.timedelta(minutes=40), now - datetime.timedelta(minutes=20)]
    page.clock.set_fixed_time(logged[0])
    first.locator("button[name=quick][value=not_home]").click()
    first.get_by_text("Bewaard op dit toestel").wait_for()
    page.clock.set_fixed_time(logged[1])
    second.locator("button[name=quick][value=card_left]").click()
    second.get_by_text("Bewaard op dit toestel").wait_for()
    outbox = page.locator("#outbox")
    outbox.get_by_text("2 contacten nog niet verstuurd").wait_for()
    assert "Familie Aalbers" in outbox.inner_text()  # readable to its user while the key is in memory
    assert "Uitloggen (er wachten contacten)" in page.locator("form[data-logout]").inner_text()
    assert not Contact.objects.exists()

    # Reloaded without a connection: the offline page with its banner, and the queue's count.
    page.reload()
    assert page.locator("[data-offline-page]").is_visible()
    assert page.locator("#offline-banner").is_visible()
    assert "2 contacten nog niet verstuurd" in page.locator("#outbox").inner_text()
    assert "Familie Aalbers" not in page.content()  # no key on the offline page: no text

    context.set_offline(False)
    assert wait_until(lambda: Contact.objects.count() == 2)
    page.locator("#outbox").get_by_text("2 contacten verstuurd").wait_for()
    contacts = list(Contact.objects.order_by("pk"))
    assert [c.household_id for c in contacts] == [aalbers.pk, bakker.pk]  # in the order logged
    assert [c.at for c in contacts] == logged  # with the time logged, not the time sent
    assert [(c.kind, c.reached) for c in contacts] == [
        (Contact.Kind.HOME_VISIT, False),
        (Contact.Kind.CARD_LEFT, False),
    ]
    time.sleep(1)
    assert Contact.objects.count() == 2


def test_the_same_queued_contact_in_two_tabs_arrives_once(live_server, context, world):
    worker = world.worker_a
    aalbers = HouseholdFactory(team=world.team_a, name="Familie Aalbers", lead_worker=worker)
    page = context.new_page()
    log_in(page, live_server.url, worker, reverse("cases:caseload"))
    other_tab = context.new_page()
    other_tab.goto(live_server.url + reverse("cases:caseload"))
    row = open_row(page, aalbers)
    context.set_offline(True)
    row.locator("button[name=quick][value=not_home]").click()
    row.get_by_text("Bewaard op dit toestel").wait_for()
    # Both tabs see the connection return and both send what waits.
    context.set_offline(False)
    assert wait_until(lambda: Contact.objects.count() == 1)
    other_tab.reload()
    page.reload()
    time.sleep(2)
    assert Contact.objects.filter(household=aalbers).count() == 1
    assert page.locator("#outbox").is_hidden()


def test_the_queued_text_is_not_readable_on_the_device(live_server, context, world):
    worker = world.worker_a
    aalbers = HouseholdFactory(team=world.team_a, name="Familie Aalbers", lead_worker=worker)
    page = context.new_page()
    log_in(page, live_server.url, worker, aalbers.get_absolute_url())
    contacts = page.locator("#contacts")
    contacts.get_by_text("Ander contact, of meer details").click()
    contacts.get_by_label("Toelichting").fill("Moeder ligt in het ziekenhuis")
    key_at_hand(page)
    context.set_offline(True)
    contacts.get_by_role("button", name="Contact opslaan").click()
    contacts.get_by_text("Bewaard op dit toestel").wait_for()
    stored = page.evaluate(
        """() => new Promise((resolve) => {
            const open = indexedDB.open("wijkteam-outbox");
            open.onsuccess = () => {
              const all = open.result.transaction("contacts").objectStore("contacts").getAll();
              all.onsuccess = () => resolve(all.result.map((item) => JSON.stringify({
                ...item, data: Array.from(new Uint8Array(item.data)), iv: Array.from(item.iv)})));
            };
          })"""
    )
    assert len(stored) == 1
    assert "ziekenhuis" not in stored[0] and "Aalbers" not in stored[0]
    assert "ziekenhuis" not in page.evaluate("JSON.stringify(localStorage)")
    context.set_offline(False)
    assert wait_until(lambda: Contact.objects.filter(note="Moeder ligt in het ziekenhuis").exists())


def test_a_session_that_expired_while_typing_keeps_the_text_and_saves_after_logging_in(
    live_server, context, world
):
    worker = world.worker_a
    aalbers = HouseholdFactory(team=world.team_a, name="Familie Aalbers", lead_worker=worker)
    page = context.new_page()
    log_in(page, live_server.url, worker, aalbers.get_absolute_url())
    contacts = page.locator("#contacts")
    contacts.get_by_text("Ander contact, of meer details").click()
    note = contacts.get_by_label("Toelichting")
    note.fill("Gesproken met de buurvrouw")
    Session.objects.all().delete()  # the idle timeout passed while the worker talked at the door

    contacts.get_by_role("button", name="Contact opslaan").click()
    warning = page.get_by_text("Uw sessie is verlopen")
    warning.wait_for()
    assert note.input_value() == "Gesproken met de buurvrouw"
    assert page.locator("#contacts form").count() == 1  # no login page inside the page
    assert not Contact.objects.exists()

    with context.expect_page() as opened:
        page.get_by_role("button", name="Opnieuw inloggen").click()
    login = opened.value
    login.get_by_label("Gebruikersnaam").fill(worker.username)
    login.get_by_label("Wachtwoord").fill(PASSWORD)
    login.get_by_role("button", name="Inloggen").click()
    login.wait_for_event("close", timeout=10000)  # the tab that it opened closes itself

    page.get_by_text("U bent weer ingelogd").wait_for()
    assert note.input_value() == "Gesproken met de buurvrouw"
    contacts.get_by_role("button", name="Contact opslaan").click()
    assert wait_until(lambda: Contact.objects.filter(note="Gesproken met de buurvrouw").count() == 1)


def test_another_user_on_the_same_browser_never_sees_or_sends_the_queue(live_server, context, world):
    worker = world.worker_a
    aalbers = HouseholdFactory(team=world.team_a, name="Familie Aalbers", lead_worker=worker)
    page = context.new_page()
    log_in(page, live_server.url, worker, reverse("cases:caseload"))
    row = open_row(page, aalbers)
    context.set_offline(True)
    row.locator("button[name=quick][value=not_home]").click()
    row.get_by_text("Bewaard op dit toestel").wait_for()
    # The worker's session ends before the connection returns: the queue cannot be sent.
    Session.objects.all().delete()
    context.set_offline(False)
    page.get_by_text("Log opnieuw in om ze te versturen").wait_for()

    # A colleague logs in on the same browser.
    colleague = world.colleague_a
    context.clear_cookies()
    log_in(page, live_server.url, colleague, reverse("cases:caseload"))
    page.wait_for_timeout(1500)
    assert page.locator("#outbox").is_hidden()
    assert "nog niet verstuurd" not in page.locator("body").inner_text()
    assert not Contact.objects.exists()
    with page.expect_navigation():  # logged out before the worker logs in again
        page.locator("form[data-logout] button").evaluate("button => button.form.requestSubmit()")

    # The worker again: the queue is theirs, and goes.
    log_in(page, live_server.url, worker, reverse("cases:caseload"))
    assert wait_until(lambda: Contact.objects.filter(household=aalbers).count() == 1)
    assert list(Contact.objects.get().workers.all()) == [worker]


def test_a_browser_that_cannot_keep_anything_keeps_the_text_in_the_form(live_server, context, world):
    """A private window without IndexedDB: nothing is queued, nothing is lost from the form."""
    worker = world.worker_a
    aalbers = HouseholdFactory(team=world.team_a, name="Familie Aalbers", lead_worker=worker)
    page = context.new_page()
    page.add_init_script("Object.defineProperty(window, 'indexedDB', {value: undefined})")
    log_in(page, live_server.url, worker, aalbers.get_absolute_url())
    contacts = page.locator("#contacts")
    contacts.get_by_text("Ander contact, of meer details").click()
    note = contacts.get_by_label("Toelichting")
    note.fill("Niemand thuis, hond blafte")
    context.set_offline(True)
    contacts.get_by_role("button", name="Contact opslaan").click()
    page.get_by_text("deze browser kan het niet bewaren").wait_for()
    assert note.input_value() == "Niemand thuis, hond blafte"
