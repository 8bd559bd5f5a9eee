"""The permission matrix: every URL of the apps × method × role → the expected answer.

Deny by default: a URL of cases, teams or mandates that is missing from MATRIX fails the test.
Every cell is requested against real objects of team A; no cell may answer 5xx, and a worker of
another team, a partner or an administrator gets 404 on team A's case pages.
"""

import pytest
from django.urls import reverse

from cases.models import AccessRequest
from cases.tests.factories import (
    ActionFactory,
    CaseReviewFactory,
    ConsentDecisionFactory,
    GoalFactory,
    HouseholdFactory,
    NetworkMemberFactory,
    PersonFactory,
    PlanFactory,
    ReferralFactory,
    SafetyWarningFactory,
    TaskFactory,
)
from mandates.tests.factories import MandateFactory
from teams.models import Position
from tests.test_urls import URLS

ROLES = ["anonymous", "partner", "worker", "other_worker", "coordinator", "manager", "admin"]
OK = "ok"  # shown, redirected within the app, or a form error (2xx, 3xx, 400, 409)
LOGIN = "login"  # redirected to the login page


def profile(*answers):
    return dict(zip(ROLES, answers, strict=True))


# The expected answer per role, in the order of ROLES.
READ = profile(LOGIN, 404, OK, 404, OK, OK, 404)  # household data, read
EDIT = profile(LOGIN, 404, OK, 404, OK, 403, 404)  # household data, change (managers read only)
OVERSEE = profile(LOGIN, 404, 403, 404, OK, OK, 404)  # the household's access log
TRIAGE = profile(LOGIN, 404, 403, 404, OK, 403, 404)  # a decision on a signal
QUEUE = profile(LOGIN, 403, 403, 403, OK, OK, 403)  # coordinators and managers
TEAM = profile(LOGIN, 403, OK, OK, OK, OK, 403)  # any team member, in their own scope
COORDINATOR = profile(LOGIN, 403, 403, 403, OK, 403, 403)
MANAGER = profile(LOGIN, 403, 403, 403, 403, OK, 403)
MANDATE_READ = profile(LOGIN, 403, 403, 403, OK, OK, 403)
PARTNER = profile(LOGIN, OK, 403, 403, 403, 403, 403)
ONLY_POST = profile(LOGIN, 405, 405, 405, 405, 405, 405)

