from django.db import migrations

from wijkteam.db import MakeAppendOnly


class Migration(migrations.Migration):
    dependencies = [("documents", "0001_initial")]

    # The metadata's history and the deletion register keep what they hold (wijkteam/db.py).
    operations = [MakeAppendOnly("HistoricalDocument"), MakeAppendOnly("DocumentDeletion")]
