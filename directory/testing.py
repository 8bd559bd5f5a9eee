"""Objects and submissions of the social map for the project-wide tests (the permission matrix,
hostile input): one place that knows what a valid directory form looks like."""

import datetime
import uuid

from django.utils import timezone

from directory.models import OrganisationProfile, TaxonomyTerm


def matrix_service():
    """A service due for a check, of an organisation that takes update requests."""
    from directory.tests.factories import ServiceFactory

    service = ServiceFactory(last_verified=timezone.localdate() - datetime.timedelta(days=500))
    OrganisationProfile.objects.create(
        organisation=service.organisation, update_email="kaart@partner.example"
    )
    return service


def new_service_payload(organisation_id) -> dict:
    term = TaxonomyTerm.objects.filter(code="financien").first()
    return {
        "submission_id": str(uuid.uuid4()),
        "organisation": str(organisation_id),
        "name": "Budgetcursus",
        "description": "Vijf avonden over geld.",
        "status": "active",
        "life_domains": [str(term.pk)] if term else [],
        "how_to_refer": "Aanmelden via de website.",
        "verification_months": "12",
    }


def audited_directory(world) -> None:
    """One record of every audited model of the social map (tests/test_history.py)."""
    from directory import services, taxonomy
    from directory.models import Contact, Location, OpeningHours, ServiceAtLocation, UpdateRequest

    taxonomy.ensure()
    TaxonomyTerm(taxonomy="target_group", code="test-groep", name="Testgroep").save()
    service = matrix_service()
    service.life_domains.set(TaxonomyTerm.objects.filter(code="financien"))
    service.target_groups.set(TaxonomyTerm.objects.filter(code="ouders"))
    services.contact_save(
        contact=Contact(organisation=service.organisation, service=service, name="Ilse Brouwer"), by=None
    )
    location = Location.objects.create(
        organisation=service.organisation,
        name="Stadskantoor",
        street="Lübeckplein 2",
        postcode="8017 JZ",
        city="Zwolle",
    )
    OpeningHours.objects.create(location=location, weekday=1, opens_at="09:00", closes_at="17:00")
    ServiceAtLocation.objects.create(service=service, location=location)
    from api.models import ApiClient
    from directory.models import ApiAccess

    client = ApiClient.objects.first()
    if client is not None:
        ApiAccess.objects.create(client=client, scopes=[ApiAccess.READ])
    UpdateRequest.objects.create(
        organisation=service.organisation, sent_to="kaart@partner.example", sent_by=world.coordinator_a
    )


def matrix_location(service):
    """A location of the service with one opening (Monday 9–17)."""
    from directory.models import Location, OpeningHours, ServiceAtLocation

    location = Location.objects.create(
        organisation=service.organisation,
        name="Wijkcentrum",
        street="Assendorperstraat 1",
        postcode="8012 AB",
        city="Zwolle",
    )
    OpeningHours.objects.create(location=location, weekday=1, opens_at="09:00", closes_at="17:00")
    ServiceAtLocation.objects.create(service=service, location=location)
    return location


def matrix_contact(service):
    from directory.models import Contact

    return Contact.objects.create(organisation=service.organisation, service=service, name="Ilse Brouwer")


def location_payload(location=None, **changes) -> dict:
    """A location form as the browser posts it: its fields and the opening hours formset (the
    existing openings kept, one more added)."""
    data = {
        "submission_id": str(uuid.uuid4()),
        "name": "Wijkcentrum",
        "street": "Assendorperstraat 1",
        "postcode": "8012 AB",
        "city": "Zwolle",
        "municipality_code": "GM0193",
        "area_codes": "WK019301",
        "postcode_areas": "8012",
        "reason": "Nieuwe spreekuren",
    }
    hours = list(location.opening_hours.order_by("weekday", "opens_at")) if location is not None else []
    for index, item in enumerate(hours):
        data |= {
            f"hours-{index}-id": str(item.pk),
            f"hours-{index}-weekday": str(item.weekday),
            f"hours-{index}-opens_at": item.opens_at.strftime("%H:%M"),
            f"hours-{index}-closes_at": item.closes_at.strftime("%H:%M"),
        }
    new = len(hours)
    data |= {
        f"hours-{new}-weekday": "3",
        f"hours-{new}-opens_at": "13:00",
        f"hours-{new}-closes_at": "16:30",
        "hours-TOTAL_FORMS": str(new + 1),
        "hours-INITIAL_FORMS": str(len(hours)),
        "hours-MIN_NUM_FORMS": "0",
        "hours-MAX_NUM_FORMS": "21",
    }
    return data | changes