MATRIX = {
    # households and the desk
    "cases:household_list": {"GET": TEAM},
    "cases:household_create": {"GET": TEAM | {"manager": 403}, "POST": TEAM | {"manager": 403}},
    "cases:household_detail": {"GET": READ},
    "cases:household_edit": {"GET": EDIT, "POST": EDIT},
    "cases:household_history": {"GET": READ},
    "cases:household_access_log": {"GET": OVERSEE},
    "cases:household_close": {"GET": EDIT, "POST": EDIT},
    "cases:household_reopen": {"GET": EDIT, "POST": EDIT},
    "cases:person_add": {"GET": EDIT, "POST": EDIT},
    "cases:person_edit": {"GET": EDIT, "POST": EDIT},
    "cases:person_export": {"GET": EDIT},  # the allowed get the step-up redirect first
    "cases:access_request_add": {"GET": ONLY_POST, "POST": EDIT},
    "cases:access_request_answered": {"GET": ONLY_POST, "POST": EDIT},
    "cases:consent_add": {"GET": EDIT, "POST": EDIT},
    "cases:consent_withdraw": {"GET": ONLY_POST, "POST": EDIT},
    "cases:share_add": {"GET": EDIT, "POST": EDIT},
    "cases:network_add": {"GET": EDIT, "POST": EDIT},
    "cases:network_edit": {"GET": EDIT, "POST": EDIT},
    "cases:contact_add": {"GET": EDIT, "POST": EDIT},
    "cases:warning_add": {"GET": EDIT, "POST": EDIT},
    "cases:warning_end": {"GET": ONLY_POST, "POST": EDIT},
    "cases:follow_up_decide": {"GET": EDIT, "POST": EDIT},
    "cases:task_complete": {"GET": ONLY_POST, "POST": EDIT},
    # the plan
    "cases:plan_detail": {"GET": READ},
    "cases:plan_version": {"GET": READ},
    "cases:plan_print": {"GET": READ},
    "cases:plan_start": {"GET": ONLY_POST, "POST": EDIT},
    "cases:plan_edit": {"GET": EDIT, "POST": EDIT},
    "cases:plan_evaluate": {"GET": EDIT, "POST": EDIT},
    "cases:plan_approval": {"GET": ONLY_POST, "POST": EDIT},
    "cases:goal_add": {"GET": EDIT, "POST": EDIT},
    "cases:goal_edit": {"GET": EDIT, "POST": EDIT},
    "cases:action_add": {"GET": EDIT, "POST": EDIT},
    "cases:action_edit": {"GET": EDIT, "POST": EDIT},
    "cases:action_done": {"GET": ONLY_POST, "POST": EDIT},
    "cases:assessments": {"GET": READ},
    "cases:assessment_add": {"GET": EDIT, "POST": EDIT},
    "cases:review_add": {"GET": EDIT, "POST": EDIT},
    "cases:review_edit": {"GET": EDIT, "POST": EDIT},
    "cases:review_follow_up": {"GET": ONLY_POST, "POST": EDIT},
    # signals (the signal is assigned to the worker, so the worker reads it)
    "cases:referral_queue": {"GET": QUEUE},
    "cases:referral_create": {"GET": COORDINATOR, "POST": COORDINATOR},
    "cases:referral_detail": {"GET": READ},
    "cases:referral_household_search": {"GET": TRIAGE},
    "cases:referral_accept": {"GET": ONLY_POST, "POST": TRIAGE},
    "cases:referral_assign": {"GET": ONLY_POST, "POST": TRIAGE},
    "cases:referral_reassign": {"GET": ONLY_POST, "POST": TRIAGE},
    "cases:referral_decline": {"GET": ONLY_POST, "POST": TRIAGE},
    "cases:referral_forward": {"GET": ONLY_POST, "POST": TRIAGE},
    "cases:referral_merge": {"GET": ONLY_POST, "POST": TRIAGE},
    "cases:referral_close": {"GET": ONLY_POST, "POST": TRIAGE | {"worker": OK}},
    "cases:referral_interests": {"GET": ONLY_POST, "POST": TRIAGE | {"worker": OK}},
    "cases:referral_emergency": {"GET": READ, "POST": READ},
    "cases:partner_referral_send": {"GET": PARTNER, "POST": PARTNER},
    "cases:partner_referral_list": {"GET": PARTNER},
    "cases:partner_referral_status": {"GET": PARTNER},
    # on the road and the team's figures
    "cases:caseload": {"GET": TEAM},
    "cases:follow_up_list": {"GET": TEAM},
    "cases:outreach_figures": {"GET": QUEUE},
    "cases:user_access_log": {"GET": QUEUE},
    # the team, positions and mandates
    "teams:overview": {"GET": MANAGER},
    "teams:team_edit": {"GET": MANAGER, "POST": MANAGER},
    "teams:positions": {"GET": MANAGER},
    "teams:position_add": {"GET": MANAGER, "POST": MANAGER},
    "teams:position_edit": {"GET": MANAGER, "POST": MANAGER},
    "teams:my_position": {"GET": TEAM},
    "mandates:list": {"GET": MANDATE_READ},
    "mandates:detail": {"GET": MANDATE_READ},
    "mandates:add": {"GET": MANAGER, "POST": MANAGER},
    "mandates:edit": {"GET": MANAGER, "POST": MANAGER},
    "mandates:review": {"GET": MANAGER, "POST": MANAGER},
    "mandates:partners": {"GET": MANAGER},
    "mandates:partner": {"GET": MANAGER},
    "mandates:partners_csv": {"GET": MANAGER},
}

APP_URLS = sorted(
    name for name, _route in URLS if name and name.split(":")[0] in ("cases", "teams", "mandates")
)


def test_every_app_url_is_in_the_matrix():
    """Deny by default: a new URL must be given its row before anything passes."""
    assert sorted(set(APP_URLS) - set(MATRIX)) == []
    assert sorted(set(MATRIX) - set(APP_URLS)) == [], "rows for URLs that no longer exist"


