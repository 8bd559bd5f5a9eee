"""Guessing a client's secret at the token endpoint is slowed down, per client id and per address."""

import datetime
import logging

import pytest
from django.utils import timezone
from freezegun import freeze_time

from api.tests.conftest import Partner, problem_of
from teams.models import SecurityEvent

pytestmark = pytest.mark.django_db


def guess(partner, address="198.51.100.7", client_id=None):
    if client_id is not None:
        return partner.http.post(
            "/api/oauth/token/",
            {"grant_type": "client_credentials", "client_id": client_id, "client_secret": "geraden"},
            REMOTE_ADDR=address,
        )
    return partner.token_response(secret="geraden", REMOTE_ADDR=address)


@pytest.fixture
def limited(settings):
    settings.WIJKTEAM_API_TOKEN_FAILURES = 3


def test_after_the_failures_of_one_client_id_even_the_right_secret_waits(partner, limited, caplog):
    addresses = ["198.51.100.1", "198.51.100.2", "198.51.100.3"]  # one client id, three addresses
    assert [guess(partner, address).status_code for address in addresses] == [401, 401, 401]
    with caplog.at_level(logging.WARNING, logger="wijkteam.security"):
        refused = partner.token_response(REMOTE_ADDR="203.0.113.9")
    assert refused.status_code == 429
    problem = problem_of(refused)
    assert problem["code"] == "too_many_attempts" and refused["Content-Type"] == "application/problem+json"
    assert 0 < int(refused["Retry-After"]) <= 15 * 60
    assert any("api_token" in record.getMessage() for record in caplog.records)
    assert "geraden" not in caplog.text and partner.secret not in caplog.text
    event = SecurityEvent.objects.get(action="api_token")
    assert (event.kind, event.username) == ("rate_limited", partner.client.client_id)
    # Another client is not held back by this one's failures.
    other = Partner(partner.http, partner.organisation)
    assert other.token_response(REMOTE_ADDR="203.0.113.10").status_code == 200
    # Fifteen minutes after the first failure, the right secret works again.
    with freeze_time(timezone.now() + datetime.timedelta(minutes=15, seconds=5)):
        assert partner.token_response(REMOTE_ADDR="203.0.113.9").status_code == 200


def test_after_the_failures_from_one_address_every_client_id_waits(partner, limited):
    for made_up in ("school-1", "school-2", "school-3"):
        assert guess(partner, "198.51.100.50", client_id=made_up).status_code == 401
    response = partner.token_response(REMOTE_ADDR="198.51.100.50")
    assert response.status_code == 429 and int(response["Retry-After"]) > 0
    assert partner.token_response(REMOTE_ADDR="198.51.100.51").status_code == 200


def test_a_right_secret_below_the_limit_is_no_failure(partner, limited):
    for _ in range(5):
        assert partner.token_response(REMOTE_ADDR="198.51.100.60").status_code == 200
    assert guess(partner, "198.51.100.60").status_code == 401
    assert partner.token_response(REMOTE_ADDR="198.51.100.60").status_code == 200


def test_the_default_is_ten_failures_in_fifteen_minutes(partner, settings):
    assert settings.WIJKTEAM_API_TOKEN_FAILURES == 10
    assert [guess(partner).status_code for _ in range(11)] == [401] * 10 + [429]
