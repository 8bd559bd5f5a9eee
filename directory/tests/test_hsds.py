"""HSDS 3.0 out and in: every exported object validates against the shared schemas, and the
round trip (export, import into an empty directory, export) is lossless."""

import json
import pathlib

import pytest
from django.core.management import call_command
from django.db import transaction

from directory import hsds
from directory.demo import seed_directory
from directory.models import Contact, Location, OpeningHours, OrganisationProfile, Service, ServiceAtLocation
from directory.tests.test_search import DEMO_ORGANISATIONS
from teams.models import Organisation

SHARED = pathlib.Path(__file__).resolve().parents[3] / "shared" / "hsds-3.0" / "schema"


class Rollback(Exception):
    pass


def _demo():
    for name, sector in DEMO_ORGANISATIONS:
        Organisation.objects.get_or_create(
            name=name, defaults={"sector": sector, "email": "info@example.org"}
        )
    seed_directory()
    profile = OrganisationProfile.objects.get(organisation__name="Schuldhulp Zwolle")
    profile.agb = "01234567"
    profile.save()
    # A location with an area of its own (HSDS has none per location: attributes carry it).
    office = Location.objects.get(name="Stadskantoor")
    office.area_codes, office.postcode_areas = ["WK019301"], ["8017"]
    office.save()


def test_the_copied_schemas_are_the_shared_ones():
    """directory/hsds/schema holds the shared schemas unchanged (the app runs without ../shared)."""
    if not SHARED.exists():
        pytest.skip("../shared/hsds-3.0 is not beside the checkout")
    for path in SHARED.glob("*.json"):
        assert (hsds.SCHEMA_DIR / path.name).read_bytes() == path.read_bytes(), path.name


@pytest.mark.django_db
def test_every_exported_object_validates_against_the_hsds_schemas():
    _demo()
    document = hsds.export_document()
    assert document["profile"] == hsds.PROFILE_URI
    assert len(document["services"]) >= 20
    assert hsds.errors(document) == []
    # The validation does look: a wrong status or a missing required field is an error.
    broken = json.loads(json.dumps(document))
    broken["services"][0]["status"] = "open"
    del broken["organizations"][0]["name"]
    assert len(hsds.errors(broken)) == 2
    debt = next(s for s in document["services"] if s["name"] == "Schuldhulpverlening")
    assert {"life_domain", "target_group"} <= {a["link_type"] for a in debt["attributes"]}
    assert debt["contacts"][0]["name"] == "Ilse Brouwer"
    kvk = next(o for o in document["organizations"] if o["name"] == "Schuldhulp Zwolle")
    assert {i["identifier_scheme"] for i in kvk["organization_identifiers"]} == {"NL-KVK", "NL-AGB"}
    assert not any(s.get("contacts") for s in hsds.export_document(with_contacts=False)["services"])


@pytest.mark.django_db
def test_the_round_trip_export_import_export_is_lossless():
    """Export, empty the directory (the whole transaction rolled back), import, export again."""
    with pytest.raises(Rollback), transaction.atomic():
        _demo()
        document = json.loads(json.dumps(hsds.export_document()))
        raise Rollback
    assert not Service.objects.exists() and not Organisation.objects.filter(name="Schuldhulp Zwolle").exists()
    counts = hsds.import_document(document)
    assert counts["services"] == len(document["services"])
    assert Service.objects.count() == len(document["services"])
    assert Location.objects.filter(confidential=True).count() == 1
    assert OpeningHours.objects.exists() and ServiceAtLocation.objects.exists() and Contact.objects.exists()
    office = Location.objects.get(name="Stadskantoor")
    assert (office.area_codes, office.postcode_areas) == (["WK019301"], ["8017"])
    again = json.loads(json.dumps(hsds.export_document()))
    assert again == document


@pytest.mark.django_db
def test_the_commands_write_and_read_the_document(tmp_path):
    _demo()
    path = tmp_path / "sociale-kaart.json"
    call_command("hsds_export", str(path))
    document = json.loads(path.read_text())
    assert hsds.errors(document) == []
    call_command("hsds_import", str(path))  # into the same directory: nothing changes
    assert json.loads(json.dumps(hsds.export_document())) == document


@pytest.mark.django_db
def test_an_invalid_document_is_refused_whole():
    document = {"services": [{"id": "not-a-uuid", "name": "X", "status": "active"}]}
    with pytest.raises(ValueError, match="services"):
        hsds.import_document(document)
    assert not Service.objects.exists()
