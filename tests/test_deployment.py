"""Production deployment: two gunicorn app servers, one PostgreSQL database, a reverse proxy.

Two real gunicorn processes start with `wijkteam/gunicorn.conf.py` and production settings
(DEBUG off, a real SECRET_KEY, SSL redirect on) against the test database. The test speaks to
them as the reverse proxy does: from 127.0.0.1 (FORWARDED_ALLOW_IPS), with the public host name
and X-Forwarded-Proto/-For. A second loopback address, 127.0.0.2, plays a client that reaches
an app server around the proxy.
"""

import http.client
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.contrib.auth.hashers import Argon2PasswordHasher
from django.core.cache import cache
from django.db import connection
from django.urls import reverse
from django.utils.html import escape

from teams.tests.factories import PositionFactory
from tests import roles

pytestmark = pytest.mark.postgres

ROOT = Path(__file__).resolve().parent.parent
PROXY = "127.0.0.1"  # the only address in FORWARDED_ALLOW_IPS
OUTSIDER = "127.0.0.2"  # reaches the app servers directly, around the proxy
HOST = "127.0.0.1"  # the public host name the proxy passes on (ALLOWED_HOSTS)
PASSWORD = "een lang wachtwoord voor de test"  # noqa: S105


@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode()

    def cookies(self) -> dict[str, str]:
        jar = SimpleCookie()
        for header in self.headers.get_all("Set-Cookie") or []:
            jar.load(header)
        return {name: morsel.value for name, morsel in jar.items()}


@dataclass
class AppServer:
    name: str
    port: int
    process: subprocess.Popen
    log: Path
    static_root: Path

    def request(self, method, path, *, headers=None, body=None, source=PROXY, https=True) -> Response:
        """A request as the proxy forwards it (from `source`; X-Forwarded-Proto unless https=False)."""
        sent = {"Host": HOST}
        if https:
            sent["X-Forwarded-Proto"] = "https"
        sent.update(headers or {})
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10, source_address=(source, 0))
        try:
            conn.request(method, path, body=body, headers=sent)
            response = conn.getresponse()
            return Response(response.status, response.headers, response.read())
        finally:
            conn.close()

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _database_url() -> str:
    """The test database (made by pytest-django) as a DATABASE_URL for the app servers: with the
    application's role, not the owner's the suite uses (tests/roles.py)."""
    return roles.url("app")


def _stop(process: subprocess.Popen) -> None:
    """Stop the gunicorn master and its workers (their own process group), whatever happens."""
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def _wait_until_ready(server: AppServer, deadline: float) -> None:
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            pytest.fail(f"gunicorn {server.name} exited:\n{server.log_text()[-3000:]}")
        try:
            status = server.request("GET", "/healthz/").status
        except OSError:
            time.sleep(0.1)  # not listening yet
            continue
        if status != 200:
            pytest.fail(f"gunicorn {server.name}: /healthz/ {status}:\n{server.log_text()[-3000:]}")
        return
    pytest.fail(f"gunicorn {server.name} did not answer /healthz/ in time:\n{server.log_text()[-3000:]}")


@pytest.fixture(scope="module")
def servers(request, django_db_setup, tmp_path_factory):
    """Two app servers, A and B, as an operator runs them (README, "Deploying")."""
    if connection.vendor != "postgresql":
        if os.environ.get("REQUIRE_POSTGRES") == "1":
            pytest.fail("REQUIRE_POSTGRES=1 but the tests run on " + connection.vendor)
        pytest.skip("the deployment runs on PostgreSQL")
    tmp = tmp_path_factory.mktemp("deployment")
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "LANG": "C.UTF-8",
        "DATABASE_URL": _database_url(),
        # The test database is flushed between tests: no connection may stay open.
        "DATABASE_CONN_MAX_AGE": "0",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(60),
        "ALLOWED_HOSTS": HOST,
        "WIJKTEAM_REQUIRE_MFA": "0",
        "STATIC_ROOT": str(tmp / "static"),
        "FORWARDED_ALLOW_IPS": PROXY,
        "TRUSTED_PROXY_COUNT": "1",
        "GUNICORN_WORKERS": "1",
        "GUNICORN_THREADS": "2",
        "LOG_LEVEL": "WARNING",
    }
    subprocess.run(  # noqa: S603 - our own manage.py with our own interpreter
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    started = []
    for name in ("A", "B"):
        port = _free_port()
        log = tmp / f"gunicorn-{name}.log"
        with log.open("wb") as output:
            process = subprocess.Popen(  # noqa: S603
                [sys.executable, "-m", "gunicorn", "-c", "wijkteam/gunicorn.conf.py", "wijkteam.wsgi"],
                cwd=ROOT,
                env={**env, "GUNICORN_BIND": f"127.0.0.1:{port}"},
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: the workers stop with it
            )
        started.append(AppServer(name, port, process, log, tmp / "static"))
        request.addfinalizer(lambda process=process: _stop(process))
    deadline = time.monotonic() + 30
    for server in started:
        _wait_until_ready(server, deadline)
    return started


@pytest.fixture
def worker(transactional_db):
    """A worker of a team whose password the app servers can check (they hash with Argon2).

    Committed, so the app servers see it. The cache table is no model, so the flush after the
    test leaves it: the rate-limit counts of its logins are emptied here.
    """
    cache.clear()
    user = PositionFactory(access_role="worker").user
    hasher = Argon2PasswordHasher()
    user.password = hasher.encode(PASSWORD, hasher.salt())
    user.save()
    yield user
    cache.clear()


def log_in(server: AppServer, username: str, password: str, client_ip: str = "203.0.113.10") -> Response:
    """The login form as a browser behind the proxy fills it in: GET, then POST with its token."""
    form = server.request("GET", reverse("account_login"), headers={"X-Forwarded-For": client_ip})
    assert form.status == 200, form.status
    csrf_cookie = form.cookies()["__Host-csrftoken"]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text).group(1)
    return server.request(
        "POST",
        reverse("account_login"),
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"__Host-csrftoken={csrf_cookie}",
            "Origin": f"https://{HOST}",
            "X-Forwarded-For": client_ip,
        },
        body=urlencode({"csrfmiddlewaretoken": token, "login": username, "password": password}),
    )


