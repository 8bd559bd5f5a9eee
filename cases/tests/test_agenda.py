"""The agenda: appointments and their rules, the next attempt after a failed contact, the agenda
pages, and the calendar feed without personal data."""

import datetime
import logging
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from cases import services
from cases.forms.agenda import AppointmentForm
from cases.models import AccessEvent, Appointment, Contact
from cases.states import APPOINTMENT
from cases.tests.factories import ContactFactory, HouseholdFactory, PersonFactory, SafetyWarningFactory

pytestmark = pytest.mark.django_db

TODAY_10 = datetime.time(10, 0)
TODAY_11 = datetime.time(11, 0)


def plan(household, by, *, day=None, starts=TODAY_10, ends=TODAY_11, workers=None, persons=(), **fields):
    """An appointment through the service (today unless `day`)."""
    appointment = Appointment(date=day or timezone.localdate(), starts_at=starts, ends_at=ends, **fields)
    return services.appointment_create(
        appointment=appointment, household=household, by=by, workers=workers or [by], persons=persons
    )


def past(household, by, *, days_ago=1, **fields):
    """A planned appointment in the past (the service refuses to plan one: made directly)."""
    appointment = Appointment.objects.create(
        household=household,
        date=timezone.localdate() - datetime.timedelta(days=days_ago),
        starts_at=TODAY_10,
        ends_at=TODAY_11,
        created_by=by,
        **fields,
    )
    appointment.workers.set([by])
    return appointment


@pytest.fixture
def household(world):
    return HouseholdFactory(team=world.team_a, lead_worker=world.worker_a)


# --- The rules of an appointment ---------------------------------------------------------------


def test_the_end_must_be_after_the_start(world, household):
    """An appointment that ends before (or when) it starts is refused, by the service and the
    database."""
    with pytest.raises(ValidationError) as error:
        plan(household, world.worker_a, starts=TODAY_11, ends=TODAY_10)
    assert "ends_at" in error.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        Appointment.objects.create(
            household=household,
            date=timezone.localdate(),
            starts_at=TODAY_11,
            ends_at=TODAY_11,
            created_by=world.worker_a,
        )


def test_the_form_says_the_end_must_be_after_the_start(world, household):
    form = AppointmentForm(
        {
            "kind": "visit",
            "date": timezone.localdate().isoformat(),
            "starts_at": "11:00",
            "ends_at": "10:00",
            "workers": [world.worker_a.pk],
        },
        household=household,
        user=world.worker_a,
    )
    assert not form.is_valid()
    assert "ends_at" in form.errors
    assert form["starts_at"].value() == "11:00"  # what was typed stays


def test_cancelling_needs_a_reason_and_keeps_it(world, household):
    appointment = plan(household, world.worker_a)
    with pytest.raises(ValidationError):
        services.appointment_cancel(appointment=appointment, by=world.worker_a, reason="  ")
    assert Appointment.objects.get(pk=appointment.pk).status == Appointment.Status.PLANNED
    services.appointment_cancel(appointment=appointment, by=world.worker_a, reason="Moeder ziek")
    appointment.refresh_from_db()
    assert (appointment.status, appointment.cancel_reason) == ("cancelled", "Moeder ziek")
    last = appointment.history.first()
    assert last.history_user == world.worker_a and "Moeder ziek" in last.history_change_reason
    with pytest.raises(IntegrityError), transaction.atomic():
        Appointment.objects.create(
            household=household,
            date=timezone.localdate(),
            starts_at=TODAY_10,
            ends_at=TODAY_11,
            status="cancelled",
            created_by=world.worker_a,
        )


def test_a_cancelled_appointment_cannot_be_cancelled_or_fulfilled_again(world, household):
    appointment = plan(household, world.worker_a)
    services.appointment_cancel(appointment=appointment, by=world.worker_a, reason="Verhuisd")
    with pytest.raises(ValidationError):
        services.appointment_cancel(appointment=appointment, by=world.worker_a, reason="Nog eens")
    contact = ContactFactory(household=household, recorded_by=world.worker_a)
    with pytest.raises(ValidationError):
        services.appointment_fulfil(appointment=appointment, contact=contact, by=world.worker_a)
    assert APPOINTMENT.is_final("cancelled") and APPOINTMENT.is_final("done")


