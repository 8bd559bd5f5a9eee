"""The life of a signal through the services: every decision a row, every change in history."""

import datetime
import zoneinfo
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, connection, transaction

from cases import services, workflow
from cases.models import Household, Referral, ReferralDecision, Task
from cases.tests.factories import HouseholdFactory, ReferralFactory
from teams.tests.factories import OrganisationFactory

AMSTERDAM = zoneinfo.ZoneInfo("Europe/Amsterdam")


def reasons(referral):
    return [h.history_change_reason for h in referral.history.order_by("history_date", "history_id")]


# --- The transition table -------------------------------------------------------------------


@pytest.mark.parametrize("status", workflow.Status.values)
@pytest.mark.parametrize("decision", workflow.Decision.values)
def test_transition_table_is_the_only_judge(status, decision):
    """check() allows exactly the table's transitions and refuses every other pair."""
    if decision in workflow.ALLOWED_TRANSITIONS[status]:
        assert workflow.check(status, decision) == workflow.RESULT[decision]
    else:
        with pytest.raises(workflow.TransitionError):
            workflow.check(status, decision)


def test_final_states_allow_nothing():
    for status in (workflow.Status.FORWARDED, workflow.Status.MERGED):
        assert workflow.allowed(status) == set()
    # A declined signal waits for the sender only: more information makes it new again.
    assert workflow.allowed(workflow.Status.DECLINED) == {workflow.Decision.SUPPLEMENT}


# --- Whole scenarios ------------------------------------------------------------------------


def test_accept_assign_close(world, signal, jansen):
    """Accept into the known household, assign, close: three decisions, history with reasons."""
    services.referral_accept(referral=signal, by=world.coordinator_a, household=jansen, reason="Bekend gezin")
    services.referral_assign(referral=signal, worker=world.worker_a, by=world.coordinator_a)
    services.referral_close(
        referral=signal, by=world.worker_a, end_result=Referral.EndResult.QUICK_FIX, reason="Geregeld"
    )
    signal.refresh_from_db()
    assert signal.status == workflow.Status.CLOSED
    assert signal.household == jansen
    assert signal.assigned_to == world.worker_a
    decisions = list(signal.decisions.values_list("kind", "decided_by", "reason"))
    assert decisions == [
        ("accept", world.coordinator_a.pk, "Bekend gezin"),
        ("assign", world.coordinator_a.pk, ""),
        ("close", world.worker_a.pk, "Geregeld"),
    ]
    assert reasons(signal)[1:] == ["Geaccepteerd: Bekend gezin", "Toegewezen", "Afgesloten: Geregeld"]
    deciders = [h.history_user for h in signal.history.order_by("history_date", "history_id")][1:]
    assert deciders == [world.coordinator_a, world.coordinator_a, world.worker_a]
    jansen.refresh_from_db()
    assert jansen.lead_worker == world.worker_a, "a household without lead worker gets the assignee"


def test_assigning_keeps_an_existing_lead_worker(world, signal, jansen):
    jansen.lead_worker = world.colleague_a
    services.household_update(household=jansen, by=world.coordinator_a, reason="test")
    services.referral_accept(referral=signal, by=world.coordinator_a, household=jansen, worker=world.worker_a)
    jansen.refresh_from_db()
    assert jansen.lead_worker == world.colleague_a


def test_accept_creates_a_household_from_the_details(world, signal):
    services.referral_accept(
        referral=signal, by=world.coordinator_a, create_household=True, worker=world.worker_a
    )
    signal.refresh_from_db()
    household = signal.household
    assert household.team == world.team_a
    assert household.name == "Familie Janssen"
    assert (household.postcode, household.house_number) == ("8021AB", 12)
    assert household.members.get().full_name == "Piet Janssen"
    assert household.lead_worker == world.worker_a
    assert (
        household.history.earliest("history_date").history_change_reason
        == f"Huishouden geregistreerd uit signaal {signal.reference}"
    )


def test_a_new_household_needs_an_address(world):
    signal = ReferralFactory(team=world.team_a, street="", house_number=None, postcode="", city="")
    with pytest.raises(ValidationError, match="straat"):
        services.referral_accept(referral=signal, by=world.coordinator_a, create_household=True)
    signal.refresh_from_db()
    assert signal.status == workflow.Status.RECEIVED
    assert not Household.objects.exists()


def test_a_failure_halfway_leaves_nothing_behind(world, signal):
    """All or nothing: when the match check fails after the household was made, nothing stays."""
    with (
        mock.patch("cases.services.referrals._register_match", side_effect=RuntimeError("boom")),
        pytest.raises(RuntimeError),
    ):
        services.referral_accept(referral=signal, by=world.coordinator_a, create_household=True)
    signal.refresh_from_db()
    assert signal.status == workflow.Status.RECEIVED
    assert not Household.objects.exists()
    assert not ReferralDecision.objects.exists()


