"""Every state machine of the case record is a table, and the services obey it.

The tables below are written out by hand from cases/workflow.py and cases/states.py, so a change
to a table fails here until the documentation changes with it.
"""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation
from django.utils.translation import gettext

from cases import services, states, workflow
from cases.models import Action, Plan, Task
from cases.tests.factories import ActionFactory, HouseholdFactory, PlanFactory, TaskFactory
from wijkteam.statemachine import Machine, Transition, TransitionError

# (state, transition) -> the state it leads to; every pair not listed is refused.
DOCUMENTED = {
    "signal": (
        workflow.SIGNAL,
        {
            ("received", "accept"): "accepted",
            ("received", "decline"): "declined",
            ("declined", "supplement"): "received",  # the sender adds information: new again
            ("received", "forward"): "forwarded",
            ("received", "merge"): "merged",
            ("accepted", "assign"): "assigned",
            ("accepted", "close"): "closed",
            ("assigned", "reassign"): "assigned",
            ("assigned", "close"): "closed",
        },
    ),
    "plan": (states.PLAN, {("current", "evaluate"): "evaluated"}),
    "plan approval": (
        states.PLAN_APPROVAL,
        {
            ("not_requested", "request"): "requested",
            ("sent_back", "request"): "requested",
            ("approved", "request"): "requested",
            ("requested", "approve"): "approved",
            ("requested", "send_back"): "sent_back",
            ("approved", "lapse"): "not_requested",
        },
    ),
    "household": (states.HOUSEHOLD, {("open", "close"): "closed", ("closed", "reopen"): "open"}),
    "action": (
        states.ACTION,
        {
            ("open", "complete"): "done",
            ("dropped", "complete"): "done",
            ("open", "drop"): "dropped",
            ("done", "drop"): "dropped",
            ("done", "reopen"): "open",
            ("dropped", "reopen"): "open",
        },
    ),
    "task": (states.TASK, {("open", "complete"): "done"}),
}

FINAL = {
    "signal": {"forwarded", "merged", "closed"},
    "plan": {"evaluated"},
    "plan approval": set(),
    "household": set(),
    "action": set(),
    "task": {"done"},
}


def _pairs():
    for name, (machine, table) in DOCUMENTED.items():
        transitions = sorted(set(machine.transitions) | {transition for _state, transition in table})
        for state in machine.states.values:
            for transition in transitions:
                yield pytest.param(name, state, transition, id=f"{name}-{state}-{transition}")


def _states():
    for name, (machine, _table) in DOCUMENTED.items():
        for state in machine.states.values:
            yield pytest.param(name, state, id=f"{name}-{state}")


# --- The tables -----------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "state", "transition"), list(_pairs()))
def test_every_state_and_transition(name, state, transition):
    """A documented transition leads to its documented state; every other pair is refused."""
    machine, table = DOCUMENTED[name]
    if (state, transition) in table:
        assert machine.check(state, transition) == table[state, transition]
    else:
        with pytest.raises(TransitionError) as refused:
            machine.check(state, transition)
        assert (refused.value.state, refused.value.transition) == (state, transition)
        assert str(refused.value), "the refusal says why"


@pytest.mark.parametrize(("name", "state"), list(_states()))
def test_what_each_state_allows_and_final_states_allow_nothing(name, state):
    """allowed() lists the documented transitions; a final state allows none and leads nowhere."""
    machine, table = DOCUMENTED[name]
    assert machine.allowed(state) == {transition for from_state, transition in table if from_state == state}
    assert machine.is_final(state) == (state in FINAL[name])
    if state in FINAL[name]:
        assert machine.allowed(state) == set() and machine.targets(state) == set()
        assert machine.choices(state) == []


def test_the_signal_keeps_its_names_and_its_message():
    """workflow.check/allowed/ALLOWED_TRANSITIONS/RESULT still speak for the signal's table."""
    assert workflow.check("received", "accept") == workflow.Status.ACCEPTED
    assert workflow.allowed("accepted") == {"assign", "close"}
    assert workflow.ALLOWED_TRANSITIONS["merged"] == set()
    assert workflow.RESULT["reassign"] == "assigned"
    with translation.override("en"), pytest.raises(workflow.TransitionError) as refused:
        workflow.check("declined", "accept")
    assert str(refused.value) == "This signal is declined; it cannot be accepted now."
    assert (refused.value.status, refused.value.decision) == ("declined", "accept")
    assert isinstance(refused.value, TransitionError)


