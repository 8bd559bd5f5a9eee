"""The walk-in hour on a phone: the team's hours, the hour's page where one tap records a visit,
changing or undoing a visit, managing the hours, and the figures.

Anonymous visits hold no personal data: pages that show only those write no access-log row. A
page that shows a visit naming someone (a name, a phone number, a household) says so to the
gateway, which writes the one row for the response (cases/gateway.py). Every object is found
among the teams where the user holds the view's permission: another team's hour or visit is 404.
"""

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases import gateway, once, zrm
from cases.gateway import changes, no_case_data
from directory import search
from directory.models import Service
from teams import policy
from teams.models import Team
from walkin import figures as walkin_figures
from walkin import services
from walkin.forms import HourForm, PeriodForm, RecordForm, VisitForm
from walkin.models import Visit, WalkInHour
from wijkteam.replica import reads_from_replica


def _int(value) -> int:
    text = str(value)
    if not (text.isascii() and text.isdigit()) or len(text) > 12:
        raise Http404
    return int(text)


def _hour(request, pk, perm: str) -> WalkInHour:
    found = (
        WalkInHour.objects.of_teams(policy.teams_for(request.user, perm))
        .select_related("team", "location")
        .filter(pk=_int(pk))
        .first()
    )
    if found is None:
        raise Http404
    return found


def _visit(request, pk) -> Visit:
    found = (
        Visit.objects.of_teams(policy.teams_for(request.user, "walkin.record"))
        .select_related("hour__team", "topic", "referred_to__organisation", "household")
        .filter(pk=_int(pk))
        .first()
    )
    if found is None:
        raise Http404
    return found


def _log_if_named(request, named, obj) -> None:
    """One access-log row for this response when it shows visits that name someone (`named`)."""
    if not named:
        return
    households = {visit.household_id: visit.household for visit in named if visit.household_id}
    if len(households) == 1:
        request.case_access.household = next(iter(households.values()))
    gateway.record(request, obj=obj, object_type="walkin_visit")


@require_GET
@no_case_data(perm="walkin.read")
def hour_list(request):
    """The walk-in hours of the user's teams; today's first."""
    today = timezone.localdate().weekday()
    hours = list(
        WalkInHour.objects.of_teams(policy.teams_for(request.user, "walkin.read"))
        .filter(active=True)
        .select_related("team")
        .prefetch_related("staff")
    )
    hours.sort(key=lambda hour: ((hour.weekday - today) % 7, hour.starts_at, hour.place))
    inactive = (
        WalkInHour.objects.of_teams(policy.teams_for(request.user, "walkin.manage"))
        .filter(active=False)
        .select_related("team")
    )
    context = {
        "hours": hours,
        "inactive": inactive,
        "today": today,
        "recording": set(policy.teams_for(request.user, "walkin.record")),
        "managing": set(policy.teams_for(request.user, "walkin.manage")),
    }
    return render(request, "walkin/hours.html", context)


def _today(hour: WalkInHour) -> list[Visit]:
    today = timezone.localdate()
    zone = timezone.get_current_timezone()
    since = datetime.datetime.combine(today, datetime.time.min, tzinfo=zone)
    return list(
        hour.visits.counted()
        .filter(occurred_at__gte=since, occurred_at__lt=since + datetime.timedelta(days=1))
        .select_related("topic", "referred_to", "household")
        .order_by("-occurred_at", "-id")
    )


def _hour_page(request, hour: WalkInHour, form: RecordForm, status: int = 200):
    visits = _today(hour)
    _log_if_named(request, [visit for visit in visits if visit.is_named], hour)
    context = {
        "hour": hour,
        "form": form,
        "topics": list(zrm.domains()),
        "visits": visits,
        "submission_id": once.token(request),
        "may_household": policy.can(request.user, "household.edit", hour.team),
    }
    return render(request, "walkin/hour.html", context, status=status)


@require_GET
@changes("walkin_visit", perm="walkin.record", scope=None)
def hour_detail(request, pk):
    """The hour on the worker's phone: a big button per topic, kind and outcome as chips with
    their defaults, and today's visits of this hour with undo and edit."""
    hour = _hour(request, pk, "walkin.record")
    return _hour_page(request, hour, RecordForm())


