"""The plan and everything around it: one transaction per change, history with who and why.

The plan's text carries `lock_version`: a save names the version it started from, and when
someone else saved in between, `PlanConflict` tells what they changed instead of overwriting
it (optimistic locking, checked under a row lock).
"""

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from cases import notifications, states, zrm
from cases.models import (
    Action,
    Assessment,
    CaseReview,
    Goal,
    Household,
    Instrument,
    NetworkMember,
    Person,
    Plan,
    Score,
)
from cases.services.households import check_may_edit, lead_worker_choices
from teams import policy
from teams.models import User

PLAN_TEXT_FIELDS = ["family_view", "strengths", "worries", "earlier_help", "safety_plan", "evaluation_date"]


@dataclass
class Change:
    field: str
    label: str
    theirs: str


class PlanConflict(Exception):
    """Someone saved the plan after this form was opened; `changes` are what they changed."""

    def __init__(self, plan: Plan, changes: list[Change], by, at):
        self.plan, self.changes, self.by, self.at = plan, changes, by, at
        super().__init__(_("Someone else saved this plan while you were editing it."))


def _audit(obj, by, reason: str) -> None:
    obj._change_reason = reason
    obj._history_user = by


def _locked_current_plan(plan: Plan, by) -> Plan:
    plan = Plan.objects.select_for_update(of=("self",)).select_related("household__team").get(pk=plan.pk)
    check_may_edit(by, plan.household)
    if plan.status != Plan.Status.CURRENT:
        raise ValidationError(_("This is an earlier version of the plan; it can no longer be changed."))
    return plan


@transaction.atomic
def plan_start(*, household: Household, by: User) -> Plan:
    """Start the household's first plan (or the next one when none is current)."""
    household = Household.objects.select_for_update().get(pk=household.pk)
    check_may_edit(by, household)
    if Plan.objects.filter(household=household, status=Plan.Status.CURRENT).exists():
        raise ValidationError(_("This household already has a current plan."))
    number = (Plan.objects.filter(household=household).aggregate(n=Max("number"))["n"] or 0) + 1
    plan = Plan(household=household, number=number)
    _audit(plan, by, _("Plan started"))
    plan.full_clean()
    plan.save()
    return plan


def _changes_since(plan: Plan, version: int) -> tuple[list[Change], object, object]:
    """What changed in the plan text after `version`, with who saved last and when."""
    records = list(plan.history.select_related("history_user").order_by("-history_date", "-history_id"))
    base = next((r for r in records if r.lock_version == version), None)
    latest = records[0] if records else None
    changes = []
    for name in PLAN_TEXT_FIELDS:
        now = getattr(plan, name)
        if base is None or getattr(base, name) != now:
            label = str(Plan._meta.get_field(name).verbose_name)
            shown = now.strftime("%d-%m-%Y") if isinstance(now, datetime.date) else (now or "–")
            changes.append(Change(field=name, label=label, theirs=shown))
    return changes, getattr(latest, "history_user", None), getattr(latest, "history_date", None)


@transaction.atomic
def plan_update(*, plan: Plan, by: User, data: dict, version: int) -> Plan:
    """Save the plan text, unless someone else saved since `version` (then PlanConflict)."""
    plan = _locked_current_plan(plan, by)
    if plan.lock_version != version:
        changes, who, when = _changes_since(plan, version)
        raise PlanConflict(plan, changes, who, when)
    for name in PLAN_TEXT_FIELDS:
        setattr(plan, name, data[name])
    reason = _("Plan changed")
    if "lapse" in states.PLAN_APPROVAL.allowed(plan.approval):
        plan.approval = states.PLAN_APPROVAL.check(plan.approval, "lapse")
        reason = _("Plan changed after approval; approval needed again")
    plan.lock_version += 1
    _audit(plan, by, reason)
    plan.full_clean()
    plan.save()
    notifications.household_changed(household=plan.household, by=by)
    return plan


