"""The database cache's table(s), made by `migrate` itself (issue 22).

Logins are rate-limited through the cache (teams/throttle.py, docs/security.md AU-2), so a
deployment that ran `migrate` and forgot `createcachetable` answered every login with 500. This
migration takes Django's `createcachetable` steps for every DatabaseCache in settings.CACHES:
a table that already exists (made by `createcachetable` before this migration) is left as it
is; backwards, the tables are dropped. `createcachetable` still works and then does nothing.
"""

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.db import BaseDatabaseCache
from django.core.management.commands.createcachetable import Command as CreateCacheTable
from django.db import migrations


def cache_tables() -> list[str]:
    """The tables of the database caches in settings.CACHES."""
    return [caches[alias]._table for alias in settings.CACHES if isinstance(caches[alias], BaseDatabaseCache)]


def create_cache_tables(apps, schema_editor):
    command = CreateCacheTable()
    command.verbosity = 0
    for table in cache_tables():
        command.create_table(schema_editor.connection.alias, table, dry_run=False)


def drop_cache_tables(apps, schema_editor):
    connection = schema_editor.connection
    existing = set(connection.introspection.table_names())
    for table in cache_tables():
        if table in existing:
            schema_editor.execute(f"DROP TABLE {connection.ops.quote_name(table)}")


class Migration(migrations.Migration):
    dependencies = [("wijkteam", "0001_scheduled_runs")]

    operations = [migrations.RunPython(create_cache_tables, drop_cache_tables, elidable=False)]
