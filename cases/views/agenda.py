"""The worker's agenda: today and the week, appointments with a household, the next attempt after
a contact that reached nobody, and the personal calendar feed (iCalendar) at a secret address.
"""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases import gateway, once, services
from cases.forms.agenda import AppointmentForm, CancelAppointmentForm
from cases.gateway import changes, no_case_data, reads
from cases.models import AccessEvent, Appointment, CalendarFeed, Person, SafetyWarning
from teams import policy

# How far the feed reaches: recent history and what is planned.
FEED_PAST = datetime.timedelta(days=30)
FEED_FUTURE = datetime.timedelta(days=180)


def agenda_rows(appointments):
    """Appointments as the agenda shows them: state (missed computed), household, who goes, with
    whom (and the members to call), active warnings. A fixed number of queries for any number."""
    return list(
        appointments.with_state()
        .select_related("household", "contact")
        .prefetch_related(
            "workers",
            "persons",
            Prefetch("household__members", queryset=Person.objects.order_by("birth_date", "first_name")),
            Prefetch(
                "household__safety_warnings",
                queryset=SafetyWarning.objects.active(),
                to_attr="active_warnings",
            ),
        )
        .order_by("date", "starts_at", "id")
    )


def _appointments(request):
    """The appointments of the households the user may see (through the gateway)."""
    return Appointment.objects.filter(household__in=gateway.households(request).values("pk"))


def _day(value, default: datetime.date) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value) if value else default
    except ValueError:
        return default


def todays_agenda(request, worker) -> list[Appointment]:
    """The worker's appointments of today (the start page shows them first)."""
    return agenda_rows(_appointments(request).of_worker(worker).filter(date=timezone.localdate()))


@reads("agenda", scope=None, action=AccessEvent.Action.SEARCH)
def agenda_today(request):
    """Today: my appointments in order, with the address as a map link, tap-to-call and warnings."""
    day = _day(request.GET.get("day"), timezone.localdate())
    rows = agenda_rows(_appointments(request).of_worker(request.user).filter(date=day))
    context = {
        "day": day,
        "appointments": rows,
        "previous": day - datetime.timedelta(days=1),
        "next": day + datetime.timedelta(days=1),
        "today": timezone.localdate(),
    }
    return render(request, "cases/agenda_today.html", context)


@reads("agenda", scope=None, action=AccessEvent.Action.SEARCH)
def agenda_week(request):
    """The week from Monday: mine, or for a coordinator the team's (or one worker's of it)."""
    today = timezone.localdate()
    start = _day(request.GET.get("week"), today)
    start -= datetime.timedelta(days=start.weekday())
    coordinating = policy.teams_for(request.user, "caseload.others")
    appointments = _appointments(request).filter(date__gte=start, date__lt=start + datetime.timedelta(days=7))
    worker = request.user
    if coordinating and request.GET.get("worker") != "me":
        from cases.views.outreach import _worker_choice  # the caseload's choice of worker

        worker, _teams, sizes = _worker_choice(request)
        if "worker" in request.GET:
            appointments = appointments.of_worker(worker)
        else:
            worker = None
            appointments = appointments.filter(household__team_id__in=coordinating)
    else:
        sizes = {}
        appointments = appointments.of_worker(request.user)
    rows = agenda_rows(appointments)
    days = [{"date": start + datetime.timedelta(days=n), "appointments": []} for n in range(7)]
    for row in rows:
        days[(row.date - start).days]["appointments"].append(row)
    context = {
        "days": days,
        "start": start,
        "worker": worker,
        "team_week": bool(coordinating) and worker is None,
        "coordinating": bool(coordinating),
        "previous": start - datetime.timedelta(days=7),
        "next": start + datetime.timedelta(days=7),
        "today": today,
        **sizes,
    }
    return render(request, "cases/agenda_week.html", context)


def _form_page(request, household, form, appointment=None, cancel_form=None):
    context = {
        "household": household,
        "form": form,
        "appointment": appointment,
        "cancel_form": cancel_form,
        "warnings": list(household.safety_warnings.active()),
        "submission_id": once.token(request),
    }
    return render(request, "cases/appointment_form.html", context)