def test_a_refusal_names_the_state_and_the_step():
    """Without a message of its own, a refusal names the state and the transition, translatably."""
    with translation.override("en"), pytest.raises(TransitionError) as refused:
        states.PLAN_APPROVAL.check("requested", "lapse")
    assert str(refused.value) == (
        "The approval of this plan is “Waiting for approval”; “Changed after approval” is not possible now."
    )


def test_buttons_come_in_the_tables_order():
    with translation.override("en"):
        assert states.ACTION.choices("done") == [("drop", "No longer needed"), ("reopen", "Reopen")]


# --- The generic machine --------------------------------------------------------------------


def test_a_form_that_sets_the_state_takes_a_transition_or_stays():
    """check_change(): the same state is an edit (None); a new one needs a transition to it."""
    assert states.ACTION.check_change("done", "done") is None
    assert states.ACTION.check_change("done", "open") == "reopen"
    assert states.HOUSEHOLD.check_change("open", "closed") == "close"
    with translation.override("en"), pytest.raises(TransitionError) as refused:
        states.PLAN.check_change("evaluated", "current")
    assert str(refused.value) == "The status cannot go from “Evaluated” to “Current”."


def test_clean_refuses_with_a_validation_error_on_the_field():
    with pytest.raises(ValidationError) as refused:
        states.TASK.clean("done", "complete", field="status")
    assert list(refused.value.message_dict) == ["status"]
    with pytest.raises(ValidationError) as refused:
        states.HOUSEHOLD.clean("open", "reopen")
    assert refused.value.messages == [gettext("This household is open.")]
    assert states.HOUSEHOLD.clean_change("open", "open") is None


def test_typos_are_errors_not_refusals():
    """An unknown state or transition is a programming error (ValueError), never a refusal."""
    with pytest.raises(ValueError):
        states.TASK.check("open", "finish")
    with pytest.raises(ValueError):
        states.TASK.check("closed", "complete")
    with pytest.raises(ValueError):
        Machine(
            "broken",
            states=Task.Status,
            refused="",
            transitions={"complete": Transition("Done", {"open"}, "finished")},
        )


# --- Through the services: a refused step changes nothing -----------------------------------


def row_and_history(obj):
    """The stored row and the number of history records, to compare after a refused change."""
    return type(obj).objects.filter(pk=obj.pk).values().get(), obj.history.count()


@pytest.fixture
def household(world):
    return HouseholdFactory(team=world.team_a, lead_worker=world.worker_a)


@pytest.fixture
def plan(household):
    return PlanFactory(household=household)


@pytest.fixture
def approval_team(world):
    world.team_a.plan_approval_required = True
    world.team_a.save()


def test_a_decision_on_a_plan_nobody_asked_about_changes_nothing(world, plan, approval_team):
    before = row_and_history(plan)
    with pytest.raises(ValidationError) as refused:
        services.plan_decide_approval(plan=plan, by=world.coordinator_a, approve=True, comment="")
    assert refused.value.messages == [gettext("Nobody has asked to approve this plan.")]
    assert row_and_history(plan) == before


def test_asking_twice_for_approval_changes_nothing(world, plan, approval_team):
    services.plan_request_approval(plan=plan, by=world.worker_a)
    before = row_and_history(plan)
    with pytest.raises(ValidationError) as refused:
        services.plan_request_approval(plan=plan, by=world.worker_a)
    assert refused.value.messages == [gettext("Approval has already been requested.")]
    assert row_and_history(plan) == before


def test_an_approved_plan_may_be_put_forward_again_and_lapses_when_changed(world, plan, approval_team):
    """Today's behaviour, kept: approved -> requested, and a change of the text takes approval away."""
    services.plan_request_approval(plan=plan, by=world.worker_a)
    services.plan_decide_approval(plan=plan, by=world.coordinator_a, approve=True, comment="")
    assert services.plan_request_approval(plan=plan, by=world.worker_a).approval == "requested"
    services.plan_decide_approval(plan=plan, by=world.coordinator_a, approve=True, comment="")
    plan.refresh_from_db()
    data = {name: getattr(plan, name) for name in services.plans.PLAN_TEXT_FIELDS}
    changed = services.plan_update(
        plan=plan, by=world.worker_a, data={**data, "worries": "Nieuw"}, version=plan.lock_version
    )
    assert changed.approval == Plan.Approval.NOT_REQUESTED


