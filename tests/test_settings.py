"""Settings from the environment, the production refusals, MFA, language and headers."""

import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from cases.tests.factories import HouseholdFactory
from wijkteam.checks import refuse_insecure_production


def _settings_in_subprocess(env: dict, code: str) -> str:
    result = subprocess.run(  # noqa: S603
        [
            sys.executable,
            "-c",
            "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='wijkteam.settings';"
            "django.setup(); from django.conf import settings as s; " + code,
        ],
        env={"PATH": "/usr/bin:/bin", **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


def test_settings_come_from_the_environment():
    out = _settings_in_subprocess(
        {
            "DATABASE_URL": "postgres://u:p@db.example:5432/wijkteam",
            "DEBUG": "0",
            "ALLOWED_HOSTS": "wijkteam.example,www.wijkteam.example",
            "SECRET_KEY": "x" * 60,
        },
        "print(s.DATABASES['default']['ENGINE'], s.DATABASES['default']['HOST'], s.ALLOWED_HOSTS, "
        "s.DEBUG, s.WIJKTEAM_REQUIRE_MFA, s.LANGUAGE_CODE, s.TIME_ZONE, s.SESSION_COOKIE_NAME)",
    )
    assert out == (
        "django.db.backends.postgresql db.example ['wijkteam.example', 'www.wijkteam.example'] "
        "False True nl Europe/Amsterdam __Host-sessionid"
    )


def test_neither_the_database_nor_its_replica_uses_server_side_cursors():
    """Behind a transaction pooler (README) a cursor kept past its transaction is fetched from on
    another client's connection: off for both (tests/test_deployment.py shows it on a page)."""
    out = _settings_in_subprocess(
        {
            "DATABASE_URL": "postgres://u:p@db.example:5432/wijkteam",
            "DATABASE_REPLICA_URL": "postgres://u:p@replica.example:5432/wijkteam",
            "DEBUG": "1",
        },
        "print(s.DATABASES['default']['DISABLE_SERVER_SIDE_CURSORS'], "
        "s.DATABASES['replica']['DISABLE_SERVER_SIDE_CURSORS'])",
    )
    assert out == "True True"


def test_demo_defaults_use_sqlite_and_no_mfa():
    out = _settings_in_subprocess(
        {"DEBUG": "1"}, "print(s.DATABASES['default']['ENGINE'], s.WIJKTEAM_REQUIRE_MFA)"
    )
    assert out == "django.db.backends.sqlite3 False"


def test_production_refuses_the_development_secret_key(settings):
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = ["wijkteam.example"]
    settings.SECRET_KEY = settings.DEVELOPMENT_SECRET_KEY
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY"):
        refuse_insecure_production()
    settings.SECRET_KEY = "k" * 64
    refuse_insecure_production()


def test_wsgi_entry_point_does_not_start_on_the_development_key():
    with pytest.raises(subprocess.CalledProcessError) as error:
        subprocess.run(  # noqa: S603
            [sys.executable, "-c", "import wijkteam.wsgi"],
            env={"PATH": "/usr/bin:/bin", "DEBUG": "0", "ALLOWED_HOSTS": "x.example"},
            capture_output=True,
            text=True,
            check=True,
        )
    assert "refuses to start" in error.value.stderr


@pytest.mark.django_db
def test_pages_are_dutch_by_default(client, world):
    """Dutch, also for a browser that asks for English: only the language switch changes it."""
    client.force_login(world.worker_a)
    response = client.get(reverse("cases:household_list"), headers={"Accept-Language": "en-US,en"})
    assert '<html lang="nl">' in response.text
    assert "Huishoudens" in response.text
    assert "Naar de inhoud" in response.text  # the skip link


@pytest.mark.django_db
def test_english_is_available(client, world):
    client.force_login(world.worker_a)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    response = client.get(reverse("cases:household_list"))
    assert '<html lang="en">' in response.text
    assert "Households" in response.text


@pytest.mark.django_db
def test_no_cdn_every_asset_is_local(client, world):
    client.force_login(world.worker_a)
    html = client.get(reverse("cases:household_list")).text
    assert "http://" not in html.replace("http://www.w3.org", "")
    assert "https://" not in html
    assert "/static/vendor/bootstrap/bootstrap.min.css" in html
    assert "/static/vendor/htmx/htmx.min.js" in html


@pytest.mark.django_db
def test_authenticated_pages_are_not_cached_and_carry_a_nonce_csp(client, world):
    client.force_login(world.worker_a)
    response = client.get(reverse("cases:household_list"))
    assert "no-store" in response["Cache-Control"]
    csp = response["Content-Security-Policy"]
    # Scripts only from this site; a nonce appears only on pages that carry an inline script.
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "object-src 'none'" in csp and "frame-ancestors 'none'" in csp


@pytest.mark.django_db
class TestRequireMFA:
    def test_user_without_second_factor_only_reaches_mfa_setup(self, client, settings, world):
        """With WIJKTEAM_REQUIRE_MFA on, no data is reachable before TOTP is set up."""
        settings.WIJKTEAM_REQUIRE_MFA = True
        household = HouseholdFactory(team=world.team_a)
        client.force_login(world.worker_a)
        for url in [reverse("cases:household_list"), household.get_absolute_url(), "/"]:
            response = client.get(url)
            assert response.status_code == 302
            assert response.url == reverse("mfa_activate_totp")
        # Setting up TOTP stays reachable (through allauth's password re-check).
        setup = client.get(reverse("mfa_activate_totp"), follow=True)
        assert setup.status_code == 200
        assert setup.redirect_chain[-1][0].startswith(reverse("account_reauthenticate"))

    def test_user_with_totp_gets_in(self, client, settings, world):
        from allauth.mfa.models import Authenticator

        settings.WIJKTEAM_REQUIRE_MFA = True
        Authenticator.objects.create(user=world.worker_a, type=Authenticator.Type.TOTP, data={"secret": "x"})
        client.force_login(world.worker_a)
        assert client.get(reverse("cases:household_list")).status_code == 200

    def test_password_alone_does_not_log_in_a_user_with_totp(self, client, settings, world):
        """After the password step of an account with TOTP, data pages still redirect to login."""
        from allauth.mfa.models import Authenticator

        settings.WIJKTEAM_REQUIRE_MFA = True
        settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
        world.worker_a.set_password("een-lang-wachtwoord-123")
        world.worker_a.save()
        Authenticator.objects.create(
            user=world.worker_a, type=Authenticator.Type.TOTP, data={"secret": "JBSWY3DPEHPK3PXP"}
        )
        response = client.post(
            reverse("account_login"),
            {"login": world.worker_a.username, "password": "een-lang-wachtwoord-123"},
        )
        assert response.status_code == 302
        assert response.url == reverse("mfa_authenticate")
        list_response = client.get(reverse("cases:household_list"))
        assert list_response.status_code == 302
        assert list_response.url.startswith(reverse("account_login"))


@pytest.mark.django_db
def test_login_with_password_works_and_rotates_the_session(client, world):
    world.worker_a.set_password("een-lang-wachtwoord-123")
    world.worker_a.save()
    client.get(reverse("account_login"))
    before = client.session.session_key
    response = client.post(
        reverse("account_login"), {"login": world.worker_a.username, "password": "een-lang-wachtwoord-123"}
    )
    assert response.status_code == 302
    assert client.session.session_key != before
    assert client.get(reverse("cases:household_list")).status_code == 200


@pytest.mark.django_db
def test_wrong_password_gives_a_dutch_message(client, world):
    response = client.post(reverse("account_login"), {"login": world.worker_a.username, "password": "fout"})
    assert response.status_code == 200
    assert "De gebruikersnaam of het wachtwoord is niet juist." in response.text
    assert f'value="{world.worker_a.username}"' in response.text  # what was typed stays


def test_passwords_are_hashed_with_argon2id():
    out = _settings_in_subprocess(
        {"DEBUG": "1"},
        "from django.contrib.auth.hashers import make_password; print(make_password('x' * 20)[:16])",
    )
    assert out == "argon2$argon2id$"


@pytest.mark.django_db
def test_error_pages_are_dutch_and_reveal_nothing(client, world):
    household = HouseholdFactory(team=world.team_b, name="Familie Elders")
    client.force_login(world.worker_a)
    missing = client.get(household.get_absolute_url())
    assert missing.status_code == 404
    assert "Niet gevonden" in missing.text
    assert "Familie Elders" not in missing.text
    client.force_login(world.manager_ab)
    refused = client.get(reverse("cases:household_edit", args=[household.pk]))
    assert refused.status_code == 403
    assert "Niet toegestaan" in refused.text


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    """`manage.py check --deploy --fail-level WARNING` passes with settings as documented."""
    import os
    import secrets
    import subprocess
    import sys
    from pathlib import Path

    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))},
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(60),
        "ALLOWED_HOSTS": "wijkteam.gemeente.example",
        "DATABASE_URL": f"sqlite:///{tmp_path}/deploy.sqlite3",
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
    }
    result = subprocess.run(  # noqa: S603 - our own manage.py with our own interpreter
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=Path(__file__).resolve().parent.parent,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
