"""A demo week of appointments for each team's demo worker: today and the coming working days,
several a day, one in the past that was missed and one that a logged contact fulfilled. Used by
`seed_demo`, through the services where they allow it; idempotent.
"""

import datetime

from django.utils import timezone

from cases import services
from cases.management.demo_people import demo_user
from cases.models import Appointment, Contact, Household, Note, Person, SafetyWarning
from teams.models import Team
from wijkteam.workdays import add_working_days

# (working days from today, start, minutes, kind, purpose)
# fmt: off
WEEK = [
    (0, "09:30", 45, Appointment.Kind.VISIT, "Kennismaking aan de keukentafel."),
    (0, "13:30", 30, Appointment.Kind.CALL, "Terugbellen over de betalingsregeling."),
    (0, "19:00", 45, Appointment.Kind.VISIT, "Avondbezoek: vader is dan thuis."),
    (1, "10:00", 60, Appointment.Kind.MEETING, "Samen naar het Wmo-loket."),
    (1, "15:00", 30, Appointment.Kind.VISIT, "Nieuwe poging na twee keer niet thuis."),
    (2, "11:00", 45, Appointment.Kind.VISIT, "Plan bespreken met moeder."),
    (2, "16:30", 30, Appointment.Kind.CALL, "School bellen samen met moeder."),
    (3, "09:00", 60, Appointment.Kind.VISIT, "Evaluatie van het plan."),
    (4, "14:00", 45, Appointment.Kind.VISIT, "Administratie doornemen."),
]
# fmt: on
REASON = "Demo data"
# Journal entries on the demo worker's households (newest last).
NOTES = [
    "Buurvrouw gesproken: moeder ligt sinds gisteren in het ziekenhuis, de kinderen zijn bij oma.",
    "School belde: Daan was vandaag op tijd en had een broodtrommel bij zich.",
]


def _time(text: str) -> datetime.time:
    return datetime.time.fromisoformat(text)


def _end(start: datetime.time, minutes: int) -> datetime.time:
    return (
        datetime.datetime.combine(datetime.date(2000, 1, 1), start) + datetime.timedelta(minutes=minutes)
    ).time()


def seed_agenda(team: Team) -> None:
    worker = demo_user(team, "worker")
    if Appointment.objects.filter(household__team=team).exists():
        return
    coordinator = demo_user(team, "coordinator")
    households = list(
        Household.objects.filter(team=team, lead_worker=worker, status=Household.Status.OPEN).order_by("name")
    )
    if not households:
        return
    warned = set(
        SafetyWarning.objects.filter(household__in=households).active().values_list("household_id", flat=True)
    )
    today = timezone.localdate()
    for index, (days, start, minutes, kind, purpose) in enumerate(WEEK):
        household = households[index % len(households)]
        day = add_working_days(today, days) if days else today
        # A visit under a safety warning is made by two: the coordinator goes along.
        two = household.pk in warned and kind != Appointment.Kind.CALL
        services.appointment_create(
            appointment=Appointment(
                kind=kind,
                date=day,
                starts_at=_time(start),
                ends_at=_end(_time(start), minutes),
                purpose=purpose,
            ),
            household=household,
            by=worker,
            workers=[worker, coordinator] if two else [worker],
            persons=list(household.members.all()[:1]),
        )
    # Missed: planned for the last working day, and no contact came of it.
    last_working_day = today - datetime.timedelta(days=1)
    while last_working_day.weekday() >= 5:
        last_working_day -= datetime.timedelta(days=1)
    missed = Appointment(
        household=households[-1],
        kind=Appointment.Kind.VISIT,
        date=last_working_day,
        starts_at=_time("10:00"),
        ends_at=_time("10:45"),
        purpose="Huisbezoek; niemand gezien, nog niets gelogd.",
        created_by=worker,
    )
    _save_directly(missed, worker, [worker, coordinator] if households[-1].pk in warned else [worker])
    # Done: an earlier appointment that a logged contact fulfilled.
    contact = (
        Contact.objects.filter(household__in=households, reached=True, appointment__isnull=True)
        .order_by("-at")
        .first()
    )
    if contact is not None:
        at = timezone.localtime(contact.at)
        done = Appointment(
            household=contact.household,
            kind=Appointment.Kind.VISIT if contact.kind != Contact.Kind.PHONE else Appointment.Kind.CALL,
            date=at.date(),
            starts_at=at.time().replace(second=0, microsecond=0),
            ends_at=_end(at.time().replace(second=0, microsecond=0), 30),
            purpose="Bespreken hoe het gaat.",
            created_by=worker,
        )
        if done.ends_at > done.starts_at:
            _save_directly(
                done, worker, [worker, coordinator] if contact.household_id in warned else [worker]
            )
            services.appointment_fulfil(appointment=done, contact=contact, by=worker)


def _save_directly(appointment: Appointment, by, workers) -> None:
    """An appointment in the past, as it was planned then (the service plans from today on)."""
    appointment._history_user = by
    appointment._change_reason = REASON
    appointment.full_clean()
    appointment.save()
    appointment.workers.set(workers)


def seed_notes_and_reach(team: Team) -> None:
    """Two journal entries on the demo worker's households, and one member who must not be phoned
    (the partner reads the phone): the household page shows the number without a tap to call and
    the contact form marks the member. Idempotent: only when the team has no note yet."""
    if Note.objects.filter(household__team=team).exists():
        return
    worker = demo_user(team, "worker")
    households = list(
        Household.objects.filter(team=team, lead_worker=worker, status=Household.Status.OPEN).order_by("name")
    )
    for household, text in zip(households, NOTES, strict=False):
        services.note_write(household=household, text=text, by=worker)
    for household in households[2:]:
        adults = [member for member in household.members.order_by("pk") if member.phone]
        if len(adults) >= 2:  # another adult stays reachable by phone
            adult = adults[-1]
            adult.do_not_call = True
            adult.do_not_call_note = "Partner leest haar telefoon mee; alleen via huisbezoek."
            adult.reach_by = Person.ReachBy.VISIT
            adult._change_reason = REASON
            adult._history_user = worker
            adult.full_clean()
            adult.save()
            return