def test_decline_then_accept_names_who_declined(world, signal, jansen, second_coordinator_a):
    services.referral_decline(
        referral=signal, by=world.coordinator_a, reason_code=Referral.DeclineReason.HELP_IN_PLACE, reason=""
    )
    with pytest.raises(services.AlreadyDecided, match=str(world.coordinator_a)):
        services.referral_accept(referral=signal, by=second_coordinator_a, household=jansen)
    signal.refresh_from_db()
    assert signal.status == workflow.Status.DECLINED
    assert signal.partner_status == workflow.PartnerStatus.NOT_PICKED_UP
    assert signal.decisions.get().reason_label == "Er is al passende hulp"


def test_forward_records_the_organisation(world, signal):
    ggz = OrganisationFactory(name="GGZ Noord", sector="ggz")
    services.referral_forward(referral=signal, by=world.coordinator_a, organisation=ggz, reason="Past beter")
    signal.refresh_from_db()
    assert (signal.status, signal.forwarded_to) == (workflow.Status.FORWARDED, ggz)
    assert signal.decisions.get().forwarded_to == ggz


def test_merge_joins_the_earlier_signal_and_its_household(world, signal, jansen):
    earlier = ReferralFactory(
        team=world.team_a, received_at=signal.received_at - datetime.timedelta(days=3), postcode="8021AB"
    )
    services.referral_accept(
        referral=earlier, by=world.coordinator_a, household=jansen, worker=world.worker_a
    )
    services.referral_merge(
        referral=signal, into_id=earlier.pk, by=world.coordinator_a, reason="Zelfde gezin"
    )
    signal.refresh_from_db()
    assert signal.status == workflow.Status.MERGED
    assert signal.household == jansen
    assert signal.partner_status == workflow.PartnerStatus.PICKED_UP, (
        "the partner sees the joined signal's status"
    )


def test_merge_refuses_a_later_or_foreign_signal(world, signal):
    later = ReferralFactory(team=world.team_a, received_at=signal.received_at + datetime.timedelta(hours=1))
    other_team = ReferralFactory(
        team=world.team_b, received_at=signal.received_at - datetime.timedelta(days=1)
    )
    for target in (later, other_team, signal):
        with pytest.raises(ValidationError):
            services.referral_merge(referral=signal, into_id=target.pk, by=world.coordinator_a, reason="")
    signal.refresh_from_db()
    assert signal.status == workflow.Status.RECEIVED


def test_close_is_not_possible_before_acceptance(world, signal):
    with pytest.raises(workflow.TransitionError):
        services.referral_close(referral=signal, by=world.coordinator_a, end_result="quick_fix", reason="")


def test_reassign_needs_the_current_worker(world, signal, jansen):
    services.referral_accept(referral=signal, by=world.coordinator_a, household=jansen, worker=world.worker_a)
    with pytest.raises(services.AlreadyDecided, match="toegewezen aan"):
        services.referral_reassign(
            referral=signal,
            worker=world.colleague_a,
            expected_worker_id=world.colleague_a.pk,
            by=world.coordinator_a,
            reason="x",
        )
    services.referral_reassign(
        referral=signal,
        worker=world.colleague_a,
        expected_worker_id=world.worker_a.pk,
        by=world.coordinator_a,
        reason="Ziek",
    )
    signal.refresh_from_db()
    assert signal.assigned_to == world.colleague_a
    assert signal.decisions.last().reason == "Ziek"


# --- Who may decide -------------------------------------------------------------------------


def test_only_a_coordinator_of_the_team_decides(world, signal, jansen, coordinator_b):
    for user in (world.worker_a, world.manager_ab, coordinator_b, world.partner, world.admin):
        with pytest.raises(PermissionDenied):
            services.referral_accept(referral=signal, by=user, household=jansen)
    signal.refresh_from_db()
    assert signal.status == workflow.Status.RECEIVED


def test_assigning_outside_the_team_is_refused(world, signal, jansen):
    services.referral_accept(referral=signal, by=world.coordinator_a, household=jansen)
    for outsider in (world.worker_b, world.former_a, world.partner):
        with pytest.raises(PermissionDenied):
            services.referral_assign(referral=signal, worker=outsider, by=world.coordinator_a)
    signal.refresh_from_db()
    assert signal.status == workflow.Status.ACCEPTED


def test_linking_a_household_of_another_team_is_refused(world, signal):
    other = HouseholdFactory(team=world.team_b)
    with pytest.raises(PermissionDenied):
        services.referral_accept(referral=signal, by=world.coordinator_a, household=other)
    signal.refresh_from_db()
    assert signal.household is None


