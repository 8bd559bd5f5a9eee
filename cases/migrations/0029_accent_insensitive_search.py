"""Accent- and case-insensitive search (cases/search.py): unaccent, wijkteam_fold(), and the
trigram indexes on the folded columns in place of those on UPPER(column)."""

import django.contrib.postgres.indexes
from django.contrib.postgres.operations import UnaccentExtension
from django.db import migrations

import cases.search
from wijkteam.db import AddIndexConcurrentlyOnPostgres, RemoveIndexConcurrentlyOnPostgres

# unaccent() is STABLE (its dictionary could change), so it cannot appear in an index. The
# wrapper is IMMUTABLE and names the schema of the extension and of its dictionary, so it gives
# the same answer whatever the caller's search_path (also during a restore, which empties it).
FOLD_SQL = """
CREATE OR REPLACE FUNCTION wijkteam_fold(text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$ SELECT lower({schema}.unaccent({dictionary}::regdictionary, $1)) $$
"""


def create_fold(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return  # SQLite: cases.search.register_sqlite_functions, on every connection
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace "
            "WHERE e.extname = 'unaccent'"
        )
        schema = schema_editor.quote_name(cursor.fetchone()[0])
        cursor.execute("SELECT quote_literal(%s)", [f"{schema}.unaccent"])
        dictionary = cursor.fetchone()[0]
    schema_editor.execute(FOLD_SQL.format(schema=schema, dictionary=dictionary), params=None)


def drop_fold(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP FUNCTION IF EXISTS wijkteam_fold(text)", params=None)


def fold_index(expression, name):
    return cases.search.TrigramIndex(
        django.contrib.postgres.indexes.OpClass(cases.search.Fold(expression), name="gin_trgm_ops"), name=name
    )


class Migration(migrations.Migration):
    # CREATE INDEX CONCURRENTLY: other app servers keep writing while the indexes are built.
    atomic = False

    dependencies = [
        ("cases", "0028_person_reachable"),
    ]

    operations = [
        UnaccentExtension(),
        migrations.RunPython(create_fold, drop_fold, elidable=False),
        AddIndexConcurrentlyOnPostgres(
            model_name="household", index=fold_index("name", "household_name_fold_trgm")
        ),
        AddIndexConcurrentlyOnPostgres(
            model_name="household", index=fold_index("street", "household_street_fold_trgm")
        ),
        AddIndexConcurrentlyOnPostgres(
            model_name="person", index=fold_index("last_name", "person_last_name_fold_trgm")
        ),
        RemoveIndexConcurrentlyOnPostgres(model_name="household", name="household_name_trgm"),
        RemoveIndexConcurrentlyOnPostgres(model_name="household", name="household_street_trgm"),
        RemoveIndexConcurrentlyOnPostgres(model_name="person", name="person_last_name_similar"),
        RemoveIndexConcurrentlyOnPostgres(model_name="person", name="person_last_name_trgm"),
    ]
