"""Every error page is Dutch, in one voice, with the request id and a way back (issue 15.4).

400, 403 (a plain refusal and the policy's own reason), 404, 429, 500 and a failed CSRF check:
each answers its own page from templates/ (error.html and one per status; 500.html stands alone
so it renders without the database) with the X-Request-ID of the response, a link to the start
page, and nothing of Django's English pages, a stack trace or the exception's text.
"""

import pytest
from django.conf import settings
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse

from cases.tests.factories import HouseholdFactory
from tests.error_urls import SECRET
from wijkteam import views

# What Django's own pages say (its English technical and default error pages).
DJANGO_ENGLISH = [
    "Forbidden",
    "CSRF verification failed",
    "Bad Request",
    "Not Found",
    "Server Error",
    "Traceback",
    "Request aborted",
    "DEBUG",
]


def assert_dutch_error_page(response, status: int, dutch: list[str]) -> None:
    assert response.status_code == status
    text = response.content.decode()
    request_id = response["X-Request-ID"]
    assert request_id and request_id in text, "the request id, for the administrator"
    assert "Kenmerk voor de beheerder" in text
    assert 'href="/"' in text and "Terug naar de startpagina" in text, "a way back"
    for words in dutch:
        assert words in text
    for english in DJANGO_ENGLISH:
        assert english not in text, english
    assert SECRET not in text


def test_the_tests_see_production_error_handling():
    assert settings.DEBUG is False


@pytest.mark.django_db
def test_404_is_dutch_with_the_request_id(client, world):
    assert_dutch_error_page(client.get("/bestaat-niet/"), 404, ["Niet gevonden"])
    client.force_login(world.worker_a)
    other_team = HouseholdFactory(team=world.team_b, name="Familie Elders")
    response = client.get(other_team.get_absolute_url())
    assert_dutch_error_page(response, 404, ["Niet gevonden"])
    assert "Familie Elders" not in response.text


@pytest.mark.django_db
def test_400_for_an_unknown_host_is_dutch_with_the_request_id(client):
    assert_dutch_error_page(client.get("/", HTTP_HOST="boos.example"), 400, ["Ongeldig verzoek"])


@pytest.mark.django_db
@pytest.mark.urls("tests.error_urls")
def test_400_for_a_suspicious_request_is_dutch(client):
    assert_dutch_error_page(client.get("/test-errors/400/"), 400, ["Ongeldig verzoek"])


@pytest.mark.django_db
@pytest.mark.urls("tests.error_urls")
def test_403_is_dutch_and_keeps_the_refusals_own_reason(client, world):
    assert_dutch_error_page(
        client.get("/test-errors/403/"), 403, ["Niet toegestaan", "Uw rol staat deze handeling niet toe"]
    )
    # The policy's refusal says why and links back to what was refused.
    household = HouseholdFactory(team=world.team_a, name="Familie Dicht", closed=True)
    client.force_login(world.coordinator_a)
    response = client.get(reverse("cases:household_edit", args=[household.pk]))
    assert_dutch_error_page(response, 403, ["Niet toegestaan"])
    assert household.get_absolute_url() in response.text


@pytest.mark.django_db
@override_settings(ACCOUNT_RATE_LIMITS={"login": "1/m/ip", "login_failed": "10/m/ip,5/5m/key"})
def test_429_of_the_login_rate_limit_is_dutch_with_the_request_id(client, world):
    login = {"login": world.worker_a.username, "password": "fout-wachtwoord-123"}
    client.post(reverse("account_login"), login)
    assert_dutch_error_page(client.post(reverse("account_login"), login), 429, ["Te veel pogingen"])


@pytest.mark.django_db
@pytest.mark.urls("tests.error_urls")
def test_500_is_dutch_with_the_request_id_and_no_trace(client):
    client.raise_request_exception = False
    assert_dutch_error_page(client.get("/test-errors/500/"), 500, ["Er ging iets mis"])


def test_500_renders_without_a_database_or_request_context():
    """No database here (pytest-django refuses any query), no session, no user."""
    request = RequestFactory().get("/")
    request.request_id = "abc123def456"
    response = views.server_error(request)
    assert response.status_code == 500
    text = response.content.decode()
    assert "Er ging iets mis" in text and "abc123def456" in text and 'href="/"' in text


@pytest.mark.django_db
def test_a_failed_csrf_check_gets_the_dutch_page_with_the_request_id(world):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("account_login"), {"login": world.worker_a.username, "password": "x"})
    assert_dutch_error_page(response, 403, ["Dit formulier is verlopen. Vul het opnieuw in."])
    assert "_auth_user_id" not in client.session
    # Logged in, the same: an old form sent after the token changed.
    client.force_login(world.worker_a)
    response = client.post(reverse("account_logout"))
    assert_dutch_error_page(response, 403, ["Dit formulier is verlopen. Vul het opnieuw in."])
