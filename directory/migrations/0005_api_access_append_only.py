from django.db import migrations

from wijkteam.db import MakeAppendOnly


class Migration(migrations.Migration):
    dependencies = [("directory", "0004_api_access")]

    operations = [MakeAppendOnly("HistoricalApiAccess")]
