"""The login lockout (docs/security.md AU-2, issue 15): refused in Dutch, logged with who, from where,
when, and recorded in the append-only SecurityEvent table; strict on guessing, but never a way to
keep a colleague or an account's owner out (teams/throttle.py)."""

import logging

import pytest
from django.db import DatabaseError, connection, transaction
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext, ngettext
from freezegun import freeze_time

from teams import throttle
from teams.models import SecurityEvent
from teams.tests.factories import UserFactory
from wijkteam.history import HistoryBypassError

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


@override_settings(
    ACCOUNT_RATE_LIMITS={"login": "2/m/ip", "login_failed": "5/5m/key", "login_failed_address": "30/m/ip"}
)
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


# --- Issue 15: a lockout that protects without excluding ------------------------------------

FACTORY_PASSWORD = "correct horse battery staple"  # teams.tests.factories.UserFactory
OFFICE = "198.51.100.10"  # one public address for a whole office (NAT)
HOME = "192.0.2.44"
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
Kind = SecurityEvent.Kind


def log_in(browser, username, password, address=OFFICE):
    return browser.post(
        reverse("account_login"), {"login": username, "password": password}, REMOTE_ADDR=address
    )


def logged_in(browser) -> bool:
    return "_auth_user_id" in browser.session


def refusal(response) -> str | None:
    """The code of the login form's error: why it said no (None: no error, so logged in)."""
    form = response.context["form"] if response.context and "form" in response.context else None
    if form is None or not form.non_field_errors():
        return None
    return form.non_field_errors().as_data()[0].code


def totp_code() -> str:
    from allauth.mfa.totp.internal import auth

    counter = next(auth.yield_hotp_counters_from_time())
    return auth.format_hotp_value(auth.hotp_value(TOTP_SECRET, counter))


def log_in_completely(browser, user, address=OFFICE):
    """Password, and the code when the account has TOTP: what makes a browser known."""
    response = log_in(browser, user.username, FACTORY_PASSWORD, address)
    assert response.status_code == 302, refusal(response)
    if response.url == reverse("mfa_authenticate"):
        browser.post(reverse("mfa_authenticate"), {"code": totp_code()}, REMOTE_ADDR=address)
    assert logged_in(browser)


def test_thirty_colleagues_behind_one_address_log_in_while_an_attacker_fails_there(world):
    """The office's browsers logged in yesterday; this morning someone in the same building (the
    same public address) guesses, over many usernames, the colleagues' own among them, far past
    every ceiling. Every colleague still gets in at the first try; the guesser is refused."""
    colleagues = [UserFactory(username=f"collega{n:02}") for n in range(30)]
    browsers = {}
    with freeze_time("2026-03-02 07:55:00", tick=True) as frozen:  # (tick: see the next test)
        for user in colleagues:
            browsers[user] = Client()
            log_in_completely(browsers[user], user)
            browsers[user].post(reverse("account_logout"))
        frozen.move_to("2026-03-03 07:59:00")
        attacker = Client()
        outcomes = []
        # First, six guesses at one colleague's password: that username is now locked *for the
        # attacker's browser at this address*, not for its owner.
        for _guess in range(6):
            outcomes.append(refusal(log_in(attacker, colleagues[0].username, WRONG)))
        for n, user in enumerate(colleagues):
            for guess in range(3):
                name = user.username if guess == 0 else f"gast{n}-{guess}"
                outcomes.append(refusal(log_in(attacker, name, WRONG)))
            frozen.tick(1)
            response = log_in(browsers[user], user.username, FACTORY_PASSWORD)
            assert response.status_code == 302, (user.username, refusal(response))
            assert logged_in(browsers[user]), user.username
    assert outcomes.count("username_password_mismatch") == 30, "the address's ceiling: 30 a minute"
    assert outcomes.count("too_many_login_attempts") == len(outcomes) - 30
    assert SecurityEvent.objects.filter(kind=Kind.ADDRESS_LOCKED, address=OFFICE).count() == 1
    assert SecurityEvent.objects.filter(kind=Kind.ACCOUNT_ADDRESS_LOCKED, username="collega00").count() == 1