class Objects:
    """Real objects of team A, one of each kind; worker_a leads the household and has the signal."""

    def __init__(self, world):
        self.household = HouseholdFactory(team=world.team_a, lead_worker=world.worker_a)
        self.person = PersonFactory(household=self.household)
        self.plan = PlanFactory(household=self.household)
        self.goal = GoalFactory(plan=self.plan)
        self.action = ActionFactory(plan=self.plan, worker=world.worker_a)
        self.member = NetworkMemberFactory(household=self.household)
        self.review = CaseReviewFactory(household=self.household)
        self.warning = SafetyWarningFactory(household=self.household, recorded_by=world.worker_a)
        self.task = TaskFactory(household=self.household)
        self.referral = ReferralFactory(
            team=world.team_a,
            household=self.household,
            assigned_to=world.worker_a,
            status="assigned",
            sender_organisation=world.partner.organisation,
            submitted_by=world.partner,
        )
        self.consent = ConsentDecisionFactory(
            person=self.person, recipient=world.partner.organisation, recorded_by=world.worker_a
        )
        self.access_request = AccessRequest.objects.create(
            person=self.person, due_on="2026-12-31", recorded_by=world.worker_a
        )
        self.mandate = MandateFactory(team=world.team_a, organisation=world.partner.organisation)
        self.position = Position.objects.get(user=world.worker_a)
        self.team = world.team_a
        self.worker = world.worker_a

    def kwargs(self, name: str) -> dict:
        household = {"pk": self.household.pk}
        by_name = {
            "cases:person_edit": {**household, "person_pk": self.person.pk},
            "cases:person_export": {**household, "person_pk": self.person.pk},
            "cases:access_request_add": {**household, "person_pk": self.person.pk},
            "cases:access_request_answered": {**household, "request_pk": self.access_request.pk},
            "cases:consent_add": {**household, "person_pk": self.person.pk},
            "cases:consent_withdraw": {**household, "decision_pk": self.consent.pk},
            "cases:network_edit": {**household, "member_pk": self.member.pk},
            "cases:warning_end": {**household, "warning_pk": self.warning.pk},
            "cases:plan_version": {**household, "number": self.plan.number},
            "cases:goal_edit": {**household, "goal_pk": self.goal.pk},
            "cases:action_edit": {**household, "action_pk": self.action.pk},
            "cases:action_done": {**household, "action_pk": self.action.pk},
            "cases:review_edit": {**household, "review_pk": self.review.pk},
            "cases:review_follow_up": {**household, "review_pk": self.review.pk, "line": 0},
            "cases:task_complete": {"pk": self.task.pk},
            "cases:partner_referral_status": {"reference": self.referral.reference},
            "cases:user_access_log": {"user_pk": self.worker.pk},
            "teams:team_edit": {"pk": self.team.pk},
            "teams:positions": {"pk": self.team.pk},
            "teams:position_add": {"pk": self.team.pk},
            "teams:position_edit": {"pk": self.team.pk, "position_pk": self.position.pk},
            "mandates:detail": {"pk": self.mandate.pk},
            "mandates:edit": {"pk": self.mandate.pk},
            "mandates:review": {"pk": self.mandate.pk},
            "mandates:partner": {"pk": self.mandate.organisation_id},
        }
        if name in by_name:
            return by_name[name]
        if name.startswith("cases:referral_") and name not in (
            "cases:referral_queue",
            "cases:referral_create",
        ):
            return {"pk": self.referral.pk}
        return household if "<uuid:pk>" in dict(URLS)[name] else {}


def matches(expected, response) -> bool:
    status = response.status_code
    if expected == LOGIN:
        return status == 302 and "/accounts/login/" in response.url
    if expected == OK:
        return status < 400 or status in (400, 409)
    return status == expected


def assert_hardened(response) -> None:
    """The headers every authenticated page carries (SECURITY.md, issue 9 item 5)."""
    csp = response["Content-Security-Policy"]
    for directive in (
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "script-src 'self'",
    ):
        assert directive in csp, directive
    assert "unsafe-inline" not in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "no-store" in response["Cache-Control"]
    assert response["X-Request-ID"]


CELLS = [(name, method) for name in sorted(MATRIX) for method in MATRIX[name]]


@pytest.mark.django_db
@pytest.mark.parametrize("name, method", CELLS, ids=[f"{n}-{m}" for n, m in CELLS])
def test_every_cell(client, world, name, method):
    """Each role gets what the matrix says, and nobody gets a 5xx."""
    objects = Objects(world)
    url = reverse(name, kwargs=objects.kwargs(name))
    users = {
        "anonymous": None,
        "partner": world.partner,
        "worker": world.worker_a,
        "other_worker": world.worker_b,
        "coordinator": world.coordinator_a,
        "manager": world.manager_ab,
        "admin": world.admin,
    }
    wrong = []
    for role, user in users.items():
        client.logout()
        if user is not None:
            client.force_login(user)
        response = client.get(url) if method == "GET" else client.post(url, {})
        assert response.status_code < 500, (role, response.status_code)
        if user is not None and response.status_code == 200:
            assert_hardened(response)
        if not matches(MATRIX[name][method][role], response):
            wrong.append((role, MATRIX[name][method][role], response.status_code))
    assert wrong == []