# --- Deadlines ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "received, urgency, due",
    [
        # Saturday 28-11-2026 00:30 in Amsterdam (still Friday in UTC): crisis is due Monday.
        (datetime.datetime(2026, 11, 27, 23, 30, tzinfo=datetime.UTC), "crisis", datetime.date(2026, 11, 30)),
        # Maundy Thursday 2026: Good Friday counts by default, Easter Monday does not.
        (datetime.datetime(2026, 4, 2, 10, tzinfo=AMSTERDAM), "urgent", datetime.date(2026, 4, 7)),
        # Wednesday before Christmas 2026: Friday 25th off.
        (datetime.datetime(2026, 12, 23, 10, tzinfo=AMSTERDAM), "normal", datetime.date(2026, 12, 31)),
        # Across New Year: Friday 1 January 2027 off.
        (datetime.datetime(2026, 12, 30, 10, tzinfo=AMSTERDAM), "urgent", datetime.date(2027, 1, 4)),
        # King's Day 2026 on a Monday is off.
        (datetime.datetime(2026, 4, 24, 10, tzinfo=AMSTERDAM), "urgent", datetime.date(2026, 4, 29)),
        # King's Day 2025 fell on a Sunday: it moved to Saturday 26th; Monday 28th is a working day.
        (datetime.datetime(2025, 4, 25, 10, tzinfo=AMSTERDAM), "urgent", datetime.date(2025, 4, 29)),
    ],
)
def test_first_contact_deadline_in_dutch_working_days(received, urgency, due):
    assert services.first_contact_due(received, urgency) == due


def test_deadlines_are_settings(settings):
    settings.WIJKTEAM_FIRST_CONTACT_DAYS = {"crisis": 0, "urgent": 1, "normal": 10}
    received = datetime.datetime(2026, 11, 30, 9, tzinfo=AMSTERDAM)  # a Monday
    assert services.first_contact_due(received, "urgent") == datetime.date(2026, 12, 1)
    assert services.first_contact_due(received, "normal") == datetime.date(2026, 12, 14)


# --- Matches --------------------------------------------------------------------------------


def test_a_second_organisation_makes_a_match_task(world, signal, jansen):
    """The GP signalled a month before the school: one task for the lead worker."""
    services.referral_accept(referral=signal, by=world.coordinator_a, household=jansen, worker=world.worker_a)
    assert not Task.objects.exists(), "one organisation is no match"
    gp = ReferralFactory(team=world.team_a, received_at=signal.received_at - datetime.timedelta(days=30))
    services.referral_accept(referral=gp, by=world.coordinator_a, household=jansen)
    task = Task.objects.get()
    assert (task.household, task.kind, task.status) == (jansen, Task.Kind.MATCH_CHECK, Task.Status.OPEN)
    gp.refresh_from_db()
    assert list(services.referrals.other_signallers(gp)) == [signal]
    third = ReferralFactory(team=world.team_a, received_at=signal.received_at - datetime.timedelta(days=40))
    services.referral_accept(referral=third, by=world.coordinator_a, household=jansen)
    assert Task.objects.count() == 1, "one open match task per household"

    services.task_complete(task=task, by=world.worker_a, note="School en huisarts gebeld")
    task.refresh_from_db()
    assert (task.status, task.done_by) == (Task.Status.DONE, world.worker_a)
    assert task.history.first().history_change_reason == "Taak afgerond: School en huisarts gebeld"
    with pytest.raises(services.AlreadyDecided):
        services.task_complete(task=task, by=world.worker_a, note="nogmaals")


def test_signals_far_apart_or_from_one_organisation_are_no_match(world, signal, jansen, settings):
    settings.WIJKTEAM_MATCH_PERIOD_DAYS = 365
    services.referral_accept(referral=signal, by=world.coordinator_a, household=jansen)
    same_org = ReferralFactory(team=world.team_a, sender_organisation=signal.sender_organisation)
    services.referral_accept(referral=same_org, by=world.coordinator_a, household=jansen)
    old = ReferralFactory(team=world.team_a, received_at=signal.received_at - datetime.timedelta(days=400))
    services.referral_accept(referral=old, by=world.coordinator_a, household=jansen)
    assert not Task.objects.exists()


# --- Append-only decisions ------------------------------------------------------------------


def test_decisions_cannot_be_changed_or_deleted(postgres_only, world, signal):
    services.referral_decline(
        referral=signal, by=world.coordinator_a, reason_code="other", reason="Geen zorg"
    )
    table = connection.ops.quote_name(ReferralDecision._meta.db_table)
    for statement in (f"UPDATE {table} SET reason = 'x'", f"DELETE FROM {table}"):  # noqa: S608
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as c,
        ):
            c.execute(statement)
    assert ReferralDecision.objects.get().reason == "Geen zorg"
