"""History nobody bypasses: the bulk-write guard per audited model, and append-only tables."""

import uuid

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from api.models import WebhookDelivery
from api.services import client_create
from cases.models import AccessRequest, Appointment, ConsultAnswer, ConsultQuestion, Person
from cases.tests.factories import (
    ActionFactory,
    CaseReviewFactory,
    ContactFactory,
    FollowUpDecisionFactory,
    GoalFactory,
    HouseholdFactory,
    NetworkMemberFactory,
    NoteFactory,
    PlanFactory,
    ReferralFactory,
    SafetyWarningFactory,
    TaskFactory,
    assessment_with_scores,
)
from documents.testing import stored_document
from mandates.tests.factories import MandateFactory, MandateReviewFactory
from teams.models import Cover, Expertise
from wijkteam.db import trigger_name
from wijkteam.history import HistoryBypassError, audited_models, history_tables

AUDITED = audited_models()
EXPECTED_AUDITED = {
    "teams.User",
    "teams.Municipality",
    "teams.Organisation",
    "teams.Team",
    "teams.Position",
    "cases.Household",
    "cases.Person",
    "cases.Referral",
    "cases.Task",
    "mandates.Mandate",
    "mandates.MandateReview",
}


def test_every_model_of_the_foundation_is_audited():
    assert {model._meta.label for model in AUDITED} >= EXPECTED_AUDITED


@pytest.mark.django_db
@pytest.mark.parametrize("model", AUDITED, ids=lambda m: m._meta.label)
def test_bulk_writes_are_refused_on_audited_models(model):
    """update(), bulk_create(), bulk_update() and queryset delete() raise: they skip history."""
    manager = model._default_manager
    with pytest.raises(HistoryBypassError, match="history"):
        manager.all().update(pk=None)
    with pytest.raises(HistoryBypassError):
        manager.bulk_create([model()])
    with pytest.raises(HistoryBypassError):
        manager.bulk_update([model()], fields=["pk"])
    with pytest.raises(HistoryBypassError):
        manager.all().delete()
    with pytest.raises(HistoryBypassError):
        manager.filter(pk__in=[]).delete()


@pytest.mark.django_db
def test_related_managers_are_guarded_too(world):
    """household.members.update(...) is refused like Person.objects.update(...)."""
    household = HouseholdFactory(team=world.team_a)
    with pytest.raises(HistoryBypassError):
        household.members.update(first_name="x")
    with pytest.raises(HistoryBypassError):
        world.team_a.households.all().delete()


@pytest.mark.django_db
def test_instance_changes_write_history_with_user_and_reason(client, world):
    """A change through a page names the acting user (history middleware) and the reason."""
    household = HouseholdFactory(team=world.team_a)
    client.force_login(world.worker_a)
    client.post(
        reverse("cases:person_add", args=[household.pk]),
        {"first_name": "Lotte", "last_name": "Smit", "relation": "child"},
    )
    record = Person.history.get(first_name="Lotte")
    assert record.history_type == "+"
    assert record.history_user == world.worker_a
    assert record.history_change_reason == "Lid toegevoegd"


def consult_thread(household, world):
    """A consult question linked to the household, with one answer (issue 24)."""
    question = ConsultQuestion.objects.create(
        team=household.team, asked_by=world.worker_a, household=household, question="Wie kent dit?"
    )
    ConsultAnswer.objects.create(question=question, text="Ik", written_by=world.coordinator_a)


def _history_tables():
    return history_tables()


