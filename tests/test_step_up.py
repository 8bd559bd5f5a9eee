"""No password step-up right after a fresh login (issue 15.4); a step-up once the last password
entry is older than ACCOUNT_REAUTHENTICATION_TIMEOUT (teams/stepup.py)."""

import pytest
from django.urls import reverse
from freezegun import freeze_time

pytestmark = pytest.mark.django_db

PASSWORD = "een-lang-wachtwoord-123"  # noqa: S105


def log_in_for_real(client, user):
    """Through the login form, as a person does: the password typed, not force_login."""
    user.set_password(PASSWORD)
    user.save()
    response = client.post(reverse("account_login"), {"login": user.username, "password": PASSWORD})
    assert response.status_code == 302
    assert "_auth_user_id" in client.session


def asks_the_password(response) -> bool:
    return response.status_code == 302 and response.url.startswith(reverse("account_reauthenticate"))


def test_setting_up_totp_right_after_the_first_login_asks_no_password_again(client, settings, world):
    from allauth.mfa.models import Authenticator

    from tests.test_accounts import _current_code

    settings.WIJKTEAM_REQUIRE_MFA = True
    with freeze_time("2026-11-30 09:00:00", tick=True):
        log_in_for_real(client, world.worker_a)
        assert client.get("/").url == reverse("mfa_activate_totp"), "sent to set up TOTP first"
        page = client.get(reverse("mfa_activate_totp"))
        assert page.status_code == 200, "no password prompt right after the login"
        secret = client.session["mfa.totp.secret"]
        client.post(reverse("mfa_activate_totp"), {"code": _current_code(secret)})
    assert Authenticator.objects.filter(user=world.worker_a, type=Authenticator.Type.TOTP).exists()


def test_the_step_up_comes_back_when_the_password_is_older_than_the_timeout(client, settings, world):
    assert settings.ACCOUNT_REAUTHENTICATION_TIMEOUT == 5 * 60
    with freeze_time("2026-11-30 09:00:00") as frozen:
        log_in_for_real(client, world.worker_a)
        frozen.tick(4 * 60 + 50)
        assert client.get(reverse("mfa_activate_totp")).status_code == 200
        frozen.tick(20)  # 5 minutes and 10 seconds after the password
        step_up = client.get(reverse("mfa_activate_totp"))
        assert asks_the_password(step_up)
        assert client.post(step_up.url, {"password": PASSWORD}).status_code == 302
        assert client.get(reverse("mfa_activate_totp")).status_code == 200
        frozen.tick(5 * 60 + 10)
        assert asks_the_password(client.get(reverse("mfa_activate_totp")))


def test_a_session_without_a_typed_password_still_asks(client, world):
    """force_login stands for a session whose login typed no password here (none recorded)."""
    client.force_login(world.worker_a)
    assert asks_the_password(client.get(reverse("mfa_activate_totp")))
