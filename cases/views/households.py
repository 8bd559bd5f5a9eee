import uuid

from crispy_forms.layout import Hidden
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import F, Prefetch, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from cases import access_log, charts, once, services
from cases.filters import HouseholdFilter
from cases.forms import HouseholdForm, NewHouseholdForm, PersonForm, TaskDoneForm
from cases.models import (
    AccessEvent,
    AccessRequest,
    Action,
    ConsentDecision,
    Household,
    Person,
    Plan,
    Referral,
    Task,
)
from cases.views.common import visible_household
from cases.views.outreach import active_warnings, contacts_context
from teams.models import Position, Team
from teams.roles import roles_of

PAGE_SIZE = 25


def household_list(request):
    """The team's households: search, filter, paginate. htmx gets the results partial only."""
    roles = roles_of(request.user)
    if not roles.is_team_member:
        raise PermissionDenied
    data = request.GET.copy()
    if "status" not in data:
        data["status"] = Household.Status.OPEN
    households = (
        Household.objects.visible_to(request.user)
        .select_related("team", "lead_worker")
        .prefetch_related(Prefetch("members", queryset=Person.objects.order_by("birth_date", "first_name")))
    )
    household_filter = HouseholdFilter(
        data, queryset=households, user=request.user, team_ids=sorted(roles.team_ids())
    )
    page = Paginator(household_filter.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    if request.GET.get("q"):
        # Logged without the search words: they are usually names.
        access_log.log(request, action=AccessEvent.Action.SEARCH, object_type="household_search")
    context = {
        "filter": household_filter,
        "page": page,
        "query_string": query_without_page(request),
        "can_register": bool(services.teams_editable_by(request.user)),
        # For the worker starting the day (lazy: the htmx partial never reads them).
        "my_signals": Referral.objects.visible_to(request.user)
        .filter(assigned_to=request.user, status=Referral.Status.ASSIGNED)
        .select_related("household", "sender_organisation")
        .order_by("-received_at")[:10],
        "my_tasks": Task.objects.visible_to(request.user)
        .filter(status=Task.Status.OPEN, household__lead_worker=request.user)
        .select_related("household")[:10],
        "plans_to_look_at": _plans_to_look_at(request.user)[:10],
    }
    template = "cases/household_list.html"
    if request.htmx and not request.htmx.boosted:
        template += "#results"
    return render(request, template, context)


def _plans_to_look_at(user):
    """Evaluations overdue on the lead worker's households (the coordinator: the whole team's),
    and for the coordinator the plans waiting for approval."""
    coordinating = services.coordinator_team_ids(user)
    due = Q(evaluation_date__lt=timezone.localdate()) & (
        Q(household__lead_worker=user) | Q(household__team_id__in=coordinating)
    )
    waiting = Q(approval=Plan.Approval.REQUESTED, household__team_id__in=coordinating)
    return (
        Plan.objects.visible_to(user)
        .current()
        .filter(due | waiting)
        .select_related("household")
        .order_by("evaluation_date", "id")
    )


def _consent_overview(household: Household, members: list[Person]) -> list[tuple]:
    """Per member: the latest decision per recipient and purpose, and who may withdraw it."""
    by_pk = {member.pk: member for member in members}
    latest = {}
    decisions = ConsentDecision.objects.filter(person__household=household).select_related("recipient")
    for decision in decisions.order_by("-recorded_at", "-id"):
        latest.setdefault((decision.person_id, decision.recipient_id, decision.purpose), decision)
    rows = []
    for decision in sorted(latest.values(), key=lambda d: (str(d.person_id), d.recipient.name)):
        person = by_pk.get(decision.person_id)
        if person is not None:
            decision.person = person
            rows.append((decision, services.may_withdraw(person, members) if decision.in_force else []))
    return rows


def query_without_page(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def household_detail(request, pk):
    """The worker's desk: what to do next first, then the family, its plan and its history."""
    household = visible_household(request, pk)
    plan = household.plans.filter(status=Plan.Status.CURRENT).first()
    members = list(household.members.order_by("birth_date", "first_name"))
    referrals = list(
        Referral.objects.visible_to(request.user)
        .filter(household=household)
        .select_related("sender_organisation", "assigned_to")
        .order_by("-received_at")[:20]
    )
    context = {
        "household": household,
        "members": members,
        "changes": household.history.select_related("history_user").order_by("-history_date")[:10],
        "can_edit": household.team_id in services.teams_editable_by(request.user),
        "referrals": referrals,
        "match": len({r.sender_organisation_id for r in referrals if r.sender_organisation_id}) > 1,
        "open_tasks": household.tasks.filter(status=Task.Status.OPEN).select_related("referral"),
        "task_form": TaskDoneForm(),
        "plan": plan,
        "next_actions": plan.actions.filter(status=Action.Status.OPEN)
        .select_related("person", "network_member", "worker", "organisation")
        .order_by(F("due_date").asc(nulls_last=True), "id")[:5]
        if plan
        else [],
        "network": household.network.select_related("organisation"),
        "low_domains": charts.low_domains(household),
        "reviews": household.reviews.all()[:5],
        "next_url": household.get_absolute_url(),
        "consents": _consent_overview(household, members),
        "shares": household.shares.select_related("recipient", "shared_by")[:10],
        "access_request_submission_id": str(uuid.uuid4()),
        "access_requests": AccessRequest.objects.filter(
            person__household=household, handled_on__isnull=True
        ).select_related("person"),
        "may_read_access_log": household.team_id
        in roles_of(request.user).teams_as(Position.AccessRole.COORDINATOR, Position.AccessRole.MANAGER),
        "warnings": active_warnings(household),
        **contacts_context(request, household),
    }
    access_log.log(
        request,
        action=AccessEvent.Action.VIEW,
        household=household,
        obj=household,
        persons=[member.pk for member in context["members"]],
    )
    return render(request, "cases/household_detail.html", context)


@require_http_methods(["GET", "POST"])
def household_create(request):
    team_ids = services.teams_editable_by(request.user)
    if not team_ids:
        raise PermissionDenied
    teams = list(Team.objects.filter(pk__in=team_ids))
    form = NewHouseholdForm(request.POST or None, teams=teams, prefix="household")
    member_form = PersonForm(
        request.POST or None, prefix="member", initial={"relation": Person.Relation.MAIN_RESIDENT}
    )
    member_form.helper.form_tag = False
    member_form.helper.layout.fields.pop()  # one submit button for both forms
    # `&`, not `and`: both forms validate, so every wrong field shows its message at once.
    if request.method == "POST":
        if done := once.earlier_result(request):
            return done
        if form.is_valid() & member_form.is_valid():
            household = once.create_once(
                request,
                lambda: services.household_create(
                    household=form.save(commit=False),
                    first_member=member_form.save(commit=False),
                    by=request.user,
                ),
                lambda created: created.get_absolute_url(),
            )
            if household is None:  # the same form, submitted a moment ago
                return once.earlier_result(request) or redirect("cases:household_list")
            messages.success(request, _("Household registered."))
            return redirect(household)
    context = {"form": form, "member_form": member_form, "submission_id": once.token(request)}
    return render(request, "cases/household_form.html", context)


@require_http_methods(["GET", "POST"])
def household_edit(request, pk):
    household = visible_household(request, pk)
    services.check_may_edit(request.user, household)
    form = HouseholdForm(request.POST or None, instance=household, team_ids=[household.team_id])
    if request.method == "POST" and form.is_valid():
        services.household_update(
            household=form.save(commit=False),
            by=request.user,
            reason=form.cleaned_data["reason"] or _("Household details changed"),
        )
        messages.success(request, _("Changes saved."))
        return redirect(household)
    return render(request, "cases/household_edit.html", {"form": form, "household": household})


@require_http_methods(["GET", "POST"])
def person_edit(request, pk, person_pk=None):
    household = visible_household(request, pk)
    services.check_may_edit(request.user, household)
    person = get_object_or_404(household.members, pk=person_pk) if person_pk else None
    form = PersonForm(request.POST or None, instance=person)
    if person is None:
        form.helper.layout.insert(0, Hidden(once.FIELD, once.token(request)))
        if request.method == "POST" and (done := once.earlier_result(request)):
            return done
    if request.method == "POST" and form.is_valid():

        def save():
            return services.person_save(
                person=form.save(commit=False),
                household=household,
                by=request.user,
                reason=_("Member details changed") if person else _("Member added"),
            )

        if (
            person is None
            and once.create_once(request, save, lambda _p: household.get_absolute_url()) is None
        ):
            return once.earlier_result(request) or redirect(household)
        if person is not None:
            save()
        messages.success(request, _("Changes saved."))
        return redirect(household)
    return render(request, "cases/person_form.html", {"form": form, "household": household, "person": person})
