"""Positions: who may give access to the team's cases, to whom, and who sees that it was given.

Separation of duties (issue 13): nobody gives, changes or extends their own position, and
administrators and partner reporters hold none. The rule lives in teams.services.position_save;
these tests post straight to the view, past what the form offers.
"""

import datetime
import logging
import uuid

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from teams import security, services
from teams.models import Position
from teams.tests.factories import PositionFactory, UserFactory

pytestmark = pytest.mark.django_db


def position_data(world, user=None, **overrides) -> dict:
    """What the manager types on the position form of team A."""
    data = {
        "employer": Position.objects.get(user=world.worker_a).employer_id,
        "access_role": "coordinator",
        "professional_role": "case_manager",
        "membership": "team",
        "accountable_to": "team",
        "hours_per_week": "24",
        "support_group": "Intervisie A",
        "active_from": timezone.localdate().isoformat(),
        "reason": "Invaller tijdens verlof",
        "submission_id": str(uuid.uuid4()),
    }
    if user is not None:
        data["user"] = user.pk
    data.update(overrides)
    return data


def edit_data(position, **overrides) -> dict:
    """The position form of an existing position, as it stands."""
    data = {
        "employer": position.employer_id,
        "access_role": position.access_role,
        "professional_role": position.professional_role,
        "membership": position.membership,
        "accountable_to": position.accountable_to,
        "hours_per_week": position.hours_per_week or "",
        "support_group": position.support_group,
        "active_from": position.active_from.isoformat(),
        "active_until": position.active_until.isoformat() if position.active_until else "",
        "reason": "Aanpassing",
    }
    data.update(overrides)
    return data


def security_lines(caplog) -> list[logging.LogRecord]:
    return [record for record in caplog.records if record.name == "wijkteam.security"]


def history_rows() -> int:
    return Position.history.count()


# --- Giving a position ------------------------------------------------------------------------


