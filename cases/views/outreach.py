"""The worker on the road: the caseload, logging contacts, safety warnings, the follow-up list,
closing households, and the team's outreach figures.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Exists, F, OuterRef, Prefetch, Q, Value
from django.db.models.functions import Coalesce
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from cases import figures, gateway, once, services
from cases.forms import (
    CloseHouseholdForm,
    ContactForm,
    FollowUpDecisionForm,
    ReopenForm,
    SafetyWarningForm,
    WarningEndForm,
)
from cases.gateway import changes, no_case_data, reads
from cases.models import AccessEvent, Contact, Household, Plan, Referral, SafetyWarning
from cases.querysets import EPOCH
from cases.views.agenda import todays_agenda
from cases.views.common import active_warnings, contacts_context, next_attempt_context, quick_buttons
from teams import policy
from teams.models import User
from teams.roles import roles_of
from wijkteam.offline import wants_json
from wijkteam.replica import reads_from_replica


@require_http_methods(["GET", "POST"])
@changes("contact")
def contact_new(request, pk):
    """Log a contact attempt. From the caseload (htmx) the row shows the result; from the
    household page the timeline updates in place; without JavaScript the page reloads."""
    household = gateway.household(request, pk)
    from_caseload = "caseload" in (request.GET.get("from"), request.POST.get("from"))
    if request.method == "POST" and (done := once.earlier_result(request)):
        # A second tap on the same quick button, or the outbox sending again what the server
        # took before the connection dropped: the contact was logged by the first.
        return _logged(request, household, from_caseload, _("Already logged."), done)
    posted = request.POST if request.method == "POST" else None
    form = ContactForm(posted, household=household, user=request.user, quick=request.POST.get("quick"))
    if request.method == "POST" and form.is_valid():
        try:
            contact = once.create(
                request,
                lambda: services.contact_log(
                    contact=form.save(commit=False),
                    household=household,
                    by=request.user,
                    workers=form.cleaned_data["workers"],
                    persons=form.cleaned_data["persons"],
                    appointment=form.cleaned_data.get("appointment"),
                ),
                lambda _contact: household.get_absolute_url(),
            )
        except once.Repeated:  # the same tap, logged by a request a moment ago
            done = once.earlier_result(request) or redirect(household)
            return _logged(request, household, from_caseload, _("Already logged."), done)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            reached = _("reached") if contact.reached else _("not reached")
            message = _("Logged: %(contact)s") % {"contact": f"{contact} · {reached}"}
            return _logged(request, household, from_caseload, message, redirect(household))
    return _contact_form(request, household, form, from_caseload)


def _logged(request, household, from_caseload: bool, message: str, without_htmx):
    """The answer to a logged contact: the outbox's confirmation (wijkteam/offline.py), the
    caseload's row, the desk's timeline, or a reload."""
    if wants_json(request):
        return JsonResponse({"ok": True, "message": message}, status=201)
    if request.htmx and from_caseload:
        context = {"household": household, "message": message, **next_attempt_context(request, household)}
        return render(request, "cases/caseload.html#logged", context)
    if request.htmx:
        context = contacts_context(request, household) | {"logged": message}
        return render(request, "cases/household_detail.html#contacts", context)
    messages.success(request, message)
    return without_htmx


def _contact_form(request, household, form, from_caseload: bool):
    """The form again (first time, or with what was typed and the message at the field); to the
    outbox, what was wrong (a 400 shows case data: a member's name in a refusal)."""
    if wants_json(request) and form.is_bound:
        errors = [message for messages_ in form.errors.values() for message in messages_]
        return JsonResponse({"ok": False, "errors": errors}, status=400)
    if from_caseload:
        context = {
            "household": household,
            "contact_form": form,
            "warnings": active_warnings(household),
            "target": f"quick-{household.pk}",
            "contact_submission_id": once.token(request),
            "quick_buttons": quick_buttons(household),
        }
        return render(request, "cases/caseload.html#quick_form", context)
    context = contacts_context(request, household, form) | {"warnings": active_warnings(household)}
    if request.htmx:
        return render(request, "cases/household_detail.html#contacts", context)
    return render(request, "cases/contact_form.html", context)


@require_http_methods(["GET", "POST"])
@changes("safety_warning")
@once.creates_once
def warning_add(request, pk):
    household = gateway.household(request, pk)
    form = SafetyWarningForm(request.POST or None)
    once.carry(request, form)
    if request.method == "POST" and form.is_valid():
        once.create(
            request,
            lambda: services.warning_record(
                warning=form.save(commit=False), household=household, by=request.user
            ),
            lambda _warning: household.get_absolute_url(),
        )
        messages.success(request, _("Safety warning recorded. Everyone who opens this household sees it."))
        return redirect(household)
    return render(
        request, "cases/plan_form.html", {"form": form, "household": household, "title": _("Safety warning")}
    )


@require_POST
@changes("safety_warning")
def warning_end(request, pk, warning_pk):
    household = gateway.household(request, pk)
    warning = get_object_or_404(household.safety_warnings, pk=warning_pk)
    form = WarningEndForm(request.POST)
    if form.is_valid():
        try:
            services.warning_end(warning=warning, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Safety warning ended."))
    else:
        messages.error(request, _("Say why the warning ends."))
    return redirect(household)


def _worker_choice(request) -> tuple[User, list[int], dict]:
    """Whose caseload: one's own, a coordinator's any worker of their teams, and a cover's the
    worker they cover for today (teams.models.Cover)."""
    coordinating = policy.teams_for(request.user, "caseload.others")
    worker = request.user
    sizes = {}
    wanted = request.GET.get("worker")
    wanted = int(wanted) if wanted and wanted.isascii() and wanted.isdigit() else None
    covering = policy.covering(request.user)
    if covering:
        sizes["covering"] = list(User.objects.filter(pk__in=covering).order_by("first_name", "last_name"))
        if wanted in covering and not coordinating:
            worker = get_object_or_404(User, pk=wanted)
    if coordinating:
        team_workers = services.lead_worker_choices(coordinating)
        if wanted is not None:
            worker = get_object_or_404(team_workers, pk=wanted)
        sizes["workers"] = team_workers.annotate(
            open_households=figures.open_caseload_count(),
        ).order_by("first_name", "last_name")
    return worker, coordinating, sizes


CASELOAD_ORDER = {
    # The next planned appointment or follow-up: a failed attempt with its next one stays on top.
    "next": [
        F("next_contact_on").asc(nulls_last=True),
        F("next_appointment_at").asc(nulls_last=True),
        "name",
    ],
    "name": ["name"],
    "last": [F("last_contact_at").asc(nulls_first=True), "name"],
}


@reads("caseload", scope=None, action=AccessEvent.Action.SEARCH)
def caseload(request):
    """The worker's start page: my households, what is planned and what is late."""
    worker, coordinating, sizes = _worker_choice(request)
    today = timezone.localdate()
    households = (
        gateway.households(request)
        .filter(lead_worker=worker, status=Household.Status.OPEN)
        .with_contact_state()
        .with_next_appointment()
        .annotate(
            warning=Exists(SafetyWarning.objects.filter(household=OuterRef("pk")).active()),
            evaluation_due=Exists(Plan.objects.evaluation_due(today).filter(household=OuterRef("pk"))),
            new_assignment=Exists(
                Referral.objects.filter(
                    household=OuterRef("pk"), assigned_to=worker, status=Referral.Status.ASSIGNED
                ).filter(received_at__gt=Coalesce(OuterRef("last_contact_at"), Value(EPOCH)))
            ),
        )
        .prefetch_related(
            Prefetch("safety_warnings", queryset=SafetyWarning.objects.active(), to_attr="active_warnings")
        )
    )
    if request.GET.get("only") == "late":
        households = households.filter(Q(next_contact_on__lt=today) | Q(evaluation_due=True))
    elif request.GET.get("only") == "warning":
        households = households.filter(warning=True)
    order = request.GET.get("order") if request.GET.get("order") in CASELOAD_ORDER else "next"
    households = list(households.order_by(*CASELOAD_ORDER[order])[:300])
    context = {
        "worker": worker,
        "households": households,
        "today": today,
        "order": order,
        "only": request.GET.get("only", ""),
        "drifting_count": gateway.households(request).filter(lead_worker=worker).drifting().count(),
        # Signals assigned to the worker, first contact still to make: above the households.
        "assigned_signals": gateway.referrals(request)
        .filter(assigned_to=worker)
        .awaiting_first_contact(today)
        .select_related("household", "sender_organisation")[:100],
        # The start page shows today's appointments first (cases/views/agenda.py).
        "todays_appointments": todays_agenda(request, worker),
        **sizes,
    }
    return render(request, "cases/caseload.html", context)


@reads("follow_up_list", scope=None, action=AccessEvent.Action.SEARCH)
def follow_up_list(request):
    """Households drifting out of contact, for their lead worker and the coordinator, until
    someone decides (or a contact succeeds)."""
    coordinating = policy.teams_for(request.user, "caseload.others")
    scope = Q(lead_worker=request.user) | Q(team_id__in=coordinating)
    households = (
        gateway.households(request)
        .filter(scope)
        .drifting()
        .select_related("lead_worker")
        .prefetch_related(
            Prefetch(
                "contacts", queryset=Contact.objects.order_by("-at", "-id")[:3], to_attr="last_attempts"
            ),
            Prefetch("safety_warnings", queryset=SafetyWarning.objects.active(), to_attr="active_warnings"),
        )
        .order_by(F("out_of_contact_since").asc(), "name")
    )
    return render(
        request,
        "cases/follow_up_list.html",
        {"households": list(households[:300]), "form": FollowUpDecisionForm(), "today": timezone.localdate()},
    )


@require_http_methods(["GET", "POST"])
@changes("follow_up_decision")
def follow_up_decide(request, pk):
    household = gateway.household(request, pk)
    form = FollowUpDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.follow_up_decide(decision=form.save(commit=False), household=household, by=request.user)
        messages.success(request, _("Decision recorded for %(household)s.") % {"household": household})
        return redirect("cases:follow_up_list")
    return render(
        request,
        "cases/plan_form.html",
        {"form": form, "household": household, "title": _("Decide about contact"), "plain_form": True},
    )


@require_http_methods(["GET", "POST"])
@changes("household")
def household_close(request, pk):
    household = gateway.household(request, pk)
    form = CloseHouseholdForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.household_close(household=household, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Household closed."))
            return redirect(household)
    return render(
        request,
        "cases/plan_form.html",
        {"form": form, "household": household, "title": _("Close the household")},
    )


@require_http_methods(["GET", "POST"])
@changes("household", perm="household.reopen")
def household_reopen(request, pk):
    household = gateway.household(request, pk)
    form = ReopenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.household_reopen(
                household=household, by=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Household reopened."))
            return redirect(household)
    return render(
        request,
        "cases/plan_form.html",
        {"form": form, "household": household, "title": _("Reopen the household")},
    )


@no_case_data(perm="figures.read")
@reads_from_replica
def outreach_figures(request):
    """Attempts per kind, share reached, time to first contact, evening and weekend share
    (counts only: no household, no person)."""
    team_ids = policy.teams_for(request.user, "figures.read")
    wanted = request.GET.get("days", "")
    days = int(wanted) if wanted.isascii() and wanted.isdigit() else 90
    days = min(max(days, 7), 730)
    context = figures.outreach(team_ids=team_ids, days=days)
    context.update(
        {
            "days": days,
            "periods": [30, 90, 365],
            "team_names": [roles_of(request.user).team_names[t] for t in team_ids],
        }
    )
    return render(request, "cases/outreach_figures.html", context)