def test_an_office_logging_in_at_nine_is_not_held_back_by_its_typos_or_a_guesser(world):
    """New browsers, the first day: a third of the office mistypes once and someone guesses 15
    times, all from one address in one minute. Nobody is excluded: correct logins do not count,
    and the address's ceiling is well above ten failures a minute."""
    colleagues = [UserFactory(username=f"nieuw{n:02}") for n in range(30)]
    # The clock runs (tick): allauth gives back a correct login's count by its timestamp, and in a
    # frozen second every attempt would have the same one.
    with freeze_time("2026-03-02 08:00:00", tick=True) as frozen:
        attacker = Client()
        for n, user in enumerate(colleagues):
            browser = Client()
            if n % 3 == 0:
                assert refusal(log_in(browser, user.username, "typfout")) == "username_password_mismatch"
            if n % 2 == 0:
                assert refusal(log_in(attacker, f"gok{n}", WRONG)) == "username_password_mismatch"
            response = log_in(browser, user.username, FACTORY_PASSWORD)
            assert response.status_code == 302, (user.username, refusal(response))
            frozen.tick(1)
    assert not SecurityEvent.objects.exists()


def test_a_flood_for_one_username_does_not_keep_its_owner_out_where_they_usually_log_in(world):
    """Half an hour of wrong passwords for one worker's username from ten addresses. A new
    browser, even at the owner's own desk, has to wait (the delay grows to 15 minutes), so the
    flood gets few guesses; the owner's own browser, which logged in completely from their usual
    address before, gets in with the right password and the second factor."""
    from allauth.mfa.totp.internal.auth import TOTP

    owner = UserFactory(username="wijkwerker.anna")
    TOTP.activate(owner, TOTP_SECRET)
    usual = Client()
    with freeze_time("2026-03-02 08:30:00") as frozen:
        log_in_completely(usual, owner, address=OFFICE)
        usual.post(reverse("account_logout"))

        frozen.move_to("2026-03-03 07:00:00")
        attackers = [Client() for _address in range(10)]
        checked = refused = 0
        for _minute in range(30):
            for n in range(10):
                code = refusal(log_in(attackers[n], owner.username, WRONG, address=f"203.0.113.{n}"))
                checked += code == "username_password_mismatch"
                refused += code in ("login_delayed", "too_many_login_attempts")
            frozen.tick(60)
        assert checked + refused == 300
        assert checked <= 16, "10 free failures, then 30 s, 1, 2, 4, 8 and 15 minutes between guesses"

        # A browser that never logged in, at the owner's own desk.
        new_browser = log_in(Client(), owner.username, FACTORY_PASSWORD, address=OFFICE)
        assert refusal(new_browser) == "login_delayed"
        wait = new_browser.context["form"].non_field_errors().as_data()[0].params["seconds"]
        assert 0 < wait <= 15 * 60
        with translation.override("nl"):
            shown = ngettext(
                "Too many failed logins for this username. Wait a moment: you can try again in "
                "%(seconds)d second.",
                "Too many failed logins for this username. Wait a moment: you can try again in "
                "%(seconds)d seconds.",
                wait,
            ) % {"seconds": wait}
        assert shown in new_browser.text

        response = log_in(usual, owner.username, FACTORY_PASSWORD, address=OFFICE)
        assert response.status_code == 302 and response.url == reverse("mfa_authenticate")
        usual.post(reverse("mfa_authenticate"), {"code": totp_code()}, REMOTE_ADDR=OFFICE)
        assert logged_in(usual)
        assert usual.get(reverse("home"), REMOTE_ADDR=OFFICE).status_code in (200, 302)


def test_a_named_account_gets_an_increasing_delay_not_a_lock(world):
    """From different addresses: ten failures are free, then each failure doubles the wait; the
    right password after the wait gets in (from a browser that never logged in before)."""
    owner = UserFactory(username="coordinator.bert")
    stranger = Client()  # a browser that never logged in; each post from the address given
    with freeze_time("2026-03-02 10:00:00") as frozen:
        for n in range(10):
            assert refusal(log_in(stranger, owner.username, WRONG, f"203.0.113.{n}")) == (
                "username_password_mismatch"
            )
        waits = []
        for step in range(4):
            response = log_in(stranger, owner.username, WRONG, f"203.0.114.{step}")
            assert refusal(response) == "login_delayed"
            wait = response.context["form"].non_field_errors().as_data()[0].params["seconds"]
            waits.append(wait)
            frozen.tick(wait - 1)
            assert refusal(log_in(stranger, owner.username, FACTORY_PASSWORD, HOME)) == "login_delayed"
            frozen.tick(1)
            if step < 3:
                assert refusal(log_in(stranger, owner.username, WRONG, f"203.0.115.{step}")) == (
                    "username_password_mismatch"
                )
        assert waits == [30, 60, 120, 240]
        browser = Client()
        assert log_in(browser, owner.username, FACTORY_PASSWORD, HOME).status_code == 302
        assert logged_in(browser)


