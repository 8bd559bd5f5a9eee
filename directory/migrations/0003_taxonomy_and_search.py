"""The Dutch taxonomies (directory/taxonomy.py), and trigram indexes for the search on folded
name and description (cases/search.py: wijkteam_fold, created by cases 0029)."""

import django.contrib.postgres.indexes
from django.db import migrations

import cases.search
from wijkteam.db import AddIndexConcurrentlyOnPostgres


def load_terms(apps, schema_editor):
    from directory import taxonomy

    taxonomy.load(apps.get_model("directory", "TaxonomyTerm"))


def fold_index(expression, name):
    return cases.search.TrigramIndex(
        django.contrib.postgres.indexes.OpClass(cases.search.Fold(expression), name="gin_trgm_ops"), name=name
    )


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("directory", "0002_history_append_only"),
        ("cases", "0029_accent_insensitive_search"),
    ]

    operations = [
        migrations.RunPython(load_terms, migrations.RunPython.noop, elidable=False),
        AddIndexConcurrentlyOnPostgres(model_name="service", index=fold_index("name", "service_name_fold_trgm")),
        AddIndexConcurrentlyOnPostgres(
            model_name="service", index=fold_index("description", "service_description_fold_trgm")
        ),
    ]
