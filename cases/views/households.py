"""The household list and the worker's desk; registering and changing a household and its members."""

import uuid

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import BooleanField, ExpressionWrapper, F, Prefetch, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from cases import batch, charts, gateway, matching, once, services, states
from cases.filters import HouseholdFilter
from cases.forms import DuplicateCheckForm, HouseholdForm, NewHouseholdForm, PersonForm, TaskDoneForm
from cases.gateway import changes, reads
from cases.models import AccessEvent, Action, Household, Person, Plan, Purpose, Referral, Task
from cases.querysets import due_for_evaluation
from cases.services import lead_worker_choices
from cases.views.common import PAGE_SIZE, contacts_context, query_without_page, timeline, with_offers
from cases.views.notes import latest_notes, notes_context
from documents.views import documents_context, listed_documents
from teams import policy
from teams.models import Team
from walkin import registration as walkin_registration

# The coming appointments the desk lists.
UPCOMING = 5


@reads("household_list", scope=None, action=AccessEvent.Action.SEARCH)
def household_list(request):
    """The team's households: search, filter, paginate. htmx gets the results partial only.

    Logged as a list, or as a search without the search words (they are usually names).
    """
    data = request.GET.copy()
    data.setdefault("status", Household.Status.OPEN)
    households = (
        gateway.households(request, only_open=data["status"] == Household.Status.OPEN)
        .select_related("team", "lead_worker")
        .prefetch_related(Prefetch("members", queryset=Person.objects.order_by("birth_date", "first_name")))
    )
    team_ids = policy.teams_for(request.user, "household.read")
    household_filter = HouseholdFilter(data, queryset=households, user=request.user, team_ids=team_ids)
    page = Paginator(household_filter.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    if request.GET.get("q"):
        gateway.record(request, object_type="household_search")
    context = {"filter": household_filter, "page": page, "query_string": query_without_page(request)}
    if request.htmx and not request.htmx.boosted:
        return render(request, "cases/household_list.html#results", context)
    return render(request, "cases/household_list.html", context | _start_of_day(request))


def _start_of_day(request) -> dict:
    """For the worker starting the day: their signals, tasks and plans to look at."""
    user = request.user
    coordinating = policy.teams_for(user, "plan.approve")
    due = Q(household__lead_worker=user) | Q(household__team_id__in=coordinating)
    waiting = Q(approval=Plan.Approval.REQUESTED, household__team_id__in=coordinating)
    # Open households only (nothing of a closed household's last plan is due), and one filter,
    # not two querysets joined by |, which put the scope inside each branch of an OR: PostgreSQL
    # then read every current plan of the installation to find the team's (151 ms on average,
    # 839 ms at most in bench/results/tails.md) instead of starting from the team's households.
    plans = Plan.objects.visible_to(user, only_open=True).current()
    return {
        "my_signals": gateway.referrals(request)
        .filter(assigned_to=user, status=Referral.Status.ASSIGNED)
        .select_related("household", "sender_organisation")
        .order_by("-received_at")[:10],
        "my_tasks": Task.objects.visible_to(user)
        .filter(status=Task.Status.OPEN, household__lead_worker=user)
        .select_related("household")[:10],
        "plans_to_look_at": plans.filter((due_for_evaluation() & due) | waiting)
        .select_related("household")
        .order_by("evaluation_date", "id")[:10],
    }


def _consent_overview(household: Household, members: list[Person], decisions=None) -> list[dict]:
    """Per member with decisions: all their consent decisions, newest first, each marked whether
    it is the one that counts now for its recipient and purpose, with who may withdraw the ones
    in force. One query, however many decisions (none with `decisions` read already, from
    `_consent_decisions`).
    """
    if decisions is None:
        decisions = _consent_decisions(household)
    by_person = {member.pk: [] for member in members}
    counted = set()
    for decision in decisions:
        rows = by_person.get(decision.person_id)
        if rows is None:
            continue
        # Newest first, so the first one per person, recipient and purpose is the one that
        # counts: the rule of ConsentDecision.objects.latest(), on the rows already loaded.
        key = (decision.person_id, decision.recipient_id, decision.purpose)
        current = key not in counted
        counted.add(key)
        rows.append({"decision": decision, "current": current, "in_force": current and decision.in_force})
    overview = []
    for member in members:
        rows = by_person[member.pk]
        if not rows:
            continue
        withdrawers = services.may_withdraw(member, members)
        for row in rows:
            row["decision"].person = member
            row["withdrawers"] = withdrawers if row["in_force"] else []
        overview.append({"person": member, "decisions": rows})
    return overview


def _consent_decisions(household: Household):
    return (
        household.consent_decisions()
        .select_related("recipient", "recorded_by")
        .order_by("-recorded_at", "-id")
    )


@reads("household")
def household_detail(request, pk):
    """The worker's desk: what to do next first, then the family, its plan and its history."""
    household = gateway.household(request, pk)
    desk = _read_desk(request, household)
    gateway.record(request, persons=desk["members"])
    return render(request, "cases/household_detail.html", _desk(request, household, desk))


def _read_desk(request, household: Household) -> dict[str, list]:
    """Every list the desk shows, read in one query (cases/batch.py), whatever their length."""
    today = timezone.localdate()
    planned = household.appointments.planned()
    upcoming = planned.upcoming().order_by("date", "starts_at", "id")[:UPCOMING]
    # Today's (what a contact may fulfil) and the next few, marked `coming`: one list.
    appointments = (
        planned.annotate(
            coming=ExpressionWrapper(Q(pk__in=upcoming.values("pk")), output_field=BooleanField())
        )
        .filter(Q(date=today) | Q(coming=True))
        .order_by("date", "starts_at", "id")
    )
    contacts = timeline(household)
    shares = household.shares.select_related("recipient", "shared_by")[:10]
    desk = batch.fetch(
        members=household.members.order_by("birth_date", "first_name", "id"),
        plans=household.plans.filter(status=Plan.Status.CURRENT),
        next_actions=Action.objects.filter(
            plan__household=household, plan__status=Plan.Status.CURRENT, status=Action.Status.OPEN
        )
        .select_related("person", "network_member", "worker", "organisation", "service")
        .order_by(F("due_date").asc(nulls_last=True), "id")[:5],
        tasks=household.tasks.filter(Q(status=Task.Status.OPEN) | Q(kind=Task.Kind.MATCH_CHECK))
        .select_related("referral")
        .order_by("created_at", "id"),
        consent_decisions=_consent_decisions(household),
        changes=household.history.select_related("history_user").order_by("-history_date")[:10],
        referrals=gateway.referrals(request)
        .filter(household=household)
        .select_related("sender_organisation", "assigned_to")
        .order_by("-received_at", "id")[:20],
        network=household.network.select_related("organisation"),
        low_scores=charts.low_scores(household),
        reviews=household.reviews.all()[:5],
        appointments=appointments,
        appointment_workers=batch.through(appointments, "workers"),
        shares=shares,
        share_persons=batch.through(shares, "persons"),
        access_requests=household.access_requests().filter(handled_on__isnull=True).select_related("person"),
        warnings=household.safety_warnings.active(),
        notes=latest_notes(household),
        documents=listed_documents(request, household),
        contacts=contacts,
        contact_workers=batch.through(contacts, "workers"),
        contact_persons=batch.through(contacts, "persons"),
        workers=lead_worker_choices([household.team_id]),
    )
    batch.attach(desk["appointments"], "workers", desk["appointment_workers"])
    batch.attach(desk["shares"], "persons", desk["share_persons"])
    batch.attach(desk["contacts"], "workers", desk["contact_workers"])
    batch.attach(desk["contacts"], "persons", desk["contact_persons"])
    desk["today"] = [a for a in desk["appointments"] if a.date == today]
    desk["upcoming"] = [a for a in desk["appointments"] if a.coming]
    return desk


def _desk(request, household: Household, desk: dict) -> dict:
    members = desk["members"]
    plan = desk["plans"][0] if desk["plans"] else None
    consents = _consent_overview(household, members, desk["consent_decisions"])
    tasks = desk["tasks"]
    return {
        "household": household,
        "members": members,
        "may_here": policy.Grants(request.user, household),
        "household_offers": states.HOUSEHOLD.offered(household.status, request.user, household),
        "changes": desk["changes"],
        "referrals": desk["referrals"],
        # A match (several organisations about one household) opens a match-check task: one rule.
        "match": any(task.kind == Task.Kind.MATCH_CHECK for task in tasks),
        "open_tasks": [task for task in tasks if task.status == Task.Status.OPEN],
        "task_form": TaskDoneForm(),
        "plan": plan,
        "next_actions": with_offers(request.user, household, desk["next_actions"] if plan else []),
        "network": desk["network"],
        "low_domains": charts.low_domains(household, desk["low_scores"]),
        "reviews": desk["reviews"],
        "next_url": household.get_absolute_url(),
        "upcoming": desk["upcoming"],
        "consents": consents,
        "team_basis": next(
            (
                row["decision"]
                for group in consents
                for row in group["decisions"]
                if row["in_force"] and row["decision"].purpose == Purpose.TEAM
            ),
            None,
        ),
        "shares": desk["shares"],
        "access_request_submission_id": str(uuid.uuid4()),
        "access_requests": desk["access_requests"],
        "warnings": desk["warnings"],
        **notes_context(request, household, notes=desk["notes"]),
        **documents_context(request, household, documents=desk["documents"]),
        **contacts_context(request, household, preloaded=desk),
    }


@require_http_methods(["GET", "POST"])
@changes("household", scope=None)
@once.creates_once
def household_create(request):
    teams = list(Team.objects.filter(pk__in=policy.teams_for(request.user, "household.edit")))
    visit = walkin_registration.visit_from(request)  # "maak huishouden aan" from a walk-in visit
    if visit is not None:
        teams = [team for team in teams if team.pk == visit.team_id]
    form = NewHouseholdForm(request.POST or None, teams=teams, prefix="household")
    member_form = PersonForm(
        request.POST or None,
        prefix="member",
        initial={"relation": Person.Relation.MAIN_RESIDENT, **walkin_registration.member_initial(visit)},
    )
    member_form.helper.form_tag = False
    member_form.helper.layout.fields.pop()  # one submit button for both forms
    # `&`, not `and`: both forms validate, so every wrong field shows its message at once.
    check = None
    if request.method == "POST" and form.is_valid() & member_form.is_valid():
        new, member = form.save(commit=False), member_form.save(commit=False)
        check = _duplicate_check(request, member, new, new=True)
        if check is None or check.decide(name_form=form, person_form=member_form):
            checked = check.history_reason(check.duplicates) if check else ""

            def create(reason):
                reason = "; ".join(r for r in (reason, checked) if r)[:100]
                created = services.household_create(
                    household=new,
                    first_member=None if check and check.moving else member,
                    by=request.user,
                    reason=reason,
                )
                if check and check.moving:
                    _move_here(request, check, member, created)
                return created

            household = once.create(
                request,
                lambda: walkin_registration.register(visit, request.user, create),
                lambda created: created.get_absolute_url(),
            )
            messages.success(request, _("Household registered."))
            return redirect(household)
    _log_shown(request, check)
    context = {
        "form": form,
        "member_form": member_form,
        "duplicate_form": check,
        "submission_id": once.token(request),
        "visit": visit,
    }
    return render(request, "cases/household_form.html", context)


def _duplicate_check(
    request, person: Person, household: Household, *, new: bool
) -> DuplicateCheckForm | None:
    """The duplicate check of triage for a registration by hand: None when it found nothing, else
    the form with the user's answer (shown on the page, and logged by `_log_shown`)."""
    duplicates = matching.registration_duplicates(request.user, person, household, new=new)
    if not duplicates:
        return None
    return DuplicateCheckForm(
        request.POST, duplicates=duplicates, may_move=person._state.adding, prefix="duplicate"
    )


def _log_shown(request, check: DuplicateCheckForm | None) -> None:
    """What the duplicate check shows of other households is a read of each: logged as such."""
    for shown, persons in check.duplicates.shown().items() if check else ():
        gateway.record_other(
            request, household=shown, persons=[p.pk for p in persons], object_type="duplicate_check"
        )


def _move_here(request, check: DuplicateCheckForm, details: Person, household: Household) -> Person:
    return services.person_move(
        person=check.duplicates.same_bsn,
        household=household,
        by=request.user,
        reason=check.cleaned_data["move_reason"],
        details=details,
    )


@require_http_methods(["GET", "POST"])
@changes("household")
def household_edit(request, pk):
    household = gateway.household(request, pk)
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
@changes("person")
@once.creates_once
def person_edit(request, pk, person_pk=None):
    household = gateway.household(request, pk)
    person = get_object_or_404(household.members, pk=person_pk) if person_pk else None
    if person is not None:
        gateway.record(request, obj=person, persons=[person])
    form = PersonForm(request.POST or None, instance=person)
    form.helper.form_tag = False  # the page's form holds the duplicate check too
    if person is None:
        once.carry(request, form)
    check = None
    if request.method == "POST" and form.is_valid():
        check = _duplicate_check(request, form.instance, household, new=False)
        if check is None or check.decide(name_form=None, person_form=form):
            checked = check.history_reason(check.duplicates) if check else ""

            def save():
                if check and check.moving:
                    return _move_here(request, check, form.instance, household)
                return services.person_save(
                    person=form.save(commit=False),
                    household=household,
                    by=request.user,
                    reason=checked or (_("Member details changed") if person else _("Member added")),
                )

            if person is None:
                once.create(request, save, lambda _p: household.get_absolute_url())
            else:
                save()
            messages.success(request, _("Changes saved."))
            return redirect(household)
    _log_shown(request, check)
    return render(
        request,
        "cases/person_form.html",
        {"form": form, "household": household, "person": person, "duplicate_form": check},
    )
