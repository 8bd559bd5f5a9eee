"""scripts/backup and scripts/restore: a seeded database comes back whole, history included; the
file is private (0600 in a 0700 folder), and restore refuses one that others may read."""

import os
import subprocess
from pathlib import Path

import psycopg2
import pytest
from django.db import connection

from tests import roles

ROOT = Path(__file__).resolve().parent.parent


def run_script(name: str, dump, env) -> subprocess.CompletedProcess:
    command = [ROOT / "scripts" / name, dump]  # our own scripts, with a path we made
    return subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603


def _mode(path: Path) -> int:
    return path.stat().st_mode & 0o777


def test_backup_refuses_a_folder_others_may_enter(tmp_path):
    """Nothing is written, and the message says why and what to do."""
    folder = tmp_path / "shared"
    folder.mkdir(mode=0o755)
    folder.chmod(0o755)
    done = run_script("backup", folder / "wijkteam.dump", {**os.environ, "DATABASE_URL": "postgres:///none"})
    assert done.returncode != 0
    assert "others than its owner may enter" in done.stderr and "chmod 700" in done.stderr
    assert list(folder.iterdir()) == []


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o604, 0o660], ids=oct)
def test_restore_refuses_a_file_others_may_read_and_says_why(tmp_path, mode):
    dump = tmp_path / "wijkteam.dump"
    dump.write_bytes(b"PGDMP")
    dump.chmod(mode)
    done = run_script("restore", dump, {**os.environ, "DATABASE_URL": "postgres:///none"})
    assert done.returncode != 0
    assert "refused: others than its owner may read or change" in done.stderr
    assert "special-category personal data" in done.stderr and "chmod 600" in done.stderr


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
def test_backup_and_restore_keep_every_row_and_history_entry(tmp_path, demo):
    if connection.vendor != "postgresql":
        if os.environ.get("REQUIRE_POSTGRES") == "1":
            pytest.fail("REQUIRE_POSTGRES=1 but the tests run on " + connection.vendor)
        pytest.skip("needs PostgreSQL")
    source = connection.settings_dict["NAME"]
    dump = tmp_path / "backups" / "wijkteam.dump"
    # As the nightly job runs it: with the application's login, which may read every table.
    env = {**os.environ, "DATABASE_URL": roles.url("app", source)}
    backup = run_script("backup", dump, env)
    assert backup.returncode == 0, backup.stderr
    assert _mode(dump.parent) == 0o700 and _mode(dump) == 0o600
    # A file of that name from before, readable by anyone, is replaced by a private one.
    dump.chmod(0o644)
    backup = run_script("backup", dump, env)
    assert backup.returncode == 0, backup.stderr
    assert _mode(dump) == 0o600
    assert [path.name for path in dump.parent.iterdir()] == [dump.name]

    target = f"{source}_restored"
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{target}"')
        cursor.execute(f'CREATE DATABASE "{target}"')
    try:
        # The owner makes the tables (README, "Backups").
        env["DATABASE_URL"] = roles.url("owner", target)
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