def test_missed_is_computed_from_a_planned_appointment_whose_end_has_passed(world, household):
    """No job marks it: yesterday's planned appointment is missed; today's later one is not; a
    fulfilled one is done."""
    yesterday = past(household, world.worker_a)
    later = plan(household, world.worker_a, starts=datetime.time(23, 0), ends=datetime.time(23, 30))
    states = dict(Appointment.objects.with_state().values_list("pk", "agenda_state"))
    assert states[yesterday.pk] == Appointment.MISSED
    assert yesterday.state == Appointment.MISSED
    assert states[later.pk] == Appointment.Status.PLANNED
    contact = ContactFactory(household=household, recorded_by=world.worker_a)
    services.appointment_fulfil(appointment=yesterday, contact=contact, by=world.worker_a)
    assert Appointment.objects.with_state().get(pk=yesterday.pk).state == Appointment.Status.DONE


def test_logging_a_contact_with_an_appointment_fulfils_it(client, world, household):
    """The contact form offers today's planned appointment; logging the contact links the two."""
    appointment = plan(household, world.worker_a, starts=datetime.time(0, 0), ends=datetime.time(23, 59))
    client.force_login(world.worker_a)
    page = client.get(reverse("cases:contact_add", args=[household.pk]))
    assert page.context["contact_form"]["appointment"].value() == appointment.pk  # preselected
    response = client.post(
        reverse("cases:contact_add", args=[household.pk]),
        {"submission_id": str(uuid.uuid4()), "quick": "spoken", "appointment": appointment.pk},
    )
    assert response.status_code == 302
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.DONE
    assert appointment.contact == household.contacts.get()


def test_two_workers_are_proposed_under_a_safety_warning(world, household):
    """A visit to a household with an active safety warning needs a second worker: the form
    says so, the service refuses one worker; a call may be made alone."""
    SafetyWarningFactory(household=household, recorded_by=world.worker_a)
    form = AppointmentForm(household=household, user=world.worker_a)
    assert form.needs_two and "tweede" in str(form.fields["workers"].help_text)
    with pytest.raises(ValidationError) as error:
        plan(household, world.worker_a)
    assert "workers" in error.value.message_dict
    together = plan(household, world.worker_a, workers=[world.worker_a, world.colleague_a])
    assert together.workers.count() == 2
    assert plan(household, world.worker_a, kind=Appointment.Kind.CALL).pk


def test_only_workers_of_the_team_go_and_only_members_come(world, household):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        plan(household, world.worker_a, workers=[world.worker_b])
    stranger = PersonFactory(household=HouseholdFactory(team=world.team_a))
    with pytest.raises(PermissionDenied):
        plan(household, world.worker_a, persons=[stranger])


def test_changes_are_kept_in_the_history_with_who(world, household):
    appointment = plan(household, world.worker_a)
    appointment.purpose = "Kennismaking"
    services.appointment_update(appointment=appointment, by=world.worker_a, workers=[world.worker_a])
    rows = list(appointment.history.order_by("history_date"))
    assert rows[0].history_type == "+" and rows[-1].history_type == "~"
    assert rows[-1].purpose == "Kennismaking"
    assert {row.history_user for row in rows} == {world.worker_a}


# --- The next attempt -----------------------------------------------------------------------


@freeze_time("2026-04-24 08:30:00")  # Friday 10:30 in Amsterdam; Monday 27 April is King's Day
def test_the_next_attempt_is_the_next_working_day_in_another_part_of_the_day(world, household):
    contact = ContactFactory(household=household, recorded_by=world.worker_a, at=timezone.now())
    assert contact.part_of_day == Contact.PartOfDay.MORNING
    proposal = services.propose_next_attempt(contact)
    assert proposal.date == datetime.date(2026, 4, 28)  # Tuesday: the weekend and King's Day skipped
    assert proposal.part_of_day == Contact.PartOfDay.AFTERNOON
    assert proposal.starts_at.hour >= 12 and proposal.ends_at > proposal.starts_at
    evening = ContactFactory(
        household=household,
        recorded_by=world.worker_a,
        kind=Contact.Kind.PHONE,
        at=timezone.now() - datetime.timedelta(days=1) + datetime.timedelta(hours=10),  # Thursday 20:30
    )
    call = services.propose_next_attempt(evening)
    assert call.part_of_day == Contact.PartOfDay.MORNING and call.kind == Appointment.Kind.CALL


