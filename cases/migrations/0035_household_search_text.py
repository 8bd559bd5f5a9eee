"""The household's search text (cases/search.py): name, street and members' names, folded and
kept by database triggers, with one trigram index; the search no longer folds every household of
the team and looks up its members (issue 16)."""

from django.db import migrations, models

import cases.search
from wijkteam.db import AddIndexConcurrentlyOnPostgres

DROP_PG = """
DROP TRIGGER IF EXISTS household_search_text ON cases_household;
DROP TRIGGER IF EXISTS person_search_text_insert ON cases_person;
DROP TRIGGER IF EXISTS person_search_text_delete ON cases_person;
DROP TRIGGER IF EXISTS person_search_text_update ON cases_person;
DROP FUNCTION IF EXISTS wijkteam_household_search_text_set();
DROP FUNCTION IF EXISTS wijkteam_person_search_text_touch();
DROP FUNCTION IF EXISTS wijkteam_household_search_text(uuid, text, text);
"""
SQLITE_TRIGGERS = [
    "household_search_text_insert",
    "household_search_text_update",
    "person_search_text_insert",
    "person_search_text_delete",
    "person_search_text_update",
]


def install(apps, schema_editor):
    cases.search.install_search_text(schema_editor.connection, refresh=True)


def uninstall(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_PG, params=None)
    else:
        for trigger in SQLITE_TRIGGERS:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {trigger}", params=None)


class Migration(migrations.Migration):
    # CREATE INDEX CONCURRENTLY: other app servers keep writing while the index is built.
    atomic = False

    dependencies = [
        ("cases", "0034_referral_partner_label_guardian_family_aware"),
    ]

    operations = [
        migrations.AddField(
            model_name="household",
            name="search_text",
            field=models.TextField(blank=True, default="", editable=False),
        ),
        migrations.RunPython(install, uninstall, elidable=False),
        AddIndexConcurrentlyOnPostgres(
            model_name="household",
            index=cases.search.TrigramIndex(
                fields=["search_text"], name="household_search_text_trgm", opclasses=["gin_trgm_ops"]
            ),
        ),
    ]