def test_static_files_come_from_both_servers_with_a_long_cache_header(servers):
    """WhiteNoise serves the hashed, compressed files on every app server; browsers keep them."""
    manifest = json.loads((servers[0].static_root / "staticfiles.json").read_text())
    hashed = manifest["paths"]["vendor/htmx/htmx.min.js"]
    assert hashed != "vendor/htmx/htmx.min.js"
    bodies = []
    for server in servers:
        response = server.request("GET", f"/static/{hashed}", headers={"Accept-Encoding": "gzip"})
        assert response.status == 200, server.name
        cache_control = response.headers["Cache-Control"]
        assert "max-age=315360000" in cache_control, (server.name, cache_control)
        assert "immutable" in cache_control
        assert response.headers["Content-Encoding"] == "gzip"
        bodies.append(response.body)
    assert bodies[0] == bodies[1]


def test_a_session_from_server_a_works_on_server_b(servers, worker):
    """Sessions are rows in PostgreSQL: log in through A, carry on through B."""
    server_a, server_b = servers
    response = log_in(server_a, worker.username, PASSWORD)
    assert response.status == 302, response.text[:2000]
    session = response.cookies()["__Host-sessionid"]
    caseload = reverse("cases:caseload")

    on_b = server_b.request("GET", caseload, headers={"Cookie": f"__Host-sessionid={session}"})
    assert on_b.status == 200
    assert escape(worker.get_full_name()) in on_b.text  # the menu names who is logged in
    assert "no-store" in on_b.headers["Cache-Control"]
    # Without the cookie, B sends the browser to the login page.
    anonymous = server_b.request("GET", caseload)
    assert anonymous.status == 302
    assert anonymous.headers["Location"].startswith(reverse("account_login"))


def test_https_from_the_proxy_counts_plain_http_is_redirected(servers):
    """X-Forwarded-Proto from the proxy makes a request secure; nobody else can claim it."""
    login = reverse("account_login")
    for server in servers:
        secure = server.request("GET", login)
        assert secure.status == 200, server.name  # no redirect loop behind the proxy
        assert "max-age=31536000" in secure.headers["Strict-Transport-Security"]

        plain = server.request("GET", login, https=False)
        assert plain.status == 301
        assert plain.headers["Location"] == f"https://{HOST}{login}"

        # Around the proxy the header is dropped: still plain http, still redirected.
        spoofed = server.request("GET", login, source=OUTSIDER)
        assert spoofed.status == 301, server.name
        assert spoofed.headers["Location"] == f"https://{HOST}{login}"


def test_the_login_lockout_reached_through_a_holds_on_b(servers, worker):
    """The failed-login limit lives in the shared cache: five failures on A lock B as well."""
    server_a, server_b = servers
    for _attempt in range(5):
        failed = log_in(server_a, worker.username, "niet het wachtwoord")
        assert failed.status == 200
        assert "__Host-sessionid" not in failed.cookies()
    refused = log_in(server_b, worker.username, PASSWORD)
    assert refused.status == 200
    assert "Te veel inlogpogingen" in refused.text
    assert "__Host-sessionid" not in refused.cookies()


def test_the_access_log_carries_the_request_id_and_no_secrets(servers):
    """One line per request with its id; no query string (search words), no reset token."""
    server = servers[0]
    response = server.request("GET", "/healthz/?q=Familie+Geheim", headers={"X-Forwarded-For": "203.0.113.7"})
    request_id = response.headers["X-Request-ID"]
    reset = server.request("GET", "/accounts/password/reset/key/1-geheimtoken123/")
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and reset.headers["X-Request-ID"] not in server.log_text():
        time.sleep(0.05)
    log = server.log_text()
    line = next(line for line in log.splitlines() if f"request_id={request_id}" in line)
    assert '"GET /healthz/"' in line
    assert "client=203.0.113.7" in line
    assert "Geheim" not in log
    assert "geheimtoken123" not in log
    assert "/accounts/password/reset/key/***/" in log


@pytest.mark.django_db
def test_no_cursor_outlives_its_transaction_so_a_transaction_pooler_is_safe(client, world):
    """PgBouncer in transaction pooling (README) gives the server connection to another client
    after each transaction. A cursor declared WITH HOLD outside a transaction, and fetched from
    later, is what Django's `.iterator()` makes on PostgreSQL, and every form's choice list is
    read with it: the signal page's worker and partner lists among them."""
    if connection.vendor != "postgresql":
        pytest.skip("server-side cursors are PostgreSQL's")
    from cases.tests.factories import ReferralFactory
    from teams.models import User

    referral = ReferralFactory(team=world.team_a, municipality=world.team_a.municipality)
    client.force_login(world.coordinator_a)
    named = []  # the statements run on a named (server-side) cursor: psycopg2 declares those

    def record(execute, sql, params, many, context):
        if getattr(context["cursor"].cursor, "name", None):
            named.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        page = client.get(reverse("cases:referral_detail", args=[referral.pk]))
    assert page.status_code == 200
    assert f'<option value="{world.worker_a.pk}"' in page.content.decode()  # the assign form's workers
    assert named == [], named
    with connection.execute_wrapper(record):
        users = list(User.objects.order_by("pk").iterator())
    assert world.worker_a in users
    assert named == [], named
