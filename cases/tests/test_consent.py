"""Consent by age, withdrawing in one step, the sharing gate, graded feedback, emergency access."""

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from cases import services
from cases.models import AccessEvent, ConsentDecision, Share
from cases.tests.factories import ReferralFactory
from tests.test_export import login_for_real

pytestmark = pytest.mark.django_db


def consent_to(world, **overrides) -> ConsentDecision:
    """An unsaved decision to give the partner feedback, for the services to record."""
    fields = {
        "recipient": world.partner.organisation,
        "purpose": "feedback",
        "categories": ["contact"],
        "decision": "given",
        "legal_basis": "consent",
        "obtained": "verbal",
    }
    return ConsentDecision(**{**fields, **overrides})


def consent_post(world, **overrides):
    data = {
        "recipient": world.partner.organisation.pk,
        "purpose": "feedback",
        "categories": ["contact", "situation"],
        "decision": "given",
        "legal_basis": "consent",
        "obtained": "verbal",
        "information_given": "Uitgelegd wat de school te horen krijgt.",
    }
    data.update(overrides)
    return data


def add_url(household, person):
    return reverse("cases:consent_add", args=[household.pk, person.pk])


def test_the_form_asks_exactly_the_right_people(client, world, family):
    household, people = family
    client.force_login(world.worker_a)
    adult = client.get(add_url(household, people["young"])).context["form"]
    assert "parents" not in adult.fields and "child_agrees" not in adult.fields
    teen = client.get(add_url(household, people["teen"])).context["form"]
    assert "parents" in teen.fields and "child_agrees" in teen.fields
    child = client.get(add_url(household, people["child"])).context["form"]
    assert "parents" in child.fields and "child_agrees" not in child.fields
    assert set(child.fields["parents"].queryset) == {people["mother"], people["father"]}


def test_under_12_the_parents_decide(client, world, family):
    household, people = family
    client.force_login(world.worker_a)
    response = client.post(add_url(household, people["child"]), consent_post(world))
    assert "Welke ouder(s) met gezag" in response.text
    response = client.post(
        add_url(household, people["child"]), consent_post(world, parents=[people["mother"].pk])
    )
    assert response.status_code == 302
    assert ConsentDecision.objects.get().decided_by == [str(people["mother"].pk)]


def test_from_12_to_15_the_child_and_the_parents(client, world, family):
    household, people = family
    client.force_login(world.worker_a)
    data = consent_post(world, parents=[people["father"].pk])
    assert "moet het kind ook instemmen" in client.post(add_url(household, people["teen"]), data).text
    data["child_agrees"] = "on"
    assert client.post(add_url(household, people["teen"]), data).status_code == 302
    assert set(ConsentDecision.objects.get().decided_by) == {str(people["father"].pk), str(people["teen"].pk)}


def test_from_16_the_young_person_alone(client, world, family):
    household, people = family
    client.force_login(world.worker_a)
    assert client.post(add_url(household, people["young"]), consent_post(world)).status_code == 302
    assert ConsentDecision.objects.get().decided_by == [str(people["young"].pk)]


@pytest.mark.parametrize("basis", ["consent", "legal_task", "vital_interest", "other"])
@pytest.mark.parametrize("who", ["child", "teen", "young", "mother"])
def test_a_decision_is_recorded_on_every_basis_at_every_age(client, world, family, basis, who):
    """Given on each legal basis for each age band: recorded (it answered 500 on any basis but
    consent). On consent the right people decided; on another basis nobody of the family did."""
    household, people = family
    person = people[who]
    data = consent_post(
        world, legal_basis=basis, basis_text="Wmo 2015 art. 2.3.2" if basis == "other" else ""
    )
    if basis == "consent" and who in ("child", "teen"):
        data["parents"] = [people["mother"].pk]
        data["child_agrees"] = "on"
    client.force_login(world.worker_a)
    response = client.post(add_url(household, person), data)
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    decision = ConsentDecision.objects.get(person=person)
    assert decision.legal_basis == basis
    if basis == "consent":
        assert (
            str(person.pk if who in ("young", "mother", "teen") else people["mother"].pk)
            in decision.decided_by
        )
    else:
        assert decision.decided_by == []


