from django.db import migrations

from wijkteam.db import MakeAppendOnly


class Migration(migrations.Migration):
    dependencies = [("api", "0001_initial")]

    operations = [MakeAppendOnly("HistoricalApiClient"), MakeAppendOnly("SignalSubmission")]
