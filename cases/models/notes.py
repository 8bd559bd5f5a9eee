"""Journal entries (notities) on a household: what a worker learned, outside any contact attempt."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cases.querysets import HouseholdChildManager


class Note(models.Model):
    """A journal entry (notitie): "spoke to the neighbour, mother in hospital".

    Not a contact: it counts in no outreach figure and keeps no household on top of a list.
    Append-only: a note tells what was known at a moment, like a consent decision; a
    correction is a new note that says so, and the old one stays as written (services.note_write
    is the only writer, and there is no edit). The history row still records who and when.
    """

    household = models.ForeignKey(
        "cases.Household", verbose_name=_("household"), on_delete=models.PROTECT, related_name="notes"
    )
    text = models.TextField(_("note"), max_length=2000)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("written by"), on_delete=models.PROTECT, related_name="+"
    )
    written_at = models.DateTimeField(_("written at"), default=timezone.now)

    objects = HouseholdChildManager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("journal entry")
        verbose_name_plural = _("journal entries")
        ordering = ["-written_at", "-id"]
        indexes = [models.Index(fields=["household", "-written_at"], name="note_household_written")]

    def __str__(self):
        return f"{_('Journal entry')} {timezone.localtime(self.written_at):%d-%m-%Y %H:%M}"