def test_a_failed_quick_contact_proposes_the_next_attempt_and_one_post_plans_it_once(
    client, world, household
):
    client.force_login(world.worker_a)
    client.post(
        reverse("cases:contact_add", args=[household.pk]),
        {"submission_id": str(uuid.uuid4()), "quick": "not_home"},
    )
    page = client.get(household.get_absolute_url())
    proposal = page.context["next_attempt"]
    assert proposal is not None
    assert reverse("cases:next_attempt_accept", args=[household.pk]) in page.content.decode()
    data = {
        "submission_id": page.context["next_attempt_submission_id"],
        "contact": proposal.contact.pk,
        "next": reverse("cases:caseload"),
    }
    url = reverse("cases:next_attempt_accept", args=[household.pk])
    first = client.post(url, data)
    again = client.post(url, data)  # a double tap
    assert first.status_code == again.status_code == 302
    assert first.url == reverse("cases:caseload")
    appointment = household.appointments.get()
    assert (appointment.date, appointment.starts_at) == (proposal.date, proposal.starts_at)
    assert list(appointment.workers.all()) == [world.worker_a]
    # Planned: no proposal any more.
    assert "next_attempt" not in client.get(household.get_absolute_url()).context


def test_a_failed_attempt_keeps_the_household_on_top_with_its_next_attempt(client, world, household):
    """Before: a quick "not home" wiped the follow-up and the household sank to the bottom.
    Now its follow-up stays, and the accepted next attempt puts it on top."""
    today = timezone.localdate()
    later = HouseholdFactory(team=world.team_a, lead_worker=world.worker_a, name="AAA later")
    ContactFactory(
        household=later,
        recorded_by=world.worker_a,
        reached=True,
        follow_up_on=today + datetime.timedelta(days=9),
    )
    HouseholdFactory(team=world.team_a, lead_worker=world.worker_a, name="AAA nothing planned")
    ContactFactory(
        household=household,
        recorded_by=world.worker_a,
        reached=True,
        at=timezone.now() - datetime.timedelta(days=3),
        follow_up_on=today + datetime.timedelta(days=20),
    )
    client.force_login(world.worker_a)
    client.post(
        reverse("cases:contact_add", args=[household.pk]),
        {"submission_id": str(uuid.uuid4()), "quick": "not_home"},
    )
    rows = client.get(reverse("cases:caseload")).context["households"]
    mine = next(row for row in rows if row.pk == household.pk)
    assert mine.next_follow_up == today + datetime.timedelta(days=20)  # not wiped
    contact = household.contacts.order_by("-at").first()
    client.post(
        reverse("cases:next_attempt_accept", args=[household.pk]),
        {"submission_id": str(uuid.uuid4()), "contact": contact.pk},
    )
    rows = client.get(reverse("cases:caseload")).context["households"]
    assert rows[0].pk == household.pk
    assert rows[0].next_contact_on == household.appointments.get().date


# --- The agenda pages ---------------------------------------------------------------------------


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("name", ["cases:agenda_today", "cases:agenda_week", "cases:caseload"])
def test_agenda_pages_cost_the_same_for_1_as_for_50_appointments(client, world, name):
    client.force_login(world.worker_a)
    households = [HouseholdFactory(team=world.team_a, lead_worker=world.worker_a) for _ in range(50)]
    for household in households:
        PersonFactory(household=household)
        SafetyWarningFactory(household=household, recorded_by=world.worker_a, advice=["daytime_only"])
    plan(households[0], world.worker_a, kind=Appointment.Kind.CALL)
    url = reverse(name)
    _count(client, url)  # warm up (session, content types)
    one = _count(client, url)
    for household in households[1:]:
        plan(household, world.worker_a, kind=Appointment.Kind.CALL, persons=list(household.members.all()))
    assert _count(client, url) == one


