"""A mandate's status follows one table (mandates/workflow.py), in the form and in a review."""

import itertools

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext

from mandates import services
from mandates.demo import MANDATES, seed_mandates
from mandates.models import Mandate, MandateReview
from mandates.tests.factories import MandateFactory
from mandates.workflow import MANDATE
from teams.tests.factories import OrganisationFactory
from wijkteam.statemachine import NO_CHANGE, TransitionError

pytestmark = pytest.mark.django_db

# (state, transition) -> the state it leads to; every pair not listed is refused.
DOCUMENTED = {
    ("draft", "activate"): "active",
    ("suspended", "activate"): "active",
    ("active", "suspend"): "suspended",
    ("active", "end"): "ended",
    ("suspended", "end"): "ended",
}
FINAL = {"ended"}
STATES = ["draft", "active", "suspended", "ended"]


def row_and_history(mandate):
    return Mandate.objects.filter(pk=mandate.pk).values().get(), mandate.history.count()


# --- The table ------------------------------------------------------------------------------


@pytest.mark.parametrize("transition", sorted(set(MANDATE.transitions) | {t for _s, t in DOCUMENTED}))
@pytest.mark.parametrize("state", STATES)
def test_every_state_and_transition(state, transition):
    """A documented transition leads to its documented state; every other pair is refused."""
    if (state, transition) in DOCUMENTED:
        assert MANDATE.check(state, transition) == DOCUMENTED[state, transition]
    else:
        with pytest.raises(TransitionError):
            MANDATE.check(state, transition)


@pytest.mark.parametrize("state", STATES)
def test_what_each_state_allows_and_ended_allows_nothing(state):
    assert set(MANDATE.states.values) == set(STATES)
    assert MANDATE.allowed(state) == {t for s, t in DOCUMENTED if s == state}
    assert MANDATE.is_final(state) == (state in FINAL)


# --- The form: stay, or follow the table ----------------------------------------------------


@pytest.mark.parametrize(("stored", "wanted"), list(itertools.product(STATES, STATES)))
def test_saving_keeps_the_status_or_follows_the_table(world, stored, wanted):
    """An edit may keep the status or take one documented step; anything else is refused on the
    status field, and neither the mandate nor its history changes."""
    mandate = MandateFactory(team=world.team_a, status=stored)
    before = row_and_history(mandate)
    mandate.status = wanted
    mandate.scope = "Ook huisbezoeken"
    if wanted == stored or (stored, wanted) in {(s, target) for (s, _t), target in DOCUMENTED.items()}:
        services.mandate_save(mandate=mandate, by=world.manager_ab, reason="Bijgewerkt")
        assert Mandate.objects.get(pk=mandate.pk).status == wanted
        assert mandate.history.count() == before[1] + 1
    else:
        with pytest.raises(ValidationError) as refused:
            services.mandate_save(mandate=mandate, by=world.manager_ab, reason="Bijgewerkt")
        assert refused.value.message_dict == {
            "status": [
                NO_CHANGE % {"state": Mandate.Status(stored).label, "target": Mandate.Status(wanted).label}
            ]
        }
        assert row_and_history(mandate) == before


@pytest.mark.parametrize("status", STATES)
def test_a_new_mandate_may_be_recorded_in_any_status(world, status):
    """It may describe an agreement already in force, suspended or over."""
    mandate = MandateFactory.build(team=world.team_a, organisation=OrganisationFactory(), status=status)
    saved = services.mandate_save(mandate=mandate, by=world.manager_ab, reason="")
    assert Mandate.objects.get(pk=saved.pk).status == status


# --- A review that ends the mandate -----------------------------------------------------------


def end_review() -> MandateReview:
    return MandateReview(reviewed_on=timezone.localdate(), decision=MandateReview.Decision.END, notes="Stop")


def test_a_review_ends_an_active_mandate(world):
    mandate = MandateFactory(team=world.team_a)
    services.mandate_review(mandate=mandate, review=end_review(), by=world.manager_ab)
    mandate.refresh_from_db()
    assert (mandate.status, mandate.next_review_on) == ("ended", None)


@pytest.mark.parametrize("status", ["draft", "ended"])
def test_a_review_cannot_end_a_draft_or_an_ended_mandate(world, status):
    mandate = MandateFactory(team=world.team_a, status=status)
    before = row_and_history(mandate)
    with pytest.raises(ValidationError) as refused:
        services.mandate_review(mandate=mandate, review=end_review(), by=world.manager_ab)
    assert list(refused.value.message_dict) == ["decision"]
    assert row_and_history(mandate) == before
    assert not MandateReview.objects.exists()


def test_a_refusal_says_which_step_is_not_possible():
    with pytest.raises(TransitionError) as refused:
        MANDATE.check("ended", "activate")
    assert str(refused.value) == gettext(
        "This mandate is “%(state)s”; “%(transition)s” is not possible now."
    ) % {"state": gettext("Ended"), "transition": gettext("Activate")}


# --- The demo -------------------------------------------------------------------------------


def test_the_demo_mandates_load_in_every_status(world):
    """The ended demo mandate was active until its review ended it."""
    organisations = {partner: OrganisationFactory(name=partner, is_partner=True) for partner, *_ in MANDATES}
    seed_mandates(world.team_a, organisations, world.manager_ab)
    mandates = Mandate.objects.filter(team=world.team_a)
    assert sorted(mandates.values_list("status", flat=True)) == sorted(row[5] for row in MANDATES)
    ended = mandates.get(status="ended")
    assert ended.reviews.get().decision == MandateReview.Decision.END
    assert [h.status for h in ended.history.order_by("history_date", "history_id")] == ["active", "ended"]
