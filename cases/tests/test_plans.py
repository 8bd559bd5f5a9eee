"""One family, one plan: versions, no lost updates, approval, actions, ZRM, print and history."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from cases import services, zrm
from cases.models import AccessEvent, Action, Assessment, Plan
from cases.tests.factories import (
    ActionFactory,
    GoalFactory,
    HouseholdFactory,
    NetworkMemberFactory,
    PersonFactory,
    PlanFactory,
    ReferralFactory,
    assessment_with_scores,
    zrm_domain,
)
from cases.tests.test_views import rich_household
from tests.svg import svg_numbers


@pytest.fixture
def household(world):
    household = HouseholdFactory(team=world.team_a, name="Familie Bos", lead_worker=world.worker_a)
    PersonFactory(household=household, first_name="Sara", last_name="Bos")
    return household


@pytest.fixture
def plan(household):
    return PlanFactory(household=household)


def url(name, household, *args):
    return reverse(f"cases:{name}", args=[household.pk, *args])


def plan_post(plan, **overrides):
    data = {
        "family_view": plan.family_view,
        "strengths": plan.strengths,
        "worries": plan.worries,
        "earlier_help": plan.earlier_help,
        "safety_plan": plan.safety_plan,
        "evaluation_date": plan.evaluation_date.isoformat() if plan.evaluation_date else "",
        "version": plan.lock_version,
    }
    data.update(overrides)
    return data


# --- One current plan -----------------------------------------------------------------------


def test_the_database_refuses_a_second_current_plan(plan, household):
    with pytest.raises(IntegrityError), transaction.atomic():
        Plan.objects.create(household=household, number=2)


def test_starting_a_plan_twice_is_refused(client, world, household):
    client.force_login(world.worker_a)
    client.post(url("plan_start", household))
    response = client.post(url("plan_start", household), follow=True)
    assert household.plans.count() == 1
    assert "heeft al een actueel plan" in response.text
    assert household.plans.get().history.get().history_user == world.worker_a


# --- No lost updates (docs/security.md CC-2) -----------------------------------------------------


def test_second_save_on_an_old_version_is_refused_and_shows_the_other_change(client, world, plan, household):
    version = plan.lock_version
    client.force_login(world.worker_a)
    first = client.post(
        url("plan_edit", household), plan_post(plan, family_view="Wij willen een schuldhulptraject.")
    )
    assert first.status_code == 302
    client.force_login(world.colleague_a)
    second = client.post(
        url("plan_edit", household), plan_post(plan, version=version, worries="Zorgen om de oudste zoon.")
    )
    assert second.status_code == 409
    assert "Wij willen een schuldhulptraject." in second.text, "what the other changed is shown"
    assert escape(str(world.worker_a)) in second.text
    assert "Zorgen om de oudste zoon." in second.text, "what this worker typed is kept"
    plan.refresh_from_db()
    assert plan.family_view == "Wij willen een schuldhulptraject."
    assert plan.worries == ""
    assert plan.lock_version == version + 1
    # A deliberate second save, with the version the conflict page gave, goes through.
    data = {
        key: value[0] if isinstance(value, list) else value
        for key, value in second.context["form"].data.lists()
    }
    third = client.post(url("plan_edit", household), data)
    assert third.status_code == 302
    plan.refresh_from_db()
    assert plan.worries == "Zorgen om de oudste zoon." and plan.lock_version == version + 2


def test_plan_update_service_detects_the_conflict(world, plan):
    services.plan_update(
        plan=plan, by=world.worker_a, data=plan_post(plan, family_view="A"), version=plan.lock_version
    )
    with pytest.raises(services.PlanConflict) as conflict:
        services.plan_update(
            plan=plan, by=world.colleague_a, data=plan_post(plan, family_view="B"), version=1
        )
    assert [change.field for change in conflict.value.changes] == ["family_view"]
    plan.refresh_from_db()
    assert plan.family_view == "A"


# --- Versions -------------------------------------------------------------------------------


def test_evaluating_closes_the_version_and_carries_what_is_open(client, world, plan, household):
    open_goal = GoalFactory(plan=plan, family_words="Schulden op een rij")
    reached = GoalFactory(plan=plan, family_words="Weer naar de huisarts", achieved=True)
    ActionFactory(plan=plan, goal=open_goal, worker=world.worker_a, what="Schuldhulp bellen")
    ActionFactory(plan=plan, goal=reached, worker=world.worker_a, what="Afspraak gemaakt", status="done")
    client.force_login(world.worker_a)
    next_date = (timezone.localdate() + datetime.timedelta(days=90)).isoformat()
    response = client.post(
        url("plan_evaluate", household), {"note": "Veel bereikt.", "next_evaluation": next_date}
    )
    assert response.status_code == 302
    old, new = household.plans.order_by("number")
    assert (old.status, old.evaluation_note, new.status, new.number) == (
        "evaluated",
        "Veel bereikt.",
        "current",
        2,
    )
    assert new.family_view == old.family_view
    assert [g.family_words for g in new.goals.all()] == ["Schulden op een rij"]
    assert [(a.what, a.goal.family_words) for a in new.actions.all()] == [
        ("Schuldhulp bellen", "Schulden op een rij")
    ]
    old_page = client.get(url("plan_version", household, 1))
    assert old_page.status_code == 200 and "Veel bereikt." in old_page.text
    assert reverse("cases:plan_edit", args=[household.pk]) not in old_page.text
    with pytest.raises(ValidationError):
        services.plan_update(plan=old, by=world.worker_a, data=plan_post(old), version=old.lock_version)


# --- Approval -------------------------------------------------------------------------------


def test_approval_request_then_send_back_then_approve(client, world, plan, household):
    world.team_a.plan_approval_required = True
    world.team_a.save()
    client.force_login(world.worker_a)
    client.post(url("plan_approval", household))
    plan.refresh_from_db()
    assert plan.approval == "requested"
    assert client.post(url("plan_approval", household), {"decision": "approve"}).status_code == 403
    client.force_login(world.coordinator_a)
    response = client.post(
        url("plan_approval", household), {"decision": "send_back", "comment": ""}, follow=True
    )
    assert "Zeg waarom het plan terug gaat" in response.text
    client.post(
        url("plan_approval", household), {"decision": "send_back", "comment": "Doelen in eigen woorden"}
    )
    plan.refresh_from_db()
    assert (plan.approval, plan.approval_comment) == ("sent_back", "Doelen in eigen woorden")
    client.force_login(world.worker_a)
    client.post(url("plan_approval", household))
    client.force_login(world.coordinator_a)
    client.post(url("plan_approval", household), {"decision": "approve", "comment": ""})
    plan.refresh_from_db()
    assert plan.approval == "approved"
    reasons = [h.history_change_reason for h in plan.history.order_by("history_date")]
    assert reasons[-4:] == [
        "Goedkeuring gevraagd",
        "Teruggestuurd: Doelen in eigen woorden",
        "Goedkeuring gevraagd",
        "Goedgekeurd",
    ]


def test_approval_is_off_unless_the_team_asks_for_it(client, world, plan, household):
    client.force_login(world.worker_a)
    response = client.post(url("plan_approval", household), follow=True)
    assert "vraagt geen goedkeuring" in response.text
    plan.refresh_from_db()
    assert plan.approval == "not_requested"


# --- Actions and the network ----------------------------------------------------------------


def test_an_action_for_a_network_member(client, world, plan, household):
    neighbour = NetworkMemberFactory(household=household, name="Buurvrouw Els", kind="friend_neighbour")
    client.force_login(world.worker_a)
    response = client.post(
        url("action_add", household),
        {"what": "Boodschappen op vrijdag", "who": "network", "network_member": neighbour.pk, "due_date": ""},
    )
    assert response.status_code == 302
    action = plan.actions.get()
    assert (action.who, action.network_member, action.worker) == ("network", neighbour, None)
    assert action.history.get().history_user == world.worker_a
    page = client.get(url("plan_detail", household))
    assert "Boodschappen op vrijdag" in page.text and "Buurvrouw Els" in page.text


def test_an_action_needs_its_person(client, world, plan, household):
    client.force_login(world.worker_a)
    response = client.post(url("action_add", household), {"what": "Bellen", "who": "family", "person": ""})
    assert response.status_code == 200
    assert "Kies het gezinslid." in response.text and 'value="Bellen"' in response.text
    assert not plan.actions.exists()


def test_an_action_cannot_name_someone_of_another_household_or_team(client, world, plan, household):
    stranger = NetworkMemberFactory(household=HouseholdFactory(team=world.team_a))
    client.force_login(world.worker_a)
    forged_network = {"what": "x", "who": "network", "network_member": stranger.pk}
    assert client.post(url("action_add", household), forged_network).status_code == 200
    forged_worker = {"what": "x", "who": "worker", "worker": world.worker_b.pk}
    assert client.post(url("action_add", household), forged_worker).status_code == 200
    assert not plan.actions.exists()


def test_one_tap_marks_an_action_done(client, world, plan, household):
    action = ActionFactory(plan=plan, worker=world.worker_a)
    client.force_login(world.worker_a)
    response = client.post(
        url("action_done", household, action.pk), {"next_url": household.get_absolute_url()}
    )
    assert response.url == household.get_absolute_url()
    action.refresh_from_db()
    assert action.status == Action.Status.DONE
    assert action.history.first().history_change_reason == "Actie gedaan"


def test_done_never_redirects_to_another_site(client, world, plan, household):
    action = ActionFactory(plan=plan, worker=world.worker_a)
    client.force_login(world.worker_a)
    response = client.post(url("action_done", household, action.pk), {"next_url": "https://evil.example/"})
    assert response.url == url("plan_detail", household)


def test_goals_are_added_and_reached(client, world, plan, household):
    client.force_login(world.worker_a)
    domain = zrm_domain(4)
    response = client.post(
        url("goal_add", household), {"domain": domain.pk, "family_words": "Een droog huis"}
    )
    assert response.status_code == 302
    goal = plan.goals.get()
    assert (goal.domain, goal.family_words, goal.achieved) == (domain, "Een droog huis", False)
    client.post(
        url("goal_edit", household, goal.pk),
        {"domain": domain.pk, "family_words": "Een droog huis", "achieved": "on"},
    )
    goal.refresh_from_db()
    assert goal.achieved
    assert [h.history_change_reason for h in goal.history.order_by("history_date")] == [
        "Doel toegevoegd",
        "Doel gewijzigd",
    ]
    other_plan_goal = GoalFactory(plan=PlanFactory(household=HouseholdFactory(team=world.team_a)))
    assert client.get(url("goal_edit", household, other_plan_goal.pk)).status_code == 404


def test_a_professional_in_the_network_needs_an_organisation(client, world, household):
    client.force_login(world.worker_a)
    response = client.post(url("network_add", household), {"name": "Dr. Ali", "kind": "professional"})
    assert "Kies de organisatie" in response.text
    assert not household.network.exists()


# --- Self-sufficiency (ZRM) -----------------------------------------------------------------


def zrm_post(person, scores, on=None):
    data = {"person": person.pk, "assessed_on": (on or timezone.localdate()).isoformat()}
    for domain, score in zip(zrm.domains(), scores, strict=True):
        data[f"score_{domain.pk}"] = score
        data[f"note_{domain.pk}"] = ""
    return data


def test_scoring_every_domain_and_the_chart_moves(client, world, plan, household):
    sara = household.members.get()
    client.force_login(world.worker_a)
    earlier = timezone.localdate() - datetime.timedelta(days=90)
    assert (
        client.post(url("assessment_add", household), zrm_post(sara, [2] + [3] * 12, on=earlier)).status_code
        == 302
    )
    assert client.post(url("assessment_add", household), zrm_post(sara, [4] + [3] * 12)).status_code == 302
    page = client.get(url("assessments", household))
    chart = dict(page.context["people"])[sara]
    finances = chart.series[0]
    assert finances.domain.name == "Financiën"
    assert finances.scores == [2, 4]
    assert finances.points == "10.0,49 190.0,23", "the line rises from 2 to 4"
    assert "<svg" in page.text and "<table" in page.text and f'<caption id="scores-{sara.pk}">' in page.text
    # In Dutch the page would write 10,0: the browser then draws every dot at the left edge.
    drawn = svg_numbers(page.text)
    assert ("circle", "cx", "190.0") in drawn and ("polyline", "points", "10.0,49 190.0,23") in drawn


def test_a_missing_domain_or_a_future_date_is_refused(client, world, household):
    sara = household.members.get()
    data = zrm_post(sara, [3] * 13)
    data[f"score_{zrm_domain(13).pk}"] = ""
    client.force_login(world.worker_a)
    response = client.post(url("assessment_add", household), data)
    assert response.status_code == 200 and "Dit veld is verplicht." in response.text
    future = zrm_post(sara, [3] * 13, on=timezone.localdate() + datetime.timedelta(days=1))
    assert "in de toekomst" in client.post(url("assessment_add", household), future).text
    assert not Assessment.objects.exists()


def test_low_domains_are_highlighted_on_the_plan(client, world, plan, household):
    sara = household.members.get()
    assessment_with_scores(
        sara, world.worker_a, [5] * 13, on=timezone.localdate() - datetime.timedelta(days=60)
    )
    assessment_with_scores(sara, world.worker_a, [1, 2] + [4] * 11)
    GoalFactory(plan=plan, domain=zrm_domain(1))
    client.force_login(world.worker_a)
    page = client.get(url("plan_detail", household))
    low = [(domain.name, score) for domain, score, _person in page.context["low_domains"]]
    assert low == [("Financiën", 1), ("Werk & opleiding", 2)]
    assert "Levensgebieden met score 1 of 2" in page.text


# --- Print ----------------------------------------------------------------------------------


def test_print_is_for_the_family_and_logged(client, world, plan, household):
    ReferralFactory(
        team=world.team_a, household=household, status="accepted", prior_information="Geheime voorinformatie"
    )
    plan.approval_comment = "Interne opmerking"
    plan.save()
    other = HouseholdFactory(team=world.team_a, name="Familie Anders")
    GoalFactory(plan=plan, family_words="Rust in huis")
    client.force_login(world.worker_a)
    page = client.get(url("plan_print", household))
    assert "Rust in huis" in page.text and plan.family_view in page.text
    for hidden in ("Geheime voorinformatie", "Interne opmerking", other.name):
        assert hidden not in page.text
    event = AccessEvent.objects.get()
    assert (event.user, event.household, event.action, event.object_id) == (
        world.worker_a,
        household,
        "print",
        str(plan.pk),
    )
    assert event.origin == "127.0.0.1"


def test_access_events_cannot_be_changed(postgres_only, client, world, plan, household):
    client.force_login(world.worker_a)
    client.get(url("plan_print", household))
    table = connection.ops.quote_name(AccessEvent._meta.db_table)
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(f"DELETE FROM {table}")  # noqa: S608
    assert AccessEvent.objects.count() == 1


# --- Case reviews ---------------------------------------------------------------------------


def test_a_case_review_follow_up_goes_onto_the_plan_once(client, world, plan, household):
    client.force_login(world.worker_a)
    response = client.post(
        url("review_add", household),
        {
            "held_on": timezone.localdate().isoformat(),
            "workers": [world.worker_a.pk, world.coordinator_a.pk],
            "organisations": [world.partner.organisation.pk],
            "question": "Wie pakt de schulden op?",
            "decisions": "Schuldhulp inschakelen.",
            "follow_up": "Schuldhulp bellen\nMoeder uitnodigen",
        },
    )
    assert response.status_code == 302
    review = household.reviews.get()
    assert set(review.workers.all()) == {world.worker_a, world.coordinator_a}
    client.post(url("review_follow_up", household, review.pk, 0))
    again = client.post(url("review_follow_up", household, review.pk, 0), follow=True)
    action = plan.actions.get()
    assert (action.what, action.review, action.worker) == ("Schuldhulp bellen", review, world.worker_a)
    assert "staat al op het plan" in again.text


def test_a_case_review_cannot_list_workers_of_another_team(client, world, household):
    client.force_login(world.worker_a)
    data = {"held_on": timezone.localdate().isoformat(), "workers": [world.worker_b.pk], "question": "x"}
    assert client.post(url("review_add", household), data).status_code == 200
    assert not household.reviews.exists()


# --- History, scope, reminders --------------------------------------------------------------


def test_history_tab_shows_who_changed_what_and_why(client, world, plan, household):
    services.plan_update(
        plan=plan, by=world.worker_a, data=plan_post(plan, worries="Huur achter"), version=plan.lock_version
    )
    client.force_login(world.coordinator_a)
    page = client.get(url("household_history", household))
    entry = next(e for e in page.context["changes"] if e.kind == "plan" and e.fields)
    assert entry.user == world.worker_a and entry.reason == "Plan gewijzigd"
    assert ("zorgen", "Huur achter") in [(str(c.field), c.new) for c in entry.fields]


def test_another_team_partner_and_manager(client, world, plan, household):
    pages = ["plan_detail", "plan_edit", "plan_print", "assessments", "assessment_add", "household_history"]
    for user in (world.worker_b, world.partner):
        client.force_login(user)
        for name in pages:
            assert client.get(url(name, household)).status_code == 404, (user, name)
        assert client.post(url("plan_evaluate", household), {"note": "x"}).status_code == 404
    client.force_login(world.manager_ab)
    assert client.get(url("plan_detail", household)).status_code == 200
    assert client.get(url("plan_edit", household)).status_code == 403
    assert client.post(url("plan_evaluate", household), {"note": "x"}).status_code == 403
    refused = AccessEvent.objects.filter(user=world.worker_b)
    assert refused.exists() and set(refused.values_list("result", flat=True)) == {"denied"}, (
        "each attempt is in the access log as refused, and nothing was shown"
    )
    assert set(refused.values_list("household", flat=True)) == {household.pk}


def test_overdue_evaluations_reach_the_lead_worker_and_the_coordinator(client, world, household):
    PlanFactory(household=household, evaluation_date=timezone.localdate() - datetime.timedelta(days=1))
    other_team = PlanFactory(
        household=HouseholdFactory(team=world.team_b),
        evaluation_date=timezone.localdate() - datetime.timedelta(days=3),
    )
    assert set(Plan.objects.evaluation_due()) == {household.plans.get(), other_team}
    for user in (world.worker_a, world.coordinator_a):
        client.force_login(user)
        page = client.get(reverse("cases:household_list"))
        assert [p.household for p in page.context["plans_to_look_at"]] == [household], user
    client.force_login(world.colleague_a)
    assert list(client.get(reverse("cases:household_list")).context["plans_to_look_at"]) == []


@pytest.mark.parametrize("n", [1, 50])
def test_plan_page_query_count_is_flat(client, django_assert_num_queries, world, n):
    """The plan page costs the same with 1 or 50 goals, actions, network members and assessments."""
    household = rich_household(world, n)
    client.force_login(world.worker_a)
    with django_assert_num_queries(9):
        # 1 session, 2 user, 3 positions (roles), 4 household+team+lead worker, 5 in one UNION
        # (cases/batch.py): every version of the plan, the current one's goals and actions with
        # who, low ZRM domains, members, network, safety warnings; 6 access log,
        # 7-9 savepoint, session expiry refresh, release
        response = client.get(url("plan_detail", household))
    assert response.status_code == 200
    assert len(response.context["goals"]) == n and len(response.context["actions"]) == n
    assert len(response.context["network"]) == n and len(response.context["members"]) == n


def test_plans_waiting_for_approval_reach_the_coordinator_and_a_closed_households_plan_nobody(
    client, world, household
):
    """The start of the day: a plan waiting for approval is the coordinator's to look at, not the
    worker's; a closed household's last plan, however late its evaluation, is no one's. The scope
    is one condition beside the OR of the two reasons, so that PostgreSQL starts from the team's
    open households (with the scope inside each branch it read every current plan of 500,000
    households: 398 ms against 15 ms for a coordinator, bench/results/tails.md)."""
    waiting = PlanFactory(household=household, approval=Plan.Approval.REQUESTED)
    closed = HouseholdFactory(team=world.team_a, lead_worker=world.worker_a)
    PlanFactory(household=closed, evaluation_date=timezone.localdate() - datetime.timedelta(days=5))
    closed.status, closed.closed_on = "closed", timezone.localdate()
    closed.save()
    client.force_login(world.coordinator_a)
    shown = client.get(reverse("cases:household_list")).context["plans_to_look_at"]
    assert list(shown) == [waiting]
    assert str(shown.query).count("IN (SELECT") == 1, "the scope is asked once, outside the OR"
    client.force_login(world.worker_a)
    assert list(client.get(reverse("cases:household_list")).context["plans_to_look_at"]) == []
