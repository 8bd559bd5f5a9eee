"""The HSDS API: every answer validates against the shared schemas; contact persons only for a
token with "directory:contacts" (its client may, and the token was not narrowed); a confidential
address never; refusals as the partner API's problem details; the query count is flat."""

import datetime
import json

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from api.models import DEFAULT_SCOPES, SCOPE_DIRECTORY_CONTACTS, SCOPE_DIRECTORY_READ, ApiClient
from api.services import scopes_set
from api.tests.conftest import Partner, problem_of
from directory import hsds
from directory.models import ApiAccess, Location, ServiceAtLocation, TaxonomyTerm
from directory.tests.factories import ContactFactory, ServiceFactory
from teams.tests.factories import OrganisationFactory

READ, CONTACTS = SCOPE_DIRECTORY_READ, SCOPE_DIRECTORY_CONTACTS


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
    """The client's scopes (its manager's page, api.services.scopes_set); tokens asked after."""
    scopes_set(client=partner.client, scopes=[*DEFAULT_SCOPES, *scopes], by=None, reason="Test")
    partner._token = None


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
def test_without_a_token_401_and_without_the_scope_403_as_problem_details(client, partner, directory):
    refused = client.get(reverse("directory_api:services"))
    assert refused.status_code == 401 and refused["WWW-Authenticate"].startswith("Bearer")
    problem_of(refused)
    refused = partner.get(reverse("directory_api:services"))  # signals only: the default
    assert refused.status_code == 403 and problem_of(refused)["title"] == "Niet toegestaan"
    refused = partner.get(reverse("directory_api:services"), token="nope")
    assert refused.status_code == 401


@pytest.mark.django_db
def test_every_answer_validates_and_contacts_stay_home_without_the_scope(partner, directory):
    grant(partner, READ)
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
    grant(partner, READ, CONTACTS)
    debt, _shelter = directory
    document = partner.get(reverse("directory_api:service", args=[debt.pk])).json()
    assert_valid_service(document)
    assert [c["name"] for c in document["contacts"]] == ["Ilse Brouwer"]
    assert "Geheimstraat" not in json.dumps(partner.get(reverse("directory_api:services")).json())


@pytest.mark.django_db
def test_the_filters(partner, directory):
    grant(partner, READ)
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
    refused = partner.get(url, {"taxonomy_term_id": "nope"})
    assert refused.status_code == 400 and list(problem_of(refused)["errors"]) == ["taxonomy_term_id"]
    assert list(problem_of(partner.get(url, {"page": "0"}))["errors"]) == ["page"]
    assert partner.get(url, {"modified_after": "gisteren"}).status_code == 400
    missing = partner.get(reverse("directory_api:service", args=["00000000-0000-4000-8000-000000000000"]))
    assert missing.status_code == 404 and problem_of(missing)["code"] == "not_found"
    body = partner.get(url, {"per_page": "1", "page": "2"}).json()
    assert (body["total_pages"], body["size"], body["first_page"], body["last_page"]) == (2, 1, False, True)


@pytest.mark.django_db
def test_the_list_costs_the_same_queries_for_one_service_as_for_many(partner, directory):
    grant(partner, READ, CONTACTS)
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


@pytest.mark.django_db
def test_a_token_narrowed_to_directory_read_gets_no_contacts_though_its_client_may(partner, directory):
    """The point of real scopes: the partner's system asks for less than its client may."""
    grant(partner, READ, CONTACTS)
    debt, _shelter = directory
    url = reverse("directory_api:service", args=[debt.pk])
    narrowed = partner.token(scope=READ)
    answer = partner.get(url, token=narrowed)
    assert answer.status_code == 200
    assert_valid_service(answer.json())
    assert "Ilse Brouwer" not in answer.content.decode() and "contacts" not in answer.json()
    both = partner.token(scope=f"{READ} {CONTACTS}")
    assert [c["name"] for c in partner.get(url, token=both).json()["contacts"]] == ["Ilse Brouwer"]
    # Narrowed to the signals: no social map at all.
    assert partner.get(url, token=partner.token(scope="signals:read")).status_code == 403


@pytest.mark.django_db
def test_a_scope_taken_from_the_client_stops_at_once_and_cannot_be_asked_for(partner, directory):
    grant(partner, READ, CONTACTS)
    debt, _shelter = directory
    url = reverse("directory_api:service", args=[debt.pk])
    token = partner.token()
    assert "contacts" in partner.get(url, token=token).json()
    grant(partner, READ)  # the manager takes the contact persons away
    assert "contacts" not in partner.get(url, token=token).json()  # the same token
    refused = partner.token_response(scope=f"{READ} {CONTACTS}")
    assert refused.status_code == 400 and refused.json()["error"] == "invalid_scope"
    grant(partner)  # and the social map
    assert partner.get(url, token=token).status_code == 403


@pytest.mark.django_db
def test_no_acting_person_is_needed_for_the_social_map(partner, directory):
    grant(partner, READ)
    assert partner.get(reverse("directory_api:services"), acting=None).status_code == 200


@pytest.mark.django_db
def test_the_data_migration_turns_grants_into_scopes_with_history(client, partner):
    """api 0004: each retired grant row's scopes are added to its client, with a history row."""
    from importlib import import_module

    other_partner = Partner(client, OrganisationFactory(sector="gp", is_partner=True))
    migration = import_module("api.migrations.0004_directory_scopes")
    ApiAccess.objects.create(client=partner.client, scopes=[ApiAccess.READ, ApiAccess.CONTACTS])
    ApiAccess.objects.create(client=other_partner.client, scopes=[ApiAccess.READ])
    migration.grants_to_scopes(apps, None)
    assert ApiClient.objects.get(pk=partner.client.pk).scopes == [*DEFAULT_SCOPES, READ, CONTACTS]
    assert ApiClient.objects.get(pk=other_partner.client.pk).scopes == [*DEFAULT_SCOPES, READ]
    moved = partner.client.history.filter(history_change_reason=migration.REASON)
    assert moved.count() == 1 and moved.get().scopes == [*DEFAULT_SCOPES, READ, CONTACTS]
    before = partner.client.history.count()
    migration.grants_to_scopes(apps, None)  # again: nothing changes
    assert partner.client.history.count() == before
    migration.scopes_to_grants(apps, None)
    assert ApiClient.objects.get(pk=partner.client.pk).scopes == DEFAULT_SCOPES
