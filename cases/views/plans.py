"""The plan and what surrounds it on the worker's desk: goals, actions, network, ZRM, reviews."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from cases import batch, charts, gateway, once, services, states, zrm
from cases.forms import (
    ActionForm,
    ApprovalForm,
    AssessmentForm,
    CaseReviewForm,
    EvaluateForm,
    GoalForm,
    NetworkMemberForm,
    PlanForm,
)
from cases.gateway import changes, reads
from cases.models import AccessEvent, Action, Assessment, Goal, Household, Plan, Score
from cases.services import consult as consult_services
from cases.timeline import household_changes
from cases.views.common import with_offers
from teams import policy


def _current_plan(request, household: Household) -> Plan:
    """The household's current plan (404 without one), recorded as what the page shows."""
    plan = household.plans.filter(status=Plan.Status.CURRENT).first()
    if plan is None:
        raise Http404
    plan.household = household
    gateway.record(request, obj=plan)
    return plan


def _plan_lists(household: Household, **plan) -> dict:
    """The querysets of what the plan page shows of the plan (`plan`: which version) and of the
    household."""
    of_plan = {f"plan__{key}": value for key, value in plan.items()}
    return {
        "goals": Goal.objects.filter(plan__household=household, **of_plan).select_related("domain"),
        "actions": Action.objects.filter(plan__household=household, **of_plan).select_related(
            "person", "network_member", "worker", "organisation", "goal__domain", "service"
        ),
        "low_scores": charts.low_scores(household),
        "members": household.members.all(),
        "network": household.network.filter(active=True).select_related("organisation"),
    }


def _plan_context(request, household: Household, plan: Plan | None, lists: dict | None = None) -> dict:
    """Everything the plan page (and the print) shows, in a fixed number of queries (none with
    `lists` read already, from `_plan_lists`)."""
    if lists is None:
        lists = {name: list(qs) for name, qs in _plan_lists(household, pk=plan.pk if plan else None).items()}
    low = charts.low_domains(household, lists["low_scores"])
    return {
        "household": household,
        "plan": plan,
        "goals": lists["goals"] if plan else [],
        "actions": with_offers(request.user, household, lists["actions"] if plan else []),
        "low_domains": low,
        "low_domain_ids": {domain.pk for domain, _score, _person in low},
        "members": lists["members"],
        "network": lists["network"],
        "may_here": policy.Grants(request.user, household),
    }


@reads("plan")
def plan_detail(request, pk):
    household = gateway.household(request, pk)
    # Every version, the current one's goals and actions and the rest in one query (cases/batch.py).
    lists = batch.fetch(
        plans=household.plans.order_by("-number"),
        warnings=household.safety_warnings.active(),
        **_plan_lists(household, status=Plan.Status.CURRENT),
    )
    plan = next((p for p in lists["plans"] if p.status == Plan.Status.CURRENT), None)
    gateway.record(request, obj=plan)
    context = _plan_context(request, household, plan, lists)
    context.update(
        {
            "versions": [p for p in lists["plans"] if p.status != Plan.Status.CURRENT],
            "approval_offers": states.PLAN_APPROVAL.offered(plan.approval, request.user, household)
            if plan
            else [],
            "approval_form": ApprovalForm(),
            "warnings": lists["warnings"],
        }
    )
    return render(request, "cases/plan_detail.html", context)


@reads("plan")
def plan_version(request, pk, number):
    """An earlier, evaluated version of the plan: readable, never editable."""
    household = gateway.household(request, pk)
    plan = get_object_or_404(household.plans, number=number)
    gateway.record(request, obj=plan)
    context = _plan_context(request, household, plan)
    context["readonly"] = True
    return render(request, "cases/plan_detail.html", context)


