"""`migrate` alone makes the database cache's table (wijkteam/migrations/0002_cache_tables.py).

The login's rate limits live in the cache (docs/security.md AU-2): a deployment that ran the
usual `migrate` and no `createcachetable` answered every login with 500 (issue 22)."""

from importlib import import_module

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "een-lang-en-goed-wachtwoord"
TABLE = "wijkteam_cache"


def tables() -> set[str]:
    return set(connection.introspection.table_names())


def test_a_database_that_never_ran_createcachetable_gets_the_table_from_migrate(client, world):
    assert settings.CACHES["default"]["LOCATION"] == TABLE
    try:
        # Back to before the migration: the table goes (the migration is reversible) ...
        call_command("migrate", "wijkteam", "0001", verbosity=0)
        assert TABLE not in tables()
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM django_migrations WHERE app = 'wijkteam' AND name LIKE '0002%%'")
            assert cursor.fetchone() is None
        # ... and `migrate` alone makes it again, with no createcachetable anywhere.
        call_command("migrate", "wijkteam", verbosity=0)
        assert TABLE in tables()
        call_command("migrate", "wijkteam", verbosity=0)  # again: nothing to do, no error

        user = world.worker_a
        user.set_password(PASSWORD)
        user.save()
        response = client.post(reverse("account_login"), {"login": user.username, "password": PASSWORD})
        assert response.status_code == 302, "the login goes on (to the second step or the start page)"
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM wijkteam_cache")
            assert cursor.fetchone()[0] > 0, "the login's rate limit was counted in the cache table"
    finally:
        call_command("createcachetable", verbosity=0)  # whatever happened, the next test has it


def test_the_migration_leaves_an_existing_cache_table_as_it_is(transactional_db):
    """A deployment that already ran createcachetable: the migration finds the table and keeps its rows."""
    call_command("createcachetable", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM wijkteam_cache WHERE cache_key = 'kept'")
        cursor.execute("INSERT INTO wijkteam_cache VALUES ('kept', 'x', '2100-01-01')")
    migration = import_module("wijkteam.migrations.0002_cache_tables")
    with connection.schema_editor() as editor:
        migration.create_cache_tables(None, editor)
    with connection.cursor() as cursor:
        cursor.execute("SELECT value FROM wijkteam_cache WHERE cache_key = 'kept'")
        assert cursor.fetchone() == ("x",)
