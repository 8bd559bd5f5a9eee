from django.db import migrations

from wijkteam.db import MakeAppendOnly


class Migration(migrations.Migration):
    dependencies = [("cases", "0002_initial")]

    operations = [
        MakeAppendOnly("HistoricalHousehold"),
        MakeAppendOnly("HistoricalPerson"),
    ]
