from django.db import migrations, models

import directory.models
import teams.models


class Migration(migrations.Migration):
    dependencies = [("directory", "0005_api_access_append_only")]

    operations = [
        migrations.AddField(
            model_name=model,
            name="area_codes",
            field=models.JSONField(
                blank=True,
                default=list,
                help_text="CBS codes served from here (GM, WK, BU); empty: as the service.",
                validators=[directory.models.validate_area_codes],
                verbose_name="service area",
            ),
        )
        for model in ("location", "historicallocation")
    ] + [
        migrations.AddField(
            model_name=model,
            name="postcode_areas",
            field=models.JSONField(
                blank=True,
                default=list,
                help_text="Four-digit postcode areas served from here; empty: as the service.",
                validators=[teams.models.validate_postcode_areas],
                verbose_name="postcode areas",
            ),
        )
        for model in ("location", "historicallocation")
    ]
