"""CBS wijken and buurten with their names: reference data, one list per municipality.

Loaded from a file (areas/data/cbs_GM0193.csv for the demo municipality, CBS's "Kerncijfers
wijken en buurten" for others: `manage.py import_cbs_areas`, README "CBS areas"). The codes nest:
BU01933000 lies in WK019330, which lies in GM0193. No history: an import replaces a
municipality's list as a whole, and the file is the record of where it came from.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CbsArea(models.Model):
    class Kind(models.TextChoices):
        WIJK = "wijk", _("wijk")
        BUURT = "buurt", _("buurt")

    code = models.CharField(_("CBS code"), max_length=10, unique=True)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=5, choices=Kind.choices)
    municipality_code = models.CharField(_("municipality code"), max_length=6, db_index=True)
    wijk_code = models.CharField(
        _("wijk code"), max_length=8, blank=True, help_text=_("The wijk of a buurt.")
    )

    class Meta:
        verbose_name = _("CBS area")
        verbose_name_plural = _("CBS areas")
        ordering = ["code"]

    def __str__(self):
        return f"{self.name} ({self.code})"