@require_http_methods(["GET", "POST"])
@changes("appointment")
@once.creates_once
def appointment_add(request, pk):
    """Plan an appointment; from a proposed next attempt, its date and time come filled in."""
    household = gateway.household(request, pk)
    initial = {
        key: request.GET[key]
        for key in ("kind", "date", "starts_at", "ends_at", "purpose")
        if request.GET.get(key)
    }
    form = AppointmentForm(
        request.POST or None, household=household, user=request.user, initial=initial, submit_label=_("Plan")
    )
    if request.method == "POST" and form.is_valid():
        try:
            once.create(
                request,
                lambda: services.appointment_create(
                    appointment=form.save(commit=False),
                    household=household,
                    by=request.user,
                    workers=form.cleaned_data["workers"],
                    persons=form.cleaned_data["persons"],
                ),
                lambda _appointment: household.get_absolute_url(),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Appointment planned."))
            return redirect(household)
    return _form_page(request, household, form)


def _appointment_of(household, appointment_pk) -> Appointment:
    return get_object_or_404(household.appointments.with_state(), pk=appointment_pk)


@require_http_methods(["GET", "POST"])
@changes("appointment")
def appointment_edit(request, pk, appointment_pk):
    """An appointment: its details, changed while it is planned, and cancelling it."""
    household = gateway.household(request, pk)
    appointment = _appointment_of(household, appointment_pk)
    gateway.record(request, obj=appointment)
    form = AppointmentForm(request.POST or None, instance=appointment, household=household, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.appointment_update(
                appointment=form.save(commit=False),
                by=request.user,
                workers=form.cleaned_data["workers"],
                persons=form.cleaned_data["persons"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Appointment changed."))
            return redirect(household)
    return _form_page(request, household, form, appointment, CancelAppointmentForm())


@require_POST
@changes("appointment")
def appointment_cancel(request, pk, appointment_pk):
    household = gateway.household(request, pk)
    appointment = _appointment_of(household, appointment_pk)
    form = CancelAppointmentForm(request.POST)
    if form.is_valid():
        try:
            services.appointment_cancel(
                appointment=appointment, by=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(appointment)
        messages.success(request, _("Appointment cancelled."))
        return redirect(household)
    gateway.record(request, obj=appointment)
    edit = AppointmentForm(instance=appointment, household=household, user=request.user)
    return _form_page(request, household, edit, appointment, form)


@require_POST
@changes("appointment")
@once.creates_once
def next_attempt_accept(request, pk):
    """One tap plans the proposed next attempt after a contact that reached nobody."""
    household = gateway.household(request, pk)
    wanted = request.POST.get("contact", "")
    if not (wanted.isascii() and wanted.isdigit()):
        raise Http404
    contact = get_object_or_404(household.contacts, pk=int(wanted))
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = household.get_absolute_url()
    try:
        appointment = once.create(
            request,
            lambda: services.next_attempt_accept(household=household, contact=contact, by=request.user),
            lambda _appointment: back,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(household)
    messages.success(
        request,
        _("Next attempt planned: %(when)s.")
        % {"when": f"{appointment.date:%d-%m-%Y} {appointment.starts_at:%H:%M}"},
    )
    return redirect(back)


# --- The calendar feed ------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@no_case_data(perm="household.read")
def calendar_feed_settings(request):
    """The user's secret calendar address: see it, copy it, renew it (the old one stops)."""
    if request.method == "POST":
        services.calendar_feed_renew(user=request.user)
        messages.success(
            request,
            _("A new calendar address was made; the old one no longer works. Add the new one."),
        )
        return redirect("cases:agenda_today")
    feed = services.calendar_feed_of(request.user)
    url = request.build_absolute_uri(reverse("cases:calendar_feed", args=[feed.token]))
    return render(request, "cases/calendar_feed.html", {"feed": feed, "feed_url": url})


@login_not_required
@never_cache
@require_GET
@reads("calendar_feed", perm=None, scope=None, action=AccessEvent.Action.EXPORT)
def calendar_feed(request, token):
    """The user's appointments as iCalendar, found by the secret token alone (a calendar app has
    no session). No personal data: a reference, the time and a link into the app, nothing else,
    because the feed passes through the calendar provider. Logged as an export by the token's
    user."""
    from icalendar import Calendar, Event

    feed = CalendarFeed.objects.select_related("user").filter(token=token).first()
    if feed is None or not policy.can(feed.user, "household.read"):
        raise Http404
    request.user = feed.user  # whose feed: the scope and the access log are theirs
    now = timezone.now()
    appointments = (
        _appointments(request)
        .of_worker(feed.user)
        .filter(
            date__gte=timezone.localdate(now - FEED_PAST),
            date__lte=timezone.localdate(now + FEED_FUTURE),
        )
        .exclude(status=Appointment.Status.CANCELLED)
        .order_by("date", "starts_at", "id")
    )
    calendar = Calendar()
    calendar.add("prodid", "-//Wijkteam//agenda//NL")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", _("Wijkteam appointments"))
    host = request.get_host()
    for appointment in appointments:
        event = Event()
        event.add("uid", f"appointment-{appointment.pk}@{host}")
        event.add("dtstamp", appointment.created_at)
        event.add("dtstart", appointment.starts)
        event.add("dtend", appointment.ends)
        event.add("summary", _("Appointment %(reference)s") % {"reference": appointment.reference})
        link = request.build_absolute_uri(appointment.get_absolute_url())
        event.add("url", link)
        event.add("description", link)
        calendar.add_component(event)
    gateway.record(request, object_type="calendar_feed")
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="wijkteam.ics"'
    return response
