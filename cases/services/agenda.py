"""The agenda's changes: plan, change, cancel and fulfil an appointment; propose the next attempt
after a contact that reached nobody; renew the calendar feed's secret address.

One transaction each, validated, with who and why in the history.
"""

import dataclasses
import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases import states
from cases.models import Appointment, CalendarFeed, Contact, Household, SafetyWarning
from cases.services.households import lead_worker_choices
from teams import policy, security
from teams.models import User
from wijkteam.workdays import add_working_days

# The hour a proposed next attempt starts in each part of the day (docs/domain.md: morning < 12:00,
# afternoon 12-18, evening >= 18:00), and how long it is planned for.
PART_OF_DAY_START = {
    Contact.PartOfDay.MORNING: datetime.time(10, 0),
    Contact.PartOfDay.AFTERNOON: datetime.time(14, 0),
    Contact.PartOfDay.EVENING: datetime.time(19, 0),
}
# Try another part of the day than the one that failed: people are home at other times.
OTHER_PART_OF_DAY = {
    Contact.PartOfDay.MORNING: Contact.PartOfDay.AFTERNOON,
    Contact.PartOfDay.AFTERNOON: Contact.PartOfDay.EVENING,
    Contact.PartOfDay.EVENING: Contact.PartOfDay.MORNING,
}
ATTEMPT_LENGTH = datetime.timedelta(minutes=30)
MAX_WORKERS = 2


def _audit(obj, by, reason: str) -> None:
    obj._change_reason = reason[:100]
    obj._history_user = by


def _locked_household(household: Household, by) -> Household:
    household = Household.objects.select_for_update().select_related("team").get(pk=household.pk)
    policy.require(by, "household.edit", household)
    if household.status != Household.Status.OPEN:
        raise ValidationError(_("This household is closed. Reopen it to plan appointments."))
    return household


def needs_two_workers(household: Household, kind: str, warnings=None) -> bool:
    """A visit or meeting with a household under an active safety warning is made by two.
    `warnings`: its active warnings, when read already."""
    if kind == Appointment.Kind.CALL:
        return False
    if warnings is not None:
        return bool(warnings)
    return SafetyWarning.objects.filter(household=household).active().exists()


def _check_people(household: Household, kind: str, workers, persons, on=None) -> None:
    """The workers hold a position in the household's team that may lead it; one or two of them
    (two under a safety warning); the persons are members of the household."""
    workers = list(workers)
    if not workers:
        raise ValidationError({"workers": _("Choose who goes.")})
    if len(workers) > MAX_WORKERS:
        raise ValidationError({"workers": _("Choose one or two workers.")})
    allowed = set(lead_worker_choices([household.team_id]).values_list("pk", flat=True))
    if any(worker.pk not in allowed for worker in workers):
        raise PermissionDenied(_("Only workers of the team can go to an appointment."))
    if on is not None:
        # Nobody goes on a day after their position ends (leave, a last working day).
        present = set(lead_worker_choices([household.team_id], on=on).values_list("pk", flat=True))
        gone = [worker for worker in workers if worker.pk not in present]
        if gone:
            raise ValidationError(
                {
                    "workers": _("%(names)s no longer work in the team on %(date)s. Choose someone else.")
                    % {"names": ", ".join(str(worker) for worker in gone), "date": on.strftime("%d-%m-%Y")}
                }
            )
    if any(person.household_id != household.pk for person in persons):
        raise PermissionDenied
    if len(workers) < MAX_WORKERS and needs_two_workers(household, kind):
        raise ValidationError(
            {"workers": _("This household has a safety warning: choose a second worker to go with you.")}
        )


def _save(appointment: Appointment, workers, persons) -> Appointment:
    appointment.full_clean()
    appointment.save()
    appointment.workers.set(workers)
    appointment.persons.set(persons)
    return appointment


@transaction.atomic
def appointment_create(
    *, appointment: Appointment, household: Household, by: User, workers, persons=()
) -> Appointment:
    """Plan an appointment from today on; its end after its start."""
    household = _locked_household(household, by)
    workers, persons = list(workers) or [by], list(persons)
    if appointment.date and appointment.date < timezone.localdate():
        raise ValidationError({"date": _("Choose a date from today on.")})
    _check_people(household, appointment.kind, workers, persons, on=appointment.date)
    appointment.household = household
    appointment.status = Appointment.Status.PLANNED
    appointment.created_by = by
    _audit(appointment, by, _("Appointment planned"))
    return _save(appointment, workers, persons)


@transaction.atomic
def appointment_update(
    *, appointment: Appointment, by: User, workers, persons=(), reason: str = ""
) -> Appointment:
    """Change a planned appointment (time, place, who, why)."""
    stored = Appointment.objects.select_for_update().get(pk=appointment.pk)
    household = _locked_household(stored.household, by)
    if stored.status != Appointment.Status.PLANNED:
        raise ValidationError(_("This appointment is no longer planned; it cannot be changed."))
    workers, persons = list(workers), list(persons)
    _check_people(household, appointment.kind, workers, persons, on=appointment.date)
    appointment.status = stored.status
    _audit(appointment, by, reason or _("Appointment changed"))
    return _save(appointment, workers, persons)


