"""The heavy reads from a streaming replica (wijkteam/replica.py), rehearsed with a real standby.

The router's rules first, without a replica: they hold on any database. Then the rehearsal: a
primary and a hot standby on this machine. How it meets pytest-django: the suite's test database
stays as it is. The rehearsal starts a pair of its own (scripts/pglib.sh's `start_cluster` for
the primary, `pg_basebackup -R` for the standby; each on a Unix socket in a temporary folder, no
TCP port, fsync off), copies the test database's tables and migrated rows into the primary with
pg_dump (migrating anew takes a minute and more), and for its one test points Django's `default`
alias at the primary and a `replica` alias at the standby, as DATABASE_URL and
DATABASE_REPLICA_URL would, both with a login without privileges, as the application's. Its
rows are committed (no test transaction: the standby sees only what the primary committed);
the pair is removed afterwards and the aliases are put back. Which server ran what is seen with
`execute_wrapper` on both aliases. One test function with its steps in order (the standby is
stopped last), so that test processes of pytest-xdist do not each start a pair.

Without PostgreSQL's server binaries (or with the suite on SQLite) the rehearsal is skipped with
the reason; REQUIRE_POSTGRES=1 turns that into a failure.
"""

import contextlib
import copy
import csv
import datetime
import io
import logging
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import psycopg2
import pytest
from django.contrib.sessions.models import Session
from django.db import DatabaseError, connection, connections, transaction
from django.test import RequestFactory, override_settings
from django.urls import get_resolver, reverse
from django.utils import timezone

from cases import access_log
from cases.models import AccessEvent, Household, Referral
from cases.tests.factories import ContactFactory, HouseholdFactory, ReferralFactory
from teams.models import User
from teams.tests.factories import OrganisationFactory, PositionFactory
from tests import roles
from tests.test_urls import walk
from wijkteam import replica
from wijkteam.replica import REPLICA, ReplicaRouter

ROOT = Path(__file__).resolve().parent.parent
# The pages that read from the replica when there is one: figures, CSV exports, partner overview.
HEAVY_READS = {
    "cases:outreach_figures",
    "mandates:partners",
    "mandates:partner",
    "mandates:partners_csv",
    "walkin:figures",
    "directory:export_json",
    "directory:export_tabular",
}
ROUTER = "wijkteam.replica.ReplicaRouter"
MAX_LAG = 1.0  # seconds, in the rehearsal
OPTIONS = (("host", "host"), ("port", "port"), ("username", "user"))  # pg_dump's, libpq's
WRITES = ("INSERT", "UPDATE", "DELETE", "TRUNCATE", "CREATE", "ALTER", "DROP")


# --- The rules, without a replica -----------------------------------------------------------


def test_without_a_replica_nothing_changes():
    """No DATABASE_REPLICA_URL (the demo, the tests): no alias, no router, every read on default."""
    from django.conf import settings

    if os.environ.get("DATABASE_REPLICA_URL"):
        pytest.skip("DATABASE_REPLICA_URL is set for this run")
    assert REPLICA not in settings.DATABASES and not settings.DATABASE_ROUTERS
    assert not replica.configured()
    with replica.scope() as state:
        assert not state.usable


def test_only_the_figures_exports_and_partner_overview_read_from_the_replica():
    patterns = walk(get_resolver().url_patterns)
    marked = {name for name, _route, p in patterns if getattr(p.callback, "reads_from_replica", False)}
    assert marked == HEAVY_READS


def test_the_router_reads_the_replica_only_inside_the_scope_before_any_write(monkeypatch):
    router = ReplicaRouter()
    assert router.db_for_read(Referral) == "default", "outside the scope"
    with replica.scope(usable=False):
        assert router.db_for_read(Referral) == "default", "the replica is not fit"
    with replica.scope(usable=True):
        assert router.db_for_read(Referral) == REPLICA
        # Who is logged in: always the primary.
        assert router.db_for_read(User) == "default"
        assert router.db_for_read(Session) == "default"
        assert router.db_for_write(AccessEvent) == "default"
        assert router.db_for_read(Referral) == "default", "after a write, the request reads what it wrote"
    with replica.scope(usable=True):
        monkeypatch.setattr(connections["default"], "in_atomic_block", True)
        assert router.db_for_read(Household) == "default", "inside a transaction"
    assert router.allow_migrate("default", "cases") and not router.allow_migrate(REPLICA, "cases")
    assert router.allow_relation(Household(), Referral())


