from django.db import migrations

from wijkteam.db import MakeAppendOnly


class Migration(migrations.Migration):
    dependencies = [("directory", "0001_directory")]

    operations = [
        MakeAppendOnly(name)
        for name in (
            "HistoricalTaxonomyTerm",
            "HistoricalOrganisationProfile",
            "HistoricalService",
            "HistoricalService_life_domains",
            "HistoricalService_target_groups",
            "HistoricalLocation",
            "HistoricalServiceAtLocation",
            "HistoricalOpeningHours",
            "HistoricalContact",
            "HistoricalUpdateRequest",
        )
    ]
