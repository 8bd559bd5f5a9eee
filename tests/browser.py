"""Chromium for the browser tests: Debian's /usr/bin/chromium, driven by Playwright."""

import os
import shutil
from contextlib import contextmanager

import pytest
from django.db import connections

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@contextmanager
def chromium_browser():
    """Skips without Chromium (fails with REQUIRE_BROWSER=1); yields a launched browser."""
    if not shutil.which(CHROMIUM):
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(f"REQUIRE_BROWSER=1 but {CHROMIUM} is missing (apt-get install chromium)")
        pytest.skip(f"{CHROMIUM} is not installed")
    # Playwright's sync API runs an event loop in this thread; Django's ORM calls in the tests
    # are still synchronous and safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield browser
        finally:
            browser.close()
    # While Playwright's loop runs, the test's ORM calls get a database connection of their own
    # (asgiref's context-local storage); close it, or the test database cannot be dropped.
    connections.close_all()


@contextmanager
def phone_page():
    """A page on a 375-px phone, in Dutch."""
    with chromium_browser() as browser:
        context = browser.new_context(viewport={"width": 375, "height": 740}, locale="nl-NL")
        yield context.new_page()


def no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= 375")


def log_in_as_demo(page, live_server, username: str):
    """Log in on the login form as a demo account (a password of the test's own); the user."""
    from teams.models import User

    user = User.objects.get(username=username)
    user.set_password(DEMO_PASSWORD)
    user.save()
    page.goto(live_server.url + "/")
    page.get_by_label("Gebruikersnaam").fill(user.username)
    page.get_by_label("Wachtwoord").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    return user


DEMO_PASSWORD = "wijkteam-demo-browser"  # noqa: S105


def open_menu(page):
    """Open the phone's menu. The page's heading shows before its deferred scripts have run, and
    the menu button needs Bootstrap's: on a busy machine a click that early is lost."""
    page.wait_for_load_state("load")
    page.get_by_role("button", name="Menu").click()
    page.locator("#main-nav.show").wait_for()