class Conflict(Exception):
    """What psycopg2 raises when a standby cancels a query for its replay."""

    pgcode = "40001"


@pytest.mark.parametrize(
    ("cause", "wrote", "replica_down", "read_again"),
    [
        (Conflict(), False, False, True),  # cancelled on the standby: once more on the primary
        (None, False, True, True),  # the standby went down since its last check
        (None, False, False, False),  # the standby is fine: the error is the view's own
        (Conflict(), True, True, False),  # it wrote something: a second run would write twice
    ],
)
def test_a_view_that_failed_on_the_replica_runs_once_more_on_the_primary_only_when_safe(
    monkeypatch, cause, wrote, replica_down, read_again
):
    monkeypatch.setattr(replica, "fit", lambda force=False: not (force and replica_down))
    runs = []

    @replica.reads_from_replica
    def view(request):
        state = replica._scope.get()
        runs.append(state.usable)
        if not state.usable:
            return "from the primary"
        state.used, state.wrote = True, wrote
        raise DatabaseError("canceling statement due to conflict with recovery") from cause

    if read_again:
        assert view(None) == "from the primary" and runs == [True, False]
    else:
        with pytest.raises(DatabaseError):
            view(None)
        assert runs == [True]


# --- The rehearsal --------------------------------------------------------------------------


def _needs(why: str):
    if os.environ.get("REQUIRE_POSTGRES") == "1":
        pytest.fail(f"REQUIRE_POSTGRES=1, but the replica rehearsal cannot run: {why}")
    pytest.skip(f"the replica rehearsal needs PostgreSQL: {why}")


