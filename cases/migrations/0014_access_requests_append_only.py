from django.db import migrations

from wijkteam.db import MakeAppendOnly


class Migration(migrations.Migration):
    dependencies = [("cases", "0013_access_requests")]

    operations = [MakeAppendOnly("HistoricalAccessRequest")]
