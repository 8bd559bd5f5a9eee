"""CBS wijken and buurten with their names (issue 22): the shipped list of the demo municipality,
the import of CBS's own file, codes refused at entry where a list is loaded, and names next to
codes on the pages, at a flat number of queries."""

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from areas import cbs
from areas.models import CbsArea
from cases.management.commands.seed_demo import TEAMS
from cases.tests.factories import HouseholdFactory
from directory import demo as directory_demo
from directory.testing import location_payload, matrix_location
from directory.tests.factories import ServiceFactory
from teams.tests.factories import PositionFactory

pytestmark = pytest.mark.django_db

# CBS's "Kerncijfers wijken en buurten" download (kwb-2024.csv): the country, municipalities,
# wijken and buurten in one table, the first columns of many.
KWB = """gwb_code_10;gwb_code_8;regio;gm_naam;recs;gwb_code;ind_wbi;a_inw
NL00;0;Nederland;Nederland;Land;NL00;.;17942942
GM0166;166;Kampen;Kampen;Gemeente;GM0166;.;55000
WK016601;16601;Kampen-Centrum;Kampen;Wijk;WK016601;1;9000
BU01660101;1660101;Binnenstad;Kampen;Buurt;BU01660101;1;3000
BU01660102;1660102;Brunnepe;Kampen;Buurt;BU01660102;1;6000
"""
# StatLine's CSV of the same table: padded codes, commas.
STATLINE = """ID,WijkenEnBuurten,Gemeentenaam_1,SoortRegio_2,Codering_3
1,Kampen-Centrum,Kampen,Wijk     ,WK016601  
2,Binnenstad,Kampen,Buurt    ,BU01660101
"""


@pytest.fixture
def zwolle():
    return cbs.load_demo_areas()


def test_the_shipped_list_of_zwolle_has_every_code_the_demo_uses():
    areas = cbs.read_file(cbs.DEMO_FILE)
    codes = {area.code for area in areas}
    demo = {code for spec in TEAMS.values() for code in spec["area_codes"]}
    demo |= set(directory_demo.NOORD) | set(directory_demo.ZUID)
    assert demo <= codes
    assert {area.municipality_code for area in areas} == {"GM0193"}
    wijken = {area.code for area in areas if area.kind == CbsArea.Kind.WIJK}
    assert all(area.wijk_code in wijken for area in areas if area.kind == CbsArea.Kind.BUURT)
    for wijk in demo:  # the demo's households get a buurt of their wijk
        assert any(area.wijk_code == wijk for area in areas)
    header = cbs.DEMO_FILE.read_text().split("code;name;kind")[0]
    assert "Source" in header and "before production" in header


@pytest.mark.parametrize("text", [KWB, STATLINE], ids=["kwb", "statline"])
def test_the_import_reads_cbs_kerncijfers_and_replaces_a_municipalitys_list(tmp_path, zwolle, text):
    CbsArea.objects.create(code="BU01669999", name="Oud", kind="buurt", municipality_code="GM0166")
    path = tmp_path / "kwb.csv"
    path.write_text(text, encoding="cp1252")
    call_command("import_cbs_areas", str(path))
    kampen = CbsArea.objects.filter(municipality_code="GM0166")
    assert {(a.code, a.name, a.kind, a.wijk_code) for a in kampen} >= {
        ("WK016601", "Kampen-Centrum", "wijk", ""),
        ("BU01660101", "Binnenstad", "buurt", "WK016601"),
    }
    assert not kampen.filter(code="BU01669999").exists(), "the file replaces the list"
    assert CbsArea.objects.filter(municipality_code="GM0193").count() == sum(zwolle.values()), "others stay"


def test_the_import_refuses_a_wrong_file_and_changes_nothing(tmp_path, zwolle):
    path = tmp_path / "wrong.csv"
    path.write_text("code;name;kind\nWK016601;Kampen-Centrum;wijk\nXX123;Nergens;buurt\n")
    with pytest.raises(CommandError, match="XX123"):
        call_command("import_cbs_areas", str(path))
    path.write_text("code;name;kind\nWK016601;Kampen-Centrum;buurt\n")
    with pytest.raises(CommandError, match="is a wijk"):
        call_command("import_cbs_areas", str(path))
    assert not CbsArea.objects.filter(municipality_code="GM0166").exists()
    path.write_text("code;name\nWK016601;Kampen-Centrum\nWK019399;Elders\n")
    call_command("import_cbs_areas", str(path), "--municipality", "gm0166")
    assert set(CbsArea.objects.filter(code__in=["WK016601", "WK019399"]).values_list("code", flat=True)) == {
        "WK016601"
    }


