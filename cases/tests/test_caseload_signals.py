"""The caseload keeps the thread (issue 16): signals assigned to the worker whose first contact
is still to be made head *Mijn caseload*, with the triage queue's red marks when overdue."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases.models import Referral
from cases.tests.factories import ContactFactory, HouseholdFactory, ReferralFactory

pytestmark = pytest.mark.django_db
CASELOAD = reverse("cases:caseload")


def assigned(world, *, worker=None, days_overdue=0, urgency="normal", status="assigned", **fields):
    """A signal assigned to `worker` (worker_a), its first-contact deadline `days_overdue` ago."""
    worker = worker or world.worker_a
    household = HouseholdFactory(team=world.team_a, lead_worker=worker)
    return ReferralFactory(
        team=world.team_a,
        household=household,
        status=status,
        assigned_to=worker,
        urgency=urgency,
        received_at=timezone.now() - datetime.timedelta(days=days_overdue + 10),
        first_contact_due=timezone.localdate() - datetime.timedelta(days=days_overdue),
        **fields,
    )


def section(text: str) -> str:
    start = text.index('id="assigned-signals"')
    return text[start : text.index("</section>", start)]


def test_an_assigned_overdue_signal_heads_the_caseload_with_the_overdue_mark(client, world):
    """The issue's test: an urgent signal past its first-contact deadline is above the households,
    marked as the queue marks it (red border, 'overdue since' in red, the urgency badge)."""
    HouseholdFactory(team=world.team_a, lead_worker=world.worker_a, name="Familie Aarts")
    signal = assigned(world, days_overdue=3, urgency="urgent")
    client.force_login(world.worker_a)
    page = client.get(CASELOAD).text
    head = section(page)
    assert signal.reference in head
    assert "border-danger" in head and "text-danger" in head
    assert "Eerste contact te laat sinds" in head
    assert signal.first_contact_due.strftime("%d-%m-%Y") in head
    assert "text-bg-warning" in head  # urgent, as in the queue
    assert page.index('id="assigned-signals"') < page.index(f'id="row-{signal.household_id}"')
    assert page.index('id="assigned-signals"') < page.index("Familie Aarts")


def test_a_new_assigned_signal_is_listed_without_the_mark_and_overdue_ones_come_first(client, world):
    fresh = assigned(world, days_overdue=-5)
    late = assigned(world, days_overdue=1)
    client.force_login(world.worker_a)
    head = section(client.get(CASELOAD).text)
    assert head.index(late.reference) < head.index(fresh.reference)
    items = head.split("<li ")[1:]
    assert [("border-danger" in item, fresh.reference in item) for item in items] == [
        (True, False),
        (False, True),
    ]


def test_only_a_contact_that_reached_someone_after_the_signal_ends_the_wait(client, world):
    attempt = assigned(world, days_overdue=2)
    ContactFactory(household=attempt.household, recorded_by=world.worker_a, reached=False)
    reached = assigned(world, days_overdue=2)
    ContactFactory(household=reached.household, recorded_by=world.worker_a, reached=True)
    before = assigned(world, days_overdue=2)
    ContactFactory(
        household=before.household,
        recorded_by=world.worker_a,
        reached=True,
        at=before.received_at - datetime.timedelta(days=1),
    )
    client.force_login(world.worker_a)
    shown = {signal.reference for signal in client.get(CASELOAD).context["assigned_signals"]}
    assert shown == {attempt.reference, before.reference}


def test_only_the_workers_own_signals_still_open(client, world):
    mine = assigned(world)
    assigned(world, worker=world.colleague_a)
    assigned(world, status=Referral.Status.CLOSED)
    client.force_login(world.worker_a)
    shown = [signal.reference for signal in client.get(CASELOAD).context["assigned_signals"]]
    assert shown == [mine.reference]


def test_the_coordinator_sees_them_on_the_workers_caseload(client, world):
    signal = assigned(world, days_overdue=4)
    client.force_login(world.coordinator_a)
    page = client.get(CASELOAD, {"worker": world.worker_a.pk}).text
    head = section(page)
    assert signal.reference in head and "border-danger" in head
    own = client.get(CASELOAD).text
    assert 'id="assigned-signals"' not in own, "not on the coordinator's own caseload"


def test_the_caseload_costs_the_same_queries_for_1_and_50_signals(client, world):
    """One query for the section, however many signals."""

    def count(extra: int) -> int:
        for _index in range(extra):
            assigned(world, days_overdue=1, urgency="crisis")
        with CaptureQueriesContext(connection) as queries:
            response = client.get(CASELOAD)
        assert response.status_code == 200
        return len(queries), len(response.context["assigned_signals"])

    client.force_login(world.worker_a)
    client.get(CASELOAD)  # the first request of a session does more (the session itself)
    one, shown_one = count(1)
    fifty, shown_fifty = count(49)
    assert (shown_one, shown_fifty) == (1, 50)
    assert one == fifty
