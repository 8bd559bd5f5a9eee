from django.db import migrations

from wijkteam.db import MakeAppendOnly


class Migration(migrations.Migration):
    dependencies = [("cases", "0011_consent_and_sharing")]

    # Consent decisions and shares are their own history: never changed, never removed.
    operations = [MakeAppendOnly("ConsentDecision"), MakeAppendOnly("Share")]
