"""The permission matrix's objects (tests/test_permission_matrix.py Objects) taken from the demo
(seed_demo) instead of made by factories: the pages of every role are then opened on the data a
new user sees on the first day, with its volumes (40 households a team, a dozen partners).

Team Noord stands for team A, worker.noord for the worker, partner.school for the partner. An
object the demo has none of in the state a URL needs (a warning on the worker's household, an
access request) is made by the same factory as in the matrix, on the demo's household.
"""

import datetime
from types import SimpleNamespace

from django.db.models import Count

from cases.models import (
    AccessRequest,
    CaseReview,
    ConsentDecision,
    Goal,
    Household,
    NetworkMember,
    Person,
    Referral,
    SafetyWarning,
    Task,
)
from cases.tests.factories import (
    CaseReviewFactory,
    ConsentDecisionFactory,
    NetworkMemberFactory,
    PersonFactory,
    SafetyWarningFactory,
    TaskFactory,
)
from mandates.models import Mandate
from mandates.tests.factories import MandateFactory
from teams.models import Position, Team, User
from tests.test_permission_matrix import Objects

# A matrix role → the demo account that plays it.
DEMO_ACCOUNTS = {
    "worker": "worker.noord",
    "coordinator": "coordinator.noord",
    "manager": "manager",
    "partner": "partner.school",
    "admin": "admin",
}


def _or(found, make):
    return found if found is not None else make()


class DemoObjects(Objects):
    """Objects of team Noord in the demo: worker.noord's open household with the most ZRM
    scores (the chart), its current plan, and what hangs off them."""

    def __init__(self):
        team = Team.objects.get(name="Noord")
        worker = User.objects.get(username=DEMO_ACCOUNTS["worker"])
        partner = User.objects.select_related("organisation").get(username=DEMO_ACCOUNTS["partner"])
        self.world = SimpleNamespace(
            team_a=team,
            worker_a=worker,
            partner=partner,
            coordinator_a=User.objects.get(username=DEMO_ACCOUNTS["coordinator"]),
        )
        self.team, self.worker = team, worker
        household = (
            Household.objects.filter(team=team, lead_worker=worker, status="open", plans__status="current")
            .annotate(scores=Count("members__assessments", distinct=True))
            .order_by("-scores", "pk")
            .first()
        )
        assert household is not None, "the demo gives worker.noord an open household with a plan"
        self.household = household
        adults = Person.objects.filter(household=household, birth_date__lte=datetime.date(2000, 1, 1))
        self.person = _or(
            adults.order_by("pk").first(),
            lambda: PersonFactory(household=household, birth_date=datetime.date(1980, 5, 1)),
        )
        self.plan = household.plans.get(status="current")
        self.goal = Goal.objects.filter(plan=self.plan).order_by("pk").first()
        self.action = self.plan.actions.order_by("pk").first()
        assert self.goal and self.action, "the demo's current plans have goals and actions"
        self.member = _or(
            NetworkMember.objects.filter(household=household).order_by("pk").first(),
            lambda: NetworkMemberFactory(household=household),
        )
        self.review = _or(
            CaseReview.objects.filter(household=household).order_by("pk").first(),
            lambda: CaseReviewFactory(household=household),
        )
        self.warning = _or(
            SafetyWarning.objects.filter(household=household).active().first(),
            lambda: SafetyWarningFactory(household=household, recorded_by=worker),
        )
        self.task = _or(
            Task.objects.filter(household=household, status="open").order_by("pk").first(),
            lambda: TaskFactory(household=household),
        )
        self.referral = _or(
            Referral.objects.filter(
                team=team, household=household, assigned_to=worker, sender_organisation=partner.organisation
            ).first(),
            lambda: self._signal(status="assigned", household=household, assigned_to=worker),
        )
        self.consent = _or(
            ConsentDecision.objects.filter(person=self.person, decision="given").first(),
            lambda: ConsentDecisionFactory(
                person=self.person, recipient=partner.organisation, recorded_by=worker
            ),
        )
        self.access_request = AccessRequest.objects.create(
            person=self.person, due_on=datetime.date(2026, 12, 31), recorded_by=worker
        )
        self.mandate = _or(
            Mandate.objects.filter(team=team, organisation=partner.organisation).first(),
            lambda: MandateFactory(team=team, organisation=partner.organisation, categories=["contact"]),
        )
        self.position = Position.objects.get(user=worker, team=team)