@require_POST
@changes("walkin_visit", perm="walkin.record", scope=None)
@once.creates_once
def visit_add(request, pk):
    """One tap: the topic button posts the chips with it (a plain form; htmx swaps the recorder
    in place when it is there). A double tap records once (cases/once.py)."""
    hour = _hour(request, pk, "walkin.record")
    form = RecordForm(request.POST)
    if not form.is_valid():
        return _hour_page(request, hour, form, status=400)
    once.create(
        request,
        lambda: services.visit_record(
            hour=hour,
            topic=form.cleaned_data["topic"],
            kind=form.cleaned_data["kind"],
            outcome=form.cleaned_data["outcome"],
            by=request.user,
        ),
        lambda _visit: hour.get_absolute_url(),
    )
    return redirect(hour)


@require_POST
@changes("walkin_visit", perm="walkin.record", scope=None)
def visit_undo(request, pk):
    visit = _visit(request, pk)
    try:
        services.visit_undo(visit=visit, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Visit undone."))
    return redirect(visit.hour)


@require_http_methods(["GET", "POST"])
@changes("walkin_visit", perm="walkin.record", scope=None)
def visit_edit(request, pk):
    """Change a visit: outcome, the service referred to (searched on the social map), a note,
    and a name and phone number when the visitor wants more help."""
    visit = _visit(request, pk)
    named = [visit] if visit.is_named else []  # as stored, before the form binds what was posted
    words = request.GET.get("zoek", "").replace("\x00", "").strip()[:100]
    active = Service.objects.exclude(status=Service.Status.INACTIVE).select_related("organisation")
    found = list(search.by_text(active, words)[:8]) if words else []
    form = VisitForm(request.POST or None, instance=visit, found=found)
    if request.method == "POST" and form.is_valid():
        services.visit_update(visit=form.save(commit=False), by=request.user)
        messages.success(request, _("Visit saved."))
        return redirect(visit.hour)
    _log_if_named(request, named, visit)
    context = {"visit": visit, "form": form, "words": words, "found": found}
    return render(request, "walkin/visit_edit.html", context, status=200 if not form.errors else 400)


@require_http_methods(["GET", "POST"])
@no_case_data(perm="walkin.manage")
def hour_edit(request, pk=None):
    """Add or change a walk-in hour: place, time, who staffs it."""
    teams = list(Team.objects.filter(pk__in=policy.teams_for(request.user, "walkin.manage")))
    hour = _hour(request, pk, "walkin.manage") if pk is not None else None
    form = HourForm(request.POST or None, instance=hour, teams=teams)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.hour_save(
                hour=form.save(commit=False),
                staff=form.cleaned_data["staff"],
                by=request.user,
                reason=form.cleaned_data["reason"],
            )
        except (PermissionDenied, ValidationError) as error:
            form.add_error(None, " ".join(getattr(error, "messages", [str(error)])))
        else:
            messages.success(request, _("Walk-in hour saved."))
            return redirect("walkin:hours") if hour is None else redirect(saved)
    return render(request, "walkin/hour_form.html", {"form": form, "hour": hour})


@require_GET
@no_case_data(perm="walkin.figures")
@reads_from_replica
def figures(request):
    """Counts of the team's walk-in visits over a period (the last three months by default), as a
    page and as CSV with the same numbers. No names."""
    start, end = walkin_figures.default_period()
    form = PeriodForm(request.GET or None)
    if form.is_bound and form.is_valid():
        start = form.cleaned_data["start"] or start
        end = form.cleaned_data["end"] or end
        if end < start:
            start, end = walkin_figures.default_period()
    elif not form.is_bound:
        form = PeriodForm(initial={"start": start, "end": end})
    data = walkin_figures.figures(policy.teams_for(request.user, "walkin.figures"), start, end)
    if request.GET.get("format") == "csv":
        response = HttpResponse(walkin_figures.as_csv(data), content_type="text/csv; charset=utf-8")
        name = f"inloopspreekuur-{start:%Y%m%d}-{end:%Y%m%d}.csv"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    return render(request, "walkin/figures.html", {"form": form, "data": data})
