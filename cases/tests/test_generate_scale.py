"""The benchmark's scale data (cases/scale.py): proportions, constraints, scope and logging in."""

import io
from collections import Counter, defaultdict

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from cases import scale
from cases.models import (
    AccessEvent,
    Action,
    Contact,
    Household,
    Person,
    Plan,
    Referral,
    ReferralDecision,
    SafetyWarning,
    Score,
)
from cases.tests.factories import HouseholdFactory
from teams.models import Position, User

HOUSEHOLDS = 300
# The decisions that lead to each state, in order (cases/workflow.py).
DECISIONS = {
    "received": [],
    "accepted": ["accept"],
    "assigned": ["accept", "assign"],
    "closed": ["accept", "assign", "close"],
    "declined": ["decline"],
    "forwarded": ["forward"],
    "merged": ["merge"],
}


def _indexes() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()")
        return {row[0] for row in cursor.fetchall()}


@pytest.fixture
def generated(postgres_only):
    before = _indexes()
    out = io.StringIO()
    call_command("generate_scale", households=HOUSEHOLDS, allow_without_debug=True, stdout=out)
    return {"indexes_before": before, "output": out.getvalue()}


def test_proportions_and_every_signal_state(generated):
    """About 4 signals and 10 contacts per household; signals in every state."""
    assert Household.objects.count() == HOUSEHOLDS
    assert 3.5 <= Referral.objects.count() / HOUSEHOLDS <= 4.5
    assert 9 <= Contact.objects.count() / HOUSEHOLDS <= 11
    assert 4 <= AccessEvent.objects.count() / HOUSEHOLDS <= 6
    assert 2 <= Person.objects.count() / HOUSEHOLDS <= 3.5
    assert set(Referral.objects.values_list("status", flat=True)) == set(DECISIONS)
    assert set(Household.objects.values_list("status", flat=True)) == {"open", "closed"}
    assert SafetyWarning.objects.exists()
    now = timezone.now()
    for model, moment in (
        (Referral, "received_at"),
        (Contact, "at"),
        (AccessEvent, "at"),
        (Plan, "created_at"),
    ):
        assert not model.objects.filter(**{f"{moment}__gt": now}).exists(), model
    assert "Password: " + scale.DEFAULT_PASSWORD in generated["output"]


def test_decisions_match_each_signals_state(generated):
    """Each signal has exactly the decisions that lead to its state, about its own household."""
    kinds = defaultdict(list)
    for decision in ReferralDecision.objects.order_by("decided_at", "id"):
        kinds[decision.referral_id].append(decision)
    for referral in Referral.objects.all():
        decisions = kinds[referral.pk]
        assert [d.kind for d in decisions] == DECISIONS[referral.status], referral.status
        for decision in decisions:
            if decision.kind == "accept":
                assert decision.household_id == referral.household_id
            if decision.kind == "assign":
                assert decision.assigned_to_id == referral.assigned_to_id
            if decision.kind == "merge":
                assert decision.merged_into_id == referral.merged_into_id


def test_constraints_and_indexes_hold(generated):
    """The dropped indexes are back, every foreign key is validated, every row passes full_clean."""
    assert _indexes() == generated["indexes_before"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT conname FROM pg_constraint WHERE NOT convalidated")
        assert cursor.fetchall() == []
    for model in (Household, Person, Referral, Plan, Action, Contact, SafetyWarning):
        for row in model.objects.all()[:400]:
            row.full_clean(validate_unique=model is not Referral)
    scores = Counter(Score.objects.values_list("assessment_id", flat=True))
    assert scores and set(scores.values()) == {13}
    # The sequences were moved past the generated ids: the next row saved normally fits.
    worker = User.objects.get(username=scale.username(1, "worker", 1))
    AccessEvent(user=worker, action="search", object_type="household_search").save()


def test_one_current_plan_per_open_household(generated):
    """Every open household has exactly one current plan; a closed one has none."""
    current = Counter(Plan.objects.current().values_list("household_id", flat=True))
    open_ids = set(Household.objects.filter(status="open").values_list("pk", flat=True))
    assert set(current) == open_ids
    assert set(current.values()) == {1}


def test_lead_workers_are_workers_of_the_households_team(generated):
    """Lead workers hold a worker position in the household's own team."""
    workers = set(Position.objects.filter(access_role="worker").values_list("team_id", "user_id"))
    pairs = set(Household.objects.values_list("team_id", "lead_worker_id"))
    assert pairs <= workers


def test_a_generated_worker_sees_only_own_team(generated):
    """visible_to: the team's open households and the worker's own closed ones, nothing else."""
    worker = User.objects.get(username=scale.username(1, "worker", 1))
    team_id = worker.positions.get().team_id
    visible = Household.objects.visible_to(worker)
    expected = Household.objects.filter(team_id=team_id, status="open") | Household.objects.filter(
        team_id=team_id, lead_worker=worker
    )
    assert set(visible) == set(expected)
    assert visible.exists()


def test_a_generated_worker_logs_in_and_opens_pages(generated, client):
    """The documented password works; the household list and a household of the team open."""
    worker = User.objects.get(username=scale.username(1, "worker", 1))
    assert client.login(username=worker.username, password=scale.DEFAULT_PASSWORD)
    assert client.get(reverse("cases:household_list")).status_code == 200
    own = Household.objects.visible_to(worker).filter(status="open").first()
    assert client.get(own.get_absolute_url()).status_code == 200
    other = Household.objects.exclude(team_id=own.team_id).first()
    assert client.get(other.get_absolute_url()).status_code == 404


def test_a_generated_coordinator_opens_the_triage_queue(generated, client):
    coordinator = User.objects.get(username=scale.username(1, "coordinator", 1))
    assert client.login(username=coordinator.username, password=scale.DEFAULT_PASSWORD)
    assert client.get(reverse("cases:referral_queue")).status_code == 200


def test_refuses_a_database_with_case_data(postgres_only):
    """Real (non-generated) case data: the command refuses and writes nothing."""
    HouseholdFactory()
    with pytest.raises(CommandError, match="not empty"):
        call_command("generate_scale", households=10, allow_without_debug=True, stdout=io.StringIO())
    assert Household.objects.count() == 1
    assert not User.objects.filter(username__startswith=scale.USERNAME_PREFIX).exists()


def test_refuses_without_debug_unless_told(postgres_only, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG is off"):
        call_command("generate_scale", households=10, stdout=io.StringIO())
    assert not Household.objects.exists()
