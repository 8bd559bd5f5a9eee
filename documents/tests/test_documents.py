"""Documents in the case file: safe intake with a real clamd, private storage, downloads only
through the gateway, logged; the household page's list in one query."""

import datetime
import io
import logging
import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.models import AccessEvent
from cases.tests.factories import HouseholdFactory, PersonFactory
from documents import scanner, services, testing
from documents.models import Document
from documents.tasks import scan_pending
from documents.testing import EICAR, stored_document
from documents.tests.test_intake import PDF_BYTES

pytestmark = pytest.mark.django_db

LETTER = b"Beste mevrouw Jansen,\nUw aanvraag voor de Wmo is ontvangen.\n"


@pytest.fixture
def household(world):
    household = HouseholdFactory(team=world.team_a, name="Familie Jansen", lead_worker=world.worker_a)
    PersonFactory(
        household=household, first_name="Piet", last_name="Jansen", birth_date=datetime.date(1980, 1, 1)
    )
    return household


def add_url(household):
    return reverse("documents:document_add", args=[household.pk])


def download_url(document):
    return reverse("documents:document_download", args=[document.household_id, document.pk])


def post_document(client, household, content: bytes, name: str = "brief.txt", **fields):
    data = {
        "file": SimpleUploadedFile(name, content, content_type="application/octet-stream"),
        "title": "Brief van de Wmo",
        "kind": "letter_in",
        "date": "2026-11-20",
        "confidentiality": "team",
        **fields,
    }
    return client.post(add_url(household), data)


def stored_keys() -> list[str]:
    storage = services.storage()
    keys = []

    def walk(folder):
        folders, files = storage.listdir(folder)
        keys.extend(f"{folder}/{name}".lstrip("/") for name in files)
        for sub in folders:
            walk(f"{folder}/{sub}".lstrip("/"))

    if hasattr(storage, "location") and not os.path.isdir(storage.location):
        return []
    walk("")
    return keys


# --- Intake with the real clamd -----------------------------------------------------------------


def test_a_clean_letter_is_scanned_stored_under_a_random_key_and_listed(client, world, household, clamd):
    client.force_login(world.worker_a)
    response = post_document(client, household, LETTER, name="Brief Wmo (1).txt")
    assert response.status_code == 302 and response.url.endswith("#documents")
    document = Document.objects.get(household=household)
    assert document.scan_status == Document.ScanStatus.CLEAN and document.downloadable
    assert (document.content_type, document.file_name, document.size) == (
        "text/plain",
        "Brief Wmo (1).txt",
        len(LETTER),
    )
    assert "Brief" not in document.storage_key and document.storage_key in stored_keys()
    record = document.history.get()
    assert record.history_user == world.worker_a and record.history_change_reason == "Document toegevoegd"
    page = client.get(household.get_absolute_url())
    assert "Brief van de Wmo" in page.text and f'href="{download_url(document)}"' in page.text


def test_the_eicar_file_is_refused_by_clamd_and_logged(client, world, household, clamd, caplog):
    """The EICAR test file: refused with a Dutch message at the field, what was typed kept,
    a security-log line, nothing stored."""
    client.force_login(world.worker_a)
    with caplog.at_level(logging.WARNING, logger="wijkteam.security"):
        response = post_document(client, household, EICAR, name="factuur.txt", title="Factuur energie")
    assert response.status_code == 400
    assert "bevat een virus" in response.text and "Wijkteam.Test.EICAR" in response.text
    assert 'value="Factuur energie"' in response.text
    assert not Document.objects.exists() and stored_keys() == []
    event = next(r for r in caplog.records if getattr(r, "security_event", "") == "document_infected")
    assert event.by_user_id == world.worker_a.pk and "EICAR" in event.signature


