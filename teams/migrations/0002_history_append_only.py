from django.db import migrations

from wijkteam.db import MakeAppendOnly


class Migration(migrations.Migration):
    dependencies = [("teams", "0001_initial")]

    operations = [
        MakeAppendOnly("HistoricalUser"),
        MakeAppendOnly("HistoricalMunicipality"),
        MakeAppendOnly("HistoricalOrganisation"),
        MakeAppendOnly("HistoricalTeam"),
        MakeAppendOnly("HistoricalPosition"),
    ]
