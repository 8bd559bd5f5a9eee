"""The partner overview's end results (mandates/figures.py) from the signals to their closing
decisions, from this index alone: at 500,000 households the statement read a team's year of
signals, every decision of each (two on average) from the table, and each signal again for its
partner: 30-34 ms warm, 57 ms on average under the benchmark's load, the second costliest
statement (bench/results/tails.md). With the index and the statement turned round: 20-23 ms,
issue 21. Built concurrently: app servers keep writing meanwhile."""

from django.db import migrations, models

from wijkteam.db import AddIndexConcurrentlyWherePossible


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("cases", "0038_action_open_by_plan_plan_current_by_household"),
    ]

    operations = [
        AddIndexConcurrentlyWherePossible(
            model_name="referraldecision",
            index=models.Index(
                condition=models.Q(("kind", "close")),
                fields=["referral"],
                include=("reason_code",),
                name="referraldecision_close",
            ),
        ),
    ]