@transaction.atomic
def plan_evaluate(*, plan: Plan, by: User, note: str, next_evaluation: datetime.date | None) -> Plan:
    """Close the current version with its evaluation and start the next with what is still open."""
    plan = _locked_current_plan(plan, by)
    plan.status = states.PLAN.clean(plan.status, "evaluate")
    plan.evaluated_at = timezone.now()
    plan.evaluation_note = note
    plan.lock_version += 1
    _audit(plan, by, _("Plan evaluated"))
    plan.full_clean()
    plan.save()
    successor = Plan(
        household=plan.household,
        number=plan.number + 1,
        evaluation_date=next_evaluation,
        **{name: getattr(plan, name) for name in PLAN_TEXT_FIELDS if name != "evaluation_date"},
    )
    _audit(successor, by, _("Version %(number)s started after the evaluation") % {"number": successor.number})
    successor.full_clean()
    successor.save()
    carried = {}
    for goal in plan.goals.filter(achieved=False):
        carried[goal.pk] = Goal(plan=successor, domain_id=goal.domain_id, family_words=goal.family_words)
        _audit(carried[goal.pk], by, _("Carried over to version %(number)s") % {"number": successor.number})
        carried[goal.pk].save()
    for action in plan.actions.filter(status=Action.Status.OPEN):
        action.pk = None
        action._state.adding = True
        action.plan = successor
        action.goal = carried.get(action.goal_id)
        _audit(action, by, _("Carried over to version %(number)s") % {"number": successor.number})
        action.save()
    return successor


def _check_approval_used(plan: Plan) -> None:
    if not plan.household.team.plan_approval_required:
        raise ValidationError(_("This team does not ask for approval of plans."))


@transaction.atomic
def plan_request_approval(*, plan: Plan, by: User) -> Plan:
    plan = _locked_current_plan(plan, by)
    _check_approval_used(plan)
    plan.approval = states.PLAN_APPROVAL.clean(plan.approval, "request")
    _audit(plan, by, _("Approval requested"))
    plan.save()
    return plan


@transaction.atomic
def plan_decide_approval(*, plan: Plan, by: User, approve: bool, comment: str) -> Plan:
    """The coordinator approves the plan, or sends it back with a comment."""
    plan = _locked_current_plan(plan, by)
    _check_approval_used(plan)
    policy.require(by, "plan.approve", plan.household)
    approval = states.PLAN_APPROVAL.clean(plan.approval, "approve" if approve else "send_back")
    if not approve and not comment.strip():
        raise ValidationError(
            {"comment": _("Say why the plan goes back, so the worker knows what to change.")}
        )
    plan.approval = approval
    plan.approval_comment = comment
    _audit(plan, by, (_("Approved") if approve else _("Sent back")) + (f": {comment}" if comment else ""))
    plan.save()
    return plan


@transaction.atomic
def goal_save(*, goal: Goal, plan: Plan, by: User) -> Goal:
    plan = _locked_current_plan(plan, by)
    if goal.pk and goal.plan_id != plan.pk:
        raise PermissionDenied
    goal.plan = plan
    _audit(goal, by, _("Goal changed") if goal.pk else _("Goal added"))
    goal.full_clean()
    goal.save()
    return goal


def _check_action_people(action: Action, household: Household) -> None:
    """Who does it must belong to this household, its network or its team: never someone else's."""
    if action.person_id and not household.members.filter(pk=action.person_id).exists():
        raise PermissionDenied
    if action.network_member_id and not household.network.filter(pk=action.network_member_id).exists():
        raise PermissionDenied
    if action.worker_id and not lead_worker_choices([household.team_id]).filter(pk=action.worker_id).exists():
        raise PermissionDenied
    if (
        action.worker_id
        and action.due_date
        and action.status == Action.Status.OPEN
        and not lead_worker_choices([household.team_id], on=action.due_date)
        .filter(pk=action.worker_id)
        .exists()
    ):
        # Not someone who will have left the team before the action is due (issue 23).
        raise ValidationError(
            {
                "worker": _("%(name)s no longer works in the team on %(date)s. Choose someone else.")
                % {"name": action.worker, "date": action.due_date.strftime("%d-%m-%Y")}
            }
        )
    if action.goal_id and action.goal.plan_id != action.plan_id:
        raise PermissionDenied


@transaction.atomic
def action_save(*, action: Action, plan: Plan, by: User, reason: str = "") -> Action:
    plan = _locked_current_plan(plan, by)
    if action.pk and action.plan_id != plan.pk:
        raise PermissionDenied
    if action.pk:
        stored = Action.objects.select_for_update().values_list("status", flat=True).get(pk=action.pk)
        states.ACTION.clean_change(stored, action.status, field="status")
    action.plan = plan
    action.full_clean()
    _check_action_people(action, plan.household)
    _audit(action, by, reason or (_("Action changed") if action.pk else _("Action added")))
    action.save()
    return action


