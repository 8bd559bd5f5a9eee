"""The HSDS API: every answer validates against the shared schemas; contact persons only for a
client with "directory:contacts"; a confidential address never; the query count is flat."""

import datetime
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from api.tests.conftest import Partner
from directory import hsds
from directory.models import ApiAccess, Location, ServiceAtLocation, TaxonomyTerm
from directory.tests.factories import ContactFactory, ServiceFactory
from teams.tests.factories import OrganisationFactory


def page_validator():
    from jsonschema import Draft202012Validator

    openapi = json.loads((hsds.SCHEMA_DIR / "openapi.json").read_text())
    return Draft202012Validator(openapi["components"]["schemas"]["Page"])


def assert_valid_service(document: dict) -> None:
    assert [e.message for e in hsds.validator("service.json").iter_errors(document)] == []


@pytest.fixture
def partner(client, world):
    return Partner(client, world.partner.organisation)


def grant(partner, *scopes):
    ApiAccess.objects.create(client=partner.client, scopes=list(scopes))


@pytest.fixture
def directory(world):
    finance = TaxonomyTerm.objects.get(code="financien")
    debt = ServiceFactory(name="Schuldhulpverlening", life_domains=[finance], postcode_areas=["8021"])
    ContactFactory(service=debt, name="Ilse Brouwer")
    shelter = ServiceFactory(name="Opvang", description="Veilige opvang.")
    location = Location.objects.create(
        organisation=shelter.organisation,
        name="Opvanghuis",
        street="Geheimstraat 1",
        postcode="8000 AA",
        city="Zwolle",
        confidential=True,
    )
    ServiceAtLocation.objects.create(service=shelter, location=location)
    return debt, shelter


@pytest.mark.django_db
def test_without_a_token_401_and_without_the_grant_403(client, partner, directory):
    assert client.get(reverse("directory_api:services")).status_code == 401
    assert partner.get(reverse("directory_api:services")).status_code == 403


@pytest.mark.django_db
def test_every_answer_validates_and_contacts_stay_home_without_the_scope(partner, directory):
    grant(partner, ApiAccess.READ)
    root = partner.get(reverse("directory_api:root")).json()
    assert root["profile"] == hsds.PROFILE_URI and root["version"] == "3.0"
    answer = partner.get(reverse("directory_api:services"))
    assert answer.status_code == 200
    body = answer.json()
    assert list(page_validator().iter_errors(body)) == []
    assert body["total_items"] == 2 and body["size"] == 2 and body["first_page"] and body["last_page"]
    for document in body["contents"]:
        assert_valid_service(document)
    text = answer.content.decode()
    assert "Ilse Brouwer" not in text and '"contacts"' not in text
    assert "Geheimstraat" not in text  # the confidential address
    debt, _shelter = directory
    one = partner.get(reverse("directory_api:service", args=[debt.pk]))
    assert_valid_service(one.json())
    assert "Ilse Brouwer" not in one.content.decode()


@pytest.mark.django_db
def test_a_client_with_the_contacts_scope_gets_the_contact_persons(partner, directory):
    grant(partner, ApiAccess.READ, ApiAccess.CONTACTS)
    debt, _shelter = directory
    document = partner.get(reverse("directory_api:service", args=[debt.pk])).json()
    assert_valid_service(document)
    assert [c["name"] for c in document["contacts"]] == ["Ilse Brouwer"]
    assert "Geheimstraat" not in json.dumps(partner.get(reverse("directory_api:services")).json())


@pytest.mark.django_db
def test_the_filters(partner, directory):
    grant(partner, ApiAccess.READ)
    debt, shelter = directory
    url = reverse("directory_api:services")

    def names(**params):
        body = partner.get(url, params).json()
        assert list(page_validator().iter_errors(body)) == []
        return [s["name"] for s in body["contents"]]

    assert names(search="schuldhulp") == ["Schuldhulpverlening"]
    finance = TaxonomyTerm.objects.get(code="financien")
    assert names(taxonomy_term_id=str(finance.pk)) == ["Schuldhulpverlening"]
    organisation_id = hsds.organisation_id(shelter.organisation)
    assert names(organization_id=organisation_id) == ["Opvang"]
    assert names(postcode="8022 AB") == ["Opvang"]  # the debt service serves 8021 only
    later = (timezone.now() + datetime.timedelta(days=1)).isoformat()
    assert names(modified_after=later) == []
    assert set(names(modified_after="2000-01-01")) == {"Opvang", "Schuldhulpverlening"}
    assert partner.get(url, {"taxonomy_term_id": "nope"}).status_code == 400
    assert partner.get(url, {"page": "0"}).status_code == 400
    body = partner.get(url, {"per_page": "1", "page": "2"}).json()
    assert (body["total_pages"], body["size"], body["first_page"], body["last_page"]) == (2, 1, False, True)


@pytest.mark.django_db
def test_the_list_costs_the_same_queries_for_one_service_as_for_many(partner, directory):
    grant(partner, ApiAccess.READ, ApiAccess.CONTACTS)
    url = reverse("directory_api:services")
    partner.get(url)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert partner.get(url).status_code == 200
        return len(queries)

    before = count()
    for n in range(10):
        service = ServiceFactory(name=f"Dienst {n}", organisation=OrganisationFactory())
        ContactFactory(service=service)
        ContactFactory(service=None, organisation=service.organisation)
    assert count() == before