@transaction.atomic
def appointment_cancel(*, appointment: Appointment, by: User, reason: str) -> Appointment:
    """Cancel a planned appointment; the reason is required and kept."""
    appointment = Appointment.objects.select_for_update().get(pk=appointment.pk)
    _locked_household(appointment.household, by)
    appointment.status = states.APPOINTMENT.clean(appointment.status, "cancel")
    if not (reason or "").strip():
        raise ValidationError({"cancel_reason": _("Say why the appointment is cancelled.")})
    appointment.cancel_reason = reason.strip()
    _audit(appointment, by, _("Cancelled: %(reason)s") % {"reason": appointment.cancel_reason})
    appointment.full_clean()
    appointment.save()
    return appointment


@transaction.atomic
def appointment_fulfil(*, appointment: Appointment, contact: Contact, by: User) -> Appointment:
    """The contact that fulfils a planned (or missed) appointment of the same household."""
    appointment = Appointment.objects.select_for_update().get(pk=appointment.pk)
    _locked_household(appointment.household, by)
    if contact.household_id != appointment.household_id:
        raise PermissionDenied
    appointment.status = states.APPOINTMENT.clean(appointment.status, "fulfil", field="appointment")
    appointment.contact = contact
    _audit(appointment, by, _("Fulfilled by a contact"))
    appointment.full_clean()
    appointment.save()
    return appointment


def todays_appointments(household: Household, on: datetime.date | None = None):
    """The planned appointments of the household on a day (today): what a contact may fulfil."""
    return Appointment.objects.planned().filter(household=household, date=on or timezone.localdate())


# --- The next attempt -------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Proposal:
    """A next attempt after a contact that reached nobody: nothing is stored until accepted."""

    contact: Contact
    kind: str
    date: datetime.date
    starts_at: datetime.time
    ends_at: datetime.time
    part_of_day: str

    def get_kind_display(self) -> str:
        return str(Appointment.Kind(self.kind).label)

    def get_part_of_day_display(self) -> str:
        return str(Contact.PartOfDay(self.part_of_day).label)


def propose_next_attempt(contact: Contact) -> Proposal:
    """The next working day after the attempt (Dutch holidays), in another part of the day; a
    call after a failed call, a visit otherwise."""
    # From the attempt's day, or from today for an attempt logged afterwards.
    day = add_working_days(max(timezone.localtime(contact.at).date(), timezone.localdate()), 1)
    part = OTHER_PART_OF_DAY[contact.part_of_day]
    starts = PART_OF_DAY_START[part]
    ends = (datetime.datetime.combine(day, starts) + ATTEMPT_LENGTH).time()
    kind = Appointment.Kind.CALL if contact.kind == Contact.Kind.PHONE else Appointment.Kind.VISIT
    return Proposal(contact=contact, kind=kind, date=day, starts_at=starts, ends_at=ends, part_of_day=part)


def next_attempt_wanted(household: Household, last_contact: Contact | None, planned=None) -> Proposal | None:
    """A proposal when the household's last contact reached nobody and nothing is planned yet.
    `planned`: its upcoming appointments, when read already."""
    if last_contact is None or last_contact.reached or household.status != Household.Status.OPEN:
        return None
    if planned is not None:
        if planned:
            return None
    elif Appointment.objects.filter(household=household).upcoming().exists():
        return None
    return propose_next_attempt(last_contact)


@transaction.atomic
def next_attempt_accept(*, household: Household, contact: Contact, by: User) -> Appointment:
    """Plan the proposed next attempt as it was proposed, with the one who accepts it."""
    if contact.household_id != household.pk or contact.reached:
        raise PermissionDenied
    proposal = propose_next_attempt(contact)
    appointment = Appointment(
        kind=proposal.kind,
        date=proposal.date,
        starts_at=proposal.starts_at,
        ends_at=proposal.ends_at,
        purpose=_("Next attempt after: %(contact)s, not reached") % {"contact": contact.get_kind_display()},
    )
    return appointment_create(appointment=appointment, household=household, by=by, workers=[by])


# --- The calendar feed ------------------------------------------------------------------------


def calendar_feed_of(user: User) -> CalendarFeed:
    """The user's feed, made on first use."""
    feed, _created = CalendarFeed.objects.get_or_create(user=user)
    return feed


@transaction.atomic
def calendar_feed_renew(*, user: User) -> CalendarFeed:
    """A new secret address; the old one stops working at once."""
    feed = CalendarFeed.objects.select_for_update().filter(user=user).first() or CalendarFeed(user=user)
    previous_since = feed.created_at if feed.pk else None
    feed.token = CalendarFeed._meta.get_field("token").default()
    feed.created_at = timezone.now()
    feed.save()
    transaction.on_commit(
        lambda: security.log_calendar_feed_renewed(user=user, previous_since=previous_since)
    )
    return feed
