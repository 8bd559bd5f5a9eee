"""Sessions end 12 hours after login, failed logins are logged, error pages carry a reference."""

import logging

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from freezegun import freeze_time

pytestmark = pytest.mark.django_db


def test_a_session_ends_twelve_hours_after_login_however_active(client, world):
    with freeze_time("2026-11-30 08:00") as frozen:
        client.force_login(world.worker_a)
        for _step in range(28):
            frozen.tick(25 * 60)  # a request every 25 minutes keeps the 30-minute idle timeout away
            assert client.get(reverse("cases:caseload")).status_code == 200
        frozen.tick(25 * 60)  # 12 hours and 5 minutes after login
        response = client.get(reverse("cases:caseload"))
        assert response.status_code == 302 and "/accounts/login/" in response.url
        assert "_auth_user_id" not in client.session


def test_thirty_minutes_without_a_request_end_the_session(client, world):
    with freeze_time("2026-11-30 08:00") as frozen:
        client.force_login(world.worker_a)
        assert client.get(reverse("cases:caseload")).status_code == 200
        frozen.tick(29 * 60)
        assert client.get(reverse("cases:caseload")).status_code == 200
        frozen.tick(31 * 60)
        response = client.get(reverse("cases:caseload"))
        assert response.status_code == 302 and "/accounts/login/" in response.url


def test_the_session_is_written_once_a_minute_not_on_every_click(client, world):
    def session_writes():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("cases:caseload")).status_code == 200
        return [q["sql"] for q in queries if q["sql"].startswith("UPDATE") and "django_session" in q["sql"]]

    with freeze_time("2026-11-30 08:00") as frozen:
        client.force_login(world.worker_a)
        client.get(reverse("cases:caseload"))
        frozen.tick(20)
        assert session_writes() == []
        frozen.tick(50)
        assert len(session_writes()) == 1
        # That write moved the expiry: 29 minutes later the session still holds.
        frozen.tick(29 * 60)
        assert client.get(reverse("cases:caseload")).status_code == 200


def test_failed_logins_are_logged_without_the_password(client, world, caplog):
    with caplog.at_level(logging.WARNING, logger="wijkteam.security"):
        client.post(
            reverse("account_login"), {"login": world.worker_a.username, "password": "fout-wachtwoord-123"}
        )
    assert any(world.worker_a.username in record.getMessage() for record in caplog.records)
    assert not any("fout-wachtwoord-123" in record.getMessage() for record in caplog.records)


def test_error_pages_name_the_request_for_the_administrator(client, world):
    client.force_login(world.worker_a)
    response = client.get("/households/00000000-0000-0000-0000-000000000000/")
    assert response.status_code == 404
    assert response["X-Request-ID"] in response.text
    assert "Kenmerk voor de beheerder" in response.text
