"""The policy table (teams/policy.py): who holds what, where, on which object, in which state.

And the rule that makes it the only place: no access role is named in product code elsewhere.
"""

import ast
import pathlib
import re

import pytest
from django.core.exceptions import PermissionDenied

from cases.tests.factories import HouseholdFactory, ReferralFactory
from teams import policy
from teams.tests.factories import PositionFactory

pytestmark = pytest.mark.django_db

ROOT = pathlib.Path(__file__).resolve().parents[2]
ROLE_MEMBERS = {"WORKER", "COORDINATOR", "MANAGER"}
ROLE_VALUES = {"coordinator", "manager"}  # "worker" is also a field name (an action's worker)
# Where roles may be named: the table, the choices they are defined by, and data (demo, bench).
ALLOWED = {"teams/policy.py", "teams/models.py"}


def _product_modules():
    for app in ("cases", "teams", "mandates", "wijkteam"):
        for module in (ROOT / app).rglob("*.py"):
            relative = str(module.relative_to(ROOT))
            if "/tests/" in relative or "/migrations/" in relative or "/management/" in relative:
                continue
            if relative in ALLOWED or relative.endswith("demo.py"):
                continue
            yield relative, module


def _role_names(tree) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in ROLE_MEMBERS:
            if isinstance(node.value, ast.Attribute) and node.value.attr == "AccessRole":
                found.append((node.lineno, f"AccessRole.{node.attr}"))
        elif isinstance(node, ast.Constant) and node.value in ROLE_VALUES:
            found.append((node.lineno, repr(node.value)))
        elif isinstance(node, ast.Attribute) and node.attr in ("is_coordinator", "is_manager", "teams_as"):
            found.append((node.lineno, node.attr))
    return found


def test_roles_are_named_only_in_the_policy_table():
    """grep finds role names only in teams/policy.py (and in the choices, tests and data)."""
    offenders = [
        f"{relative}:{line} {name}"
        for relative, module in _product_modules()
        for line, name in _role_names(ast.parse(module.read_text()))
    ]
    templates = [
        f"{path.relative_to(ROOT)}: {match}"
        for path in (ROOT / "templates").rglob("*.html")
        for match in re.findall(r"roles\.is_(?:coordinator|manager)|AccessRole", path.read_text())
    ]
    assert offenders + templates == []


def test_the_scan_sees_a_role_named_in_a_view():
    tree = ast.parse("if Position.AccessRole.COORDINATOR in held or role == 'manager': pass")
    assert [name for _line, name in _role_names(tree)] == ["AccessRole.COORDINATOR", "'manager'"]


# --- The table's answers -----------------------------------------------------------------------


def test_a_permission_is_held_per_team(world):
    """Coordinator in one team and worker in another: triage in the first only."""
    PositionFactory(user=world.coordinator_a, team=world.team_b, access_role=policy.WORKER)
    assert policy.teams_for(world.coordinator_a, "referral.triage") == [world.team_a.pk]
    assert policy.teams_for(world.coordinator_a, "household.edit") == sorted(
        [world.team_a.pk, world.team_b.pk]
    )
    assert policy.can(world.coordinator_a, "referral.triage", ReferralFactory(team=world.team_a))
    assert not policy.can(world.coordinator_a, "referral.triage", ReferralFactory(team=world.team_b))


@pytest.mark.parametrize(
    "who, perm, expected",
    [
        ("worker_a", "household.edit", True),
        ("manager_ab", "household.edit", False),  # managers read
        ("manager_ab", "household.read", True),
        ("worker_b", "household.read", False),  # another team
        ("former_a", "household.read", False),  # an ended position
        ("partner", "household.read", False),
        ("admin", "household.read", False),  # administrators hold no case role
        ("worker_a", "access_log.read", False),
        ("coordinator_a", "access_log.read", True),
        ("coordinator_a", "consent.override", True),
        ("worker_a", "consent.override", False),
    ],
)
def test_who_holds_what_on_a_household_of_team_a(world, who, perm, expected):
    household = HouseholdFactory(team=world.team_a)
    assert policy.can(getattr(world, who), perm, household) is expected


def test_the_assigned_worker_may_close_a_signal_a_colleague_may_not(world):
    household = HouseholdFactory(team=world.team_a)
    signal = ReferralFactory(
        team=world.team_a, household=household, assigned_to=world.worker_a, status="assigned"
    )
    assert policy.can(world.worker_a, "referral.close", signal)
    assert not policy.can(world.colleague_a, "referral.close", signal)
    assert not policy.can(world.worker_a, "referral.triage", signal)


def test_the_assignment_gives_nothing_outside_the_team(world):
    """An object rule holds only for a member of the object's team (an old assignment after a move)."""
    household = HouseholdFactory(team=world.team_b)
    signal = ReferralFactory(
        team=world.team_b, household=household, assigned_to=world.worker_a, status="assigned"
    )
    assert not policy.can(world.worker_a, "referral.close", signal)


def test_a_closed_household_refuses_every_change_with_the_reason(world):
    household = HouseholdFactory(team=world.team_a, closed=True, lead_worker=world.worker_a)
    assert not policy.can(world.worker_a, "household.edit", household)
    with pytest.raises(PermissionDenied, match="afgesloten"):
        policy.require(world.coordinator_a, "household.edit", household)
    assert policy.can(world.worker_a, "household.reopen", household)
    assert policy.can(world.worker_a, "household.read", household)  # the lead worker keeps it
    assert not policy.can(world.colleague_a, "household.read", household)
    assert policy.can(world.coordinator_a, "household.read", household)


def test_a_partner_reporter_sends_signals_and_holds_nothing_else(world):
    assert policy.can(world.partner, "referral.send")
    assert not policy.can(world.worker_a, "referral.send")
    assert [perm for perm in policy.PERMISSIONS if policy.can(world.partner, perm)] == ["referral.send"]


def test_an_administrator_without_a_position_holds_nothing(world):
    assert [perm for perm in policy.PERMISSIONS if policy.can(world.admin, perm)] == []


def test_an_unknown_permission_is_a_programming_error(world):
    with pytest.raises(KeyError):
        policy.can(world.worker_a, "household.delete")


def test_templates_ask_may_with_underscores(world):
    may = policy.Grants(world.coordinator_a)
    assert may["referral_queue"] and may["access_log_read"] and not may["partner_overview"]
    assert "household_read_closed" in may and "nonsense" not in may


def test_a_position_left_from_before_gives_an_administrator_or_a_partner_no_case_role(world):
    """By construction: even a position made before the rule (or in the database) grants nothing."""
    PositionFactory(user=world.admin, team=world.team_a, access_role=policy.COORDINATOR)
    PositionFactory(user=world.partner, team=world.team_a, access_role=policy.WORKER)
    household = HouseholdFactory(team=world.team_a)
    for user in (world.admin, world.partner):
        user.refresh_from_db()  # the roles are cached per request on the user object
        assert not policy.can(user, "household.read", household)
        assert policy.teams_for(user, "household.read") == []
    assert policy.can(world.partner, "referral.send")
