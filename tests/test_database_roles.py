"""Two database roles: the application's own cannot change, truncate or alter the audit trail.

The suite connects as the owner of the tables (conftest.py). These tests open connections of
their own as the application's role (DATABASE_URL; scripts/test.sh makes both roles as the
README's deployment does) on committed data, and run the management commands as an operator
does, in a process with both URLs.
"""

import datetime
import os
import subprocess
import sys
from pathlib import Path

import psycopg2
import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from psycopg2 import errors

from cases.models import AccessEvent, Household
from cases.tests.factories import HouseholdFactory, PersonFactory
from cases.tests.test_retention import closed_household
from tests import roles
from wijkteam.db import append_only_tables, application_login
from wijkteam.history import history_tables

pytestmark = pytest.mark.postgres

ROOT = Path(__file__).resolve().parent.parent
# At least these carry the append-only trigger; every table that does is tested below.
APPEND_ONLY = {
    "cases_accessevent",
    "cases_referraldecision",
    "cases_consentdecision",
    "cases_share",
    "cases_share_persons",
    "cases_retentionrun",
}


@pytest.fixture
def audit_trail(transactional_db, world):
    """Committed rows in history tables and the access log; the two roles present."""
    roles.require_two_roles()
    household = HouseholdFactory(team=world.team_a, name="Familie Spoor")
    PersonFactory(household=household, first_name="Anna")
    event = AccessEvent(
        user=world.worker_a, household=household, team=world.team_a, action="view", object_type="household"
    )
    event.save()
    return event


def refused(conn, statement: str) -> str:
    """The error message of `statement` as the application; '' when it went through."""
    try:
        with conn.cursor() as cursor:
            cursor.execute(statement)
    except psycopg2.Error as error:
        return error.pgerror or str(error)
    return ""


def _first_column(table: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attname FROM pg_attribute WHERE attrelid = %s::regclass AND attnum = 1", [table]
        )
        return cursor.fetchone()[0]


def _quote(name: str) -> str:
    return connection.ops.quote_name(name)


def test_every_history_and_log_table_is_append_only_in_the_database(audit_trail):
    with connection.cursor() as cursor:
        found = set(append_only_tables(cursor))
    assert set(history_tables()) | APPEND_ONLY <= found


def test_the_application_cannot_update_delete_truncate_or_alter_the_audit_trail(audit_trail):
    """UPDATE, DELETE, TRUNCATE and ALTER … DISABLE TRIGGER on every append-only table: refused by
    PostgreSQL's privileges (not only by the trigger), so rows or none, nothing goes through."""
    with connection.cursor() as cursor:
        tables = append_only_tables(cursor)
    app = roles.connect("app")
    went_through = []
    try:
        for table in tables:
            name, column = _quote(table), _quote(_first_column(table))
            for statement, answer in (
                (f"UPDATE {name} SET {column} = {column}", "permission denied for table"),  # noqa: S608
                (f"DELETE FROM {name}", "permission denied for table"),  # noqa: S608
                (f"TRUNCATE {name}", "permission denied for table"),
                (f"ALTER TABLE {name} DISABLE TRIGGER USER", "must be owner of table"),
                (f"ALTER TABLE {name} DISABLE TRIGGER ALL", "must be owner of table"),
            ):
                message = refused(app, statement)
                if answer not in message:
                    went_through.append(f"{statement}: {message or 'went through'}")
    finally:
        app.close()
    assert went_through == []
    assert Household.history.filter(name="Familie Spoor").exists()


def test_the_retention_switch_changes_nothing_for_the_application(audit_trail):
    """The issue's one line: the application switches retention on and rewrites an access-log row."""
    app = roles.connect("app")
    app.autocommit = False
    try:
        with pytest.raises(errors.InsufficientPrivilege), app.cursor() as cursor:
            cursor.execute("SET LOCAL wijkteam.retention = 'on'")
            cursor.execute(
                "UPDATE cases_accessevent SET reason = 'rewritten' WHERE id = %s", [audit_trail.pk]
            )
        app.rollback()
    finally:
        app.close()
    audit_trail.refresh_from_db()
    assert audit_trail.reason == ""


