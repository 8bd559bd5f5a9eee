from django.db import migrations

from wijkteam.db import FUNCTION_SQL


def replace_function(apps, schema_editor):
    # The append-only trigger function learns its one exception: the retention job's
    # transaction (SET LOCAL wijkteam.retention = 'on') may pseudonymise rows.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FUNCTION_SQL, params=None)


class Migration(migrations.Migration):
    dependencies = [("cases", "0015_retention")]

    operations = [migrations.RunPython(replace_function, migrations.RunPython.noop)]
