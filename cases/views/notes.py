"""Journal entries (notities) on a household: written in one step from the household page."""

import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases import gateway, once, services
from cases.forms.notes import NoteForm
from cases.gateway import changes
from cases.models import Household
from teams import policy

LATEST = 5


def latest_notes(household: Household):
    return household.notes.select_related("written_by").order_by("-written_at", "-id")[:LATEST]


def notes_context(
    request, household: Household, form: NoteForm | None = None, saved: str = "", notes=None
) -> dict:
    """The household page's journal: the latest entries and, for who may write, the form (one
    query, however many entries; none with `notes` read already, from `latest_notes`)."""
    if form is None and policy.can(request.user, "household.edit", household):
        form = NoteForm()
    return {
        "household": household,
        "note_form": form,
        # A fresh id after each saved note: the next one is a new note.
        "note_submission_id": once.token(request)
        if form is not None and form.is_bound
        else str(uuid.uuid4()),
        "notes": list(latest_notes(household)) if notes is None else notes,
        "note_saved": saved,
    }


def _answer(request, household: Household, message: str, without_htmx):
    if request.htmx:
        return render(request, "cases/includes/notes.html", notes_context(request, household, saved=message))
    messages.success(request, message)
    return without_htmx


@require_POST
@changes("note")
def note_add(request, pk):
    """Write a journal entry in one step; a second tap on the same form saves it once."""
    household = gateway.household(request, pk)
    if done := once.earlier_result(request):
        return _answer(request, household, _("Already saved."), done)
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            once.create(
                request,
                lambda: services.note_write(
                    household=household, text=form.cleaned_data["text"], by=request.user
                ),
                lambda _note: f"{household.get_absolute_url()}#notes",
            )
        except once.Repeated:
            return once.earlier_result(request) or redirect(household)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return _answer(
                request,
                household,
                _("Journal entry saved."),
                redirect(f"{household.get_absolute_url()}#notes"),
            )
    if request.htmx:
        return render(request, "cases/includes/notes.html", notes_context(request, household, form))
    once.carry(request, form)
    return render(
        request, "cases/plan_form.html", {"form": form, "household": household, "title": _("Journal entry")}
    )
