"""On a 375-px phone: the worker opens the household, takes a photo of a letter (the camera's
file input), gives it a title and adds it; clamd scans it, and it is in the list to open."""

import pytest

from cases.tests.factories import HouseholdFactory
from documents.models import Document
from documents.tests.test_intake import JPEG_BYTES
from tests.browser import chromium_browser

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser_page():
    with chromium_browser() as browser:
        context = browser.new_context(viewport={"width": 375, "height": 740}, locale="nl-NL")
        yield context.new_page()


def test_a_photo_of_a_letter_from_a_phone(live_server, browser_page, world, clamd, tmp_path):
    worker = world.worker_a
    worker.set_password("wijkteam-demo-browser")
    worker.save()
    household = HouseholdFactory(team=world.team_a, name="Familie Visser", lead_worker=worker)
    photo = tmp_path / "IMG_0042.jpg"
    photo.write_bytes(JPEG_BYTES)
    page = browser_page
    blocked = []
    page.on(
        "console", lambda msg: blocked.append(msg.text) if "Content Security Policy" in msg.text else None
    )

    page.goto(live_server.url + household.get_absolute_url())
    page.fill("input[name=login]", worker.username)
    page.fill("input[name=password]", "wijkteam-demo-browser")
    page.click("button[type=submit]")
    page.wait_for_url(f"**{household.get_absolute_url()}")

    section = page.locator("#documents")
    section.get_by_text("Een document of foto toevoegen").click()
    camera = section.locator("input[name=photo]")
    assert camera.get_attribute("capture") == "environment"
    assert camera.get_attribute("accept") == "image/*"
    camera.set_input_files(str(photo))
    section.locator("input[name=title]").fill("Brief van de school")
    section.locator("select[name=kind]").select_option("photo")
    section.get_by_role("button", name="Document toevoegen").click()
    page.wait_for_url(f"**{household.get_absolute_url()}#documents")

    assert "Document toegevoegd." in page.content()
    link = page.locator("#documents").get_by_role("link", name="Brief van de school")
    assert link.is_visible()
    # The page fits the phone: nothing wider than the screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    document = Document.objects.get(household=household)
    assert (document.scan_status, document.content_type, document.file_name) == (
        "clean",
        "image/jpeg",
        "IMG_0042.jpg",
    )
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename == "IMG_0042.jpg"
    with open(download.value.path(), "rb") as saved:
        assert saved.read() == JPEG_BYTES
    assert blocked == []