def test_today_shows_my_appointments_with_map_link_and_warning(client, world, household):
    SafetyWarningFactory(household=household, recorded_by=world.worker_a)
    plan(household, world.worker_a, workers=[world.worker_a, world.colleague_a], place="Buurthuis De Stek")
    other = HouseholdFactory(team=world.team_a, lead_worker=world.colleague_a, name="Familie Ander")
    plan(other, world.colleague_a, kind=Appointment.Kind.CALL)
    client.force_login(world.worker_a)
    response = client.get(reverse("cases:agenda_today"))
    text = response.content.decode()
    assert household.name in text and "Familie Ander" not in text
    assert "https://www.openstreetmap.org/search?query=Buurthuis+De+Stek" in text
    assert "text-bg-danger" in text  # the warning
    # The start page (the caseload) shows today's appointments first.
    start = client.get(reverse("cases:caseload"))
    assert [a.household_id for a in start.context["todays_appointments"]] == [household.pk]


def test_the_coordinator_sees_the_team_week_the_worker_only_their_own(client, world, household):
    plan(household, world.worker_a, kind=Appointment.Kind.CALL)
    other = HouseholdFactory(team=world.team_a, lead_worker=world.colleague_a, name="Familie Collega")
    plan(other, world.colleague_a, kind=Appointment.Kind.CALL)
    elsewhere = HouseholdFactory(team=world.team_b, lead_worker=world.worker_b, name="Familie Zuid")
    plan(elsewhere, world.worker_b, kind=Appointment.Kind.CALL)
    url = reverse("cases:agenda_week")

    def shown(user, query=""):
        client.force_login(user)
        response = client.get(url + query)
        if response.status_code != 200:
            return response.status_code
        return {a.household.name for day in response.context["days"] for a in day["appointments"]}

    assert shown(world.worker_a) == {household.name}
    assert shown(world.worker_a, f"?worker={world.colleague_a.pk}") == {household.name}  # ignored
    assert shown(world.coordinator_a) == {household.name, "Familie Collega"}
    assert shown(world.coordinator_a, f"?worker={world.colleague_a.pk}") == {"Familie Collega"}
    assert shown(world.coordinator_a, f"?worker={world.worker_b.pk}") == 404  # another team's worker
    assert shown(world.worker_b) == {"Familie Zuid"}


def test_an_appointment_of_another_team_is_not_found(client, world, household):
    appointment = plan(household, world.worker_a)
    client.force_login(world.worker_b)
    url = reverse("cases:appointment_edit", args=[household.pk, appointment.pk])
    assert client.get(url).status_code == 404
    client.force_login(world.worker_a)
    elsewhere = HouseholdFactory(team=world.team_a)
    assert (
        client.get(reverse("cases:appointment_edit", args=[elsewhere.pk, appointment.pk])).status_code == 404
    )


# --- The calendar feed ------------------------------------------------------------------------


