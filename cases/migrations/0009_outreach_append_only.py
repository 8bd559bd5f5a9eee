from django.db import migrations

from wijkteam.db import MakeAppendOnly


class Migration(migrations.Migration):
    dependencies = [("cases", "0008_outreach")]

    operations = [
        MakeAppendOnly(name)
        for name in (
            "HistoricalContact",
            "HistoricalContact_workers",
            "HistoricalContact_persons",
            "HistoricalSafetyWarning",
            "HistoricalFollowUpDecision",
        )
    ]
