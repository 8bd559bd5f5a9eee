"""Locations (address, confidential, service area), their opening hours and contact persons,
edited by coordinators and managers outside the administration; every change in history."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from directory.models import Contact, Location, OpeningHours, ServiceAtLocation
from directory.testing import location_payload, matrix_contact, matrix_location
from directory.tests.factories import ServiceFactory


def add_url(service):
    return reverse("directory:location_add", args=[service.pk])


def edit_url(service, location):
    return reverse("directory:location_edit", args=[service.pk, location.pk])


@pytest.mark.django_db
def test_a_coordinator_adds_a_location_with_hours_and_area(client, world):
    service = ServiceFactory()
    client.force_login(world.coordinator_a)
    page = client.get(reverse("directory:service", args=[service.pk]))
    assert add_url(service) in page.text
    assert client.get(add_url(service)).status_code == 200
    data = location_payload(postcode="8012ab", area_codes="wk019301, BU01930101", confidential="on")
    response = client.post(add_url(service), data)
    assert response.status_code == 302, response.context and response.context["form"].errors
    location = service.locations.get()
    assert (location.postcode, location.area_codes, location.postcode_areas, location.confidential) == (
        "8012 AB",
        ["WK019301", "BU01930101"],
        ["8012"],
        True,
    )
    assert [
        (h.weekday, f"{h.opens_at:%H:%M}", f"{h.closes_at:%H:%M}") for h in location.opening_hours.all()
    ] == [(3, "13:00", "16:30")]
    for record in (
        location.history.latest(),
        OpeningHours.history.latest(),
        ServiceAtLocation.history.latest(),
    ):
        assert (record.history_user, record.history_change_reason) == (
            world.coordinator_a,
            "Nieuwe spreekuren",
        )
    assert service.history.latest().history_change_reason == "Nieuwe spreekuren: Wijkcentrum"
    # A double submit (the same submission id) adds nothing.
    assert client.post(add_url(service), data).status_code == 302
    assert service.locations.count() == 1
    shown = client.get(reverse("directory:service", args=[service.pk])).text
    assert "WK019301" in shown and edit_url(service, location) in shown


@pytest.mark.django_db
def test_closing_before_opening_and_a_malformed_cbs_code_come_back_at_the_field(client, world):
    service = ServiceFactory()
    client.force_login(world.coordinator_a)
    data = location_payload(**{"hours-0-closes_at": "13:00", "area_codes": "WK01930"})
    response = client.post(add_url(service), data)
    assert response.status_code == 400
    assert response.context["hours"].forms[0].errors["closes_at"]
    assert response.context["form"].errors["area_codes"]
    assert 'value="WK01930"' in response.text  # what was typed is kept
    assert not Location.objects.exists() and not OpeningHours.objects.exists()


@pytest.mark.django_db
def test_hours_are_changed_added_and_removed_and_the_location_removed_with_history(client, world):
    service = ServiceFactory()
    location = matrix_location(service)
    monday = location.opening_hours.get()
    client.force_login(world.manager_ab)
    data = location_payload(location, name="Wijkcentrum Noord", reason="Verbouwing")
    data |= {"hours-0-closes_at": "12:00"}
    assert client.post(edit_url(service, location), data).status_code == 302
    location.refresh_from_db()
    assert location.name == "Wijkcentrum Noord"
    assert sorted((h.weekday, h.closes_at.strftime("%H:%M")) for h in location.opening_hours.all()) == [
        (1, "12:00"),
        (3, "16:30"),
    ]
    assert monday.history.latest().history_change_reason == "Verbouwing"
    data = location_payload(location, reason="Maandag dicht")
    data |= {"hours-0-DELETE": "on", "hours-TOTAL_FORMS": "2"}
    data.pop("hours-2-weekday", None)
    assert client.post(edit_url(service, location), data).status_code == 302
    assert not OpeningHours.objects.filter(pk=monday.pk).exists()
    deleted = OpeningHours.history.filter(id=monday.pk, history_type="-").get()
    assert (deleted.history_user, deleted.history_change_reason) == (world.manager_ab, "Maandag dicht")

    remove = reverse("directory:location_remove", args=[service.pk, location.pk])
    assert client.post(remove, {"reason": "Verhuisd"}).status_code == 302
    assert not Location.objects.filter(pk=location.pk).exists()
    gone = Location.history.filter(id=location.pk, history_type="-").get()
    assert (gone.history_user, gone.history_change_reason) == (world.manager_ab, "Verhuisd")


@pytest.mark.django_db
def test_a_location_of_two_services_stays_for_the_other(client, world):
    service = ServiceFactory()
    location = matrix_location(service)
    other = ServiceFactory(organisation=service.organisation)
    ServiceAtLocation.objects.create(service=other, location=location)
    client.force_login(world.coordinator_a)
    assert other.name in client.get(edit_url(service, location)).text  # the page warns
    client.post(reverse("directory:location_remove", args=[service.pk, location.pk]))
    assert list(other.locations.all()) == [location] and not service.locations.exists()
    # A location of another service is not found through this one.
    assert client.get(edit_url(service, location)).status_code == 404


@pytest.mark.django_db
def test_contact_persons_are_changed_and_removed_with_history(client, world):
    service = ServiceFactory()
    contact = matrix_contact(service)
    client.force_login(world.coordinator_a)
    edit = reverse("directory:contact_edit", args=[service.pk, contact.pk])
    assert edit in client.get(reverse("directory:service", args=[service.pk])).text
    response = client.post(edit, {"name": "Ilse de Boer", "role": "Teamleider", "email": "geen-adres"})
    assert response.status_code == 400 and response.context["form"].errors["email"]
    assert 'value="geen-adres"' in response.text
    data = {"name": "Ilse de Boer", "role": "Teamleider", "phone": "038 111 2233", "reason": "Getrouwd"}
    assert client.post(edit, data).status_code == 302
    contact.refresh_from_db()
    assert (contact.name, contact.phone) == ("Ilse de Boer", "038 111 2233")
    assert contact.history.latest().history_change_reason == "Getrouwd"
    remove = reverse("directory:contact_remove", args=[service.pk, contact.pk])
    assert client.post(remove, {"reason": "Uit dienst"}).status_code == 302
    assert not Contact.objects.filter(pk=contact.pk).exists()
    gone = Contact.history.filter(id=contact.pk, history_type="-").get()
    assert (gone.history_user, gone.history_change_reason) == (world.coordinator_a, "Uit dienst")


@pytest.mark.django_db
def test_workers_may_not_edit_locations_or_contact_persons(client, world):
    service = ServiceFactory()
    location, contact = matrix_location(service), matrix_contact(service)
    client.force_login(world.worker_a)
    page = client.get(reverse("directory:service", args=[service.pk])).text
    assert edit_url(service, location) not in page and add_url(service) not in page
    for url, data in [
        (add_url(service), location_payload()),
        (edit_url(service, location), location_payload(location)),
        (reverse("directory:location_remove", args=[service.pk, location.pk]), {}),
        (reverse("directory:contact_edit", args=[service.pk, contact.pk]), {"name": "X"}),
        (reverse("directory:contact_remove", args=[service.pk, contact.pk]), {}),
    ]:
        assert client.post(url, data).status_code == 403, url
        if not url.endswith("/verwijderen/"):
            assert client.get(url).status_code == 403, url
    assert Location.objects.count() == 1 and Contact.objects.get().name == "Ilse Brouwer"


@pytest.mark.django_db
def test_the_service_and_location_pages_cost_the_same_for_one_location_as_for_five(client, world):
    service = ServiceFactory()
    first = matrix_location(service)
    client.force_login(world.coordinator_a)
    pages = [reverse("directory:service", args=[service.pk]), edit_url(service, first)]
    for url in pages:
        client.get(url)  # warm up

    def count():
        counts = []
        for url in pages:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            counts.append(len(queries))
        return counts

    one = count()
    for _number in range(4):
        location = matrix_location(service)
        OpeningHours.objects.create(location=location, weekday=2, opens_at="09:00", closes_at="12:00")
        OpeningHours.objects.create(location=first, weekday=4, opens_at="09:00", closes_at="12:00")
    assert count() == one


@pytest.mark.django_db
def test_the_search_by_area_finds_a_service_through_the_area_of_one_of_its_locations(client, world):
    service = ServiceFactory(name="Inloop Holtenbroek", area_codes=["WK019309"])
    location = matrix_location(service)
    location.area_codes, location.postcode_areas = ["WK019301"], ["8021"]
    location.save()
    ServiceFactory(name="Inloop Zuid", area_codes=["WK019309"])
    client.force_login(world.worker_a)
    for area in ("WK019301", "BU01930101", "8021 AB"):
        found = [s.name for s in client.get(reverse("directory:search"), {"area": area}).context["page"]]
        assert found == ["Inloop Holtenbroek"], area
