from django.db import migrations

from wijkteam.db import MakeAppendOnly


class Migration(migrations.Migration):
    dependencies = [("mandates", "0001_initial")]

    operations = [MakeAppendOnly("HistoricalMandate"), MakeAppendOnly("HistoricalMandateReview")]