@transaction.atomic
def action_transition(*, action: Action, plan: Plan, by: User, transition: str, reason: str = "") -> Action:
    """One step of the action's table (cases/states.py ACTION): "complete", "drop" or "reopen".

    A step the action's state does not allow is a ValidationError that says why.
    """
    plan = _locked_current_plan(plan, by)
    action = Action.objects.select_for_update().filter(pk=action.pk, plan=plan).first()
    if action is None:
        raise PermissionDenied
    action.status = states.ACTION.clean(action.status, transition)
    _audit(action, by, reason or _("Action changed"))
    action.full_clean()
    action.save()
    return action


@transaction.atomic
def network_member_save(*, member: NetworkMember, household: Household, by: User) -> NetworkMember:
    household = Household.objects.select_for_update().get(pk=household.pk)
    check_may_edit(by, household)
    if member.pk and member.household_id != household.pk:
        raise PermissionDenied
    member.household = household
    _audit(member, by, _("Network member changed") if member.pk else _("Network member added"))
    member.full_clean()
    member.save()
    return member


def default_instrument() -> Instrument:
    return zrm.instrument()


@transaction.atomic
def assessment_record(
    *, person: Person, by: User, assessed_on: datetime.date, scores: dict[int, tuple[int, str]]
) -> Assessment:
    """A dated assessment with a score on every domain of the instrument."""
    household = Household.objects.select_for_update().get(pk=person.household_id)
    check_may_edit(by, household)
    instrument = default_instrument()
    domains = list(instrument.domains.all())
    missing = [d.name for d in domains if d.pk not in scores]
    if missing:
        raise ValidationError(
            _("Score every domain; missing: %(domains)s.") % {"domains": ", ".join(missing)}
        )
    assessment = Assessment(person=person, instrument=instrument, assessed_on=assessed_on, assessed_by=by)
    _audit(assessment, by, _("Self-sufficiency scored"))
    assessment.full_clean()
    assessment.save()
    for domain in domains:
        value, note = scores[domain.pk]
        if value not in range(1, len(instrument.scale) + 1) or len(note) > 500:
            raise ValidationError(_("Score every domain; missing: %(domains)s.") % {"domains": domain.name})
        # Validated above; full_clean() per score would cost three queries each, for 13 domains.
        score = Score(assessment=assessment, domain=domain, score=value, note=note)
        _audit(score, by, _("Self-sufficiency scored"))
        score.save()
    return assessment


@transaction.atomic
def case_review_save(
    *, review: CaseReview, household: Household, by: User, workers, organisations
) -> CaseReview:
    household = Household.objects.select_for_update().get(pk=household.pk)
    check_may_edit(by, household)
    if review.pk and review.household_id != household.pk:
        raise PermissionDenied
    eligible = lead_worker_choices([household.team_id])
    if any(not eligible.filter(pk=worker.pk).exists() for worker in workers):
        raise PermissionDenied(_("Only workers of the team can be recorded as present."))
    review.household = household
    _audit(review, by, _("Case review changed") if review.pk else _("Case review recorded"))
    review.full_clean()
    review.save()
    review.workers.set(workers)
    review.organisations.set(organisations)
    return review


@transaction.atomic
def review_follow_up_to_plan(*, review: CaseReview, line: int, by: User) -> Action:
    """Turn a follow-up line of a case review into an action on the current plan."""
    lines = review.follow_up_lines
    if not 0 <= line < len(lines):
        raise ValidationError(_("That follow-up action does not exist."))
    plan = Plan.objects.filter(household_id=review.household_id, status=Plan.Status.CURRENT).first()
    if plan is None:
        raise ValidationError(_("Start a plan first; then the action can be added to it."))
    if plan.actions.filter(review=review, what=lines[line][:300]).exists():
        raise ValidationError(_("This action is already on the plan."))
    household = review.household
    action = Action(
        what=lines[line][:300],
        who=Action.Who.WORKER,
        worker=household.lead_worker or by,
        review=review,
        due_date=timezone.localdate() + datetime.timedelta(days=14),
    )
    return action_save(
        action=action,
        plan=plan,
        by=by,
        reason=_("Action from the case review of %(date)s") % {"date": review.held_on.strftime("%d-%m-%Y")},
    )