def test_the_feed_holds_no_personal_data(client, world, household):
    """Only a reference, times and a link: no household or member name, address, phone or purpose."""
    member = PersonFactory(household=household, first_name="Joëlle", last_name="Hendrikse")
    if hasattr(member, "phone"):
        member.phone = "0612345678"
        member.save()
    appointment = plan(
        household,
        world.worker_a,
        persons=[member],
        place="Buurthuis De Stek, Kerkstraat 4",
        purpose="Gesprek over de schulden en de scheiding",
    )
    feed = services.calendar_feed_of(world.worker_a)
    client.logout()  # a calendar app has no session
    before = AccessEvent.objects.count()
    response = client.get(reverse("cases:calendar_feed", args=[feed.token]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    text = response.content.decode()
    assert f"Afspraak {appointment.reference}" in text or f"Appointment {appointment.reference}" in text
    assert f"UID:appointment-{appointment.pk}@" in text
    assert appointment.get_absolute_url() in text.replace("\r\n ", "")
    unfolded = text.replace("\r\n ", "")
    for personal in (
        household.name,
        household.street,
        household.postcode,
        household.city,
        "Joëlle",
        "Hendrikse",
        "0612345678",
        "612345678",
        "Buurthuis",
        "Kerkstraat",
        "schulden",
        world.worker_a.first_name or "-",
        world.worker_a.last_name or "-",
    ):
        assert personal not in unfolded, personal
    assert "LOCATION" not in unfolded
    events = list(AccessEvent.objects.order_by("id")[before:])
    assert [(e.user, e.object_type, e.action) for e in events] == [
        (world.worker_a, "calendar_feed", AccessEvent.Action.EXPORT)
    ]


def test_a_renewed_address_replaces_the_old_one(
    client, world, household, caplog, django_capture_on_commit_callbacks
):
    plan(household, world.worker_a)
    old = services.calendar_feed_of(world.worker_a).token
    client.force_login(world.worker_a)
    page = client.get(reverse("cases:calendar_feed_settings"))
    assert old in page.content.decode()
    with (
        caplog.at_level(logging.INFO, logger="wijkteam.security"),
        django_capture_on_commit_callbacks(execute=True),
    ):  # to the agenda
        assert client.post(reverse("cases:calendar_feed_settings")).status_code == 302
    new = services.calendar_feed_of(world.worker_a).token
    assert new != old
    # The security log says who renewed and from when the old address was dead, never an address.
    lines = [r for r in caplog.records if getattr(r, "security_event", "") == "calendar_feed_renewed"]
    assert [r.for_user_id for r in lines] == [world.worker_a.pk]
    assert old not in lines[0].getMessage() and new not in lines[0].getMessage()
    client.logout()
    assert client.get(reverse("cases:calendar_feed", args=[old])).status_code == 404
    assert client.get(reverse("cases:calendar_feed", args=[new])).status_code == 200


def test_the_feed_of_a_user_without_a_position_is_gone(client, world):
    """Ended positions end the feed too (it shows nothing and answers 404)."""
    feed = services.calendar_feed_of(world.former_a)
    assert client.get(reverse("cases:calendar_feed", args=[feed.token])).status_code == 404


# --- The demo -------------------------------------------------------------------------------------


def test_the_demo_has_a_week_of_appointments_for_worker_noord_one_missed(demo):
    from cases.management.demo_agenda import seed_agenda, seed_notes_and_reach
    from cases.models import Note, Person
    from teams.models import Team, User

    worker = User.objects.get(username="worker.noord")
    mine = Appointment.objects.of_worker(worker).with_state()
    today = timezone.localdate()
    assert mine.filter(date=today).count() >= 2
    assert len({a.date for a in mine if a.date >= today}) >= 5
    assert sum(a.state == Appointment.MISSED and a.date < today for a in mine) == 1
    done = [a for a in mine if a.state == Appointment.Status.DONE]
    assert len(done) == 1 and done[0].contact_id
    # The worker's day shows a journal entry and a member who must not be phoned.
    noord = Team.objects.get(name="Noord")
    assert Note.objects.filter(household__team=noord, written_by=worker).count() == 2
    marked = Person.objects.get(household__team=noord, do_not_call=True)
    assert marked.phone and marked.household.members.exclude(pk=marked.pk).exclude(phone="").exists()
    count = (Appointment.objects.count(), Note.objects.count())
    seed_agenda(noord)
    seed_notes_and_reach(noord)
    assert (Appointment.objects.count(), Note.objects.count()) == count  # idempotent


def test_the_household_page_lists_its_coming_appointments(client, world):
    household = HouseholdFactory(team=world.team_a, lead_worker=world.worker_a)
    tomorrow = plan(household, world.worker_a, day=timezone.localdate() + datetime.timedelta(days=1))
    gone = past(household, world.worker_a)
    client.force_login(world.worker_a)
    page = client.get(household.get_absolute_url())
    assert list(page.context["upcoming"]) == [tomorrow], "coming ones only, not a missed one"
    assert tomorrow.get_absolute_url() in page.text and gone.get_absolute_url() not in page.text