@pytest.mark.django_db
def test_every_history_table_has_the_append_only_trigger(postgres_only):
    """A new audited model without MakeAppendOnly in its migration fails here."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
        triggers = {row[0] for row in cursor.fetchall()}
    missing = [t for t in _history_tables() if trigger_name(t) not in triggers]
    assert missing == []


@pytest.mark.django_db
@pytest.mark.parametrize("model", AUDITED, ids=lambda m: m._meta.label)
def test_history_rows_cannot_be_changed_or_deleted(postgres_only, model, world):
    """UPDATE and DELETE on a history table are rejected by PostgreSQL, even as raw SQL."""
    household = HouseholdFactory(team=world.team_a)
    Person.objects.create(household=household, first_name="A", last_name="B", relation="other")
    ReferralFactory(team=world.team_a)
    TaskFactory(household=household)
    goal = GoalFactory(plan=PlanFactory(household=household))
    ActionFactory(plan=goal.plan, goal=goal, worker=world.worker_a)
    NetworkMemberFactory(household=household)
    assessment_with_scores(household.members.get(), world.worker_a, [3] * 13)
    review = CaseReviewFactory(household=household)
    review.workers.set([world.worker_a])
    review.organisations.set([world.partner.organisation])
    contact = ContactFactory(household=household, recorded_by=world.worker_a)
    contact.workers.set([world.worker_a])
    contact.persons.set(household.members.all())
    appointment = Appointment.objects.create(
        household=household, date="2026-01-05", starts_at="10:00", ends_at="11:00", created_by=world.worker_a
    )
    appointment.workers.set([world.worker_a])
    appointment.persons.set(household.members.all())
    SafetyWarningFactory(household=household, recorded_by=world.worker_a)
    FollowUpDecisionFactory(household=household, decided_by=world.worker_a)
    NoteFactory(household=household, written_by=world.worker_a)
    MandateReviewFactory(mandate=MandateFactory(team=world.team_a), reviewed_by=world.manager_ab)
    AccessRequest.objects.create(
        person=household.members.get(), due_on=household.created_at.date(), recorded_by=world.worker_a
    )
    world.team_a.participating_organisations.set([world.partner.organisation])
    stored_document(household, world.worker_a)
    api_client, _secret = client_create(name="LVS", organisation=world.partner.organisation, by=None)
    WebhookDelivery(client=api_client, event_type="signal.feedback", signal_id=uuid.uuid4(), payload={}).save(
        force_insert=True
    )
    from directory.testing import audited_directory

    audited_directory(world)
    from walkin.testing import audited_walkin

    audited_walkin(world)
    Cover.objects.create(
        team=world.team_a,
        absent=world.worker_a,
        cover=world.colleague_a,
        starts_on=household.created_at.date(),
        ends_on=household.created_at.date(),
        reason="Verlof",
        created_by=world.coordinator_a,
    )
    consult_thread(household, world)
    Expertise.objects.create(user=world.worker_a, domains=["financien"], languages=["ti"])
    table = connection.ops.quote_name(model.history.model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608
        assert cursor.fetchone()[0] > 0
    for statement in (f"UPDATE {table} SET history_change_reason = 'tampered'", f"DELETE FROM {table}"):  # noqa: S608
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as c,
        ):
            c.execute(statement)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        model.history.all().delete()


@pytest.mark.django_db
def test_every_audited_record_of_a_household_is_in_its_timeline(world):
    """A new audited case model that hangs from a household and is left out of the history tab
    fails here (scores are shown through their assessment)."""
    from cases.models import Score
    from cases.timeline import household_changes

    household = HouseholdFactory(team=world.team_a)
    person = Person.objects.create(household=household, first_name="A", last_name="B", relation="other")
    ReferralFactory(team=world.team_a, household=household)
    TaskFactory(household=household)
    goal = GoalFactory(plan=PlanFactory(household=household))
    ActionFactory(plan=goal.plan, goal=goal, worker=world.worker_a)
    NetworkMemberFactory(household=household)
    assessment_with_scores(person, world.worker_a, [3] * 13)
    CaseReviewFactory(household=household)
    ContactFactory(household=household, recorded_by=world.worker_a)
    Appointment.objects.create(
        household=household, date="2026-01-05", starts_at="10:00", ends_at="11:00", created_by=world.worker_a
    )
    SafetyWarningFactory(household=household, recorded_by=world.worker_a)
    FollowUpDecisionFactory(household=household, decided_by=world.worker_a)
    NoteFactory(household=household, written_by=world.worker_a)
    AccessRequest.objects.create(
        person=person, due_on=household.created_at.date(), recorded_by=world.worker_a
    )
    consult_thread(household, world)

    kinds = {entry.kind for entry in household_changes(household, limit=1000)}

    case_models = {m for m in AUDITED if m._meta.app_label == "cases"} - {Score}
    assert {str(m._meta.verbose_name) for m in case_models} - kinds == set()
