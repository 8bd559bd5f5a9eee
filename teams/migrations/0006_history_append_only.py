from django.db import migrations

from wijkteam.db import MakeAppendOnly


class Migration(migrations.Migration):
    dependencies = [("teams", "0005_team_profile_and_positions")]

    operations = [MakeAppendOnly("HistoricalTeam_participating_organisations")]