def test_withdrawing_is_one_step_like_giving_and_keeps_the_old_decision(client, world, family):
    household, people = family
    client.force_login(world.worker_a)
    giving = client.post(add_url(household, people["young"]), consent_post(world))
    given = ConsentDecision.objects.get()
    withdrawing = client.post(
        reverse("cases:consent_withdraw", args=[household.pk, given.pk]), {"withdrawn_by": people["young"].pk}
    )
    assert giving.status_code == withdrawing.status_code == 302, "one POST each"
    decisions = list(ConsentDecision.objects.order_by("recorded_at").values_list("decision", flat=True))
    assert decisions == ["given", "withdrawn"]
    assert not any(d.in_force for d in ConsentDecision.objects.latest()), "nothing counts any more"


def test_a_consent_for_a_nine_year_old_cannot_be_withdrawn_by_the_child(world, family):
    household, people = family
    given = services.consent_record(
        decision=consent_to(world, obtained="written"),
        person=people["child"],
        by=world.worker_a,
        parents=[people["mother"]],
    )
    with pytest.raises(Exception, match="kan deze toestemming niet intrekken"):
        services.consent_withdraw(given=given, by=world.worker_a, withdrawn_by=people["child"])


# --- The record itself (the gate: test_sharing.py) ---------------------------------------------


def test_consents_and_shares_cannot_be_changed(postgres_only, world, family):
    household, people = family
    services.consent_record(
        decision=consent_to(world),
        person=people["mother"],
        by=world.worker_a,
    )
    services.share(
        household=household,
        recipient=world.partner.organisation,
        purpose="coordination",
        persons=[people["mother"]],
        categories=["contact"],
        content="x",
        by=world.coordinator_a,
        override_reason="Acute zorg",
    )
    for table in (ConsentDecision._meta.db_table, Share._meta.db_table, Share.persons.through._meta.db_table):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as c,
        ):
            c.execute(f"DELETE FROM {connection.ops.quote_name(table)}")  # noqa: S608


# --- Emergency access to prior information --------------------------------------------------


def test_emergency_access_needs_a_reason_is_logged_and_reported(client, world, family):
    household, _people = family
    signal = ReferralFactory(team=world.team_a, prior_information="Eerdere melding huiselijk geweld")
    services.referral_accept(
        referral=signal, by=world.coordinator_a, household=household, worker=world.worker_a
    )
    client.force_login(world.colleague_a)
    assert "Eerdere melding huiselijk geweld" not in client.get(signal.get_absolute_url()).text
    step_up = client.post(reverse("cases:referral_emergency", args=[signal.pk]), {"reason": "x"})
    assert reverse("account_reauthenticate") in step_up.url, "the password again first"
    assert not AccessEvent.objects.filter(action="emergency").exists()
    login_for_real(client, world.colleague_a)
    client.post(reverse("cases:referral_emergency", args=[signal.pk]), {"reason": ""})
    assert not AccessEvent.objects.filter(action="emergency").exists()
    client.post(
        reverse("cases:referral_emergency", args=[signal.pk]), {"reason": "Huisbezoek over 10 minuten"}
    )
    assert "Eerdere melding huiselijk geweld" in client.get(signal.get_absolute_url()).text
    event = AccessEvent.objects.get(action="emergency")
    assert (event.user, event.household, event.reason) == (
        world.colleague_a,
        household,
        "Huisbezoek over 10 minuten",
    )
    client.force_login(world.coordinator_a)
    queue = client.get(reverse("cases:referral_queue")).text
    assert "Huisbezoek over 10 minuten" in queue
