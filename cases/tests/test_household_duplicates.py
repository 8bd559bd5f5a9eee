"""Duplicates refused or confirmed at every entry by hand, one BSN in one open household of a
team, a child never head of household, and nothing late in a closed household (issue 22)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from cases import services
from cases.models import AccessEvent, Household, Person, Plan
from cases.tests.conftest import born
from cases.tests.factories import (
    ActionFactory,
    HouseholdFactory,
    PersonFactory,
    PlanFactory,
    ReferralFactory,
)
from cases.tests.test_views import _new_household

pytestmark = pytest.mark.django_db

ANNA = {"first_name": "Anna", "last_name": "Nieuw", "birth_date": datetime.date(1985, 5, 1)}


def _registered(team, bsn="", **household):
    """Familie Nieuw at Kerkstraat 3 with Anna Nieuw: what _new_household registers."""
    details = {"name": "Familie Nieuw", "street": "Kerkstraat", "house_number": 3, "postcode": "8021AB"}
    found = HouseholdFactory(team=team, **{**details, **household})
    PersonFactory(household=found, relation="main_resident", bsn=bsn, **ANNA)
    return found


def _post_new(client, team, **overrides):
    data = _new_household(team, member__birth_date="01-05-1985", **overrides)
    return client.post(reverse("cases:household_create"), data)


# --- A household registered by hand -----------------------------------------------------------


def test_an_exact_duplicate_household_is_refused_with_a_link(client, world):
    """Same name, address and member: refused at the name, with a link to the one that exists."""
    existing = _registered(world.team_a)
    client.force_login(world.worker_a)
    response = _post_new(client, world.team_a, duplicate__register_anyway="on")
    assert response.status_code == 200
    assert Household.objects.count() == 1
    assert "Dit huishouden is al geregistreerd" in response.text
    assert existing.get_absolute_url() in response.text
    assert response.context["form"]["name"].value() == "Familie Nieuw", "keeps what was typed"


def test_a_likely_duplicate_needs_register_anyway_and_the_history_keeps_it(client, world):
    """Another address, same person: shown with a link; only 'toch registreren' goes on."""
    existing = _registered(world.team_a, street="Molenweg", house_number=8, postcode="8022CD")
    client.force_login(world.worker_a)
    response = _post_new(client, world.team_a)
    assert response.status_code == 200
    assert Household.objects.count() == 1
    assert "Mogelijk al geregistreerd" in response.text
    assert existing.get_absolute_url() in response.text
    assert response.context["duplicate_form"].errors["register_anyway"]
    shown = AccessEvent.objects.get(household=existing, user=world.worker_a)
    assert shown.persons == [str(existing.members.get().pk)], "what the check showed is logged as read"

    response = _post_new(client, world.team_a, duplicate__register_anyway="on")
    assert response.status_code == 302
    new = Household.objects.exclude(pk=existing.pk).get()
    reason = new.history.get().history_change_reason
    assert reason == "Geregistreerd na controle op dubbelen, niet: Familie Nieuw"


def test_another_teams_household_is_never_mentioned(client, world):
    _registered(world.team_b)
    client.force_login(world.worker_a)
    response = _post_new(client, world.team_a)
    assert response.status_code == 302, "nothing about team B's household, and no hold-up"
    assert Household.objects.filter(team=world.team_a).count() == 1


def test_a_common_last_name_alone_holds_nobody_up(client, world):
    household = HouseholdFactory(
        team=world.team_a, name="Familie Nieuw", street="Molenweg", postcode="8022CD"
    )
    PersonFactory(household=household, first_name="Kees", last_name="Nieuw", birth_date=born(60))
    client.force_login(world.worker_a)
    assert _post_new(client, world.team_a).status_code == 302


def test_the_same_bsn_in_a_new_household_is_refused_at_the_field(client, world):
    _registered(world.team_a, "111222333", street="Molenweg", house_number=8, postcode="8022CD")
    client.force_login(world.worker_a)
    response = _post_new(client, world.team_a, member__bsn="111222333", member__first_name="Annie")
    assert response.status_code == 200
    assert response.context["member_form"].errors["bsn"] == [
        "Dit BSN hoort bij een lid van een ander open huishouden (zie boven)."
    ]
    assert Household.objects.count() == 1


def test_moving_the_person_into_a_new_household_ends_the_other_membership(client, world):
    existing = _registered(world.team_a, "111222333", street="Molenweg", house_number=8, postcode="8022CD")
    anna = existing.members.get()
    client.force_login(world.worker_a)
    response = _post_new(
        client,
        world.team_a,
        member__bsn="111222333",
        duplicate__bsn_decision="move",
        duplicate__move_reason="gaat apart wonen",
        duplicate__register_anyway="on",
    )
    assert response.status_code == 302
    new = Household.objects.exclude(pk=existing.pk).get()
    anna.refresh_from_db()
    assert anna.household == new, "the same person (one record, one history) moved"
    assert Person.objects.filter(bsn="111222333").count() == 1
    assert anna.history.latest().history_change_reason == "Verhuisd uit Familie Nieuw: gaat apart wonen"
    assert existing.history.latest().history_change_reason.startswith(
        "Anna Nieuw verhuisd naar Familie Nieuw"
    )


# --- A member added by hand -------------------------------------------------------------------


def _add_member(client, household, **fields):
    data = {"first_name": "Anna", "last_name": "Nieuw", "birth_date": "01-05-1985", "relation": "partner"}
    return client.post(reverse("cases:person_add", args=[household.pk]), {**data, **fields})


def test_the_same_person_twice_in_one_household_is_refused(client, world):
    household = _registered(world.team_a)
    client.force_login(world.worker_a)
    response = _add_member(client, household)
    assert response.status_code == 200
    assert response.context["form"].errors["last_name"] == ["Deze persoon is al lid van dit huishouden."]
    assert household.members.count() == 1


def test_a_member_of_another_household_needs_register_anyway(client, world):
    other = _registered(world.team_a, street="Molenweg", house_number=8, postcode="8022CD")
    here = HouseholdFactory(team=world.team_a, name="Familie Smit")
    client.force_login(world.worker_a)
    response = _add_member(client, here)
    assert response.status_code == 200
    assert other.get_absolute_url() in response.text
    assert not here.members.exists()
    assert _add_member(client, here, **{"duplicate-register_anyway": "on"}).status_code == 302
    assert (
        here.members.get()
        .history.get()
        .history_change_reason.startswith("Geregistreerd na controle op dubbelen")
    )


def test_the_same_bsn_as_a_new_member_is_refused_then_moved_with_history(client, world):
    other = _registered(world.team_a, "111222333", street="Molenweg", house_number=8, postcode="8022CD")
    anna = other.members.get()
    here = HouseholdFactory(team=world.team_a, name="Familie Smit")
    client.force_login(world.worker_a)
    response = _add_member(client, here, bsn="111222333", first_name="Annie")
    assert response.status_code == 200
    assert "bsn" in response.context["form"].errors
    assert not here.members.exists()

    response = _add_member(client, here, bsn="111222333", **{"duplicate-bsn_decision": "move"})
    assert response.context["duplicate_form"].errors["move_reason"] == ["Geef de reden van de verhuizing."]

    moved = {"duplicate-bsn_decision": "move", "duplicate-move_reason": "woont bij Smit"}
    assert _add_member(client, here, bsn="111222333", **moved).status_code == 302
    anna.refresh_from_db()
    assert anna.household == here
    assert anna.relation == "partner", "what was typed replaces the details"
    assert (
        other.history.latest().history_change_reason
        == "Anna Nieuw verhuisd naar Familie Smit: woont bij Smit"
    )


def test_changing_a_members_bsn_to_anothers_is_refused_without_a_move(client, world):
    _registered(world.team_a, "111222333", street="Molenweg", house_number=8, postcode="8022CD")
    here = HouseholdFactory(team=world.team_a, name="Familie Smit")
    kees = PersonFactory(household=here, first_name="Kees", last_name="Smit", relation="main_resident")
    client.force_login(world.worker_a)
    data = {"first_name": "Kees", "last_name": "Smit", "relation": "main_resident", "bsn": "111222333"}
    data |= {"duplicate-bsn_decision": "move", "duplicate-move_reason": "forged"}
    response = client.post(reverse("cases:person_edit", args=[here.pk, kees.pk]), data)
    assert response.status_code == 200
    assert "bsn" in response.context["form"].errors
    assert "bsn_decision" not in response.text, "a change offers no move"
    assert list(here.members.all()) == [kees]
    kees.refresh_from_db()
    assert kees.bsn == ""


def test_the_service_refuses_a_second_open_household_for_one_bsn(world):
    """Never silently, whatever the entry: the rule is in the service, not only on the form."""
    _registered(world.team_a, "111222333")
    here = HouseholdFactory(team=world.team_a)
    person = Person(first_name="Anna", last_name="Nieuw", relation="partner", bsn="111222333")
    with pytest.raises(ValidationError, match="BSN"):
        services.person_save(person=person, household=here, by=world.worker_a, reason="test")
    assert not here.members.exists()
    # In a closed household, or in another team's, the BSN does not count.
    _registered(world.team_b, "123456782")
    PersonFactory(household=HouseholdFactory(team=world.team_a, closed=True), bsn="123456782")
    person.bsn = "123456782"
    services.person_save(person=person, household=here, by=world.worker_a, reason="test")


# --- A signal about a child -------------------------------------------------------------------


def _child_signal(world, **details):
    child = {
        "subject_first_name": "Noor",
        "subject_last_name": "Bakker",
        "subject_birth_date": born(10),
        "street": "Dorpsstraat",
        "house_number": 12,
        "postcode": "8021AB",
        "city": "Zwolle",
    }
    return ReferralFactory(team=world.team_a, **{**child, **details})


def test_a_child_is_never_head_of_household(world):
    signal = _child_signal(world)
    services.referral_accept(referral=signal, by=world.coordinator_a, create_household=True)
    signal.refresh_from_db()
    assert list(signal.household.members.values_list("first_name", "relation")) == [("Noor", "child")]


def test_the_parent_on_the_signal_becomes_head_of_the_childs_household(world):
    signal = _child_signal(world, guardian_name="Maria de Vries", guardian_relation="parent")
    services.referral_accept(referral=signal, by=world.coordinator_a, create_household=True)
    signal.refresh_from_db()
    head = signal.household.members.get(relation="main_resident")
    assert (head.first_name, head.last_name) == ("Maria", "de Vries")
    assert signal.household.members.get(relation="child").first_name == "Noor"


def test_an_adult_subject_is_still_head_of_household(world):
    signal = _child_signal(world, subject_birth_date=born(18))
    services.referral_accept(referral=signal, by=world.coordinator_a, create_household=True)
    signal.refresh_from_db()
    assert signal.household.members.get().relation == "main_resident"


# --- Nothing is late in a closed household --------------------------------------------------


def test_a_closed_household_is_never_evaluation_overdue(client, world):
    late = timezone.localdate() - datetime.timedelta(days=10)
    open_one = HouseholdFactory(team=world.team_a, lead_worker=world.worker_a, name="Familie Open")
    closed = HouseholdFactory(
        team=world.team_a, lead_worker=world.worker_a, name="Familie Dicht", closed=True
    )
    PlanFactory(household=open_one, evaluation_date=late)
    plan = PlanFactory(household=closed, evaluation_date=late)
    assert list(Plan.objects.evaluation_due()) == [open_one.plans.get()]
    assert not Plan.objects.get(pk=plan.pk).evaluation_overdue
    client.force_login(world.worker_a)
    desk = client.get(reverse("cases:household_list")).context["plans_to_look_at"]
    assert [p.household for p in desk] == [open_one]
    page = client.get(reverse("cases:plan_detail", args=[closed.pk]))
    assert "te laat" not in page.text
    assert "te laat" in client.get(reverse("cases:plan_detail", args=[open_one.pk])).text


# --- Deadlines: "uiterlijk" -------------------------------------------------------------------


def test_an_actions_deadline_reads_uiterlijk(client, world):
    household = HouseholdFactory(team=world.team_a, lead_worker=world.worker_a)
    due = timezone.localdate() + datetime.timedelta(days=7)
    ActionFactory(plan=PlanFactory(household=household), worker=world.worker_a, due_date=due)
    client.force_login(world.worker_a)
    text = client.get(reverse("cases:plan_detail", args=[household.pk])).text
    assert f"uiterlijk {due:%d-%m-%Y}" in text
    assert f"door {due:%d-%m-%Y}" not in text
