"""The social map's search and pages, as a worker and as a coordinator."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from directory.demo import seed_directory
from directory.models import Service, TaxonomyTerm
from directory.tests.factories import ContactFactory, ServiceFactory
from teams.models import Organisation
from teams.tests.factories import OrganisationFactory

DEMO_ORGANISATIONS = [
    ("Schuldhulp Zwolle", "debt_help"),
    ("Humanitas afdeling Zwolle", "welfare"),
    ("Welzijn aan de Vecht", "welfare"),
    ("MEE Oost", "mee"),
    ("Woonstichting Thuis aan de IJssel", "housing"),
    ("Wmo-loket Zwolle", "wmo_desk"),
]


def names(response) -> list[str]:
    return [service.name for service in response.context["page"].object_list]


@pytest.fixture
def demo_directory(world):
    for name, sector in DEMO_ORGANISATIONS:
        Organisation.objects.get_or_create(name=name, defaults={"sector": sector})
    seed_directory()


@pytest.mark.django_db
def test_a_worker_searching_schulden_finds_the_debt_services_with_how_to_refer(client, world, demo_directory):
    client.force_login(world.worker_a)
    response = client.get(reverse("directory:search"), {"q": "schulden"})
    assert response.status_code == 200
    found = names(response)
    assert {
        "Schuldhulpverlening",
        "Jongeren en schulden",
        "Thuisadministratie",
        "Schulden en een beperking",
    } <= set(found)
    assert found[0] in {"Jongeren en schulden", "Schulden en een beperking"}  # the word in the name first
    assert "Ouderenadviseur" not in found
    service = Service.objects.get(name="Schuldhulpverlening")
    page = client.get(reverse("directory:service", args=[service.pk]))
    assert page.status_code == 200
    assert "online formulier" in page.text  # how to refer
    assert "Ilse Brouwer" in page.text  # the contact person, for professionals


@pytest.mark.django_db
def test_the_search_ignores_accents_and_case_and_forgives_a_typo(client, world, demo_directory):
    client.force_login(world.worker_a)
    search = reverse("directory:search")
    assert "Cliëntondersteuning" in names(client.get(search, {"q": "CLIENTONDERSTEUNING"}))
    assert "Schuldhulpverlening" in names(client.get(search, {"q": "financien"}))  # its life domain
    assert "Schuldhulpverlening" in names(client.get(search, {"q": "schuldhulpverlenning"}))


@pytest.mark.django_db
def test_the_filters_narrow_by_domain_group_age_and_area(client, world):
    client.force_login(world.worker_a)
    finance = TaxonomyTerm.objects.get(code="financien")
    youth = TaxonomyTerm.objects.get(code="jongeren")
    young = ServiceFactory(
        name="Jong", minimum_age=12, maximum_age=23, life_domains=[finance], target_groups=[youth]
    )
    old = ServiceFactory(name="Oud", minimum_age=65, area_codes=["WK019301"], life_domains=[finance])
    everywhere = ServiceFactory(name="Overal")
    pc4 = ServiceFactory(name="Postcode", postcode_areas=["8021"])
    search = reverse("directory:search")
    assert set(names(client.get(search, {"domain": "financien"}))) == {"Jong", "Oud"}
    assert names(client.get(search, {"group": "jongeren"})) == ["Jong"]
    assert set(names(client.get(search, {"age": "70"}))) == {"Oud", "Overal", "Postcode"}
    assert set(names(client.get(search, {"area": "8021 AB"}))) == {"Jong", "Overal", "Postcode"}
    assert set(names(client.get(search, {"area": "BU01930102"}))) == {"Jong", "Oud", "Overal"}
    assert {young, old, everywhere, pc4}


@pytest.mark.django_db
def test_a_wrong_filter_says_why_in_dutch_and_keeps_what_was_typed(client, world):
    client.force_login(world.worker_a)
    ServiceFactory(name="Overal")
    response = client.get(reverse("directory:search"), {"age": "oud", "area": "Zuid", "q": "overal"})
    assert response.status_code == 200
    form = response.context["form"]
    assert "age" in form.errors and "area" in form.errors
    assert _("Enter a postcode (8021 AB), its four digits, or a CBS code (WK019301).") in form.errors["area"]
    assert 'value="Zuid"' in response.text
    assert names(response) == ["Overal"]  # the valid rest still searches


@pytest.mark.django_db
def test_the_search_costs_the_same_queries_for_one_service_as_for_a_page_full(client, world):
    """1 vs 25 services, each with its terms and organisation: the same number of queries."""
    client.force_login(world.worker_a)
    finance = TaxonomyTerm.objects.get(code="financien")
    ServiceFactory(name="Schuldhulp 0", life_domains=[finance])

    def count():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("directory:search"), {"q": "schuldhulp"})
        assert response.status_code == 200
        return len(queries), len(names(response))

    count()  # the first request of a session fills caches (roles, content types)
    one = count()
    for n in range(1, 25):
        ServiceFactory(name=f"Schuldhulp {n}", life_domains=[finance], organisation=OrganisationFactory())
    many = count()
    assert (one[1], many[1]) == (1, 25)
    assert one[0] == many[0]


@pytest.mark.django_db
def test_the_service_page_costs_the_same_for_one_contact_as_for_many(client, world):
    client.force_login(world.coordinator_a)
    service = ServiceFactory()
    ContactFactory(service=service)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("directory:service", args=[service.pk])).status_code == 200
        return len(queries)

    count()
    one = count()
    for _n in range(5):
        ContactFactory(service=service)
    assert count() == one


@pytest.mark.django_db
def test_stale_services_are_marked_for_workers_and_listed_for_the_coordinator(client, world):
    stale = ServiceFactory(
        name="Oud nieuws", last_verified=timezone.localdate() - datetime.timedelta(days=400)
    )
    fresh = ServiceFactory(name="Vers")
    assert list(Service.objects.stale()) == [stale]
    client.force_login(world.worker_a)
    page = client.get(reverse("directory:service", args=[stale.pk]))
    assert page.context["stale"] and 'class="alert alert-warning"' in page.text
    assert not client.get(reverse("directory:service", args=[fresh.pk])).context["stale"]
    assert client.get(reverse("directory:stale")).status_code == 403
    client.force_login(world.coordinator_a)
    listed = client.get(reverse("directory:stale"))
    assert "Oud nieuws" in listed.text and "Vers" not in listed.text
    client.post(reverse("directory:service_verify", args=[stale.pk]))
    assert not Service.objects.stale().exists()
    record = stale.history.latest()
    assert (record.history_user, record.history_change_reason) == (world.coordinator_a, _("Service verified"))


@pytest.mark.django_db
def test_coordinators_edit_services_with_history_and_workers_cannot(client, world):
    organisation = OrganisationFactory()
    finance = TaxonomyTerm.objects.get(code="financien")
    data = {
        "submission_id": "5f0c8a4e-1111-4a4a-9c9c-000000000001",
        "organisation": str(organisation.pk),
        "name": "Budgetcursus",
        "description": "Vijf avonden over geld.",
        "status": "active",
        "life_domains": [str(finance.pk)],
        "how_to_refer": "Aanmelden via de website.",
        "area_codes": "WK019301, wk019302",
        "verification_months": "12",
    }
    client.force_login(world.worker_a)
    assert client.post(reverse("directory:service_add"), data).status_code == 403
    assert not Service.objects.exists()
    client.force_login(world.coordinator_a)
    response = client.post(reverse("directory:service_add"), data)
    assert response.status_code == 302, response.context["form"].errors
    service = Service.objects.get()
    assert service.area_codes == ["WK019301", "WK019302"]
    assert list(service.life_domains.all()) == [finance]
    assert client.post(reverse("directory:service_add"), data).status_code == 302  # a double submit
    assert Service.objects.count() == 1
    record = service.history.latest()
    assert (record.history_user, record.history_change_reason) == (world.coordinator_a, _("Service added"))
    wrong = {**data, "submission_id": "5f0c8a4e-1111-4a4a-9c9c-000000000002"}
    wrong |= {"area_codes": "Assendorp", "minimum_age": "30", "maximum_age": "20"}
    response = client.post(reverse("directory:service_edit", args=[service.pk]), wrong)
    assert response.status_code == 200
    assert response.context["form"].errors["area_codes"] == [
        _("Enter CBS codes: GM + 4 digits, WK + 6 (wijk) or BU + 8 (buurt), e.g. WK019301.")
    ]
    assert response.context["form"].errors["__all__"]  # the age range (a constraint)
    assert 'value="Assendorp"' in response.text
    assert Service.objects.get().area_codes == ["WK019301", "WK019302"]


@pytest.mark.django_db
def test_the_menu_shows_the_social_map_to_team_members_only(client, world):
    client.force_login(world.worker_a)
    assert reverse("directory:search") in client.get(reverse("cases:caseload")).text
    client.force_login(world.partner)
    assert client.get(reverse("directory:search")).status_code == 403
