from django.db import migrations

from wijkteam.db import FUNCTION_SQL


def replace_function(apps, schema_editor):
    # The retention switch (SET LOCAL wijkteam.retention = 'on') counts only in a session of the
    # tables' owner: the application's role may set it, and the trigger still refuses.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FUNCTION_SQL, params=None)


class Migration(migrations.Migration):
    dependencies = [("cases", "0025_share_persons_categories_team_basis")]

    operations = [migrations.RunPython(replace_function, migrations.RunPython.noop)]
