from django.db import migrations

from wijkteam.db import MakeAppendOnly

# ZRM 2017 (DOMAIN.md): the domain names and the scale labels are data, so another version or
# instrument can be added beside it. The per-cell criteria texts are the GGD's and not copied.
ZRM_DOMAINS = [
    "Financiën",
    "Werk & opleiding",
    "Tijdsbesteding",
    "Huisvesting",
    "Huiselijke relaties",
    "Geestelijke gezondheid",
    "Lichamelijke gezondheid",
    "Middelengebruik",
    "Basale ADL",
    "Instrumentele ADL",
    "Sociaal netwerk",
    "Maatschappelijke participatie",
    "Justitie",
]
ZRM_SCALE = [
    "acute problematiek",
    "niet zelfredzaam",
    "beperkt zelfredzaam",
    "voldoende zelfredzaam",
    "volledig zelfredzaam",
]


def add_zrm(apps, schema_editor):
    Instrument = apps.get_model("cases", "Instrument")
    Domain = apps.get_model("cases", "Domain")
    instrument, _ = Instrument.objects.get_or_create(name="ZRM 2017", defaults={"scale": ZRM_SCALE})
    for position, name in enumerate(ZRM_DOMAINS, start=1):
        Domain.objects.get_or_create(instrument=instrument, name=name, defaults={"position": position})


class Migration(migrations.Migration):
    dependencies = [("cases", "0006_plans")]

    operations = [
        migrations.RunPython(add_zrm, migrations.RunPython.noop),
        *(
            MakeAppendOnly(name)
            for name in (
                "HistoricalNetworkMember",
                "HistoricalPlan",
                "HistoricalGoal",
                "HistoricalAction",
                "HistoricalAssessment",
                "HistoricalScore",
                "HistoricalCaseReview",
                "HistoricalCaseReview_workers",
                "HistoricalCaseReview_organisations",
                "AccessEvent",
            )
        ),
    ]
