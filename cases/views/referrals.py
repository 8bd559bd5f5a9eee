"""The coordinator's side of signals: the triage queue, the signal page and its decisions."""

import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases import gateway, matching, services, workflow
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
from cases.gateway import changes, reads
from cases.models import AccessEvent, AccessRequest, Household, Referral, Task
from cases.services import handover
from cases.services.referrals import other_signallers
from cases.views.common import PAGE_SIZE, emergency_granted, query_without_page
from mandates.models import Mandate
from teams import expertise, policy
from teams.forms import WhoKnowsForm
from teams.models import Team


@reads("referral_queue", perm="referral.queue", scope=None, action=AccessEvent.Action.SEARCH)
def referral_queue(request):
    """New and undecided signals of the user's teams: crisis first, then who waited longest."""
    team_ids = policy.teams_for(request.user, "referral.queue")
    data = request.GET.copy()
    data.setdefault("status", ReferralFilter.UNDECIDED)
    referral_filter = ReferralFilter(
        data,
        queryset=gateway.referrals(request)
        .filter(team_id__in=team_ids)
        .select_related("sender_organisation", "team", "assigned_to")
        .annotate(
            has_mandate=Exists(
                Mandate.objects.in_force_for(OuterRef("team"), OuterRef("sender_organisation"))
            )
        )
        .triage_order(),
        team_ids=team_ids,
    )
    page = Paginator(referral_filter.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    counts = gateway.team_referrals(request).counts_per_status(today)
    context = {
        "filter": referral_filter,
        "page": page,
        "counts": [(workflow.Status(s).label, s, counts[s]) for s in workflow.Status.values],
        "overdue": counts["overdue"],
        "query_string": query_without_page(request),
        "today": today,
        # Reported to the coordinator: who opened confidential prior information, and why.
        "emergencies": AccessEvent.objects.emergencies(team_ids).select_related("user", "household")[:20],
        "late_access_requests": AccessRequest.objects.late(team_ids, today).select_related(
            "person__household"
        ),
    }
    if request.htmx and not request.htmx.boosted:
        return render(request, "cases/referral_queue.html#results", context)
    # From the day a position ends: what its holder still holds, for whoever hands it over.
    context["orphans"] = handover.orphans(policy.teams_for(request.user, "household.handover"))
    return render(request, "cases/referral_queue.html", context)


@require_http_methods(["GET", "POST"])
@changes("referral", perm="referral.register", scope=None)
def referral_create(request):
    """A coordinator registers a signal received by phone, e-mail or letter."""
    teams = list(Team.objects.filter(pk__in=policy.teams_for(request.user, "referral.register")))
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


def _team_households(request, referral: Referral):
    return gateway.households(request).filter(team_id=referral.team_id, status=Household.Status.OPEN)


def _posted_merge_target(request, referral) -> list[Referral]:
    """The earlier signal named in the POST, if it is one of the same team (the service checks the rest)."""
    try:
        pk = uuid.UUID(request.POST.get("into", ""))
    except ValueError:
        return []
    return list(
        gateway.referrals(request)
        .filter(team_id=referral.team_id, pk=pk)
        .select_related("sender_organisation")
    )


def _workers(request, referral):
    """The team's workers, with their expertise; on the page (GET) filtered by life domain, method
    or language (the filter form of the assignment, issue 24). A decision (POST) takes any."""
    workers = services.assignable_workers(referral.team_id).select_related("expertise")
    if request.method == "GET":
        wanted = {name: value for name, value in _expertise_filter(request).filters().items() if name != "q"}
        workers = workers.filter(expertise.matching("expertise__", **wanted))
    return workers


def _expertise_filter(request) -> WhoKnowsForm:
    return WhoKnowsForm(request.GET if request.method == "GET" and request.GET else None)


# Per decision of the table (cases/workflow.py), and the views' own "interests": the permission
# it takes (teams/policy.py) and its form, bound to the POST (data) or not (None).
DECISIONS = {
    "accept": (
        "referral.triage",
        lambda request, referral, data: AcceptForm(
            data, households=_team_households(request, referral), workers=_workers(request, referral)
        ),
    ),
    "assign": (
        "referral.triage",
        lambda request, referral, data: AssignForm(data, workers=_workers(request, referral)),
    ),
    "reassign": (
        "referral.triage",
        lambda request, referral, data: ReassignForm(
            data, workers=_workers(request, referral), initial={"current": referral.assigned_to_id}
        ),
    ),
    "decline": ("referral.triage", lambda request, referral, data: DeclineForm(data)),
    "forward": ("referral.triage", lambda request, referral, data: ForwardForm(data)),
    "merge": (
        "referral.triage",
        lambda request, referral, data: MergeForm(data, targets=_posted_merge_target(request, referral)),
    ),
    "close": ("referral.close", lambda request, referral, data: CloseForm(data)),
    "interests": (
        "referral.interests",
        lambda request, referral, data: InterestsForm(data, instance=referral),
    ),
}
# The household's view and the professional judgement can be recorded until the signal leaves the team.
INTERESTS_CLOSED = (workflow.Status.DECLINED, workflow.Status.FORWARDED)


def offered(user, referral: Referral) -> list[str]:
    """What the signal's state allows (the table) and the user may do (the policy), in order;
    and the three interests, which are not a transition, until the signal leaves the team."""
    choices = workflow.SIGNAL.offered(referral.status, user, referral)
    if referral.status not in INTERESTS_CLOSED and policy.can(user, DECISIONS["interests"][0], referral):
        choices.append("interests")
    return choices


def _render_detail(request, referral: Referral, bound=None, status=200):
    user = request.user
    choices = offered(user, referral)
    forms = {name: DECISIONS[name][1](request, referral, None) for name in choices if name != "merge"}
    candidates, merge_targets, elsewhere = [], [], []
    if "merge" in choices:
        candidates = matching.household_candidates(referral, user)
        merge_targets = list(matching.merge_targets(referral, candidates))
        elsewhere = matching.known_in_other_teams(referral)
        forms["merge"] = MergeForm(targets=merge_targets)
    if bound is not None:
        forms[bound[0]] = bound[1]
    context = {
        "referral": referral,
        "forms": forms,
        "triage": "accept" in choices,
        "candidates": candidates,
        "merge_targets": merge_targets,
        "known_elsewhere": elsewhere,
        "prior_information_visible": services.may_read_prior_information(user, referral)
        or emergency_granted(request, referral),
        "feedback": referral.shares.select_related("shared_by").prefetch_related("persons")
        if referral.household_id
        else [],
        "may_give_feedback": referral.household_id is not None
        and policy.can(user, "household.edit", referral.household),
        "decisions": referral.decisions.select_related(
            "decided_by", "assigned_to", "forwarded_to", "merged_into", "household"
        ),
        "other_signallers": other_signallers(referral).select_related("sender_organisation")[:10],
        "match_task": referral.household.tasks.filter(kind=Task.Kind.MATCH_CHECK)
        .select_related("done_by")
        .order_by("-created_at")
        .first()
        if referral.household_id
        else None,
        "today": timezone.localdate(),
        "mandate": Mandate.objects.of_sender(referral),
    }
    if {"accept", "assign", "reassign"} & set(choices):
        # Who knows what, to choose whom to assign (issue 24): one query, however many workers.
        context["team_workers"] = list(_workers(request, referral))
        context["expertise_filter"] = _expertise_filter(request)
    return render(request, "cases/referral_detail.html", context, status=status)


@reads("referral", scope="referral")
def referral_detail(request, pk):
    referral = gateway.referral(request, pk, related=RELATED)
    return _render_detail(request, referral)


RELATED = ("submitted_by", "forwarded_to", "merged_into")


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


# decision: (what to do with its valid form, back to the queue after?)
PERFORM = {
    "accept": (_post_accept, True),
    "assign": (_post_assign, False),
    "reassign": (_post_reassign, False),
    "decline": (_post_decline, True),
    "forward": (_post_forward, True),
    "merge": (_post_merge, True),
    "close": (_post_close, False),
    "interests": (_post_interests, False),
}


@require_POST
@changes("referral", perm="household.read", scope="referral")
def referral_decide(request, pk, action):
    """One decision on a signal. A conflict (someone decided first) answers 409 and names them."""
    # Who may do this is decided before the form is read: a manager gets 403, not form errors.
    perm, build = DECISIONS[action]
    referral = gateway.referral(request, pk, perm=perm, related=RELATED)
    form = build(request, referral, request.POST)
    if not form.is_valid():
        return _render_detail(request, referral, bound=(action, form), status=400)
    perform, to_queue = PERFORM[action]
    try:
        message = perform(request, referral, form)
    except services.AlreadyDecided as conflict:
        messages.error(request, str(conflict))
        return _render_detail(request, gateway.referral(request, pk, related=RELATED), status=409)
    except workflow.TransitionError as error:
        messages.error(request, str(error))
        return _render_detail(request, referral, status=409)
    except ValidationError as error:
        form.add_error(None, error)
        return _render_detail(request, referral, bound=(action, form), status=400)
    messages.success(request, message)
    if to_queue and policy.can(request.user, "referral.queue", referral):
        return redirect("cases:referral_queue")
    return redirect(referral)


@require_GET
@reads("household_search", perm="referral.triage", scope="referral", action=AccessEvent.Action.SEARCH)
def referral_household_search(request, pk):
    """htmx: more households of the signal's team to link it to, by name, street or postcode.

    Logged as a search, without the search words."""
    referral = gateway.referral(request, pk)
    households = _team_households(request, referral).search(request.GET.get("q", ""))[:10]
    return render(
        request,
        "cases/referral_detail.html#household_options",
        {"households": households, "referral": referral},
    )


@require_POST
@changes("task", scope="task")
def task_complete(request, pk):
    """The lead worker records that a task (e.g. the match check) is done, and what was done."""
    task = gateway.task(request, pk)
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