def profile(client, world, area_codes):
    client.force_login(world.manager_ab)
    return client.post(
        reverse("teams:team_edit", args=[world.team_a.pk]),
        {"area_codes": area_codes, "reason": "Werkgebied"},
    )


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("WK019330, XX123", "Geen CBS-wijkcode (WK + 6 cijfers) of CBS-buurtcode (BU + 8 cijfers): XX123."),
        ("WK019330, BU01939999", "Geen wijk of buurt van Zwolle: BU01939999."),
        ("WK016601", "Geen wijk of buurt van Zwolle: WK016601."),
    ],
    ids=["malformed", "unknown", "other-municipality"],
)
def test_the_team_profile_refuses_codes_that_do_not_exist_and_keeps_what_was_typed(
    client, world, zwolle, typed, message
):
    response = profile(client, world, typed)
    assert response.status_code == 200
    assert response.context["form"].errors["area_codes"] == [message]
    assert f'value="{typed}"' in response.text
    world.team_a.refresh_from_db()
    assert world.team_a.area_codes == []


def test_the_team_profile_keeps_the_format_check_where_no_list_is_loaded(client, world):
    response = profile(client, world, "XX123")
    assert "XX123" in response.context["form"].errors["area_codes"][0]
    assert profile(client, world, "wk019399").status_code == 302, "no list for Zwolle: the format is enough"


def test_the_team_overview_shows_names_next_to_codes(client, world, zwolle):
    assert profile(client, world, "WK019330, BU01933100").status_code == 302
    page = client.get(reverse("teams:overview")).text
    assert "Holtenbroek (WK019330), Aa-landen-Noord (BU01933100)" in page


def household_edit(household, **changes):
    address = {"street": "Kerkstraat", "house_number": "3", "postcode": "8023AB", "city": "Zwolle"}
    return {"name": household.name, **address, **changes}


def test_the_household_form_offers_the_buurten_by_name_grouped_by_wijk(client, world, zwolle):
    household = HouseholdFactory(team=world.team_a)
    client.force_login(world.coordinator_a)
    url = reverse("cases:household_edit", args=[household.pk])
    page = client.get(url).text
    assert '<optgroup label="Holtenbroek (WK019330)">' in page
    assert '<option value="BU01933000">Holtenbroek I (BU01933000)</option>' in page
    moved = client.post(url, household_edit(household, buurt_code="BU01933101", reason="Verhuisd"))
    assert moved.status_code == 302
    household.refresh_from_db()
    assert (household.buurt_code, household.wijk_code) == ("BU01933101", "WK019331"), "the wijk follows"
    shown = client.get(reverse("cases:household_detail", args=[household.pk])).text
    assert "Aa-landen-Oost (BU01933101)" in shown

    refused = client.post(url, household_edit(household, buurt_code="BU01939999"))
    assert refused.status_code == 200 and refused.context["form"].errors["buurt_code"]
    household.refresh_from_db()
    assert household.buurt_code == "BU01933101"


def test_a_household_of_a_municipality_without_a_list_types_its_codes(client, world, zwolle):
    household = HouseholdFactory(team=world.team_c)  # Kampen: no list loaded
    client.force_login(PositionFactory(team=world.team_c, access_role="coordinator").user)
    url = reverse("cases:household_edit", args=[household.pk])
    assert 'name="buurt_code"' in client.get(url).text
    assert '<select name="buurt_code"' not in client.get(url).text
    response = client.post(url, household_edit(household, buurt_code="BU0166", wijk_code="WK016601"))
    assert response.status_code == 200 and response.context["form"].errors["buurt_code"]
    typed = household_edit(household, buurt_code="BU01660199", wijk_code="WK016601", reason="x")
    ok = client.post(url, typed)
    assert ok.status_code == 302


def test_a_location_refuses_a_buurt_that_does_not_exist(client, world, zwolle):
    service = ServiceFactory()
    client.force_login(world.coordinator_a)
    url = reverse("directory:location_add", args=[service.pk])
    response = client.post(url, location_payload(area_codes="WK019330 BU01939999"))
    assert response.status_code == 400
    assert response.context["form"].errors["area_codes"] == ["Deze CBS-code bestaat niet: BU01939999."]
    assert 'value="WK019330 BU01939999"' in response.text
    assert client.post(url, location_payload(area_codes="WK019330 BU01933000")).status_code == 302


@pytest.mark.parametrize("locations", [1, 4])
def test_the_service_page_names_its_areas_at_a_flat_number_of_queries(client, world, zwolle, locations):
    service = ServiceFactory(area_codes=["WK019330", "GM0193"])
    for _number in range(locations):
        location = matrix_location(service)
        location.area_codes = ["BU01933000", "WK019331"]
        location.save()
    client.force_login(world.coordinator_a)
    url = reverse("directory:service", args=[service.pk])
    with CaptureQueriesContext(connection) as queries:
        page = client.get(url).text
    assert "Holtenbroek (WK019330), GM0193" in page
    assert page.count("Holtenbroek I (BU01933000), Aa-landen (WK019331)") == locations
    names = [q["sql"] for q in queries.captured_queries if "areas_cbsarea" in q["sql"]]
    assert len(names) == 1, "one query for the names of every code on the page"