def test_credential_stuffing_over_many_usernames_from_one_address_is_slowed(world):
    """One password tried for 40 usernames a minute from one address: 30 a minute reach the
    password check, and after 300 in the hour none do; the refused ones are not checked at all."""
    from django.contrib.auth.signals import user_login_failed

    checked_passwords = []

    def count(sender, credentials, **kwargs):
        checked_passwords.append(credentials.get("username"))

    user_login_failed.connect(count, dispatch_uid="test_stuffing")
    try:
        per_minute = []
        with freeze_time("2026-03-02 02:00:00") as frozen:
            attacker = Client()
            for minute in range(12):
                codes = [refusal(log_in(attacker, f"lijst{minute}-{n}", "Welkom2024!")) for n in range(40)]
                per_minute.append(codes.count("username_password_mismatch"))
                assert set(codes) <= {"username_password_mismatch", "too_many_login_attempts"}
                frozen.tick(60)
            # Another address is not held back by it.
            elsewhere = log_in(attacker, "lijst-elders", "Welkom2024!", HOME)
            assert refusal(elsewhere) == "username_password_mismatch"
    finally:
        user_login_failed.disconnect(dispatch_uid="test_stuffing")
    assert per_minute == [30] * 10 + [0, 0]
    assert len(checked_passwords) == 301
    # One row per minute's lock (minutes 1 to 9), then one for the hour's at minute 10.
    assert SecurityEvent.objects.filter(kind=Kind.ADDRESS_LOCKED, address=OFFICE).count() == 10


def test_every_lock_writes_one_security_event_with_username_and_address_and_no_password(world, settings):
    user = UserFactory(username="wijkwerker.cor")
    stranger = Client()  # a browser that never logged in; each post from the address given
    with freeze_time("2026-03-02 12:00:00") as frozen:
        # An account at one address: five failures lock it there; refusals add no rows.
        for _attempt in range(5):
            log_in(stranger, user.username, WRONG, HOME)
        for _attempt in range(3):
            assert refusal(log_in(stranger, user.username, PASSWORD, HOME)) == "too_many_login_attempts"
        events = list(SecurityEvent.objects.all())
        assert [(e.kind, e.username, e.address) for e in events] == [
            (Kind.ACCOUNT_ADDRESS_LOCKED, user.username, HOME)
        ]
        assert (events[0].until - events[0].at).total_seconds() == 300
        before = SecurityEvent.objects.count()

        # An account alone: its tenth failure, from ten addresses, starts a delay; the next failure
        # after the wait a longer one. Each is one row.
        frozen.tick(600)
        for n in range(10):
            log_in(stranger, "bestaat.niet", WRONG, f"203.0.113.{n}")
        log_in(stranger, "bestaat.niet", WRONG, "203.0.113.99")  # refused: waiting
        frozen.tick(30)
        log_in(stranger, "bestaat.niet", WRONG, "203.0.113.100")
        delays = SecurityEvent.objects.filter(kind=Kind.ACCOUNT_DELAYED).order_by("at")
        assert [(e.username, e.address, (e.until - e.at).total_seconds()) for e in delays] == [
            ("bestaat.niet", "203.0.113.9", 30),
            ("bestaat.niet", "203.0.113.100", 60),
        ]
        assert SecurityEvent.objects.count() == before + 2

        # An address alone: its thirtieth failure in a minute, whatever the names.
        frozen.tick(3600)
        for n in range(35):
            log_in(stranger, f"naam{n}", WRONG, "203.0.113.200")
        addresses = SecurityEvent.objects.filter(kind=Kind.ADDRESS_LOCKED)
        assert [(e.username, e.address) for e in addresses] == [("naam29", "203.0.113.200")]

        # allauth's other limits (here the login page per address) answer 429: one row too.
        settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login": "2/m/ip"}
        frozen.tick(3600)
        statuses = [log_in(stranger, user.username, WRONG, "203.0.113.201").status_code for _ in range(4)]
        assert statuses == [200, 200, 429, 429]
        limited = SecurityEvent.objects.filter(kind=Kind.RATE_LIMITED)
        assert [(e.username, e.address, e.action) for e in limited] == [
            (user.username, "203.0.113.201", "account_login")
        ]

    for row in SecurityEvent.objects.values():
        assert row["at"] and row["address"]
        assert WRONG not in str(row) and PASSWORD not in str(row) and FACTORY_PASSWORD not in str(row)
    assert not [f.name for f in SecurityEvent._meta.get_fields() if "password" in f.name]


