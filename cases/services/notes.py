"""Journal entries (notities): written once, in one step, never changed (cases/models/notes.py)."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Household, Note
from teams import policy
from teams.models import User


@transaction.atomic
def note_write(*, household: Household, text: str, by: User) -> Note:
    """Add a journal entry to a household the user may change (open households only)."""
    household = Household.objects.select_for_update().select_related("team").get(pk=household.pk)
    policy.require(by, "household.edit", household)
    note = Note(household=household, text=text.strip(), written_by=by, written_at=timezone.now())
    note._change_reason = _("Journal entry written")
    note._history_user = by
    note.full_clean()
    note.save()
    return note
