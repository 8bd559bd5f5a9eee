from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

from wijkteam.db import MakeAppendOnly


class Migration(migrations.Migration):
    dependencies = [("cases", "0004_referrals")]

    operations = [
        # Fuzzy name matching of signals to households (cases/matching.py); PostgreSQL only.
        TrigramExtension(),
        MakeAppendOnly("HistoricalReferral"),
        MakeAppendOnly("HistoricalTask"),
        # Decisions are their own history: never changed, never removed.
        MakeAppendOnly("ReferralDecision"),
    ]
