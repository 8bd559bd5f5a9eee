"""scripts/backup and scripts/restore: a seeded database comes back whole, history included."""

import os
import subprocess
from pathlib import Path

import psycopg2
import pytest
from django.core.management import call_command
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent


def _conninfo(name: str) -> str:
    """A libpq connection string for the test server and another database on it."""
    params = connection.get_connection_params()
    params["dbname"] = name
    keys = ("host", "port", "user", "password", "dbname")
    return " ".join(f"{key}={params[key]}" for key in keys if params.get(key))


def run_script(name: str, dump, env) -> subprocess.CompletedProcess:
    command = [ROOT / "scripts" / name, dump]  # our own scripts, with a path we made
    return subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603


def _counts(conn) -> dict:
    with conn.cursor() as cursor:
        cursor.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' "
            "AND (table_name LIKE 'cases_%' OR table_name LIKE 'teams_%' OR table_name LIKE 'mandates_%')"
        )
        tables = sorted(row[0] for row in cursor.fetchall())
        counts = {}
        for table in tables:
            cursor.execute(f'SELECT count(*) FROM "{table}"')  # noqa: S608 - names from the catalogue
            counts[table] = cursor.fetchone()[0]
    return counts


@pytest.mark.django_db(transaction=True)
def test_backup_and_restore_keep_every_row_and_history_entry(tmp_path, settings):
    if connection.vendor != "postgresql":
        if os.environ.get("REQUIRE_POSTGRES") == "1":
            pytest.fail("REQUIRE_POSTGRES=1 but the tests run on " + connection.vendor)
        pytest.skip("needs PostgreSQL")
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("seed_demo", allow_without_debug=True, stdout=open(os.devnull, "w"))  # noqa: SIM115
    source = connection.settings_dict["NAME"]
    dump = tmp_path / "wijkteam.dump"
    env = {**os.environ, "DATABASE_URL": _conninfo(source)}
    backup = run_script("backup", dump, env)
    assert backup.returncode == 0, backup.stderr

    target = f"{source}_restored"
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{target}"')
        cursor.execute(f'CREATE DATABASE "{target}"')
    try:
        env["DATABASE_URL"] = _conninfo(target)
        restore = run_script("restore", dump, env)
        assert restore.returncode == 0, restore.stderr
        restored = psycopg2.connect(env["DATABASE_URL"])
        try:
            original = _counts(connection.connection)
            assert original["cases_household"] == 80 and original["cases_historicalhousehold"] > 80
            assert _counts(restored) == original
        finally:
            restored.close()
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{target}"')
