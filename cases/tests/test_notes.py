"""A journal entry (notitie) in one step (issue 16): on the household page, in the timeline, in
the resident's export, once per tap, never a contact, and gone with retention."""

import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from cases import export, figures, services, timeline
from cases.models import Contact, Household, Note
from cases.tests.factories import HouseholdFactory, NoteFactory, PersonFactory

pytestmark = pytest.mark.django_db
TEXT = "Buurvrouw gesproken: moeder ligt in het ziekenhuis."


@pytest.fixture
def household(world):
    household = HouseholdFactory(team=world.team_a, name="Familie Visser", lead_worker=world.worker_a)
    PersonFactory(household=household, first_name="Mila")
    return household


def add_url(household):
    return reverse("cases:note_add", args=[household.pk])


def test_a_note_in_one_step_shows_on_the_household_page_and_in_the_timeline(client, world, household):
    client.force_login(world.worker_a)
    page = client.get(household.get_absolute_url()).text
    assert f'action="{add_url(household)}"' in page and 'name="note-text"' in page
    response = client.post(
        add_url(household),
        {"note-text": TEXT, "submission_id": "0f4b1a2e-9c1d-4a51-9d8e-2b4f1c1e7a10"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert "<html" not in response.text and TEXT in response.text, "the journal partial, with the note"
    note = household.notes.get()
    assert (note.text, note.written_by) == (TEXT, world.worker_a)
    assert note.history.get().history_user == world.worker_a
    assert TEXT in client.get(household.get_absolute_url()).text
    [entry] = [e for e in timeline.household_changes(household) if e.kind == str(Note._meta.verbose_name)]
    assert (entry.object_id, entry.user) == (str(note.pk), world.worker_a)
    assert TEXT in [change.new for change in entry.fields]
    assert TEXT in client.get(reverse("cases:household_history", args=[household.pk])).text


def test_without_javascript_the_page_reloads_at_the_journal(client, world, household):
    client.force_login(world.worker_a)
    response = client.post(add_url(household), {"note-text": TEXT})
    assert response.status_code == 302 and response.url.endswith("#notes")


def test_the_page_shows_the_latest_five(client, world, household):
    for days in range(7):
        NoteFactory(
            household=household,
            written_by=world.worker_a,
            text=f"Notitie {days}",
            written_at=timezone.now() - datetime.timedelta(days=days),
        )
    client.force_login(world.worker_a)
    page = client.get(household.get_absolute_url())
    assert [note.text for note in page.context["notes"]] == [f"Notitie {days}" for days in range(5)]


def test_an_empty_or_too_long_note_is_refused_at_the_field_and_kept(client, world, household):
    client.force_login(world.worker_a)
    empty = client.post(add_url(household), {"note-text": "  "}, headers={"HX-Request": "true"})
    assert empty.status_code == 200 and "invalid-feedback" in empty.text
    long_text = "x" * 2001
    too_long = client.post(add_url(household), {"note-text": long_text})
    assert too_long.status_code == 200
    assert list(too_long.context["form"].errors) == ["text"]
    assert long_text in too_long.text
    assert not household.notes.exists()


def test_a_second_tap_saves_it_once(client, world, household):
    client.force_login(world.worker_a)
    post = {"note-text": TEXT, "submission_id": "7d2f3c4b-1a2b-4c3d-8e9f-0a1b2c3d4e5f"}
    client.post(add_url(household), post, headers={"HX-Request": "true"})
    again = client.post(add_url(household), post, headers={"HX-Request": "true"})
    assert again.status_code == 200
    assert household.notes.count() == 1


def test_a_note_is_not_a_contact(world, household):
    services.note_write(household=household, text=TEXT, by=world.worker_a)
    assert not Contact.objects.filter(household=household).exists()
    annotated = Household.objects.filter(pk=household.pk).with_contact_state().get()
    assert annotated.last_contact_at is None
    assert figures.outreach(team_ids=[world.team_a.pk], days=30)["attempts"] == 0


def test_a_manager_reads_notes_but_writes_none(client, world, household):
    NoteFactory(household=household, written_by=world.worker_a, text=TEXT)
    client.force_login(world.manager_ab)
    page = client.get(household.get_absolute_url()).text
    assert TEXT in page and 'name="note-text"' not in page
    assert client.post(add_url(household), {"note-text": "x"}).status_code == 403
    assert household.notes.count() == 1


def test_the_service_itself_refuses_who_may_not_change_the_household(world, household):
    with pytest.raises(PermissionDenied):
        services.note_write(household=household, text=TEXT, by=world.manager_ab)
    assert not household.notes.exists()


def test_a_closed_household_takes_no_notes(client, world):
    closed = HouseholdFactory(team=world.team_a, lead_worker=world.worker_a, closed=True)
    client.force_login(world.worker_a)
    assert 'name="note-text"' not in client.get(closed.get_absolute_url()).text
    assert client.post(add_url(closed), {"note-text": TEXT}).status_code == 403
    assert not closed.notes.exists()


def test_notes_are_append_only(world, household):
    note = NoteFactory(household=household, written_by=world.worker_a)
    with pytest.raises(Exception, match="history"):
        Note.objects.filter(pk=note.pk).update(text="anders")


def test_the_resident_gets_the_households_notes(world, household):
    services.note_write(household=household, text=TEXT, by=world.worker_a)
    document = export.person_export(household.members.get(), world.worker_a)
    records = document["sections"]["notes"]["records"]
    assert [record["fields"]["text"] for record in records] == [TEXT]


def test_retention_blanks_notes_and_contact_details(world):
    household = HouseholdFactory(team=world.team_a, closed=True, closed_on=datetime.date(2020, 3, 10))
    person = PersonFactory(
        household=household,
        phone="+31612345678",
        email="a@example.org",
        reach_when="ochtend",
        do_not_call=True,
        do_not_call_note="partner leest mee",
    )
    note = NoteFactory(household=household, written_by=world.worker_a, text=TEXT)
    with freeze_time("2031-06-01"):
        call_command("apply_retention", stdout=io.StringIO())
    person.refresh_from_db()
    assert (person.phone, person.email, person.reach_when, person.do_not_call_note) == ("", "", "", "")
    assert Note.objects.get(pk=note.pk).text == ""
    assert note.history.get().text == ""
    assert "06" not in " ".join(str(v) for v in person.history.values_list("phone", flat=True))
