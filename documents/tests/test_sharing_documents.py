"""A document leaves the team only through the sharing gate, as the data category "documents"."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from cases import services
from cases.models import Share
from cases.tests.factories import HouseholdFactory, PersonFactory
from cases.tests.test_sharing import give, share_of
from documents.testing import stored_document

pytestmark = pytest.mark.django_db


@pytest.fixture
def home(world):
    household = HouseholdFactory(team=world.team_a, lead_worker=world.worker_a)
    mother = PersonFactory(
        household=household, first_name="Ilse", relation="main_resident", birth_date=datetime.date(1985, 1, 1)
    )
    letter = stored_document(household, world.worker_a, title="Beschikking Wmo")
    return household, mother, letter


def test_a_document_is_shared_when_consent_covers_documents(world, home):
    household, mother, letter = home
    give(world, mother, purpose="coordination", categories=["situation", "documents"])
    share = share_of(world, household, [mother], ["situation", "documents"], documents=[letter])
    assert list(share.documents.all()) == [letter]
    assert share.categories == ["situation", "documents"] and share.ground == "consent"


def test_without_consent_for_documents_the_gate_refuses(world, home):
    household, mother, letter = home
    give(world, mother, purpose="coordination", categories=["situation"])
    with pytest.raises(services.SharingRefused, match="Ilse"):
        share_of(world, household, [mother], ["situation", "documents"], documents=[letter])
    assert not Share.objects.exists()


def test_a_document_needs_the_category(world, home):
    household, mother, letter = home
    give(world, mother, purpose="coordination", categories=["situation", "documents"])
    with pytest.raises(ValidationError):
        share_of(world, household, [mother], ["situation"], documents=[letter])


def test_a_restricted_or_unscanned_document_is_not_shared_by_a_colleague(world, home):
    household, mother, _letter = home
    give(world, mother, purpose="coordination", categories=["documents"])
    secret = stored_document(household, world.worker_a, title="GGZ", confidentiality="restricted")
    with pytest.raises(PermissionDenied):
        share_of(world, household, [mother], ["documents"], documents=[secret], by=world.colleague_a)
    waiting = stored_document(household, world.worker_a, title="Wacht", scan_status="pending")
    with pytest.raises(ValidationError):
        share_of(world, household, [mother], ["documents"], documents=[waiting])
    other = stored_document(HouseholdFactory(team=world.team_a), world.worker_a)
    with pytest.raises(PermissionDenied):
        share_of(world, household, [mother], ["documents"], documents=[other])


def test_the_share_page_offers_the_documents_and_records_them(client, world, home):
    household, mother, letter = home
    give(world, mother, purpose="coordination", categories=["situation", "documents"])
    client.force_login(world.worker_a)
    url = reverse("cases:share_add", args=[household.pk])
    query = f"?recipient={world.partner.organisation_id}&purpose=coordination"
    page = client.get(url + query)
    assert page.status_code == 200 and "Beschikking Wmo" in page.text
    response = client.post(
        url + query,
        {
            "submission_id": "6f1c1a5e-0000-4000-8000-000000000018",
            "persons": [str(mother.pk)],
            "categories": ["situation"],
            "documents": [str(letter.pk)],
            "content": "De beschikking, zoals afgesproken.",
        },
    )
    assert response.status_code == 200 and not Share.objects.exists()
    assert "Documenten" in response.text
    response = client.post(
        url + query,
        {
            "submission_id": "6f1c1a5e-0000-4000-8000-000000000019",
            "persons": [str(mother.pk)],
            "categories": ["situation", "documents"],
            "documents": [str(letter.pk)],
            "content": "De beschikking, zoals afgesproken.",
        },
    )
    assert response.status_code == 302
    assert list(Share.objects.get().documents.all()) == [letter]
