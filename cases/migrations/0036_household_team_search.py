"""A team's open households with their search text in one index, so that a search costs the
same with 5,000 households in the installation as with 500,000 (issue 16; cases/querysets.py).
Built concurrently: app servers keep writing while it is made."""

from django.db import migrations, models

from wijkteam.db import AddIndexConcurrentlyOnPostgres


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("cases", "0035_household_search_text"),
    ]

    operations = [
        AddIndexConcurrentlyOnPostgres(
            model_name="household",
            index=models.Index(
                fields=["team", "status"], include=("id", "search_text"), name="household_team_search"
            ),
        ),
    ]
