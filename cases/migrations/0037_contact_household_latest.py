"""A household's contacts newest first, with the columns the caseload's last-contact state asks
(cases/querysets.py, with_contact_state), in one index: its subqueries read no heap page per
contact. It replaces contact_household_at, whose columns it starts with. Built before the old one
is dropped, both concurrently: app servers keep writing meanwhile (issue 21)."""

from django.db import migrations, models

from wijkteam.db import AddIndexConcurrentlyWherePossible, RemoveIndexConcurrentlyWherePossible


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("cases", "0036_household_team_search"),
    ]

    operations = [
        AddIndexConcurrentlyWherePossible(
            model_name="contact",
            index=models.Index(
                fields=["household", "-at", "-id"],
                include=("reached", "follow_up_on"),
                name="contact_household_latest",
            ),
        ),
        RemoveIndexConcurrentlyWherePossible(model_name="contact", name="contact_household_at"),
    ]
