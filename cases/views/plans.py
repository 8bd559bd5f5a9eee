"""The plan and what surrounds it on the worker's desk: goals, actions, network, ZRM, reviews."""

from crispy_forms.layout import Hidden
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from cases import access_log, charts, once, services, zrm
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
from cases.models import AccessEvent, Action, Assessment, CaseReview, Household, Plan, SafetyWarning, Score
from cases.services.referrals import coordinator_team_ids
from cases.timeline import household_changes
from cases.views.common import visible_household


def _household(request, pk) -> Household:
    return visible_household(request, pk)


def _editable_household(request, pk) -> Household:
    household = _household(request, pk)
    services.check_may_edit(request.user, household)
    return household


def _current_plan(household: Household) -> Plan:
    plan = household.plans.filter(status=Plan.Status.CURRENT).first()
    if plan is None:
        raise Http404
    plan.household = household
    return plan


def _plan_context(request, household: Household, plan: Plan | None) -> dict:
    """Everything the plan page (and the print) shows, in a fixed number of queries."""
    goals = actions = []
    if plan is not None:
        goals = list(plan.goals.select_related("domain"))
        actions = list(
            plan.actions.select_related("person", "network_member", "worker", "organisation", "goal__domain")
        )
    low = charts.low_domains(household)
    return {
        "household": household,
        "plan": plan,
        "goals": goals,
        "actions": actions,
        "low_domains": low,
        "low_domain_ids": {domain.pk for domain, _score, _person in low},
        "members": list(household.members.all()),
        "network": list(household.network.filter(active=True).select_related("organisation")),
    }


def plan_detail(request, pk):
    household = _household(request, pk)
    plan = household.plans.filter(status=Plan.Status.CURRENT).first()
    context = _plan_context(request, household, plan)
    context.update(
        {
            "can_edit": household.team_id in services.teams_editable_by(request.user),
            "is_coordinator": household.team_id in coordinator_team_ids(request.user),
            "versions": list(household.plans.exclude(status=Plan.Status.CURRENT).order_by("-number")),
            "approval_form": ApprovalForm(),
            "warnings": SafetyWarning.objects.filter(household=household).active(),
        }
    )
    access_log.log(request, action=AccessEvent.Action.VIEW, household=household, obj=plan or household)
    return render(request, "cases/plan_detail.html", context)


def plan_version(request, pk, number):
    """An earlier, evaluated version of the plan: readable, never editable."""
    household = _household(request, pk)
    plan = get_object_or_404(household.plans, number=number)
    context = _plan_context(request, household, plan)
    context["readonly"] = True
    access_log.log(request, action=AccessEvent.Action.VIEW, household=household, obj=plan)
    return render(request, "cases/plan_detail.html", context)


@require_POST
def plan_start(request, pk):
    household = _editable_household(request, pk)
    try:
        services.plan_start(household=household, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("cases:plan_detail", pk=household.pk)


@require_http_methods(["GET", "POST"])
def plan_edit(request, pk):
    """Edit the plan text. A save on an older version shows what the other changed, keeps the text."""
    household = _editable_household(request, pk)
    plan = _current_plan(household)
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
def plan_evaluate(request, pk):
    household = _editable_household(request, pk)
    plan = _current_plan(household)
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
def plan_approval(request, pk):
    """Ask for approval (worker), or approve / send back (coordinator)."""
    household = _editable_household(request, pk)
    plan = _current_plan(household)
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


def _child_form_page(request, household, form, save, title, *, creating=False):
    """GET shows the form; a valid POST saves through `save(form)` and returns to the plan.

    A create form carries a submission id, so a double submit creates one record.
    """
    if creating:
        form.helper.layout.insert(0, Hidden(once.FIELD, once.token(request)))
        if request.method == "POST" and (done := once.earlier_result(request)):
            return done
    if request.method == "POST" and form.is_valid():
        try:
            if creating:
                created = once.create_once(
                    request, lambda: save(form) or True, lambda _obj: _next_url(request, household)
                )
                if created is None:
                    return once.earlier_result(request) or redirect(_next_url(request, household))
            else:
                save(form)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Changes saved."))
            return redirect(_next_url(request, household))
    return render(request, "cases/plan_form.html", {"form": form, "household": household, "title": title})


@require_http_methods(["GET", "POST"])
def goal_edit(request, pk, goal_pk=None):
    household = _editable_household(request, pk)
    plan = _current_plan(household)
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
def action_edit(request, pk, action_pk=None):
    household = _editable_household(request, pk)
    plan = _current_plan(household)
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
def action_done(request, pk, action_pk):
    """One tap on the plan or the desk: the action is done."""
    household = _editable_household(request, pk)
    plan = _current_plan(household)
    action = get_object_or_404(plan.actions, pk=action_pk)
    action.status = Action.Status.DONE
    services.action_save(action=action, plan=plan, by=request.user, reason=_("Action done"))
    messages.success(request, _("Action done: %(what)s") % {"what": action.what})
    return redirect(_next_url(request, household))


@require_http_methods(["GET", "POST"])
def network_edit(request, pk, member_pk=None):
    household = _editable_household(request, pk)
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


def plan_print(request, pk):
    """The plan for the family, on paper: no prior information, no internal notes. Logged."""
    household = _household(request, pk)
    plan = _current_plan(household)
    access_log.log(request, action=AccessEvent.Action.PRINT, household=household, obj=plan)
    context = _plan_context(request, household, plan)
    return render(request, "cases/plan_print.html", context)


def assessments(request, pk):
    """Self-sufficiency over time per person: small charts (inline SVG) and the same as a table."""
    household = _household(request, pk)
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
        "can_edit": household.team_id in services.teams_editable_by(request.user),
    }
    access_log.log(
        request,
        action=AccessEvent.Action.VIEW,
        household=household,
        object_type="assessments",
        persons=[person.pk for person in people],
    )
    return render(request, "cases/assessments.html", context)


@require_http_methods(["GET", "POST"])
def assessment_new(request, pk):
    household = _editable_household(request, pk)
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
def review_edit(request, pk, review_pk=None):
    household = _editable_household(request, pk)
    review = get_object_or_404(household.reviews, pk=review_pk) if review_pk else None
    form = CaseReviewForm(request.POST or None, instance=review, household=household)

    def save(f):
        services.case_review_save(
            review=f.save(commit=False),
            household=household,
            by=request.user,
            workers=f.cleaned_data["workers"],
            organisations=f.cleaned_data["organisations"],
        )

    return _child_form_page(request, household, form, save, _("Case review"), creating=review is None)


@require_POST
def review_follow_up(request, pk, review_pk, line):
    household = _editable_household(request, pk)
    review = get_object_or_404(CaseReview.objects.filter(household=household), pk=review_pk)
    review.household = household
    try:
        action = services.review_follow_up_to_plan(review=review, line=line, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Added to the plan: %(what)s") % {"what": action.what})
    return redirect(household)


def household_history(request, pk):
    """Who changed what, when and why, across the household and its plan, newest first."""
    household = _household(request, pk)
    access_log.log(request, action=AccessEvent.Action.VIEW, household=household, object_type="history")
    return render(
        request,
        "cases/household_history.html",
        {"household": household, "changes": household_changes(household, limit=200)},
    )