def test_the_trigger_honours_the_switch_for_the_owner_only(audit_trail):
    """Even with UPDATE granted (a mistake in the grants), the application's switch opens nothing;
    the owner's session, as retention runs it, may pseudonymise."""
    table, app_role = "cases_historicalhousehold", _quote(application_login()["USER"])
    with connection.cursor() as cursor:
        cursor.execute(f"GRANT UPDATE ON {table} TO {app_role}")
    app = roles.connect("app")
    app.autocommit = False
    try:
        with (
            pytest.raises(errors.InsufficientPrivilege, match="append-only: UPDATE refused"),
            app.cursor() as c,
        ):
            c.execute("SET LOCAL wijkteam.retention = 'on'")
            c.execute(f"UPDATE {table} SET name = 'rewritten'")  # noqa: S608
        app.rollback()
        owner = roles.connect("owner")
        owner.autocommit = False
        try:
            with owner.cursor() as cursor:
                cursor.execute("SET LOCAL wijkteam.retention = 'on'")
                cursor.execute(f"UPDATE {table} SET name = 'pseudonym'")  # noqa: S608
                assert cursor.rowcount > 0
            owner.rollback()
        finally:
            owner.close()
    finally:
        app.close()
        with connection.cursor() as cursor:
            cursor.execute(f"REVOKE UPDATE ON {table} FROM {app_role}")
    assert not Household.history.filter(name__in=["rewritten", "pseudonym"]).exists()


def test_the_application_cannot_replace_the_trigger_or_become_the_owner(audit_trail):
    owner_role = connection.settings_dict["USER"]
    answers = {
        "CREATE OR REPLACE FUNCTION wijkteam_reject_change() RETURNS trigger AS "
        "$$ BEGIN RETURN NEW; END; $$ LANGUAGE plpgsql": "permission denied for schema",
        "DROP TRIGGER cases_accessevent_append_only ON cases_accessevent": "must be owner of",
        "ALTER TABLE cases_accessevent OWNER TO CURRENT_USER": "must be owner of table",
        "CREATE TABLE cases_shadow (id int)": "permission denied for schema",
        f"SET ROLE {_quote(owner_role)}": "permission denied to set role",
    }
    app = roles.connect("app")
    try:
        went_through = [
            f"{statement}: {message or 'went through'}"
            for statement, answer in answers.items()
            if answer not in (message := refused(app, statement))
        ]
    finally:
        app.close()
    assert went_through == []


def test_the_application_reads_and_changes_what_the_models_change(audit_trail):
    """The other side of the grants: the case tables, sessions and the cache are the application's."""
    app = roles.connect("app")
    try:
        with app.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM cases_accessevent")
            assert cursor.fetchone()[0] == 1
            cursor.execute("UPDATE cases_household SET name = name")
            cursor.execute("DELETE FROM django_session")
            cursor.execute("UPDATE wijkteam_cache SET expires = expires")
            cursor.execute(
                "INSERT INTO cases_accessevent (at, user_id, role, action, object_type, object_id, result, "
                "basis, reason, persons) SELECT now(), user_id, role, action, object_type, object_id, "
                "result, basis, reason, persons FROM cases_accessevent LIMIT 1"
            )
        assert refused(app, "INSERT INTO django_migrations (app, name, applied) VALUES ('x', 'y', now())")
    finally:
        app.close()


def _manage(*args: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 - our own manage.py with our own interpreter
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={
            **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))},
            "DATABASE_CONN_MAX_AGE": "0",
            **env,
        },
        capture_output=True,
        text=True,
        check=False,
    )