def test_the_security_event_table_is_append_only(postgres_only, world):
    """UPDATE and DELETE are refused by PostgreSQL, from the ORM and in raw SQL alike."""
    event = SecurityEvent.objects.create(kind=Kind.ADDRESS_LOCKED, username="x", address=HOME)
    table = connection.ops.quote_name(SecurityEvent._meta.db_table)
    for statement in (f"UPDATE {table} SET username = 'y'", f"DELETE FROM {table}"):  # noqa: S608
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as c,
        ):
            c.execute(statement)
    event.username = "y"
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        event.save()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        event.delete()
    with pytest.raises(HistoryBypassError):
        SecurityEvent.objects.update(username="y")
    with pytest.raises(HistoryBypassError):
        SecurityEvent.objects.all().delete()
    assert SecurityEvent.objects.get().username == "x"


def test_the_administration_shows_security_events_to_superusers_read_only(client, world):
    event = SecurityEvent.objects.create(kind=Kind.ACCOUNT_ADDRESS_LOCKED, username="gast.x", address=HOME)
    changelist = reverse("admin:teams_securityevent_changelist")
    change = reverse("admin:teams_securityevent_change", args=[event.pk])
    client.force_login(world.admin)
    listing = client.get(changelist)
    assert listing.status_code == 200
    assert "gast.x" in listing.text and HOME in listing.text
    page = client.get(change)
    assert page.status_code == 200
    assert "gast.x" in page.text
    assert 'name="_save"' not in page.text and 'name="username"' not in page.text
    assert client.post(change, {"username": "veranderd"}).status_code == 403
    assert client.get(reverse("admin:teams_securityevent_add")).status_code == 403
    assert client.get(reverse("admin:teams_securityevent_delete", args=[event.pk])).status_code == 403
    client.post(changelist, {"action": "delete_selected", "_selected_action": [event.pk], "post": "yes"})
    assert SecurityEvent.objects.get().username == "gast.x"

    staff = UserFactory(is_staff=True)
    client.force_login(staff)
    assert client.get(changelist).status_code == 403


def test_a_browser_is_known_only_for_the_accounts_that_completed_a_login_in_it(world):
    """The cookie is signed and names the accounts by a keyed hash: another account, a changed
    cookie or a cookie older than KNOWN_DAYS does not count."""
    from django.core import signing
    from django.http import HttpResponse

    factory = RequestFactory()
    with freeze_time("2026-03-02 08:00:00") as frozen:
        request = factory.get("/")
        response = HttpResponse()
        throttle.remember_browser(request, response, "Wijkwerker.Anna")
        cookie = response.cookies[throttle.known_cookie_name()]
        assert cookie["httponly"] and cookie["samesite"] == "Lax"
        assert "anna" not in str(signing.loads(cookie.value, salt=throttle.KNOWN_SALT))
        request = factory.get("/")
        request.COOKIES[throttle.known_cookie_name()] = cookie.value
        assert throttle.known_browser(request, "wijkwerker.anna")
        assert throttle.known_browser(request, "wijkwerker.bert") is None
        request.COOKIES[throttle.known_cookie_name()] = cookie.value[:-2] + "xx"
        assert throttle.known_browser(request, "wijkwerker.anna") is None
        request.COOKIES[throttle.known_cookie_name()] = cookie.value
        frozen.tick(60 * 60 * 24 * (throttle.KNOWN_DAYS + 1))
        assert throttle.known_browser(request, "wijkwerker.anna") is None
