"""The authenticated floor (bench/views.py): only in the benchmark's URLs, behind the login and the
second factor like every page, in the product's layout, scoped, and one query of its own.

The tests run under the product's settings and switch to the benchmark's URLconf per test.
"""

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.db import connection
from django.test import modify_settings, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, Resolver404, resolve, reverse

FLOOR = "/bench/floor/"


@pytest.fixture
def bench_urls():
    with modify_settings(INSTALLED_APPS={"append": "bench"}), override_settings(ROOT_URLCONF="bench.urls"):
        yield


def test_the_floor_is_not_in_the_products_urls():
    with pytest.raises(Resolver404):
        resolve(FLOOR)
    with pytest.raises(NoReverseMatch):
        reverse("bench_floor")


def test_the_floor_needs_a_login(client, bench_urls, db):
    response = client.get(FLOOR)
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_the_floor_needs_the_second_factor(client, bench_urls, settings, world, four_households):
    """With MFA required, as on the benchmark server: no TOTP device, sent to set one up."""
    settings.WIJKTEAM_REQUIRE_MFA = True
    client.force_login(world.worker_a)
    response = client.get(FLOOR)
    assert response.status_code == 302
    assert response.url == reverse("mfa_activate_totp")
    TOTP.activate(world.worker_a, generate_totp_secret())
    assert client.get(FLOOR).status_code == 200


def test_the_floor_is_a_page_in_the_layout_with_one_query_of_its_own(
    client, bench_urls, world, four_households
):
    """The menu and the bell render as on every page; one query reads households, and only the
    open ones of the worker's own team, without case data."""
    client.force_login(world.worker_a)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(FLOOR)
    assert response.status_code == 200
    page = response.content.decode()
    assert reverse("teams:notifications") in page, "the bell"
    assert reverse("cases:household_list") in page, "the menu"
    reads = [q["sql"] for q in queries if "cases_household" in q["sql"]]
    assert len(reads) == 1 and "LIMIT 25" in reads[0], reads
    assert response.context["numbers"] == [four_households["a"].pk]
    assert four_households["a"].name not in page, "numbers only, no case data"


def test_the_floor_is_refused_without_household_access(client, bench_urls, world):
    """A partner's reporter reads no households: refused, not an empty page."""
    client.force_login(world.partner)
    assert client.get(FLOOR).status_code == 403