def test_retention_runs_as_the_owner_and_refuses_as_the_application(transactional_db, world):
    """apply_retention logs in with DATABASE_OWNER_URL and pseudonymises history; with the
    application's URL only it refuses and says why, before anything changed."""
    roles.require_two_roles()
    household = closed_household(world, "Familie Geheim")
    Household._base_manager.filter(pk=household.pk).update(
        closed_on=timezone.localdate() - datetime.timedelta(1)
    )
    due_now = {"WIJKTEAM_RETENTION_YEARS": "wmo=0,wmo_provision=15,youth_care=20"}

    alone = _manage("apply_retention", env={**due_now, "DATABASE_URL": roles.url("app")})
    assert alone.returncode != 0
    assert "DATABASE_OWNER_URL" in alone.stderr
    assert Household.history.filter(id=household.pk, name="Familie Geheim").exists()

    both = _manage(
        "apply_retention",
        env={**due_now, "DATABASE_URL": roles.url("app"), "DATABASE_OWNER_URL": roles.url("owner")},
    )
    assert both.returncode == 0, both.stderr
    assert not Household.history.filter(id=household.pk, name="Familie Geheim").exists()
    household.refresh_from_db()
    assert household.pseudonymised_on == timezone.localdate()


def test_the_deployment_steps_on_a_fresh_database(transactional_db):
    """README, 'Deploying': migrate (which makes the cache table too) and database_roles with both
    URLs on an empty database leave tables the owner owns and the application cannot change the
    trail of.

    `make test` takes these steps on an empty database before the tests (the template of every
    test database, DATABASE_TEST_TEMPLATE); here they run again on a copy of it, where they must
    find nothing left to do. Without that template they run here on an empty database."""
    roles.require_two_roles()
    name = f"{connection.settings_dict['NAME']}_fresh"
    template = connection.settings_dict["TEST"].get("TEMPLATE")
    with connection.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {_quote(name)}")
        cursor.execute(
            f"CREATE DATABASE {_quote(name)}" + (f" TEMPLATE {_quote(template)}" if template else "")
        )
    env = {"DATABASE_URL": roles.url("app", name), "DATABASE_OWNER_URL": roles.url("owner", name)}
    try:
        for command in (["migrate", "--noinput"], ["database_roles"]):
            done = _manage(*command, env=env)
            assert done.returncode == 0, done.stderr
        assert "append-only tables it cannot change" in done.stdout
        again = _manage("database_roles", env=env)
        assert again.returncode == 0 and again.stdout == done.stdout
        owner = roles.connect("owner", name)
        try:
            with owner.cursor() as cursor:
                cursor.execute(
                    "SELECT DISTINCT pg_get_userbyid(relowner) FROM pg_class "
                    "WHERE relnamespace = 'public'::regnamespace AND relkind = 'r'"
                )
                assert cursor.fetchall() == [(connection.settings_dict["USER"],)]
        finally:
            owner.close()
        app = roles.connect("app", name)
        try:
            assert "must be owner" in refused(app, "ALTER TABLE cases_accessevent DISABLE TRIGGER USER")
            assert "permission denied" in refused(app, "TRUNCATE cases_historicalhousehold")
            assert refused(app, "SELECT count(*) FROM wijkteam_cache") == ""
        finally:
            app.close()
    finally:
        with connection.cursor() as cursor:
            # Without FORCE: the owner may not end the application's sessions; PostgreSQL waits
            # a few seconds for closed ones to go.
            cursor.execute(f"DROP DATABASE IF EXISTS {_quote(name)}")


def test_database_roles_refuses_one_login_for_both(transactional_db):
    roles.require_two_roles()
    done = _manage("database_roles", env={"DATABASE_URL": roles.url("owner")})
    assert done.returncode != 0
    assert "both log in as" in done.stderr


def test_database_roles_is_a_no_op_on_sqlite(tmp_path):
    done = _manage("database_roles", env={"DATABASE_URL": f"sqlite:///{tmp_path}/demo.sqlite3"})
    assert done.returncode == 0, done.stderr
    assert "nothing to grant" in done.stdout


def test_database_roles_can_run_again_and_takes_back_what_was_granted_by_hand(audit_trail):
    app_role = _quote(application_login()["USER"])
    with connection.cursor() as cursor:
        cursor.execute(f"GRANT TRUNCATE, UPDATE, DELETE ON cases_accessevent TO {app_role}")
    call_command("database_roles", verbosity=0)
    call_command("database_roles", verbosity=0)
    app = roles.connect("app")
    try:
        for statement in ("DELETE FROM cases_accessevent", "TRUNCATE cases_accessevent"):
            assert "permission denied for table" in refused(app, statement)
    finally:
        app.close()