def _pg_bin() -> str:
    done = subprocess.run(  # our own helper script
        ["bash", "-c", '. scripts/pglib.sh && can_run_cluster && dirname "$(readlink -f "$PG_BIN/pg_ctl")"'],  # noqa: S607
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    folder = done.stdout.strip()
    if done.returncode or not (Path(folder) / "pg_basebackup").exists():
        _needs("no PostgreSQL server binaries with pg_basebackup (or, as root, no postgres user)")
    return folder


def _sh(script: str, *args: str) -> None:
    """Bash with scripts/pglib.sh's helpers (as_pg, start_cluster, stop_cluster) and PG_BIN."""
    done = subprocess.run(  # noqa: S603 - our own script and paths
        ["bash", "-c", f"set -euo pipefail; . scripts/pglib.sh; can_run_cluster; {script}", "sh", *args],  # noqa: S607
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr


def _superuser(socket: str, dbname: str = "wijkteam"):
    conn = psycopg2.connect(host=socket, user="postgres", dbname=dbname)
    conn.autocommit = True
    return conn


def _one(socket: str, sql: str, params=()):
    with contextlib.closing(_superuser(socket)) as conn, conn.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0] if cursor.description else None


def _wait_until_replayed(pair) -> None:
    """Until the standby has replayed all that the primary wrote so far."""
    position = _one(pair.primary, "SELECT pg_current_wal_lsn()")
    deadline = time.monotonic() + 15
    while not _one(pair.standby, "SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [position]):
        assert time.monotonic() < deadline, "the standby did not catch up"
        time.sleep(0.05)


class Pair:
    def __init__(self, folder: Path, binaries: str):
        self.folder = folder
        self.bin = binaries
        self.primary = str(folder / "primary")
        self.standby = str(folder / "standby")


@pytest.fixture(scope="module")
def pair(django_db_setup):
    """A primary with the test database's tables, and its hot standby."""
    if connection.vendor != "postgresql":
        _needs(f"the tests run on {connection.vendor}")
    binaries = _pg_bin()
    folder = Path(tempfile.mkdtemp(prefix="wijkteam-replica."))
    folder.chmod(0o755)  # the postgres user reaches the sockets and data folders below
    pair = Pair(folder, binaries)
    try:
        _sh(
            'start_cluster "$1" fsync=off synchronous_commit=off wal_level=replica max_wal_senders=4',
            pair.primary,
        )
        # The test database (its tables, and the rows migrate wrote) into the primary.
        source = roles.params("owner")
        env = {**os.environ, "PGPASSWORD": source.get("password", "")}
        login = [f"--{key}={source[name]}" for key, name in OPTIONS if source.get(name)]
        dump = subprocess.run(  # noqa: S603
            [f"{binaries}/pg_dump", "--no-owner", "--no-privileges", *login, source["dbname"]],
            env=env,
            capture_output=True,
            check=True,
        ).stdout
        psql = [f"{binaries}/psql", "-q", "-v", "ON_ERROR_STOP=1", "-h", pair.primary, "-U", "postgres"]
        subprocess.run([*psql, "-c", "CREATE DATABASE wijkteam"], check=True, capture_output=True)  # noqa: S603
        subprocess.run([*psql, "-d", "wijkteam"], input=dump, check=True, capture_output=True)  # noqa: S603
        # A login without privileges, as the application's: the lag check must work for it.
        subprocess.run(  # noqa: S603
            [*psql, "-d", "wijkteam"],
            input=b"CREATE ROLE wijkteam_app LOGIN;"
            b"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO wijkteam_app;"
            b"GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO wijkteam_app;",
            check=True,
            capture_output=True,
        )
        # The standby: a base backup that streams from the primary (-R: standby.signal and
        # primary_conninfo; initdb's pg_hba.conf lets local replication connections in).
        _sh(
            'mkdir -p "$2"; chmod 755 "$2"; [ "$(id -u)" != 0 ] || chown postgres "$2"; '
            'as_pg "$3/pg_basebackup" -h "$1" -U postgres -D "$2/data" -R -X stream -c fast; '
            'as_pg "$3/pg_ctl" -D "$2/data" -l "$2/server.log" -w '
            "-o \"-c listen_addresses='' -k $2 -c fsync=off\" start >/dev/null",
            pair.primary,
            pair.standby,
            binaries,
        )
        yield pair
    finally:
        _sh('stop_cluster "$1" immediate; stop_cluster "$2" immediate', pair.standby, pair.primary)
        shutil.rmtree(folder, ignore_errors=True)


@contextlib.contextmanager
def _django_on(pair, django_db_blocker):
    """`default` on the primary, `replica` on the standby, as the settings make them."""
    default = connections["default"]
    saved = copy.deepcopy(default.settings_dict)
    default.close()
    login = {"NAME": "wijkteam", "USER": "wijkteam_app", "PASSWORD": "", "PORT": ""}
    default.settings_dict.update(login, HOST=pair.primary)
    standby = copy.deepcopy(default.settings_dict)
    standby.update(HOST=pair.standby, TEST={"MIRROR": "default"})
    standby["OPTIONS"] = {**standby.get("OPTIONS", {}), "connect_timeout": 2}
    connections.settings[REPLICA] = standby
    replica.forget()
    try:
        with (
            django_db_blocker.unblock(),
            override_settings(
                DATABASE_ROUTERS=["wijkteam.replica.ReplicaRouter"], DATABASE_REPLICA_MAX_LAG=MAX_LAG
            ),
        ):
            yield
    finally:
        for alias in ("default", REPLICA):
            with contextlib.suppress(Exception):
                connections[alias].close()
        with contextlib.suppress(AttributeError):
            del connections[REPLICA]
        del connections.settings[REPLICA]
        default.settings_dict.clear()
        default.settings_dict.update(saved)
        replica.forget()


class Seen:
    """The statements each server ran, per request."""

    def __init__(self):
        self.sql = {"default": [], REPLICA: []}

    def wrapper(self, alias):
        def wrap(execute, sql, params, many, context):
            self.sql[alias].append(sql)
            return execute(sql, params, many, context)

        return wrap

    def clear(self):
        for statements in self.sql.values():
            statements.clear()

    def on(self, alias: str, table: str) -> bool:
        return any(table in sql for sql in self.sql[alias])

    def writes(self, alias: str) -> list[str]:
        return [sql for sql in self.sql[alias] if sql.lstrip().upper().startswith(WRITES)]


def _csv(response) -> dict[str, list[str]]:
    assert response.status_code == 200, response.status_code
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    return {row[0]: row[1:] for row in rows[1:]}


def _figures(response) -> dict:
    assert response.status_code == 200, response.status_code
    keys = ("attempts", "share_reached", "per_kind", "assignments", "median_days_to_attempt")
    return {key: response.context[key] for key in keys}


@pytest.mark.postgres
def test_rehearsal_figures_from_a_hot_standby_writes_on_the_primary_and_fallbacks(
    pair, django_db_blocker, client, caplog
):
    seen = Seen()
    with _django_on(pair, django_db_blocker), contextlib.ExitStack() as stack:
        for alias in ("default", REPLICA):
            stack.enter_context(connections[alias].execute_wrapper(seen.wrapper(alias)))
        caplog.set_level(logging.INFO, logger="wijkteam.replica")

        # A manager of a team with a partner's signals and some contacts, on the primary.
        manager = PositionFactory(access_role="manager").user
        team = manager.positions.get().team
        school = OrganisationFactory(name="Basisschool De Linde", sector="school", is_partner=True)
        received = timezone.now() - datetime.timedelta(days=10)
        ReferralFactory.create_batch(2, team=team, sender_organisation=school, received_at=received)
        household = HouseholdFactory(team=team)
        ContactFactory(household=household, recorded_by=manager, at=received)
        client.force_login(manager)
        _wait_until_replayed(pair)
        figures, export = reverse("cases:outreach_figures"), reverse("mandates:partners_csv")

        # (a) The figures page and the CSV export are read on the standby.
        seen.clear()
        page = client.get(figures)
        assert page.status_code == 200
        assert seen.on(REPLICA, "cases_contact") and not seen.on("default", "cases_contact")
        seen.clear()
        rows = _csv(client.get(export))
        assert rows[school.name][0] == "2"
        assert seen.on(REPLICA, "cases_referral") and not seen.on("default", "cases_referral")
        # The login stays on the primary: session, user and roles are read before the view.
        for table in ("django_session", "teams_user", "teams_position"):
            assert not seen.on(REPLICA, table), table
        # (b) No write is sent to the standby.
        assert seen.writes(REPLICA) == []

        # (b) A write inside the scope (an access-log row) lands on the primary, and what the
        # request reads after it comes from the primary; so does a read in a transaction.
        seen.clear()
        request = RequestFactory().get(figures)
        request.user = manager
        with replica.scope() as state:
            assert state.usable
            assert Referral.objects.filter(team=team).count() == 2
            assert seen.on(REPLICA, "cases_referral")
            event = access_log.log(request, action=AccessEvent.Action.VIEW, obj=household)
            seen.clear()
            assert Referral.objects.filter(team=team).count() == 2
            assert seen.on("default", "cases_referral") and not seen.sql[REPLICA]
        assert _one(pair.primary, "SELECT count(*) FROM cases_accessevent WHERE id = %s", [event.pk]) == 1
        with replica.scope(), transaction.atomic():
            seen.clear()
            Referral.objects.filter(team=team).count()
            assert seen.on("default", "cases_referral") and not seen.sql[REPLICA]
        assert seen.writes(REPLICA) == []

        # (d) The standby lags more than DATABASE_REPLICA_MAX_LAG: the export reads the primary,
        # and so shows a signal the standby has not replayed yet.
        _one(pair.standby, "SELECT pg_wal_replay_pause()")
        ReferralFactory(team=team, sender_organisation=school, received_at=received)
        deadline = time.monotonic() + 10
        while (replica.lag() or 0) <= MAX_LAG:
            assert time.monotonic() < deadline, "no lag after pausing the replay"
            time.sleep(0.1)
        replica.forget()
        seen.clear()
        assert _csv(client.get(export))[school.name][0] == "3"
        assert seen.on("default", "cases_referral") and not seen.on(REPLICA, "cases_referral")
        assert "more than DATABASE_REPLICA_MAX_LAG" in caplog.text
        # Caught up again: the standby is read again.
        _one(pair.standby, "SELECT pg_wal_replay_resume()")
        _wait_until_replayed(pair)
        replica.forget()
        seen.clear()
        before = client.get(export)
        assert _csv(before)[school.name][0] == "3"
        assert seen.on(REPLICA, "cases_referral")
        figures_before = _figures(client.get(figures))

        # (c) The standby stops, while this process still thinks it fit: the same export and
        # figures, without an error, from the primary; then the replica is left alone.
        _sh('as_pg "$2/pg_ctl" -D "$1/data" -m immediate stop >/dev/null', pair.standby, pair.bin)
        caplog.clear()
        seen.clear()
        after = client.get(export)
        assert after.status_code == 200 and after.content == before.content
        assert seen.on("default", "cases_referral")
        assert "Read replica failed during partner_csv" in caplog.text
        assert "Read replica not used, reading the primary: unavailable" in caplog.text
        seen.clear()
        assert _figures(client.get(figures)) == figures_before
        assert seen.on("default", "cases_contact") and not seen.sql[REPLICA]
        # At its next check it is still down (connection refused): the primary, quickly.
        replica.forget()
        started = time.monotonic()
        assert client.get(export).content == before.content
        assert time.monotonic() - started < 5
