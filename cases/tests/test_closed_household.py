"""A closed household cannot be changed in any way until it is reopened with a reason.

Generated from the views' declarations (cases/gateway.py): every view that changes a household's
data is tried on a closed one, by its lead worker and by the coordinator, with GET and POST.
"""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import get_resolver, reverse

from cases import gateway, services
from cases.models import AccessRequest, Appointment, Household
from cases.tests.factories import (
    ActionFactory,
    CaseReviewFactory,
    ConsentDecisionFactory,
    GoalFactory,
    HouseholdFactory,
    NetworkMemberFactory,
    PersonFactory,
    PlanFactory,
    SafetyWarningFactory,
    TaskFactory,
)
from tests.test_urls import walk

pytestmark = pytest.mark.django_db


def _changing_views(patterns):
    for name, route, pattern in walk(patterns):
        declaration = gateway.declared(pattern.callback)
        if declaration and declaration[0] == gateway.CHANGES and declaration[3] in ("household", "task"):
            yield name, route


CHANGING = sorted(set(_changing_views(get_resolver().url_patterns)))


class Closed:
    def __init__(self, world):
        household = HouseholdFactory(team=world.team_a, lead_worker=world.worker_a)
        self.person = PersonFactory(household=household)
        self.plan = PlanFactory(household=household)
        self.goal = GoalFactory(plan=self.plan)
        self.action = ActionFactory(plan=self.plan, worker=world.worker_a)
        self.member = NetworkMemberFactory(household=household)
        self.review = CaseReviewFactory(household=household)
        self.warning = SafetyWarningFactory(household=household, recorded_by=world.worker_a)
        self.task = TaskFactory(household=household)
        self.consent = ConsentDecisionFactory(
            person=self.person, recipient=world.partner.organisation, recorded_by=world.worker_a
        )
        self.access_request = AccessRequest.objects.create(
            person=self.person, due_on="2026-12-31", recorded_by=world.worker_a
        )
        self.appointment = Appointment.objects.create(
            household=household,
            kind="call",
            date="2026-12-31",
            starts_at="10:00",
            ends_at="10:30",
            created_by=world.worker_a,
        )
        from documents.testing import stored_document

        self.document = stored_document(household, world.worker_a)
        services.household_close(
            household=household,
            by=world.worker_a,
            end_result="quick_fix",
            handed_over_to=None,
            reason="Doelen bereikt",
            cancel_open_actions=True,
        )
        self.household = Household.objects.get(pk=household.pk)

    def kwargs(self, route: str) -> dict:
        if route.startswith("tasks/"):
            return {"pk": self.task.pk}
        values = {
            "pk": self.household.pk,
            "person_pk": self.person.pk,
            "goal_pk": self.goal.pk,
            "action_pk": self.action.pk,
            "member_pk": self.member.pk,
            "review_pk": self.review.pk,
            "line": 0,
            "warning_pk": self.warning.pk,
            "decision_pk": self.consent.pk,
            "request_pk": self.access_request.pk,
            "appointment_pk": self.appointment.pk,
            "document_pk": self.document.pk,
        }
        return {key: value for key, value in values.items() if f":{key}>" in route}


def _fingerprint(household):
    """Everything a change would leave: the household's and its children's history."""
    from cases.models import Action, Appointment, Contact, NetworkMember, Person, Plan, SafetyWarning, Task

    return (
        household.history.count(),
        Person.history.filter(household_id=household.pk).count(),
        Plan.history.filter(household_id=household.pk).count(),
        Action.history.filter(plan_id__in=household.plans.values("pk")).count(),
        NetworkMember.history.filter(household_id=household.pk).count(),
        SafetyWarning.history.filter(household_id=household.pk).count(),
        Task.history.filter(household_id=household.pk).count(),
        Contact.objects.filter(household=household).count(),
        Appointment.history.filter(household_id=household.pk).count(),
        household.consent_decisions().count(),
    )


def test_the_walk_finds_the_changing_views():
    names = {name for name, _route in CHANGING}
    assert {"cases:household_edit", "cases:person_edit", "cases:contact_add", "cases:plan_edit"} <= names
    assert "cases:household_reopen" in names


# Reopening is the one way back (tested below).
REFUSED = [(name, route) for name, route in CHANGING if name != "cases:household_reopen"]


@pytest.mark.parametrize("name, route", REFUSED, ids=[name for name, _route in REFUSED])
def test_every_change_is_refused_while_closed(client, world, name, route):
    """The lead worker and the coordinator get 403 with the reason, and nothing changes."""
    closed = Closed(world)
    url = reverse(name, kwargs=closed.kwargs(route))
    before = _fingerprint(closed.household)
    for user in (world.worker_a, world.coordinator_a):
        client.force_login(user)
        for method in ("get", "post"):
            response = getattr(client, method)(url, {"reason": "x", "note": "x", "what": "x"})
            if response.status_code == 405:
                continue
            assert response.status_code == 403, (user, method, response.status_code)
            assert "afgesloten" in response.text, response.text[:500]
            assert f'href="{closed.household.get_absolute_url()}"' in response.text  # back, to reopen
    assert _fingerprint(closed.household) == before


def test_reopening_with_a_reason_makes_it_editable_again(client, world):
    closed = Closed(world)
    client.force_login(world.worker_a)
    reopen = reverse("cases:household_reopen", args=[closed.household.pk])
    response = client.post(reopen, {"reason": ""})
    assert response.status_code == 200  # the form again, with the message at the field
    assert Household.objects.get(pk=closed.household.pk).status == Household.Status.CLOSED
    assert client.post(reopen, {"reason": "Moeder belt opnieuw"}).status_code == 302
    household = Household.objects.get(pk=closed.household.pk)
    assert household.status == Household.Status.OPEN
    assert household.history.first().history_change_reason == "Heropend: Moeder belt opnieuw"
    assert client.get(reverse("cases:household_edit", args=[household.pk])).status_code == 200


def test_an_open_household_cannot_be_reopened(client, world):
    household = HouseholdFactory(team=world.team_a, lead_worker=world.worker_a)
    client.force_login(world.worker_a)
    response = client.post(reverse("cases:household_reopen", args=[household.pk]), {"reason": "x"})
    assert response.status_code == 200
    assert Household.objects.get(pk=household.pk).history.count() == household.history.count()


def test_services_refuse_too_whoever_calls_them(world):
    """Not only the pages: a service called directly refuses a closed household."""
    closed = Closed(world)
    person = closed.person
    person.first_name = "Anders"
    with pytest.raises(PermissionDenied, match="afgesloten"):
        services.person_save(person=person, household=closed.household, by=world.worker_a, reason="x")
