from django.db import migrations

from cases import zrm
from wijkteam.db import MakeAppendOnly

def add_zrm(apps, schema_editor):
    # cases.zrm holds only constants and a loader that takes the (historical) models.
    zrm.load(apps.get_model("cases", "Instrument"), apps.get_model("cases", "Domain"))


class Migration(migrations.Migration):
    dependencies = [("cases", "0006_plans")]

    operations = [
        migrations.RunPython(add_zrm, migrations.RunPython.noop),
        *(
            MakeAppendOnly(name)
            for name in (
                "HistoricalNetworkMember",
                "HistoricalPlan",
                "HistoricalGoal",
                "HistoricalAction",
                "HistoricalAssessment",
                "HistoricalScore",
                "HistoricalCaseReview",
                "HistoricalCaseReview_workers",
                "HistoricalCaseReview_organisations",
                "AccessEvent",
            )
        ),
    ]