def test_a_manager_gives_a_colleague_a_position_with_history_and_one_security_line(
    client, world, caplog, django_capture_on_commit_callbacks
):
    """The grant is saved with its reason and written once to the security log."""
    newcomer = UserFactory(username="nieuwe.collega")
    client.force_login(world.manager_ab)
    with (
        caplog.at_level(logging.INFO, logger="wijkteam.security"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = client.post(
            reverse("teams:position_add", args=[world.team_a.pk]), position_data(world, newcomer)
        )
    assert response.status_code == 302
    position = Position.objects.get(user=newcomer)
    assert (position.team, position.access_role) == (world.team_a, "coordinator")
    record = position.history.get()
    assert (record.history_user, record.history_change_reason) == (
        world.manager_ab,
        "Invaller tijdens verlof",
    )
    [line] = security_lines(caplog)
    assert line.security_event == "position_granted"
    assert (line.by_user_id, line.for_user_id, line.team_id) == (
        world.manager_ab.pk,
        newcomer.pk,
        world.team_a.pk,
    )
    assert (line.access_role, line.active_from, line.active_until) == (
        "coordinator",
        timezone.localdate().isoformat(),
        "",
    )
    assert "nieuwe.collega" in line.getMessage() and "Noord" in line.getMessage()


def test_a_change_of_role_or_dates_is_logged_a_change_of_hours_is_not(
    client, world, caplog, django_capture_on_commit_callbacks
):
    """Access given or changed is a security event; the hours of a position are not."""
    position = Position.objects.get(user=world.worker_a)
    url = reverse("teams:position_edit", args=[world.team_a.pk, position.pk])
    client.force_login(world.manager_ab)
    with (
        caplog.at_level(logging.INFO, logger="wijkteam.security"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert client.post(url, edit_data(position, hours_per_week="32")).status_code == 302
        assert security_lines(caplog) == []
        assert client.post(url, edit_data(position, access_role="coordinator")).status_code == 302
    [line] = security_lines(caplog)
    assert line.security_event == "position_changed"
    assert (line.access_role, line.was["access_role"]) == ("coordinator", "worker")
    assert line.for_user_id == world.worker_a.pk


# --- Separation of duties -----------------------------------------------------------------------


def test_nobody_gives_themselves_a_position(client, world, caplog, django_capture_on_commit_callbacks):
    """A manager's own account posted as the user: refused at the field, typed input kept, nothing saved."""
    client.force_login(world.manager_ab)
    before = (Position.objects.count(), history_rows())
    with (
        caplog.at_level(logging.INFO, logger="wijkteam.security"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = client.post(
            reverse("teams:position_add", args=[world.team_a.pk]),
            position_data(world, world.manager_ab, support_group="Eigen groep"),
        )
    assert response.status_code == 200
    errors = response.context["form"].errors.as_data()["user"]
    assert [error.code for error in errors] == ["own_position"]
    assert str(errors[0].message) in response.text
    assert 'value="Eigen groep"' in response.text
    assert (Position.objects.count(), history_rows()) == before
    assert security_lines(caplog) == []


@pytest.mark.parametrize(
    "change",
    [
        {"active_until": "2099-12-31"},  # extending
        {"active_until": timezone.localdate().isoformat()},  # ending
        {"hours_per_week": "40"},
    ],
    ids=["extend", "end", "hours"],
)
def test_nobody_changes_or_extends_their_own_position(client, world, change):
    """A manager's own position is changed by another manager only, ending it included."""
    own = Position.objects.get(user=world.manager_ab, team=world.team_a)
    own.active_until = timezone.localdate() + datetime.timedelta(days=30)
    own.save()
    before = history_rows()
    client.force_login(world.manager_ab)
    response = client.post(
        reverse("teams:position_edit", args=[world.team_a.pk, own.pk]), edit_data(own, **change)
    )
    assert response.status_code == 200
    assert [error.code for error in response.context["form"].errors.as_data()["user"]] == ["own_position"]
    fresh = Position.objects.get(pk=own.pk)
    assert (fresh.active_until, fresh.hours_per_week) == (own.active_until, own.hours_per_week)
    assert history_rows() == before


@pytest.mark.parametrize("who", ["admin", "staff", "partner"])
def test_administrators_and_partner_reporters_are_given_no_position(client, world, who):
    """Administrators (superuser or staff) and partner reporters hold no case roles."""
    user = {"admin": world.admin, "staff": UserFactory(is_staff=True), "partner": world.partner}[who]
    client.force_login(world.manager_ab)
    before = (Position.objects.count(), history_rows())
    response = client.post(reverse("teams:position_add", args=[world.team_a.pk]), position_data(world, user))
    assert response.status_code == 200
    assert [error.code for error in response.context["form"].errors.as_data()["user"]] == ["no_case_roles"]
    assert (Position.objects.count(), history_rows()) == before


def test_a_position_an_administrator_holds_from_before_may_be_ended_not_changed(client, world):
    """One given before the rule (or outside this page) can be ended; nothing else."""
    old = PositionFactory(user=world.admin, team=world.team_a, access_role="coordinator")
    url = reverse("teams:position_edit", args=[world.team_a.pk, old.pk])
    client.force_login(world.manager_ab)
    refused = client.post(url, edit_data(old, access_role="worker"))
    assert [error.code for error in refused.context["form"].errors.as_data()["user"]] == ["no_case_roles"]
    extended = client.post(url, edit_data(old, active_until="2099-12-31"))
    assert extended.status_code == 200
    ended = client.post(url, edit_data(old, active_until=timezone.localdate().isoformat()))
    assert ended.status_code == 302
    old.refresh_from_db()
    assert (old.access_role, old.active_until) == ("coordinator", timezone.localdate())


def test_the_form_offers_neither_oneself_nor_administrators_nor_partner_reporters(client, world):
    """The list of users holds what the service accepts."""
    client.force_login(world.manager_ab)
    form = client.get(reverse("teams:position_add", args=[world.team_a.pk])).context["form"]
    offered = {value.value for value, _label in form.fields["user"].widget.choices if value}
    assert world.worker_a.pk in offered and world.coordinator_a.pk in offered
    assert offered.isdisjoint({world.manager_ab.pk, world.admin.pk, world.partner.pk})


def test_the_service_refuses_a_grant_by_someone_who_is_no_manager_of_the_team(world):
    """A coordinator, or a manager of another team, grants nothing."""
    other_manager = PositionFactory(team=world.team_c, access_role="manager").user
    for by in (world.coordinator_a, other_manager):
        position = Position(
            team=world.team_a,
            user=UserFactory(),
            employer=Position.objects.get(user=world.worker_a).employer,
            access_role="worker",
            accountable_to="team",
        )
        with pytest.raises(PermissionDenied):
            services.position_save(position=position, by=by, reason="x")


# --- Who sees the positions -------------------------------------------------------------------


def test_a_coordinator_reads_the_positions_and_recent_access_changes_but_changes_nothing(client, world):
    """The coordinator checks who was given access; adding and changing stay with the manager."""
    newcomer = UserFactory(first_name="Nina", last_name="Nieuwkomer")
    position = Position(
        team=world.team_a,
        user=newcomer,
        employer=Position.objects.get(user=world.worker_a).employer,
        access_role="coordinator",
        accountable_to="team",
    )
    services.position_save(position=position, by=world.manager_ab, reason="Invaller")
    client.force_login(world.coordinator_a)
    page = client.get(reverse("teams:positions", args=[world.team_a.pk]))
    assert page.status_code == 200
    assert [change.user for change in page.context["access_changes"]][0] == newcomer
    assert "Nina Nieuwkomer" in page.text and "Invaller" in page.text
    add = reverse("teams:position_add", args=[world.team_a.pk])
    edit = reverse("teams:position_edit", args=[world.team_a.pk, position.pk])
    assert add not in page.text and edit not in page.text
    assert client.get(add).status_code == 403
    assert client.post(add, position_data(world, UserFactory())).status_code == 403
    assert client.get(edit).status_code == 403
    assert client.post(edit, edit_data(position, access_role="manager")).status_code == 403
    mine = client.get(reverse("teams:my_position"))
    assert reverse("teams:positions", args=[world.team_a.pk]) in mine.text


def test_a_coordinator_of_another_team_gets_404(client, world):
    coordinator_b = PositionFactory(team=world.team_b, access_role="coordinator").user
    client.force_login(coordinator_b)
    assert client.get(reverse("teams:positions", args=[world.team_a.pk])).status_code == 404


@pytest.mark.parametrize("role", ["worker_a", "former_a", "partner", "admin"])
def test_workers_partners_and_administrators_get_403_on_the_positions_page(client, world, role):
    client.force_login(getattr(world, role))
    assert client.get(reverse("teams:positions", args=[world.team_a.pk])).status_code == 403


def test_access_changes_leave_out_older_ones_and_changes_of_hours(world):
    """The coordinator's list: grants and changes of role or dates in the period only."""
    position = Position.objects.get(user=world.worker_a)
    position.hours_per_week = 16
    services.position_save(position=position, by=world.manager_ab, reason="Minder uren")
    since = timezone.now() - datetime.timedelta(days=14)
    listed = security.access_changes(world.team_a.pk, since=since)
    assert "Minder uren" not in [change.history_change_reason for change in listed]
    assert {change.user for change in listed} >= {world.worker_a, world.coordinator_a}
    position.active_until = timezone.localdate() + datetime.timedelta(days=7)
    services.position_save(position=position, by=world.manager_ab, reason="Contract loopt af")
    [latest, *_rest] = security.access_changes(world.team_a.pk, since=since)
    assert (latest.history_change_reason, latest.previous.active_until) == ("Contract loopt af", None)
    assert security.access_changes(world.team_a.pk, since=timezone.now()) == []


# --- Changing a position, and seeing one's own -------------------------------------------


def test_positions_are_changed_by_the_manager_and_seen_by_the_worker(client, world):
    position = Position.objects.get(user=world.worker_a)
    client.force_login(world.manager_ab)
    data = {
        "employer": position.employer_id,
        "access_role": "worker",
        "professional_role": "case_manager",
        "membership": "team",
        "accountable_to": "team",
        "hours_per_week": "28",
        "support_group": "Intervisie B",
        "active_from": position.active_from.isoformat(),
        "reason": "Nieuwe rol",
    }
    response = client.post(reverse("teams:position_edit", args=[world.team_a.pk, position.pk]), data)
    assert response.status_code == 302
    position.refresh_from_db()
    assert (position.professional_role, position.hours_per_week, position.user) == (
        "case_manager",
        28,
        world.worker_a,
    )
    assert position.history.first().history_change_reason == "Nieuwe rol"
    client.force_login(world.worker_a)
    mine = client.get(reverse("teams:my_position"))
    assert "Intervisie B" in mine.text and "28" in mine.text
    assert client.get(reverse("teams:positions", args=[world.team_a.pk])).status_code == 403


@pytest.mark.parametrize("extra", [0, 10])
def test_positions_page_query_count_is_flat(client, django_assert_num_queries, world, extra):
    """The page costs the same for a team of 10 more positions, each changed once."""
    for _index in range(extra):
        position = PositionFactory(team=world.team_a)
        position.hours_per_week = 8
        services.position_save(position=position, by=world.manager_ab, reason="Uren")
    client.force_login(world.coordinator_a)
    with django_assert_num_queries(10):
        # 1 session, 2 user, 3 positions (roles), 4 team, 5 the team's position history (access
        # changes), 6 positions with user and employer, 7 recent changes, 8-10 savepoint,
        # session expiry refresh, release
        client.get(reverse("teams:positions", args=[world.team_a.pk]))


# --- The administration: the same rules --------------------------------------------------------


def _admin_post(client, world, user, **overrides):
    data = position_data(world, user, team=world.team_a.pk, active_until="", **overrides)
    data.pop("submission_id")
    data.pop("reason")
    return client.post(reverse("admin:teams_position_add"), data)


def test_an_administrator_cannot_give_themselves_a_position_in_the_administration(client, world):
    client.force_login(world.admin)
    before = history_rows()
    response = _admin_post(client, world, world.admin)
    assert response.status_code == 200  # the form again, with the message
    assert "eigen positie" in response.text
    assert history_rows() == before and not Position.objects.filter(user=world.admin).exists()


def test_the_administration_gives_no_position_to_a_partner_reporter(client, world):
    client.force_login(world.admin)
    response = _admin_post(client, world, world.partner)
    assert response.status_code == 200
    assert not Position.objects.filter(user=world.partner).exists()


def test_the_administration_sets_a_team_up_through_the_service(
    client, world, caplog, django_capture_on_commit_callbacks
):
    """A new manager given by the administrator: history with a reason, and a security line."""
    newcomer = UserFactory()
    client.force_login(world.admin)
    with (
        caplog.at_level(logging.INFO, logger="wijkteam.security"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = _admin_post(client, world, newcomer, access_role="manager")
    assert response.status_code == 302
    position = Position.objects.get(user=newcomer)
    assert position.history.first().history_user == world.admin
    assert position.history.first().history_change_reason == "Gewijzigd in het beheer"
    assert len(security_lines(caplog)) == 1


def test_positions_are_read_only_on_the_users_page_of_the_administration(client, world):
    client.force_login(world.admin)
    response = client.get(reverse("admin:teams_user_change", args=[world.worker_a.pk]))
    assert response.status_code == 200
    assert 'name="positions-0-access_role"' not in response.text
