from django.db import migrations

from wijkteam.db import MakeAppendOnly


class Migration(migrations.Migration):
    dependencies = [("cases", "0017_retention_runs")]

    operations = [MakeAppendOnly("RetentionRun")]
