"""Two people at the same moment: one assignment wins, one double submit makes one signal.

Real threads against PostgreSQL (docs/security.md CC-1, CC-3): each thread has its own connection
and transaction, and a barrier releases them together.
"""

import threading
import time
import uuid

import pytest
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from cases import services
from cases.models import Referral, ReferralDecision
from cases.services import referrals as referral_services
from cases.tests.factories import HouseholdFactory, ReferralFactory
from cases.tests.test_referral_views import partner_post
from teams.tests.factories import PositionFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _postgres(transactional_db):
    if connection.vendor != "postgresql":
        pytest.skip("row locks and concurrent transactions need PostgreSQL")


def run_together(*calls):
    """Run each call in its own thread, released at the same moment; return their results."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def worker(index, call):
        try:
            barrier.wait(timeout=10)
            results[index] = ("ok", call())
        except Exception as error:  # noqa: BLE001 - the test inspects whatever happened
            results[index] = ("error", error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


def _slow_read(original):
    """Read the signal, then pause: without a row lock both threads would now hold 'accepted'."""

    def read(referral):
        fresh = original(referral)
        time.sleep(0.03)
        return fresh

    return read


def test_two_coordinators_assign_the_same_signal(world, monkeypatch):
    """Exactly one assignment succeeds; the other hears who assigned it. 50 times over."""
    monkeypatch.setattr(referral_services, "_locked", _slow_read(referral_services._locked))
    first = world.coordinator_a
    second = PositionFactory(team=world.team_a, access_role="coordinator").user
    household = HouseholdFactory(team=world.team_a)
    for _round in range(50):
        signal = ReferralFactory(team=world.team_a)
        services.referral_accept(referral=signal, by=first, household=household)
        results = run_together(
            lambda s=signal: services.referral_assign(
                referral=s, worker=world.worker_a, by=type(first).objects.get(pk=first.pk)
            ),
            lambda s=signal: services.referral_assign(
                referral=s, worker=world.colleague_a, by=type(second).objects.get(pk=second.pk)
            ),
        )
        outcomes = sorted(kind for kind, _value in results)
        assert outcomes == ["error", "ok"], results
        error = next(value for kind, value in results if kind == "error")
        assert isinstance(error, services.AlreadyDecided), error
        signal.refresh_from_db()
        winner = first if signal.assigned_to == world.worker_a else second
        assert f"{winner} heeft dit signaal al toegewezen aan {signal.assigned_to}" in str(error)
        assert ReferralDecision.objects.filter(referral=signal, kind="assign").count() == 1
        assert signal.history.filter(history_change_reason="Toegewezen").count() == 1


def test_double_submit_at_the_same_moment_makes_one_signal(world, monkeypatch):
    """Both requests pass the "not seen yet" check before either saves, and the second validates
    after the first committed: the database lets one in, the other answers with the same signal."""
    original = Referral.full_clean
    both_inside = threading.Barrier(2)
    calls = []

    def slow_full_clean(self, *args, **kwargs):
        if not kwargs.get("validate_unique", True):
            return original(self, *args, **kwargs)  # the form's own check, before the service
        calls.append(self)
        if len(calls) <= 2:
            both_inside.wait(timeout=10)  # both are past the "not seen yet" check
            if len(calls) == 2 and self is calls[1]:
                time.sleep(0.3)  # the first saves and commits meanwhile
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Referral, "full_clean", slow_full_clean)
    world.team_a.postcode_areas = ["8021"]
    world.team_a.save()
    data = partner_post(submission_id=str(uuid.uuid4()))

    def send():
        client = Client()
        client.force_login(world.partner)
        return client.post(reverse("cases:partner_referral_send"), data)

    results = run_together(send, send)
    assert [kind for kind, _value in results] == ["ok", "ok"], results
    first, second = (response for _kind, response in results)
    assert Referral.objects.count() == 1
    assert first.status_code == second.status_code == 302
    assert (
        first.url
        == second.url
        == reverse("cases:partner_referral_status", args=[Referral.objects.get().reference])
    )
