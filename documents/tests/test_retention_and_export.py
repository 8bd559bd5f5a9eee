"""Documents in every privacy duty: retention deletes the files (local folder and S3) and
registers each deletion; the art. 15 export lists the person's documents."""

import datetime
import io

import pytest
from botocore.exceptions import ClientError
from django.core.management import call_command
from freezegun import freeze_time

from cases import export, retention
from cases.models import Household, RetentionRun
from cases.tests.factories import HouseholdFactory, PersonFactory
from documents import services
from documents.models import Document, DocumentDeletion
from documents.testing import stored_document

pytestmark = pytest.mark.django_db
CLOSED = datetime.date(2026, 3, 10)


def closed_household_with_a_document(world):
    household = HouseholdFactory(team=world.team_a, name="Familie Geheim", lead_worker=world.worker_a)
    PersonFactory(household=household, first_name="Johanna", last_name="Geheim")
    document = stored_document(
        household, world.worker_a, content=b"Geheime brief\n", title="Brief over Johanna Geheim"
    )
    household.status, household.closed_on = Household.Status.CLOSED, CLOSED
    household.end_result = "quick_fix"
    household._change_reason = "Gesloten"
    household.save()
    return household, document


def _run_retention():
    with freeze_time("2031-06-01"):
        call_command("apply_retention", stdout=io.StringIO())


def _assert_deleted_and_registered(document):
    document.refresh_from_db()
    assert document.file_deleted_on == datetime.date(2031, 6, 1)
    assert document.title == "–" and document.file_name == "–"
    titles = " ".join(document.history.values_list("title", flat=True))
    assert "Geheim" not in titles, "history rows too"
    run = RetentionRun.objects.get()
    assert run.counts["document_files"] == 1
    deletion = DocumentDeletion.objects.get()
    assert (deletion.run, deletion.document_id, deletion.kind, deletion.size) == (
        run,
        document.pk,
        "letter_in",
        len(b"Geheime brief\n"),
    )
    assert "Geheim" not in " ".join(str(v) for v in DocumentDeletion.objects.values_list())


def test_retention_deletes_the_file_from_the_local_folder(world):
    household, document = closed_household_with_a_document(world)
    assert services.storage().exists(document.storage_key)
    _run_retention()
    assert not services.storage().exists(document.storage_key)
    _assert_deleted_and_registered(document)
    # A second run finds nothing more to delete.
    with freeze_time("2031-06-02"):
        call_command("apply_retention", stdout=io.StringIO())
    assert DocumentDeletion.objects.count() == 1


def test_retention_deletes_the_file_from_the_s3_bucket(world, s3_documents):
    client, bucket = s3_documents
    household, document = closed_household_with_a_document(world)
    stored = client.get_object(Bucket=bucket, Key=document.storage_key)["Body"].read()
    assert stored == b"Geheime brief\n"
    _run_retention()
    with pytest.raises(ClientError):
        client.head_object(Bucket=bucket, Key=document.storage_key)
    assert client.list_objects_v2(Bucket=bucket).get("KeyCount", 0) == 0
    _assert_deleted_and_registered(document)


def test_retention_keeps_the_files_of_a_household_on_legal_hold(world):
    household, document = closed_household_with_a_document(world)
    household.legal_hold = True
    household.save()
    _run_retention()
    assert services.storage().exists(document.storage_key)
    assert not DocumentDeletion.objects.exists()


def test_an_upload_and_a_download_through_the_s3_bucket(client, world, s3_documents):
    """The app stores in and serves from an S3-compatible bucket (moto's server), privately."""
    s3, bucket = s3_documents
    household = HouseholdFactory(team=world.team_a, lead_worker=world.worker_a)
    client.force_login(world.worker_a)
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    response = client.post(
        reverse("documents:document_add", args=[household.pk]),
        {
            "file": SimpleUploadedFile("brief.txt", b"Brief via S3\n"),
            "title": "Brief via S3",
            "kind": "letter_in",
            "date": "2026-11-20",
            "confidentiality": "team",
        },
    )
    assert response.status_code == 302
    document = Document.objects.get()
    assert s3.get_object(Bucket=bucket, Key=document.storage_key)["Body"].read() == b"Brief via S3\n"
    acl = s3.get_object_acl(Bucket=bucket, Key=document.storage_key)
    assert all("AllUsers" not in str(grant["Grantee"]) for grant in acl["Grants"]), "not public"
    # Waits for the scan (no clamd here): found clean, then downloadable from the bucket.
    document.scan_status = Document.ScanStatus.CLEAN
    document.save()
    download = client.get(reverse("documents:document_download", args=[household.pk, document.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"Brief via S3\n"


def test_the_export_of_a_person_lists_their_documents(world):
    household = HouseholdFactory(team=world.team_a, lead_worker=world.worker_a)
    anna = PersonFactory(household=household, first_name="Anna")
    bert = PersonFactory(household=household, first_name="Bert")
    about_anna = stored_document(household, world.worker_a, title="Beschikking Wmo Anna", kind="decision")
    about_anna.persons.set([anna])
    about_bert = stored_document(household, world.worker_a, title="Schoolrapport Bert", kind="report")
    about_bert.persons.set([bert])
    stored_document(household, world.worker_a, title="Brief woningcorporatie")  # the household's
    data = export.person_export(anna, world.worker_a)
    section = data["sections"]["documents"]
    titles = [record["fields"]["title"] for record in section["records"]]
    assert titles == ["Beschikking Wmo Anna", "Brief woningcorporatie"]
    assert section["withheld"] and section["withheld"][0]["count"] == 1, "Bert's document is withheld"
    fields = section["records"][0]["fields"]
    assert fields["kind"] and fields["file_name"] == "brief.txt" and "storage_key" not in fields
    assert retention.TEXT[Document][1] == {"title": "–", "file_name": "–"}


def test_the_export_can_include_the_files(client, world):
    """?format=zip: the JSON and the person's files (clean ones), one access-log row."""
    import json
    import zipfile

    from django.urls import reverse

    from cases.models import AccessEvent
    from tests.test_export import login_for_real

    household = HouseholdFactory(team=world.team_a, lead_worker=world.worker_a)
    anna = PersonFactory(household=household, first_name="Anna")
    bert = PersonFactory(household=household, first_name="Bert")
    stored_document(household, world.worker_a, content=b"Voor Anna\n", title="Brief Anna").persons.set([anna])
    stored_document(household, world.worker_a, content=b"Voor Bert\n", title="Brief Bert").persons.set([bert])
    stored_document(
        household, world.worker_a, content=b"Wacht\n", title="In quarantaine", scan_status="pending"
    )
    login_for_real(client, world.worker_a)
    before = AccessEvent.objects.count()
    response = client.get(reverse("cases:person_export", args=[household.pk, anna.pk]) + "?format=zip")
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert AccessEvent.objects.count() == before + 1
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    files = sorted(name for name in archive.namelist() if name.startswith("bestanden/"))
    assert len(files) == 1 and files[0].endswith("brief.txt")
    assert archive.read(files[0]) == b"Voor Anna\n"
    data = json.loads(archive.read("inzage.json"))
    titles = [r["fields"]["title"] for r in data["sections"]["documents"]["records"]]
    assert titles == ["Brief Anna", "In quarantaine"]
