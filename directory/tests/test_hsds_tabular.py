"""HSDS 3.0's tabular data package out and in: the CSVs have HSDS's columns, every row meets the
package's own descriptor, and the round trip (tabular export, import into an empty directory,
export) is lossless; the coordinator's download."""

import io
import json
import pathlib
import zipfile

import pytest
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse

from directory import hsds
from directory.hsds import tabular
from directory.models import (
    Location,
    OpeningHours,
    OrganisationProfile,
    Service,
    ServiceAtLocation,
    TaxonomyTerm,
)
from directory.tests.factories import ContactFactory, ServiceFactory

SHARED = pathlib.Path(__file__).resolve().parents[3] / "shared" / "hsds-3.0" / "schema" / "compiled"


class Rollback(Exception):
    pass


def small_directory():
    """Two organisations (one with KvK and AGB), services with every nested kind the export fills,
    a location with opening hours and a confidential one."""
    debt = ServiceFactory(
        name="Schuldhulpverlening",
        life_domains=[TaxonomyTerm.objects.get(code="financien")],
        target_groups=[TaxonomyTerm.objects.get(code="ouders")],
        postcode_areas=["8021"],
        area_codes=["GM0193", "WK019301"],
        languages="Nederlands, Arabisch",
        accessibility="Rolstoeltoegankelijk",
        minimum_age=18,
        phone="038 498 2000",
        url="https://schuldhulp.example/aanmelden",
    )
    organisation = debt.organisation
    organisation.phone, organisation.email = "038 498 1000", "info@schuldhulp.example"
    organisation.save()
    OrganisationProfile.objects.create(
        organisation=organisation,
        description='Gemeentelijke schuldhulp, "snel" en dichtbij;\nook op afspraak.',
        website="https://schuldhulp.example",
        kvk="41025148",
        agb="01234567",
        update_email="kaart@schuldhulp.example",
    )
    ContactFactory(service=debt, name="Ilse Brouwer")
    ContactFactory(service=None, organisation=organisation, name="Kees Bakker", phone="")
    office = Location.objects.create(
        organisation=organisation,
        name="Stadskantoor",
        street="Lübeckplein 2",
        postcode="8017 JZ",
        city="Zwolle",
        municipality_code="GM0193",
        area_codes=["WK019301"],
        postcode_areas=["8017"],
    )
    OpeningHours.objects.create(location=office, weekday=1, opens_at="09:00", closes_at="17:00")
    OpeningHours.objects.create(location=office, weekday=5, opens_at="09:00", closes_at="12:30")
    ServiceAtLocation.objects.create(service=debt, location=office)
    shelter = ServiceFactory(name="Opvang", status=Service.Status.TEMPORARILY_CLOSED, last_verified=None)
    hidden = Location.objects.create(
        organisation=shelter.organisation,
        name="Opvanghuis",
        street="Geheimstraat 1",
        postcode="8000 AA",
        city="Zwolle",
        confidential=True,
    )
    ServiceAtLocation.objects.create(service=shelter, location=hidden)


def _package(files: dict) -> tuple[dict, dict]:
    return tabular.rows_of(files)


@pytest.mark.django_db
def test_the_copied_tabular_schema_is_the_shared_one():
    if not SHARED.exists():
        pytest.skip("../shared/hsds-3.0 is not beside the checkout")
    assert tabular.TABULAR.read_bytes() == (SHARED / "tabular.json").read_bytes()


@pytest.mark.django_db
def test_every_csv_has_the_columns_of_hsds_tabular_schema_and_every_row_meets_the_package():
    small_directory()
    files = tabular.write(hsds.export_document())
    schema = json.loads(tabular.TABULAR.read_text())["properties"]
    package, tables = _package(files)
    assert package["profile"] == "tabular-data-package" and package["hsds_profile"] == hsds.PROFILE_URI
    assert {r["path"] for r in package["resources"]} == {t["items"]["path"] for t in schema.values()}
    for name, table in schema.items():
        columns = [f for f, spec in table["items"]["properties"].items() if spec["type"] != "array"]
        header, _rows = tables[name]
        assert header == columns, name
    assert tabular.problems(files) == []
    counts = {name: len(rows) for name, (_header, rows) in tables.items()}
    assert counts["organization"] == 2 and counts["service"] == 2 and counts["location"] == 2
    assert counts["schedule"] == 2 and counts["contact"] == 2 and counts["service_area"] == 3
    assert counts["language"] == 2 and counts["service_at_location"] == 2 and counts["address"] == 2
    assert counts["taxonomy"] == 2 and counts["taxonomy_term"] == TaxonomyTerm.objects.count()
    # The contact's phone names the contact; the attribute of a term names the term.
    phones = tables["phone"][1]
    assert sum(1 for row in phones if row["contact_id"]) == 1
    assert any(row["taxonomy_term_id"] for row in tables["attribute"][1])
    service = next(row for row in tables["service"][1] if row["name"] == "Schuldhulpverlening")
    assert (service["minimum_age"], service["status"]) == ("18", "active")


