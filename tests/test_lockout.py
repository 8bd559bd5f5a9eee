"""The login lockout (SECURITY.md AU-2): refused in Dutch, and logged with who, from where, when."""

import logging

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

pytestmark = pytest.mark.django_db

PASSWORD = "een-lang-en-goed-wachtwoord"
WRONG = "fout-wachtwoord-123"


def security_lines(caplog) -> list[logging.LogRecord]:
    return [record for record in caplog.records if record.name == "wijkteam.security"]


def test_after_five_failures_the_right_password_is_refused_and_the_lockout_logged(client, world, caplog):
    """Five wrong passwords for one account (5/5m per username): the sixth try, even right, is refused."""
    user = world.worker_a
    user.set_password(PASSWORD)
    user.save()
    url = reverse("account_login")
    with caplog.at_level(logging.WARNING, logger="wijkteam.security"):
        for _attempt in range(5):
            response = client.post(url, {"login": user.username, "password": WRONG})
            assert response.status_code == 200
        assert not any("locked out" in record.getMessage() for record in security_lines(caplog))
        refused = client.post(url, {"login": user.username, "password": PASSWORD})
    assert refused.status_code == 200, "the form again, with the reason; no 5xx"
    assert "_auth_user_id" not in client.session
    assert "Te veel inlogpogingen. Probeer het later nogmaals." in refused.text
    lockouts = [record for record in security_lines(caplog) if "locked out" in record.getMessage()]
    assert len(lockouts) == 1
    event = lockouts[0]
    assert (event.security_event, event.tried_username, event.origin) == (
        "rate_limited",
        user.username,
        "127.0.0.1",
    )
    assert event.at and event.at in event.getMessage()
    assert user.username in event.getMessage() and "127.0.0.1" in event.getMessage()
    for record in security_lines(caplog):
        assert PASSWORD not in record.getMessage() and WRONG not in record.getMessage()
        assert PASSWORD not in str(vars(record)) and WRONG not in str(vars(record))


def test_the_lockout_holds_for_an_unknown_username_too(client, world, caplog):
    """Guessing names is limited and logged the same way (no hint which accounts exist)."""
    url = reverse("account_login")
    with caplog.at_level(logging.WARNING, logger="wijkteam.security"):
        for _attempt in range(6):
            response = client.post(url, {"login": "bestaat.niet", "password": WRONG})
    assert response.status_code == 200
    assert "Te veel inlogpogingen" in response.text
    assert any(getattr(record, "tried_username", None) == "bestaat.niet" for record in security_lines(caplog))


@override_settings(ACCOUNT_RATE_LIMITS={"login": "2/m/ip", "login_failed": "10/m/ip,5/5m/key"})
def test_too_many_login_requests_from_one_address_get_a_dutch_429_and_are_logged(client, world, caplog):
    """The per-address limit of the login page answers 429 (allauth's handler429): Dutch, logged."""
    url = reverse("account_login")
    with caplog.at_level(logging.WARNING, logger="wijkteam.security"):
        for _attempt in range(2):
            client.post(url, {"login": world.worker_a.username, "password": WRONG})
        response = client.post(url, {"login": world.worker_a.username, "password": WRONG})
    assert response.status_code == 429
    with translation.override("nl"):
        assert (
            gettext("Too many attempts in a short time. Wait a few minutes and try again.") in response.text
        )
    assert response["X-Request-ID"] in response.text
    events = [
        record for record in security_lines(caplog) if getattr(record, "security_event", "") == "rate_limited"
    ]
    assert [(e.action, e.tried_username, e.origin) for e in events] == [
        ("account_login", world.worker_a.username, "127.0.0.1")
    ]
    assert all(WRONG not in str(vars(record)) for record in caplog.records)