def test_a_file_above_clamds_stream_limit_is_refused_not_skipped(client, world, household, clamd):
    client.force_login(world.worker_a)
    big = LETTER * (testing.STREAM_MAX_LENGTH // len(LETTER) + 10)
    response = post_document(client, household, big)
    assert response.status_code == 400
    assert "Dit bestand is 2,0\xa0MB; maximaal 2,0\xa0MB is toegestaan." in response.text
    assert not Document.objects.exists()


def test_clamd_stopping_at_its_limit_is_a_refusal(clamd, settings):
    """Should the mirrored setting be higher than clamd.conf's, clamd's own limit still refuses."""
    settings.CLAMD_STREAM_MAX_LENGTH = 10 * testing.STREAM_MAX_LENGTH
    verdict = scanner.scan(
        io.BytesIO(b"a" * (testing.STREAM_MAX_LENGTH + 4096)), testing.STREAM_MAX_LENGTH + 4096
    )
    assert verdict.result == scanner.TOO_LARGE


def test_a_pdf_renamed_jpg_is_stored_and_served_as_a_pdf(client, world, household, clamd):
    client.force_login(world.worker_a)
    post_document(client, household, PDF_BYTES, name="foto.jpg", kind="photo")
    document = Document.objects.get()
    assert (document.content_type, document.file_name) == ("application/pdf", "foto.pdf")
    response = client.get(download_url(document))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert not response["Content-Type"].startswith("image/")
    assert b"".join(response.streaming_content) == PDF_BYTES


def test_an_html_page_renamed_pdf_is_refused(client, world, household, clamd):
    client.force_login(world.worker_a)
    response = post_document(client, household, b"<html><script>alert(1)</script></html>", name="brief.pdf")
    assert response.status_code == 400 and "niet geaccepteerd" in response.text
    assert not Document.objects.exists()


def test_a_form_without_a_file_says_so_at_the_field(client, world, household):
    client.force_login(world.worker_a)
    response = client.post(
        add_url(household), {"title": "Zonder bestand", "kind": "other", "date": "2026-11-20"}
    )
    assert response.status_code == 400
    assert "Kies een bestand, of maak een foto." in response.text
    assert 'value="Zonder bestand"' in response.text


# --- Quarantine ---------------------------------------------------------------------------------


def test_without_clamd_the_upload_waits_in_quarantine_until_scanned(
    client, world, household, clamd_socket, settings, django_capture_on_commit_callbacks
):
    """clamd unreachable: kept as pending, not downloadable; the task scans it once clamd is back."""
    client.force_login(world.worker_a)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = post_document(client, household, LETTER)
    assert response.status_code == 302
    assert len(callbacks) == 1, "a scan is queued"
    document = Document.objects.get()
    assert document.scan_status == Document.ScanStatus.PENDING and not document.downloadable
    page = client.get(household.get_absolute_url())
    assert "wacht op de virusscan" in page.text and f'href="{download_url(document)}"' not in page.text
    before = AccessEvent.objects.count()
    refused = client.get(download_url(document))
    assert refused.status_code == 302 and AccessEvent.objects.count() == before
    settings.CLAMD_SOCKET = clamd_socket
    assert scan_pending.call() == {"clean": 1}
    document.refresh_from_db()
    assert document.scan_status == Document.ScanStatus.CLEAN
    assert client.get(download_url(document)).status_code == 200


def test_an_infected_file_found_in_quarantine_is_refused_and_deleted(
    client, world, household, clamd_socket, settings, caplog
):
    client.force_login(world.worker_a)
    post_document(client, household, EICAR)
    document = Document.objects.get()
    assert document.scan_status == Document.ScanStatus.PENDING
    settings.CLAMD_SOCKET = clamd_socket
    with caplog.at_level(logging.WARNING, logger="wijkteam.security"), pytest.MonkeyPatch.context() as patch:
        patch.setattr("django.db.transaction.on_commit", lambda fn, *a, **k: fn())
        assert scan_pending.call() == {"infected": 1}
    document.refresh_from_db()
    assert document.scan_status == Document.ScanStatus.INFECTED
    assert stored_keys() == []
    assert any(getattr(r, "security_event", "") == "document_infected" for r in caplog.records)
    assert "Brief van de Wmo" not in client.get(household.get_absolute_url()).text


# --- Downloads: scope, confidentiality, the access log -----------------------------------------


def test_a_download_is_an_attachment_and_writes_one_access_log_row(client, world, household):
    document = stored_document(household, world.worker_a, content=LETTER)
    document.persons.set(household.members.all())
    client.force_login(world.colleague_a)
    before = AccessEvent.objects.count()
    response = client.get(download_url(document))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="brief.txt"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    assert response["Content-Type"] == "text/plain"
    assert b"".join(response.streaming_content) == LETTER
    events = list(AccessEvent.objects.order_by("at", "id")[before:])
    assert len(events) == 1
    event = events[0]
    assert (event.user, event.household, event.object_type, event.object_id, event.result) == (
        world.colleague_a,
        household,
        "document",
        str(document.pk),
        AccessEvent.Result.ALLOWED,
    )
    assert event.action == AccessEvent.Action.EXPORT
    assert event.persons == [str(p.pk) for p in household.members.all()]


def test_a_document_of_another_team_is_404_and_logged_as_refused(client, world, household):
    document = stored_document(household, world.worker_a)
    client.force_login(world.worker_b)
    assert client.get(download_url(document)).status_code == 404
    assert client.get(add_url(household)).status_code == 404
    refused = AccessEvent.objects.filter(user=world.worker_b, result=AccessEvent.Result.DENIED)
    assert refused.count() == 2
    assert not AccessEvent.objects.filter(user=world.worker_b, result=AccessEvent.Result.ALLOWED).exists()


def test_a_document_id_under_another_household_is_404(client, world, household):
    """The document is looked for among the household's own: another household's id in the URL
    finds nothing, even in the same team."""
    other = HouseholdFactory(team=world.team_a, lead_worker=world.worker_a)
    document = stored_document(other, world.worker_a)
    client.force_login(world.worker_a)
    url = reverse("documents:document_download", args=[household.pk, document.pk])
    assert client.get(url).status_code == 404
    assert AccessEvent.objects.filter(result=AccessEvent.Result.DENIED, object_type="document").exists()


def test_a_restricted_document_is_for_the_lead_worker_and_the_coordinator(client, world, household):
    document = stored_document(
        household, world.worker_a, title="Verslag GGZ", confidentiality=Document.Confidentiality.RESTRICTED
    )
    for user, status in [
        (world.worker_a, 200),  # the lead worker
        (world.coordinator_a, 200),
        (world.colleague_a, 404),
        (world.manager_ab, 404),
    ]:
        client.force_login(user)
        assert client.get(download_url(document)).status_code == status, user
        page = client.get(household.get_absolute_url())
        assert ("Verslag GGZ" in page.text) == (status == 200), user
    assert AccessEvent.objects.filter(
        user=world.colleague_a, result=AccessEvent.Result.DENIED, object_type="document"
    ).exists()


def test_a_manager_reads_but_cannot_add(client, world, household):
    client.force_login(world.manager_ab)
    assert client.get(add_url(household)).status_code == 403
    assert "Een document of foto toevoegen" not in client.get(household.get_absolute_url()).text


# --- Versions -----------------------------------------------------------------------------------


def test_a_new_version_replaces_the_old_in_the_list_and_keeps_it(client, world, household, clamd):
    old = stored_document(household, world.worker_a, title="Plan van aanpak")
    client.force_login(world.worker_a)
    response = post_document(client, household, LETTER, title="Plan van aanpak v2", replaces=str(old.pk))
    assert response.status_code == 302
    new = Document.objects.get(replaces=old)
    page = client.get(household.get_absolute_url())
    listed = [d.pk for d in page.context["documents"]]
    assert listed == [new.pk]
    assert "Plan van aanpak v2" in page.text
    assert f'href="{download_url(old)}"' in page.text, "the old one is kept"
    assert client.get(download_url(old)).status_code == 200
    again = post_document(client, household, LETTER, title="Nog een", replaces=str(old.pk))
    assert again.status_code == 400, "a replaced version is not offered again"


# --- The household page's list ------------------------------------------------------------------


def _queries_of_the_household_page(client, household) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(household.get_absolute_url()).status_code == 200
    return [q["sql"] for q in queries.captured_queries]


def test_the_list_costs_one_query_for_1_as_for_50_documents_and_reads_no_file(client, world, household):
    stored_document(household, world.worker_a)
    client.force_login(world.worker_a)
    client.get(household.get_absolute_url())  # the first page after logging in saves the session
    one = _queries_of_the_household_page(client, household)
    for index in range(49):
        stored_document(
            household,
            world.worker_a,
            title=f"Brief {index}",
            replaces=None,
            confidentiality="restricted" if index % 3 else "team",
        )
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(services, "storage", lambda: pytest.fail("the list opened a file"))
        fifty = _queries_of_the_household_page(client, household)
    assert len(fifty) == len(one)
    listing = [sql for sql in fifty if 'FROM "documents_document"' in sql]
    assert len(listing) == 1, listing


# --- Changing what is recorded ----------------------------------------------------------------


def edit_url(document):
    return reverse("documents:document_edit", args=[document.household_id, document.pk])


def test_a_change_of_the_metadata_is_in_the_history_with_its_reason(client, world, household):
    document = stored_document(household, world.worker_a, title="Brief")
    piet = household.members.get()
    client.force_login(world.colleague_a)
    page = client.get(edit_url(document))
    assert page.status_code == 200 and 'value="Brief"' in page.text
    response = client.post(
        edit_url(document),
        {
            "title": "Brief van de woningcorporatie",
            "kind": "letter_in",
            "date": "2026-11-01",
            "confidentiality": "team",
            "persons": [str(piet.pk)],
            "reason": "Titel aangevuld",
        },
    )
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.title == "Brief van de woningcorporatie" and list(document.persons.all()) == [piet]
    latest = document.history.order_by("-history_date", "-history_id").filter(
        history_change_reason="Titel aangevuld"
    )
    assert latest.exists() and latest.first().history_user == world.colleague_a
    assert document.history.first().prev_record is not None


def test_a_change_without_a_reason_keeps_what_was_typed(client, world, household):
    document = stored_document(household, world.worker_a, title="Brief")
    client.force_login(world.worker_a)
    data = {"title": "Nieuwe titel", "kind": "report", "date": "2026-11-01", "confidentiality": "team"}
    response = client.post(edit_url(document), data)
    assert response.status_code == 400 and 'value="Nieuwe titel"' in response.text
    document.refresh_from_db()
    assert document.title == "Brief"


def test_a_restricted_document_is_changed_only_by_who_may_open_it(client, world, household):
    document = stored_document(household, world.worker_a, title="GGZ", confidentiality="restricted")
    client.force_login(world.colleague_a)
    assert client.get(edit_url(document)).status_code == 404
    client.force_login(world.worker_b)
    assert client.get(edit_url(document)).status_code == 404
    client.force_login(world.coordinator_a)
    assert client.get(edit_url(document)).status_code == 200