@require_POST
@changes("plan")
def plan_start(request, pk):
    household = gateway.household(request, pk)
    try:
        services.plan_start(household=household, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("cases:plan_detail", pk=household.pk)


@require_http_methods(["GET", "POST"])
@changes("plan")
def plan_edit(request, pk):
    """Edit the plan text. A save on an older version shows what the other changed, keeps the text."""
    household = gateway.household(request, pk)
    plan = _current_plan(request, household)
    form = PlanForm(request.POST or None, instance=plan)
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_update(
                plan=plan, by=request.user, data=form.cleaned_data, version=form.cleaned_data["version"]
            )
        except services.PlanConflict as error:
            conflict = error
            data = request.POST.copy()
            data["version"] = str(error.plan.lock_version)  # a deliberate second save goes through
            form = PlanForm(data, instance=error.plan)
            form.is_valid()
        else:
            messages.success(request, _("Plan saved."))
            return redirect("cases:plan_detail", pk=household.pk)
    context = {"form": form, "household": household, "conflict": conflict, "title": _("Change the plan")}
    return render(request, "cases/plan_form.html", context, status=409 if conflict else 200)


@require_http_methods(["GET", "POST"])
@changes("plan")
def plan_evaluate(request, pk):
    household = gateway.household(request, pk)
    plan = _current_plan(request, household)
    form = EvaluateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        successor = services.plan_evaluate(
            plan=plan,
            by=request.user,
            note=form.cleaned_data["note"],
            next_evaluation=form.cleaned_data["next_evaluation"],
        )
        messages.success(
            request, _("Plan evaluated. Version %(number)s has started.") % {"number": successor.number}
        )
        return redirect("cases:plan_detail", pk=household.pk)
    return render(
        request,
        "cases/plan_form.html",
        {"form": form, "household": household, "title": _("Evaluate the plan"), "plain_form": True},
    )


@require_POST
@changes("plan")
def plan_approval(request, pk):
    """Ask for approval (worker), or approve / send back (coordinator)."""
    household = gateway.household(request, pk)
    plan = _current_plan(request, household)
    try:
        if "decision" in request.POST:
            form = ApprovalForm(request.POST)
            if not form.is_valid():
                raise ValidationError(_("Choose to approve or to send back."))
            services.plan_decide_approval(
                plan=plan,
                by=request.user,
                approve=form.cleaned_data["decision"] == "approve",
                comment=form.cleaned_data["comment"],
            )
        else:
            services.plan_request_approval(plan=plan, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Changes saved."))
    return redirect("cases:plan_detail", pk=household.pk)


def _next_url(request, household) -> str:
    """Back to where the user came from (the desk or the plan), never to another site."""
    wanted = request.POST.get("next_url", "")
    # A path of this site only: anything else would be read as a view name (a 500) or leave the site.
    if (
        wanted.startswith("/")
        and wanted.isprintable()
        and url_has_allowed_host_and_scheme(wanted, allowed_hosts={request.get_host()})
    ):
        return wanted
    return reverse("cases:plan_detail", args=[household.pk])


def _child_form_page(request, household, form, save, title, *, creating=False, extra=None):
    """GET shows the form; a valid POST saves through `save(form)` and returns to the plan.

    A create form carries a submission id, so a double submit creates one record (the view is
    decorated with `once.creates_once`).
    """
    if creating:
        once.carry(request, form)
    if request.method == "POST" and form.is_valid():
        try:
            if creating:
                once.create(request, lambda: save(form) or True, lambda _obj: _next_url(request, household))
            else:
                save(form)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Changes saved."))
            return redirect(_next_url(request, household))
    context = {"form": form, "household": household, "title": title, **(extra or {})}
    return render(request, "cases/plan_form.html", context)


@require_http_methods(["GET", "POST"])
@changes("goal")
@once.creates_once
def goal_edit(request, pk, goal_pk=None):
    household = gateway.household(request, pk)
    plan = _current_plan(request, household)
    goal = get_object_or_404(plan.goals, pk=goal_pk) if goal_pk else None
    form = GoalForm(request.POST or None, instance=goal)
    return _child_form_page(
        request,
        household,
        form,
        lambda f: services.goal_save(goal=f.save(commit=False), plan=plan, by=request.user),
        _("Goal"),
        creating=goal is None,
    )


@require_http_methods(["GET", "POST"])
@changes("action")
@once.creates_once
def action_edit(request, pk, action_pk=None):
    household = gateway.household(request, pk)
    plan = _current_plan(request, household)
    action = get_object_or_404(plan.actions, pk=action_pk) if action_pk else None
    initial = {"who": Action.Who.WORKER, "worker": request.user.pk} if action is None else None
    form = ActionForm(request.POST or None, instance=action, plan=plan, initial=initial)
    return _child_form_page(
        request,
        household,
        form,
        lambda f: services.action_save(action=f.save(commit=False), plan=plan, by=request.user),
        _("Action"),
        creating=action is None,
    )


@require_POST
@changes("action")
def action_done(request, pk, action_pk):
    """One tap on the plan or the desk: the action is done."""
    household = gateway.household(request, pk)
    plan = _current_plan(request, household)
    action = get_object_or_404(plan.actions, pk=action_pk)
    try:
        services.action_transition(
            action=action, plan=plan, by=request.user, transition="complete", reason=_("Action done")
        )
    except ValidationError as error:  # a second tap: it was done by the first
        messages.info(request, " ".join(error.messages))
    else:
        messages.success(request, _("Action done: %(what)s") % {"what": action.what})
    return redirect(_next_url(request, household))


@require_http_methods(["GET", "POST"])
@changes("network_member")
@once.creates_once
def network_edit(request, pk, member_pk=None):
    household = gateway.household(request, pk)
    member = get_object_or_404(household.network, pk=member_pk) if member_pk else None
    form = NetworkMemberForm(request.POST or None, instance=member)
    return _child_form_page(
        request,
        household,
        form,
        lambda f: services.network_member_save(
            member=f.save(commit=False), household=household, by=request.user
        ),
        _("Network member"),
        creating=member is None,
    )


@reads("plan", action=AccessEvent.Action.PRINT)
def plan_print(request, pk):
    """The plan for the family, on paper: no prior information, no internal notes. Logged."""
    household = gateway.household(request, pk)
    plan = _current_plan(request, household)
    context = _plan_context(request, household, plan)
    return render(request, "cases/plan_print.html", context)


@reads("assessments")
def assessments(request, pk):
    """Self-sufficiency over time per person: small charts (inline SVG) and the same as a table."""
    household = gateway.household(request, pk)
    people = list(
        household.members.prefetch_related(
            Prefetch(
                "assessments",
                queryset=Assessment.objects.order_by("assessed_on", "id").prefetch_related(
                    Prefetch("scores", queryset=Score.objects.select_related("domain"))
                ),
            )
        )
    )
    domains = list(zrm.domains())
    context = {
        "household": household,
        "people": [(person, charts.person_chart(person.assessments.all(), domains)) for person in people],
        "may_here": policy.Grants(request.user, household),
    }
    gateway.record(request, object_type="assessments", persons=people)
    return render(request, "cases/assessments.html", context)


@require_http_methods(["GET", "POST"])
@changes("assessment")
def assessment_new(request, pk):
    household = gateway.household(request, pk)
    instrument = services.default_instrument()
    domains = list(instrument.domains.all())
    initial = {"person": request.GET.get("person")} if request.GET.get("person") else None
    form = AssessmentForm(
        request.POST or None, household=household, instrument=instrument, domains=domains, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.assessment_record(
                person=form.cleaned_data["person"],
                by=request.user,
                assessed_on=form.cleaned_data["assessed_on"],
                scores=form.scores(),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Self-sufficiency scored."))
            return redirect("cases:assessments", pk=household.pk)
    return render(
        request,
        "cases/assessment_form.html",
        {"form": form, "household": household, "instrument": instrument},
    )


@require_http_methods(["GET", "POST"])
@changes("case_review")
@once.creates_once
def review_edit(request, pk, review_pk=None):
    household = gateway.household(request, pk)
    review = get_object_or_404(household.reviews, pk=review_pk) if review_pk else None
    # A new review lists the consult questions put on its agenda (issue 24); saving it marks
    # them discussed, in the same transaction.
    agenda = list(consult_services.on_agenda(household).select_related("asked_by")) if review is None else []
    initial = {"question": "\n".join(q.question for q in agenda)[:2000]} if agenda else None
    form = CaseReviewForm(request.POST or None, instance=review, household=household, initial=initial)

    def save(f):
        with transaction.atomic():
            saved = services.case_review_save(
                review=f.save(commit=False),
                household=household,
                by=request.user,
                workers=f.cleaned_data["workers"],
                organisations=f.cleaned_data["organisations"],
            )
            consult_services.consult_discussed(
                review=saved, by=request.user, question_ids=[q.pk for q in agenda]
            )

    return _child_form_page(
        request,
        household,
        form,
        save,
        _("Case review"),
        creating=review is None,
        extra={"consult_agenda": agenda},
    )


@require_POST
@changes("case_review")
def review_follow_up(request, pk, review_pk, line):
    household = gateway.household(request, pk)
    review = get_object_or_404(household.reviews, pk=review_pk)
    review.household = household
    try:
        action = services.review_follow_up_to_plan(review=review, line=line, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Added to the plan: %(what)s") % {"what": action.what})
    return redirect(household)


@reads("history")
def household_history(request, pk):
    """Who changed what, when and why, across the household and its plan, newest first."""
    household = gateway.household(request, pk)
    return render(
        request,
        "cases/household_history.html",
        {"household": household, "changes": household_changes(household, limit=200)},
    )