def test_evaluating_an_earlier_version_changes_nothing(world, plan, household):
    services.plan_evaluate(plan=plan, by=world.worker_a, note="Klaar", next_evaluation=None)
    plan.refresh_from_db()
    before = row_and_history(plan), household.plans.count()
    with pytest.raises(ValidationError):
        services.plan_evaluate(plan=plan, by=world.worker_a, note="Nog eens", next_evaluation=None)
    assert (row_and_history(plan), household.plans.count()) == before


def test_reopening_an_open_household_changes_nothing(world):
    household = HouseholdFactory(team=world.team_a, lead_worker=world.worker_a)
    before = row_and_history(household)
    with pytest.raises(ValidationError) as refused:
        services.household_reopen(household=household, by=world.coordinator_a, reason="Nieuw signaal")
    assert refused.value.messages == [gettext("This household is open.")]
    assert row_and_history(household) == before


def test_closing_a_closed_household_changes_nothing(world):
    """Refused by the table, or before it by the policy (nothing of a closed household changes)."""
    closed = HouseholdFactory(team=world.team_a, closed=True, lead_worker=world.worker_a)
    before = row_and_history(closed)
    with pytest.raises((ValidationError, PermissionDenied)):
        services.household_close(
            household=closed,
            by=world.coordinator_a,
            end_result="no_contact",
            handed_over_to=None,
            reason="Nog een keer",
            cancel_open_actions=True,
        )
    assert row_and_history(closed) == before


def test_closing_drops_open_actions_through_the_table(world, plan, household):
    action = ActionFactory(plan=plan, worker=world.worker_a)
    services.household_close(
        household=household,
        by=world.worker_a,
        end_result="no_contact",
        handed_over_to=None,
        reason="Weg",
        cancel_open_actions=True,
    )
    action.refresh_from_db()
    assert action.status == Action.Status.DROPPED


def test_marking_a_done_action_done_again_changes_nothing(world, plan):
    action = ActionFactory(plan=plan, worker=world.worker_a)
    done = services.action_transition(
        action=action, plan=plan, by=world.worker_a, transition="complete", reason="Gebeld"
    )
    assert done.status == Action.Status.DONE
    assert done.history.first().history_change_reason == "Gebeld"
    before = row_and_history(action)
    with pytest.raises(ValidationError) as refused:
        services.action_transition(action=action, plan=plan, by=world.worker_a, transition="complete")
    assert refused.value.messages == [gettext("This action is already done.")]
    assert row_and_history(action) == before


def test_an_action_of_another_plan_cannot_be_stepped(world, plan):
    stranger = ActionFactory(
        plan=PlanFactory(household=HouseholdFactory(team=world.team_a)), worker=world.worker_a
    )
    with pytest.raises(PermissionDenied):
        services.action_transition(action=stranger, plan=plan, by=world.worker_a, transition="complete")
    assert Action.objects.get(pk=stranger.pk).status == Action.Status.OPEN


def test_the_action_form_may_reopen_or_switch_a_finished_action(world, plan):
    """Today's behaviour, kept: done or dropped may become to-do again, or each other."""
    action = ActionFactory(plan=plan, worker=world.worker_a, status=Action.Status.DONE)
    for status in (Action.Status.DROPPED, Action.Status.DONE, Action.Status.OPEN, Action.Status.OPEN):
        action.status = status
        action = services.action_save(action=action, plan=plan, by=world.worker_a)
        assert Action.objects.get(pk=action.pk).status == status


def test_completing_a_done_task_changes_nothing(world, household):
    task = TaskFactory(household=household)
    services.task_complete(task=task, by=world.worker_a, note="Gebeld")
    task.refresh_from_db()
    before = row_and_history(task)
    with pytest.raises(services.AlreadyDecided):
        services.task_complete(task=task, by=world.worker_a, note="Nog eens")
    assert row_and_history(task) == before
    assert Task.objects.get(pk=task.pk).done_note == "Gebeld"