@pytest.mark.django_db
def test_the_validator_finds_every_kind_of_breach():
    small_directory()
    files = tabular.write(hsds.export_document())

    def broken(path, column, value, row=0):
        header, *lines = list(csv_rows(files[path]))
        lines[row][header.index(column)] = value
        return {**files, path: csv_bytes([header, *lines])}

    unknown = "00000000-0000-4000-8000-000000000000"
    cases = [
        (broken("services.csv", "status", "open"), "not one of"),
        (broken("services.csv", "name", ""), "required"),
        (broken("services.csv", "minimum_age", "achttien"), "not a number"),
        (broken("services.csv", "assured_date", "31-12-2026"), "not a date"),
        (broken("schedules.csv", "opens_at", "9 uur"), "not a time"),
        (broken("services.csv", "last_modified", "gisteren"), "not a datetime"),
        (broken("services.csv", "organization_id", unknown), "no organization with id"),
        (broken("phones.csv", "contact_id", unknown), "no contact with id"),
    ]
    for package, expected in cases:
        found = tabular.problems(package)
        assert len(found) == 1 and expected in found[0], (expected, found)
    header, *lines = csv_rows(files["organizations.csv"])
    swapped = {**files, "organizations.csv": csv_bytes([[header[1], header[0], *header[2:]], *lines])}
    assert "header" in tabular.problems(swapped)[0]
    with pytest.raises(ValueError, match="not one of"):
        tabular.document_of(cases[0][0])


def csv_rows(content: bytes) -> list[list[str]]:
    import csv

    return list(csv.reader(io.StringIO(content.decode())))


def csv_bytes(rows: list[list[str]]) -> bytes:
    import csv

    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode()


@pytest.mark.django_db
def test_the_round_trip_through_the_tabular_package_is_lossless(tmp_path):
    """Tabular export (zip), empty the directory (the transaction rolled back), import the zip,
    export again: the same JSON document, and the same package byte for byte."""
    path = tmp_path / "sociale-kaart.zip"
    with pytest.raises(Rollback), transaction.atomic():
        small_directory()
        document = json.loads(json.dumps(hsds.export_document()))
        call_command("hsds_export", str(path), format="tabular")
        raise Rollback
    assert not Service.objects.exists() and not OrganisationProfile.objects.exists()
    call_command("hsds_import", str(path))
    assert Location.objects.filter(confidential=True).count() == 1
    assert Location.objects.get(name="Stadskantoor").postcode_areas == ["8017"]
    assert json.loads(json.dumps(hsds.export_document())) == document
    with zipfile.ZipFile(path) as archive:
        before = {name: archive.read(name) for name in archive.namelist()}
    assert tabular.write(hsds.export_document()) == before
    folder = tmp_path / "again"
    call_command("hsds_export", str(folder), format="tabular")
    assert tabular.read(folder) == before


@pytest.mark.django_db
def test_the_dutch_profile_and_its_identifiers_are_in_the_package():
    small_directory()
    package, tables = _package(tabular.write(hsds.export_document()))
    assert package["hsds_profile"] == hsds.PROFILE_URI and package["hsds_version"] == "3.0"
    rows = tables["organization_identifier"][1]
    identifiers = {(row["identifier_scheme"], row["identifier"]) for row in rows}
    assert identifiers == {("NL-KVK", "41025148"), ("NL-AGB", "01234567")}
    organisation = OrganisationProfile.objects.get().pk
    assert {row["organization_id"] for row in rows} == {str(organisation)}
    areas = {(row["extent_type"], row["name"]) for row in tables["service_area"][1]}
    assert ("cbs", "WK019301") in areas and ("pc4", "8021") in areas


@pytest.mark.django_db
def test_the_coordinator_downloads_the_map_and_a_worker_may_not(client, world):
    small_directory()
    client.force_login(world.worker_a)
    assert client.get(reverse("directory:export_tabular")).status_code == 403
    assert client.get(reverse("directory:export_json")).status_code == 403
    client.force_login(world.coordinator_a)
    page = client.get(reverse("directory:stale")).content.decode()
    assert reverse("directory:export_tabular") in page and reverse("directory:export_json") in page
    answer = client.get(reverse("directory:export_tabular"))
    assert answer.status_code == 200 and answer["Content-Type"] == "application/zip"
    assert "attachment" in answer["Content-Disposition"]
    files = tabular.read(io.BytesIO(answer.content))
    assert tabular.problems(files) == []
    assert "Ilse Brouwer" in files["contacts.csv"].decode()  # professional data, for coordinators
    document = client.get(reverse("directory:export_json")).json()
    assert hsds.errors(document) == [] and document["profile"] == hsds.PROFILE_URI
