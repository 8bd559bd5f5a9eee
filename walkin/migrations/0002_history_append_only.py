from django.db import migrations

from wijkteam.db import MakeAppendOnly


class Migration(migrations.Migration):
    dependencies = [("walkin", "0001_initial")]

    operations = [
        MakeAppendOnly("HistoricalWalkInHour"),
        MakeAppendOnly("HistoricalWalkInHour_staff"),
        MakeAppendOnly("HistoricalVisit"),
    ]
