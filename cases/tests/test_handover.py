"""Issue 23: a handover that leaves nothing behind, and nobody assigned who is not there."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases import services, workflow
from cases.forms import ContactForm, HouseholdForm
from cases.forms.agenda import AppointmentForm
from cases.forms.handover import HandoverForm
from cases.forms.plans import ActionForm
from cases.models import Action, Appointment, Household, Plan
from cases.services import handover as service
from cases.tests.factories import ActionFactory, HouseholdFactory, PlanFactory, ReferralFactory
from teams.models import Notification, Position

pytestmark = pytest.mark.django_db
REASON = "Uit dienst per vorige week"


def holding(world, user, *, households=1, team=None):
    """`user` leads households, carries a signal, an action and goes to an appointment."""
    team = team or world.team_a
    led = [HouseholdFactory(team=team, lead_worker=user, name=f"Familie {n:02d}") for n in range(households)]
    signal = ReferralFactory(team=team, household=led[0], status=workflow.Status.ASSIGNED, assigned_to=user)
    action = ActionFactory(plan=PlanFactory(household=led[0]), worker=user)
    appointment = Appointment.objects.create(
        household=led[0],
        kind=Appointment.Kind.CALL,
        date=timezone.localdate() + datetime.timedelta(days=2),
        starts_at=datetime.time(10, 0),
        ends_at=datetime.time(10, 30),
        created_by=user,
    )
    appointment.workers.set([user])
    return led, signal, action, appointment


def end_position(user, team, *, on=None):
    position = Position.objects.get(user=user, team=team)
    position.active_until = on or timezone.localdate() - datetime.timedelta(days=7)
    position.save()


def handover_url(team):
    return reverse("cases:handover", args=[team.pk])


# --- Orphans are visible ----------------------------------------------------------------------------


def test_orphans_appear_from_the_day_the_position_ends(client, world):
    holding(world, world.worker_a, households=2)
    assert service.orphans([world.team_a.pk]) == []  # still in the team: nothing orphaned
    end_position(world.worker_a, world.team_a, on=timezone.localdate() - datetime.timedelta(days=1))
    [row] = service.orphans([world.team_a.pk])
    assert row["user"] == world.worker_a
    assert row["counts"] == {"household": 2, "signal": 1, "action": 1, "appointment": 1}
    assert service.orphans([world.team_b.pk]) == []  # another team's coordinator sees none of it

    client.force_login(world.coordinator_a)
    page = client.get(reverse("cases:referral_queue")).content.decode()
    assert "zonder actieve positie" in page
    assert f"{handover_url(world.team_a)}?worker={world.worker_a.pk}" in page


def test_a_position_ending_today_is_not_an_orphan_yet(world):
    holding(world, world.worker_a)
    end_position(world.worker_a, world.team_a, on=timezone.localdate())
    assert service.orphans([world.team_a.pk]) == []


# --- The handover -------------------------------------------------------------------------------------


def test_a_handover_moves_everything_in_one_go_with_history_and_a_notification(client, world):
    (household,), signal, action, appointment = holding(world, world.worker_a)
    end_position(world.worker_a, world.team_a)
    client.force_login(world.coordinator_a)
    page = client.get(handover_url(world.team_a) + f"?worker={world.worker_a.pk}")
    assert page.status_code == 200
    assert household.name in page.content.decode()
    response = client.post(
        handover_url(world.team_a),
        {"worker": world.worker_a.pk, "to": world.colleague_a.pk, "reason": REASON},
    )
    assert response.status_code == 302
    household.refresh_from_db()
    signal.refresh_from_db()
    action.refresh_from_db()
    assert household.lead_worker == world.colleague_a
    assert signal.assigned_to == world.colleague_a
    assert action.worker == world.colleague_a
    assert list(appointment.workers.all()) == [world.colleague_a]
    said = service.handover_reason(world.worker_a, world.colleague_a, REASON)
    for record in (household.history.first(), action.history.first(), appointment.history.first()):
        assert (record.history_user, record.history_change_reason) == (world.coordinator_a, said)
    assert signal.decisions.latest("decided_at").reason == service.handed_over(
        world.worker_a, world.colleague_a, REASON
    )
    assert Notification.objects.filter(user=world.colleague_a, url=reverse("cases:caseload")).exists()
    assert service.orphans([world.team_a.pk]) == []
    # The household's timeline says who handed it over to whom.
    timeline = client.get(reverse("cases:household_history", args=[household.pk])).content.decode()
    assert "Overgedragen van" in timeline and REASON in timeline


def test_item_by_item_and_keeping_some(client, world):
    (first, second), signal, action, appointment = holding(world, world.worker_a, households=2)
    other = Position.objects.create(
        user=world.colleague_a.__class__.objects.create(username="tweede.collega"),
        team=world.team_a,
        employer=Position.objects.get(user=world.colleague_a).employer,
        access_role="worker",
        professional_role="coach",
        accountable_to="team",
        active_from=timezone.localdate() - datetime.timedelta(days=30),
    ).user
    client.force_login(world.coordinator_a)
    response = client.post(
        handover_url(world.team_a),
        {
            "worker": world.worker_a.pk,
            "to": world.colleague_a.pk,
            f"household-{second.pk}": other.pk,
            f"signal-{signal.pk}": "keep",
            "reason": "Ziek tot nader bericht",
        },
    )
    assert response.status_code == 302
    assert [
        h.lead_worker for h in Household.objects.filter(pk__in=[first.pk, second.pk]).order_by("name")
    ] == [
        world.colleague_a,
        other,
    ]
    signal.refresh_from_db()
    assert signal.assigned_to == world.worker_a  # kept


def test_all_or_nothing_when_one_item_was_moved_meanwhile(world):
    (household,), signal, action, appointment = holding(world, world.worker_a)
    holdings = service.holdings(world.team_a.pk, world.worker_a)
    # Between the page and the post, someone else gave the action to a colleague.
    action.worker = world.colleague_a
    action.save()
    moves = [(kind, obj, world.colleague_a) for kind, obj in holdings.items()]
    with pytest.raises(ValidationError):
        service.handover(
            team=world.team_a, from_user=world.worker_a, moves=moves, reason=REASON, by=world.coordinator_a
        )
    household.refresh_from_db()
    signal.refresh_from_db()
    assert household.lead_worker == world.worker_a  # the household moved first: rolled back
    assert signal.assigned_to == world.worker_a
    assert list(appointment.workers.all()) == [world.worker_a]


def test_a_reason_is_required_and_what_was_chosen_stays(client, world):
    (household,), *_rest = holding(world, world.worker_a)
    client.force_login(world.coordinator_a)
    response = client.post(
        handover_url(world.team_a), {"worker": world.worker_a.pk, "to": world.colleague_a.pk, "reason": ""}
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert "reason" in form.errors
    assert form["to"].value() == str(world.colleague_a.pk)
    household.refresh_from_db()
    assert household.lead_worker == world.worker_a


def test_a_forged_receiver_who_is_not_there_is_refused(client, world):
    """The former worker is never offered, and a post that names them moves nothing."""
    (household,), *_rest = holding(world, world.worker_a)
    client.force_login(world.coordinator_a)
    for forged in (world.former_a, world.worker_b):
        response = client.post(
            handover_url(world.team_a), {"worker": world.worker_a.pk, "to": forged.pk, "reason": REASON}
        )
        assert response.status_code == 400
        assert "to" in response.context["form"].errors
        with pytest.raises(ValidationError):
            service.handover(
                team=world.team_a,
                from_user=world.worker_a,
                moves=[("household", household, forged)],
                reason=REASON,
                by=world.coordinator_a,
            )
    household.refresh_from_db()
    assert household.lead_worker == world.worker_a


def test_only_the_team_coordinator_hands_over(client, world):
    holding(world, world.worker_a)
    for user, status in ((world.worker_a, 403), (world.manager_ab, 403), (world.worker_b, 403)):
        client.force_login(user)
        assert client.get(handover_url(world.team_a)).status_code == status
    coordinator_b = Position.objects.create(
        user=world.worker_b.__class__.objects.create(username="coordinator.b"),
        team=world.team_b,
        employer=Position.objects.get(user=world.worker_b).employer,
        access_role="coordinator",
        professional_role="case_manager",
        accountable_to="team",
        active_from=timezone.localdate() - datetime.timedelta(days=30),
    ).user
    client.force_login(coordinator_b)
    assert client.get(handover_url(world.team_a) + f"?worker={world.worker_a.pk}").status_code == 404


def test_the_handover_page_costs_the_same_queries_for_1_and_50_items(client, world):
    holding(world, world.worker_a, households=1)
    holding(world, world.colleague_a, households=50)
    client.force_login(world.coordinator_a)
    client.get(handover_url(world.team_a))  # the first request of a session warms its caches

    def count(worker):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(handover_url(world.team_a) + f"?worker={worker.pk}")
        assert response.status_code == 200
        return len(queries)

    assert count(world.worker_a) == count(world.colleague_a)


# --- Nobody assigns to the absent -----------------------------------------------------------------


def test_nobody_without_an_active_position_is_offered_anywhere_a_person_is_chosen(world):
    household = HouseholdFactory(team=world.team_a, lead_worker=world.worker_a)
    plan = PlanFactory(household=household)
    referral = ReferralFactory(team=world.team_a, household=household, status=workflow.Status.ACCEPTED)
    choices = {
        "lead worker": HouseholdForm(instance=household, team_ids=[world.team_a.pk])
        .fields["lead_worker"]
        .queryset,
        "contact": ContactForm(household=household, user=world.worker_a).fields["workers"].queryset,
        "appointment": AppointmentForm(household=household, user=world.worker_a).fields["workers"].queryset,
        "action": ActionForm(plan=plan).fields["worker"].queryset,
        "signal": services.assignable_workers(referral.team_id),
        "handover": HandoverForm(
            colleagues=services.assignable_workers(world.team_a.pk),
            holdings=service.Holdings([], [], [], []),
            from_user=world.colleague_a,
        ).colleagues.values(),
    }
    for place, offered in choices.items():
        offered = list(offered)
        assert world.worker_a in offered, place
        assert world.former_a not in offered, place
        assert world.worker_b not in offered, place


def test_an_appointment_after_the_last_working_day_is_refused_at_the_field(world):
    household = HouseholdFactory(team=world.team_a, lead_worker=world.worker_a)
    end_position(world.worker_a, world.team_a, on=timezone.localdate() + datetime.timedelta(days=3))
    later = Appointment(
        kind=Appointment.Kind.CALL,
        date=timezone.localdate() + datetime.timedelta(days=5),
        starts_at=datetime.time(10, 0),
        ends_at=datetime.time(10, 30),
    )
    with pytest.raises(ValidationError) as refused:
        services.appointment_create(
            appointment=later, household=household, by=world.coordinator_a, workers=[world.worker_a]
        )
    assert "workers" in refused.value.message_dict
    sooner = Appointment(
        kind=Appointment.Kind.CALL,
        date=timezone.localdate() + datetime.timedelta(days=2),
        starts_at=datetime.time(10, 0),
        ends_at=datetime.time(10, 30),
    )
    services.appointment_create(
        appointment=sooner, household=household, by=world.coordinator_a, workers=[world.worker_a]
    )


def test_an_action_due_after_the_last_working_day_is_refused_at_the_field(world):
    household = HouseholdFactory(team=world.team_a, lead_worker=world.worker_a)
    plan = PlanFactory(household=household)
    end_position(world.worker_a, world.team_a, on=timezone.localdate() + datetime.timedelta(days=3))
    action = Action(
        what="Samen naar de Voedselbank",
        who=Action.Who.WORKER,
        worker=world.worker_a,
        due_date=timezone.localdate() + datetime.timedelta(days=10),
    )
    with pytest.raises(ValidationError) as refused:
        services.action_save(action=action, plan=plan, by=world.coordinator_a)
    assert "worker" in refused.value.message_dict
    assert not plan.actions.exists()


def test_a_long_written_reason_never_fails_the_change(world):
    """History keeps 100 characters of a reason; the decision keeps all of it (a reassignment
    with a long reason used to fail with a database error)."""
    household = HouseholdFactory(team=world.team_a, lead_worker=world.worker_a)
    signal = ReferralFactory(
        team=world.team_a, household=household, status=workflow.Status.ASSIGNED, assigned_to=world.worker_a
    )
    reason = "Langdurig ziek; overleg met de leidinggevende gehad over de verdeling van haar werk. " * 4
    services.referral_reassign(
        referral=signal,
        worker=world.colleague_a,
        expected_worker_id=world.worker_a.pk,
        by=world.coordinator_a,
        reason=reason,
    )
    signal.refresh_from_db()
    assert signal.assigned_to == world.colleague_a
    assert signal.decisions.latest("decided_at").reason == reason
    record = signal.history.first().history_change_reason
    assert len(record) == 100 and record.endswith("…")


def test_the_demo_has_a_leaver_whose_work_the_coordinator_hands_over(client, demo):
    from cases.management.demo_handover import LEAVER, seed_leaver
    from teams.models import Team, User

    noord = Team.objects.get(name="Noord")
    leaver, coordinator = User.objects.get(username=LEAVER), User.objects.get(username="coordinator.noord")
    [row] = service.orphans([noord.pk])
    assert row["user"] == leaver and row["counts"]["household"] >= 1 and row["counts"]["signal"] == 1
    seed_leaver(noord, coordinator, User.objects.get(username="manager"))  # idempotent
    assert service.orphans([noord.pk])[0]["counts"] == row["counts"]

    client.force_login(coordinator)
    assert f"?worker={leaver.pk}" in client.get(reverse("cases:referral_queue")).content.decode()
    colleague = User.objects.get(username="sanne.dekker")
    response = client.post(
        handover_url(noord), {"worker": leaver.pk, "to": colleague.pk, "reason": "Uit dienst"}
    )
    assert response.status_code == 302
    assert service.orphans([noord.pk]) == []


# --- Temporary cover --------------------------------------------------------------------------------


def arrange(world, *, starts=1, days=3, cover=None):
    from teams.models import Cover

    today = timezone.localdate()
    return service.cover_arrange(
        cover=Cover(
            team=world.team_a,
            absent=world.worker_a,
            cover=cover or world.colleague_a,
            starts_on=today + datetime.timedelta(days=starts),
            ends_on=today + datetime.timedelta(days=starts + days - 1),
            reason="Verlof",
        ),
        by=world.coordinator_a,
    )


def test_a_cover_begins_on_its_first_day_and_ends_by_itself_after_its_last(client, world):
    from freezegun import freeze_time

    from teams import policy

    household = HouseholdFactory(team=world.team_a, lead_worker=world.worker_a, name="Familie Verlof")
    signal = ReferralFactory(
        team=world.team_a, household=household, status=workflow.Status.ASSIGNED, assigned_to=world.worker_a
    )
    arrange(world, starts=1, days=3)
    today = timezone.localdate()
    caseload = reverse("cases:caseload") + f"?worker={world.worker_a.pk}"
    for offset, covering in ((0, False), (1, True), (3, True), (4, False)):
        with freeze_time(today + datetime.timedelta(days=offset, hours=12)):
            colleague = world.colleague_a.__class__.objects.get(pk=world.colleague_a.pk)  # no cached cover
            assert policy.can(colleague, "referral.interests", signal) is covering, offset
            client.force_login(colleague)  # a day later the session of yesterday has expired
            page = client.get(caseload).content.decode()
            assert ("Familie Verlof" in page) is covering, offset


def test_a_cover_is_arranged_by_the_coordinator_and_the_cover_hears_of_it(client, world):
    from teams.models import Cover

    client.force_login(world.worker_a)
    data = {
        "worker": world.worker_a.pk,
        "cover": world.colleague_a.pk,
        "starts_on": timezone.localdate().strftime("%d-%m-%Y"),
        "ends_on": (timezone.localdate() + datetime.timedelta(days=5)).strftime("%d-%m-%Y"),
        "reason": "Ziek",
    }
    assert client.post(reverse("cases:cover_add", args=[world.team_a.pk]), data).status_code == 403
    client.force_login(world.coordinator_a)
    response = client.post(reverse("cases:cover_add", args=[world.team_a.pk]), data)
    assert response.status_code == 302
    cover = Cover.objects.get()
    assert (cover.absent, cover.cover, cover.created_by) == (
        world.worker_a,
        world.colleague_a,
        world.coordinator_a,
    )
    assert cover.history.get().history_user == world.coordinator_a
    assert Notification.objects.filter(user=world.colleague_a, key=f"cover:{cover.pk}").exists()


@pytest.mark.parametrize("mistake", ["former", "past", "overlap", "leaves_before_the_end", "self"])
def test_a_cover_by_someone_who_is_not_there_or_overlapping_is_refused(world, mistake):
    from teams.models import Cover

    if mistake == "former":
        kwargs = {"cover": world.former_a}
    elif mistake == "past":
        kwargs = {"starts": -2}
    elif mistake == "overlap":
        arrange(world, starts=1, days=5)
        kwargs = {"starts": 3}
    elif mistake == "self":
        kwargs = {"cover": world.worker_a}
    else:
        end_position(world.colleague_a, world.team_a, on=timezone.localdate() + datetime.timedelta(days=2))
        kwargs = {}
    before = Cover.objects.count()
    with pytest.raises(ValidationError):
        arrange(world, **kwargs)
    assert Cover.objects.count() == before


@pytest.mark.parametrize(
    ("model", "index_name", "status"),
    [(Plan, "plan_current_by_household", "current"), (Action, "action_open_by_plan", "open")],
)
def test_the_orphans_check_reads_current_plans_and_open_actions_from_their_indexes(
    world, model, index_name, status
):
    """The triage queue's check goes from each open household of the team to its current plan's
    open actions: it asks only what the two partial indexes hold, so both are index-only reads,
    not a heap page per plan and per action (bench/run at 500,000 households). Checked on the
    SQL: a plan cannot show it on a few test rows that are not yet all-visible."""
    import re

    with CaptureQueriesContext(connection) as queries:
        service.orphans([world.team_a.pk])
    sql = queries.captured_queries[0]["sql"]
    table = model._meta.db_table
    asked = set(re.findall(rf'"{table}"\."(\w+)"', sql))
    (index,) = [index for index in model._meta.indexes if index.name == index_name]
    held = {model._meta.get_field(name).column for name in [*index.fields, *index.include]}
    assert index.condition == Q(status=status)
    assert f'"{table}"."status" = \'{status}\'' in sql
    assert asked - {"status"} <= held, (asked, held)
