"""The coordinator's side of signals: the triage queue, the signal page and its decisions."""

import datetime
import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Exists, OuterRef, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases import access_log, matching, services, workflow
from cases.filters import ReferralFilter
from cases.forms import (
    AcceptForm,
    AssignForm,
    CloseForm,
    CoordinatorReferralForm,
    DeclineForm,
    ForwardForm,
    InterestsForm,
    MergeForm,
    ReassignForm,
    TaskDoneForm,
)
from cases.models import AccessEvent, AccessRequest, Household, Referral, Task
from cases.services.referrals import may_close, other_signallers
from cases.views.consent import emergency_granted
from cases.views.households import PAGE_SIZE, query_without_page
from mandates.models import Mandate
from teams.models import Position, Team
from teams.roles import roles_of

QUEUE_ROLES = {Position.AccessRole.COORDINATOR, Position.AccessRole.MANAGER}


def _queue_team_ids(user) -> list[int]:
    return sorted(team_id for team_id, held in roles_of(user).by_team.items() if held & QUEUE_ROLES)


def referral_queue(request):
    """New and undecided signals of the user's teams: crisis first, then who waited longest."""
    team_ids = _queue_team_ids(request.user)
    if not team_ids:
        raise PermissionDenied
    scoped = Referral.objects.visible_to(request.user).filter(team_id__in=team_ids)
    data = request.GET.copy()
    data.setdefault("status", ReferralFilter.UNDECIDED)
    referral_filter = ReferralFilter(
        data,
        queryset=scoped.select_related("sender_organisation", "team", "assigned_to")
        .annotate(
            has_mandate=Exists(
                Mandate.objects.in_force().filter(
                    team=OuterRef("team"), organisation=OuterRef("sender_organisation")
                )
            )
        )
        .triage_order(),
        team_ids=team_ids,
    )
    page = Paginator(referral_filter.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    # Every signal of these teams is the user's to see (coordinator or manager there), so the
    # counts need no scoping beyond the teams: one index-only scan, not a visit to each row.
    per_status = {
        row["status"]: row
        for row in Referral.objects.filter(team_id__in=team_ids)
        .values("status")
        .annotate(
            n=Count("*"),
            overdue=Count("status", filter=Q(status__in=workflow.UNDECIDED, first_contact_due__lt=today)),
        )
        .order_by()
    }
    counts = {status: per_status.get(status, {}).get("n", 0) for status in workflow.Status.values}
    counts["overdue"] = sum(row["overdue"] for row in per_status.values())
    context = {
        "filter": referral_filter,
        "page": page,
        "counts": [(workflow.Status(s).label, s, counts[s]) for s in workflow.Status.values],
        "overdue": counts["overdue"],
        "query_string": query_without_page(request),
        "can_register": bool(services.coordinator_team_ids(request.user)),
        "today": today,
        # Reported to the coordinator: who opened confidential prior information, and why.
        "emergencies": AccessEvent.objects.filter(
            action=AccessEvent.Action.EMERGENCY,
            team_id__in=team_ids,
            at__gte=timezone.now() - datetime.timedelta(days=14),
        ).select_related("user", "household")[:20],
        "late_access_requests": AccessRequest.objects.filter(
            person__household__team_id__in=team_ids, handled_on__isnull=True, due_on__lt=today
        ).select_related("person__household"),
    }
    template = "cases/referral_queue.html"
    if request.htmx and not request.htmx.boosted:
        template += "#results"
    return render(request, template, context)


@require_http_methods(["GET", "POST"])
def referral_create(request):
    """A coordinator registers a signal received by phone, e-mail or letter."""
    team_ids = services.coordinator_team_ids(request.user)
    if not team_ids:
        raise PermissionDenied
    teams = list(Team.objects.filter(pk__in=team_ids))
    form = CoordinatorReferralForm(request.POST or None, teams=teams)
    if request.method == "POST" and form.is_valid():
        try:
            referral, created = services.referral_submit(
                referral=form.save(commit=False),
                submission_id=form.cleaned_data["submission_id"],
                by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if created:
                messages.success(
                    request,
                    _("Signal registered with reference %(reference)s. Give this number to the sender.")
                    % {"reference": referral.reference},
                )
            return redirect(referral)
    return render(request, "cases/referral_form.html", {"form": form})


def _visible_referral(request, pk) -> Referral:
    referral = (
        Referral.objects.visible_to(request.user)
        .select_related(
            "team",
            "sender_organisation",
            "submitted_by",
            "household__lead_worker",
            "assigned_to",
            "forwarded_to",
            "merged_into",
        )
        .filter(pk=pk)
        .first()
    )
    if referral is None:
        access_log.log_refused(request, pk=pk, object_type="referral")
        raise Http404
    return referral


def _team_households(request, referral: Referral):
    return Household.objects.visible_to(request.user).filter(
        team_id=referral.team_id, status=Household.Status.OPEN
    )


def _forms(request, referral: Referral, triage: bool, bound=None) -> dict:
    """The unbound forms the signal's state offers, with the one that was posted (bound) in place."""
    forms = {}
    status = referral.status
    if triage and status in (workflow.Status.RECEIVED, workflow.Status.ACCEPTED, workflow.Status.ASSIGNED):
        workers = services.assignable_workers(referral.team_id)
        if status == workflow.Status.RECEIVED:
            forms["accept"] = AcceptForm(households=_team_households(request, referral), workers=workers)
            forms["decline"] = DeclineForm()
            forms["forward"] = ForwardForm()
        elif status == workflow.Status.ACCEPTED:
            forms["assign"] = AssignForm(workers=workers)
        else:
            forms["reassign"] = ReassignForm(workers=workers, initial={"current": referral.assigned_to_id})
    if status in (workflow.Status.ACCEPTED, workflow.Status.ASSIGNED) and may_close(request.user, referral):
        forms["close"] = CloseForm()
    if bound is not None:
        forms[bound[0]] = bound[1]
    return forms


def _render_detail(request, referral: Referral, bound=None, status=200):
    user = request.user
    triage = services.may_triage(user, referral)
    candidates, merge_targets, elsewhere = [], [], []
    if triage and referral.status == workflow.Status.RECEIVED:
        candidates = matching.household_candidates(referral, user)
        merge_targets = list(matching.merge_targets(referral, candidates))
        elsewhere = matching.known_in_other_teams(referral)
    forms = _forms(request, referral, triage, bound)
    if triage and referral.status == workflow.Status.RECEIVED:
        forms.setdefault("merge", MergeForm(targets=merge_targets))
    may_edit_interests = may_close(user, referral) or (
        referral.household_id is not None and referral.household.lead_worker_id == user.pk
    )
    if may_edit_interests and referral.status not in (workflow.Status.DECLINED, workflow.Status.FORWARDED):
        forms.setdefault("interests", InterestsForm(instance=referral))
    context = {
        "referral": referral,
        "forms": forms,
        "triage": triage,
        "candidates": candidates,
        "merge_targets": merge_targets,
        "known_elsewhere": elsewhere,
        "prior_information_visible": services.may_read_prior_information(user, referral)
        or emergency_granted(request, referral),
        "feedback": referral.shares.select_related("shared_by") if referral.household_id else [],
        "may_give_feedback": referral.household_id is not None
        and referral.team_id in services.teams_editable_by(user),
        "decisions": referral.decisions.select_related(
            "decided_by", "assigned_to", "forwarded_to", "merged_into", "household"
        ),
        "other_signallers": other_signallers(referral).select_related("sender_organisation")[:10],
        "match_task": Task.objects.filter(household_id=referral.household_id, kind=Task.Kind.MATCH_CHECK)
        .select_related("done_by")
        .order_by("-created_at")
        .first()
        if referral.household_id
        else None,
        "today": timezone.localdate(),
        "mandate": _mandate_of(referral),
    }
    return render(request, "cases/referral_detail.html", context, status=status)


def _mandate_of(referral: Referral) -> Mandate | None:
    """The sender's mandate with this team: the one in force, else the latest of any status."""
    if referral.sender_organisation_id is None:
        return None
    mandates = Mandate.objects.filter(
        team_id=referral.team_id, organisation_id=referral.sender_organisation_id
    )
    return mandates.in_force().first() or mandates.order_by("-valid_from").first()


def referral_detail(request, pk):
    referral = _visible_referral(request, pk)
    access_log.log(request, action=AccessEvent.Action.VIEW, household=referral.household, obj=referral)
    return _render_detail(request, referral)


def _post_accept(request, referral, form):
    services.referral_accept(
        referral=referral,
        by=request.user,
        household=form.cleaned_data["household"],
        create_household=form.cleaned_data["household"] is None,
        worker=form.cleaned_data["worker"],
        reason=form.cleaned_data["reason"],
    )
    if form.cleaned_data["worker"]:
        return _("Signal %(reference)s accepted and assigned to %(worker)s.") % {
            "reference": referral.reference,
            "worker": form.cleaned_data["worker"],
        }
    return _("Signal %(reference)s accepted.") % {"reference": referral.reference}


def _post_assign(request, referral, form):
    services.referral_assign(referral=referral, worker=form.cleaned_data["worker"], by=request.user)
    return _("Signal assigned to %(worker)s.") % {"worker": form.cleaned_data["worker"]}


def _post_reassign(request, referral, form):
    services.referral_reassign(
        referral=referral,
        worker=form.cleaned_data["worker"],
        expected_worker_id=form.cleaned_data["current"],
        by=request.user,
        reason=form.cleaned_data["reason"],
    )
    return _("Signal assigned to %(worker)s.") % {"worker": form.cleaned_data["worker"]}


def _post_decline(request, referral, form):
    services.referral_decline(
        referral=referral,
        by=request.user,
        reason_code=form.cleaned_data["reason_code"],
        reason=form.cleaned_data["reason"],
    )
    return _("Signal %(reference)s declined.") % {"reference": referral.reference}


def _post_forward(request, referral, form):
    services.referral_forward(
        referral=referral,
        by=request.user,
        organisation=form.cleaned_data["organisation"],
        reason=form.cleaned_data["reason"],
    )
    return _("Signal %(reference)s forwarded to %(organisation)s.") % {
        "reference": referral.reference,
        "organisation": form.cleaned_data["organisation"],
    }


def _posted_merge_target(request, referral) -> list[Referral]:
    """The earlier signal named in the POST, if it is one of the same team (the service checks the rest)."""
    try:
        pk = uuid.UUID(request.POST.get("into", ""))
    except ValueError:
        return []
    return list(
        Referral.objects.filter(team_id=referral.team_id, pk=pk).select_related("sender_organisation")
    )


def _post_merge(request, referral, form):
    merged = services.referral_merge(
        referral=referral,
        into_id=form.cleaned_data["into"],
        by=request.user,
        reason=form.cleaned_data["reason"],
    )
    return _("Signal %(reference)s merged into %(into)s.") % {
        "reference": referral.reference,
        "into": merged.merged_into.reference,
    }


def _post_close(request, referral, form):
    services.referral_close(
        referral=referral,
        by=request.user,
        end_result=form.cleaned_data["end_result"],
        reason=form.cleaned_data["reason"],
    )
    return _("Signal closed.")


def _post_interests(request, referral, form):
    services.referral_update_interests(
        referral=referral,
        by=request.user,
        household_view=form.cleaned_data["household_view"],
        professional_judgement=form.cleaned_data["professional_judgement"],
    )
    return _("Changes saved.")


# action: (how to build its form from the POST, what to do with it, back to the queue after?)
ACTIONS = {
    "accept": (
        lambda request, referral: AcceptForm(
            request.POST,
            households=_team_households(request, referral),
            workers=services.assignable_workers(referral.team_id),
        ),
        _post_accept,
        True,
    ),
    "assign": (
        lambda request, referral: AssignForm(
            request.POST, workers=services.assignable_workers(referral.team_id)
        ),
        _post_assign,
        False,
    ),
    "reassign": (
        lambda request, referral: ReassignForm(
            request.POST, workers=services.assignable_workers(referral.team_id)
        ),
        _post_reassign,
        False,
    ),
    "decline": (lambda request, referral: DeclineForm(request.POST), _post_decline, True),
    "forward": (lambda request, referral: ForwardForm(request.POST), _post_forward, True),
    "merge": (
        lambda request, referral: MergeForm(request.POST, targets=_posted_merge_target(request, referral)),
        _post_merge,
        True,
    ),
    "close": (lambda request, referral: CloseForm(request.POST), _post_close, False),
    "interests": (
        lambda request, referral: InterestsForm(request.POST, instance=referral),
        _post_interests,
        False,
    ),
}


@require_POST
def referral_decide(request, pk, action):
    """One decision on a signal. A conflict (someone decided first) answers 409 and names them."""
    referral = _visible_referral(request, pk)
    # Who may do this is decided before the form is read: a manager gets 403, not form errors.
    if action in ("close", "interests"):
        allowed = may_close(request.user, referral) or (
            action == "interests"
            and referral.household_id
            and referral.household.lead_worker_id == request.user.pk
        )
    else:
        allowed = services.may_triage(request.user, referral)
    if not allowed:
        raise PermissionDenied
    build, perform, to_queue = ACTIONS[action]
    form = build(request, referral)
    if not form.is_valid():
        return _render_detail(request, referral, bound=(action, form), status=400)
    try:
        message = perform(request, referral, form)
    except services.AlreadyDecided as conflict:
        messages.error(request, str(conflict))
        return _render_detail(request, _visible_referral(request, pk), status=409)
    except workflow.TransitionError as error:
        messages.error(request, str(error))
        return _render_detail(request, referral, status=409)
    except ValidationError as error:
        form.add_error(None, error)
        return _render_detail(request, referral, bound=(action, form), status=400)
    messages.success(request, message)
    if to_queue and services.coordinator_team_ids(request.user):
        return redirect("cases:referral_queue")
    return redirect(referral)


@require_GET
def referral_household_search(request, pk):
    """htmx: more households of the signal's team to link it to, by name, street or postcode."""
    referral = _visible_referral(request, pk)
    if not services.may_triage(request.user, referral):
        raise PermissionDenied
    households = _team_households(request, referral).search(request.GET.get("q", ""))[:10]
    return render(
        request,
        "cases/referral_detail.html#household_options",
        {"households": households, "referral": referral},
    )


@require_POST
def task_complete(request, pk):
    """The lead worker records that a task (e.g. the match check) is done, and what was done."""
    task = get_object_or_404(Task.objects.visible_to(request.user).select_related("household"), pk=pk)
    services.check_may_edit(request.user, task.household)
    form = TaskDoneForm(request.POST)
    if form.is_valid():
        try:
            services.task_complete(task=task, by=request.user, note=form.cleaned_data["note"])
        except services.AlreadyDecided as conflict:
            messages.error(request, str(conflict))
        else:
            messages.success(request, _("Task done."))
    else:
        messages.error(request, _("Write down what was done before closing the task."))
    return redirect(task.household)
