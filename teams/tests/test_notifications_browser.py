"""The bell on a phone, in real Chromium: visible without opening the menu, and the notifications
pages without WCAG 2.1 A/AA violations (axe-core), with unread and read notifications."""

import pytest
from django.db import connections
from django.urls import reverse

from teams.notifications import Event, notify
from tests.browser import chromium_browser
from tests.test_accessibility import PHONE, _axe_page, _check, _log_in, _report


@pytest.fixture
def chromium():
    with chromium_browser() as browser:
        yield browser
        # While Playwright's loop runs, the test's ORM calls get connections of their own: close
        # them before it stops, or the test database cannot be flushed.
        connections.close_all()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_bell_on_a_phone_and_the_notifications_pages(live_server, chromium, world):
    for index, kind in enumerate(["assigned", "overdue", "household_changed"]):
        event = Event(
            user_id=world.worker_a.pk, kind=kind, url="/", key=f"k{index}", reference="WT-AB12-CD34"
        )
        notify(event)
    page = _axe_page(chromium, viewport=PHONE)
    _log_in(page, live_server, world.worker_a)
    bell = page.locator("a.bell")
    assert bell.locator(".badge").inner_text() == "3"
    assert bell.is_visible()  # on a phone, beside the menu button, the menu shut
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    found: dict = {}
    bell.click()
    page.wait_for_url(f"**{reverse('teams:notifications')}")
    _check(page, page.url, found, "notifications at 375 px")
    _check(page, live_server.url + reverse("teams:notification_settings"), found, "e-mail settings at 375 px")
    page.goto(live_server.url + reverse("teams:notifications"))
    with page.expect_navigation():  # a plain form: sent once the session is found alive
        page.get_by_role("button", name="WT-AB12-CD34").first.click()  # open one: read, and followed
    page.goto(live_server.url + reverse("teams:notifications"))
    _check(page, page.url, found, "notifications, one read")
    assert page.locator("a.bell .badge").inner_text() == "2"
    page.context.close()
    assert not found, _report(found)
