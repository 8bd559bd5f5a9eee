"""The benchmark's scale data (bench/scale.py): proportions, constraints, scope and logging in.

The command belongs to the bench app, which only the benchmark settings install; the tests run
under the product's settings and call the command's class directly.
"""

import datetime
import io
from collections import Counter, defaultdict

import pytest
from django.core.management import CommandError, call_command, get_commands
from django.db import connection
from django.test import modify_settings
from django.urls import reverse
from django.utils import timezone

from bench import scale
from bench.management.commands.generate_scale import Command as GenerateScale
from cases.models import (
    AccessEvent,
    Action,
    Contact,
    Goal,
    Household,
    Person,
    Plan,
    Referral,
    ReferralDecision,
    SafetyWarning,
    Score,
)
from cases.services import first_contact_due
from cases.tests.factories import HouseholdFactory, PersonFactory
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
    call_command(GenerateScale(), households=HOUSEHOLDS, allow_without_debug=True, stdout=out)
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


def test_every_household_has_its_search_text_and_the_triggers_keep_it_after(generated):
    """The search text of every generated household is what its trigger makes, members included
    (the triggers are off during the COPY and the texts computed once after it), and the
    triggers are on again: a member added afterwards is in it."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*), count(*) FILTER (WHERE search_text IS DISTINCT FROM "
            "wijkteam_household_search_text(id, name, street)) FROM cases_household"
        )
        assert cursor.fetchone() == (HOUSEHOLDS, 0)
    member = Person.objects.select_related("household").order_by("pk").first()
    assert member.last_name.lower() in member.household.search_text
    PersonFactory(household=member.household, first_name="Zoë", last_name="Ünal")
    member.household.refresh_from_db()
    assert "zoe unal" in member.household.search_text


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


def test_first_contact_deadlines_follow_the_working_day_rule(generated):
    """Each signal is due when the product's rule says: working days, public holidays excluded."""
    referrals = Referral.objects.only("received_at", "urgency", "first_contact_due")
    assert {r.urgency for r in referrals} == {"normal", "urgent", "crisis"}
    for referral in referrals:
        assert referral.first_contact_due == first_contact_due(referral.received_at, referral.urgency)


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


@pytest.mark.parametrize("households", [5_000, 500_000])
def test_a_worker_carries_a_caseload_of_thirty_to_forty_at_both_benchmark_sizes(households):
    """The benchmark compares a worker's caseload page at both sizes: the same caseload in both,
    as many workers as carry the team's open households at 30-40 each (README, the sizing)."""
    from bench.runner import teams_for

    per_team = households / teams_for(households)
    assert 30 <= per_team * scale.OPEN_SHARE / scale.workers_per_team(per_team) <= 40


def test_the_open_share_the_caseload_counts_on_is_what_is_generated(generated):
    """The workers per team come from the share of open households: the generated share is it."""
    open_share = Household.objects.filter(status="open").count() / HOUSEHOLDS
    assert abs(open_share - scale.OPEN_SHARE) < 0.05, open_share
    per_team = Counter(Position.objects.filter(access_role="worker").values_list("team_id", flat=True))
    teams = len(per_team)
    assert set(per_team.values()) == {scale.workers_per_team(HOUSEHOLDS / teams)}


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
        call_command(GenerateScale(), households=10, allow_without_debug=True, stdout=io.StringIO())
    assert Household.objects.count() == 1
    assert not User.objects.filter(username__startswith=scale.USERNAME_PREFIX).exists()


def test_refuses_without_debug_unless_told(postgres_only, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG is off"):
        call_command(GenerateScale(), households=10, stdout=io.StringIO())
    assert not Household.objects.exists()


def test_the_command_is_the_benchmarks_not_the_products():
    """generate_scale exists with the bench app (the benchmark settings) and not without it."""
    assert "generate_scale" not in get_commands()
    with modify_settings(INSTALLED_APPS={"append": "bench"}):
        assert get_commands()["generate_scale"] == "bench"
    assert "generate_scale" not in get_commands()


def test_copy_columns_are_the_models_in_its_order():
    """The row follows the model's concrete fields, whatever order the generator names them in."""
    table = scale.CopyTable(Goal)
    line = table.line({"plan_id": "7", "achieved": "t", "family_words": "Rust", "domain_id": "3", "id": "1"})
    assert table.columns == [field.column for field in Goal._meta.concrete_fields]
    assert line == "1\t7\t3\tRust\tt\n"


def test_a_column_left_out_gets_the_models_default():
    """A default is written (a callable one called per row), a database default is left to
    PostgreSQL, a nullable field without a default is NULL."""
    goal = scale.CopyTable(Goal)
    assert (
        goal.line({"id": "1", "plan_id": "7", "domain_id": "3", "family_words": "Rust"})
        == "1\t7\t3\tRust\tf\n"
    )
    left_out = {"at", "persons", "result", "household", "request_id", "session_hash"}
    fields = [field for field in AccessEvent._meta.concrete_fields if field.name not in left_out]
    event = scale.CopyTable(AccessEvent)
    line = event.line({field.column: "x" for field in fields})
    row = dict(zip(event.columns, line.rstrip("\n").split("\t"), strict=True))
    assert list(row) == [
        field.column
        for field in AccessEvent._meta.concrete_fields
        if field.name not in ("request_id", "session_hash")
    ]
    assert row["result"] == "allowed"
    assert row["persons"] == "[]"
    assert row["household_id"] == scale.NULL
    assert abs(datetime.datetime.fromisoformat(row["at"]) - timezone.now()) < datetime.timedelta(minutes=1)


def test_a_not_null_field_without_default_is_named():
    """A NOT NULL field without a default that the generator leaves out stops it, by name."""
    table = scale.CopyTable(Goal)
    with pytest.raises(scale.ScaleError, match=r"cases\.Goal\.family_words .*NOT NULL without a default"):
        table.line({"id": "1", "plan_id": "7", "domain_id": "3"})


def test_every_row_fills_the_columns_of_the_first():
    """A row with a column more, less or misspelt than the first row is an error, as is a column
    the model does not have."""
    table = scale.CopyTable(Goal)
    table.line({"id": "1", "plan_id": "7", "domain_id": "3", "family_words": "Rust"})
    with pytest.raises(scale.ScaleError, match=r"missing \['family_words'\], unknown \['words'\]"):
        table.line({"id": "2", "plan_id": "7", "domain_id": "3", "words": "Rust"})
    with pytest.raises(scale.ScaleError, match=r"unknown \['note'\]"):
        table.line({"id": "2", "plan_id": "7", "domain_id": "3", "family_words": "Rust", "note": ""})
    with pytest.raises(scale.ScaleError, match="has no column note"):
        scale.CopyTable(Goal).line(
            {"id": "1", "plan_id": "7", "domain_id": "3", "family_words": "", "note": ""}
        )
