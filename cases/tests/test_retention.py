"""Retention: closed households past their term are pseudonymised, history included, except
under legal hold; a dry run changes nothing; the run log holds counts only."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from freezegun import freeze_time

from cases import retention, services
from cases.models import (
    AccessEvent,
    Contact,
    Household,
    Person,
    Plan,
    Referral,
    ReferralDecision,
    RetentionRun,
)
from cases.tests.factories import (
    ContactFactory,
    HouseholdFactory,
    PersonFactory,
    PlanFactory,
    ReferralFactory,
)

pytestmark = pytest.mark.django_db
CLOSED = datetime.date(2026, 3, 10)


def closed_household(world, name, record_class="wmo", legal_hold=False):
    household = HouseholdFactory(
        team=world.team_a,
        name=name,
        street="Geheimstraat",
        house_number=7,
        postcode="8021AB",
        wijk_code="WK019301",
        lead_worker=world.worker_a,
        record_class=record_class,
        legal_hold=legal_hold,
    )
    PersonFactory(
        household=household,
        first_name="Johanna",
        last_name="Geheim",
        birth_date=datetime.date(1960, 8, 17),
        bsn="111222333",
    )
    signal = ReferralFactory(
        team=world.team_a,
        concern="Geheime zorg",
        prior_information="Geheime voorinformatie",
        subject_last_name="Geheim",
    )
    services.referral_accept(
        referral=signal, by=world.coordinator_a, household=household, reason="Geheime reden"
    )
    PlanFactory(household=household, family_view="Geheim plan")
    ContactFactory(household=household, recorded_by=world.worker_a, note="Geheime notitie")
    AccessEvent(
        user=world.worker_a, household=household, team=world.team_a, action="view", object_type="household"
    ).save()
    household.status, household.closed_on = Household.Status.CLOSED, CLOSED
    household.end_result = "quick_fix"
    household._change_reason = "Gesloten"
    household.save()
    return household


def test_only_past_their_term_and_not_on_hold(world):
    wmo = closed_household(world, "Familie Vijf")
    youth = closed_household(world, "Familie Twintig", record_class="youth_care")
    held = closed_household(world, "Familie Hold", legal_hold=True)
    assert list(retention.due(datetime.date(2031, 3, 9))) == []
    assert list(retention.due(datetime.date(2031, 3, 10))) == [wmo]
    assert set(retention.due(datetime.date(2046, 3, 10))) == {wmo, youth}
    assert held not in retention.due(datetime.date(2060, 1, 1))


def test_dry_run_lists_without_names_and_changes_nothing(world):
    household = closed_household(world, "Familie Geheim")
    out = io.StringIO()
    with freeze_time("2031-06-01"):
        call_command("apply_retention", dry_run=True, stdout=out)
    assert retention.pseudonym(household.pk) in out.getvalue()
    assert "Geheim" not in out.getvalue()
    household.refresh_from_db()
    assert household.name == "Familie Geheim" and household.pseudonymised_on is None
    assert not RetentionRun.objects.exists()


def test_a_run_pseudonymises_records_and_their_history(world):
    household = closed_household(world, "Familie Geheim")
    kept = closed_household(world, "Familie Bewaard", legal_hold=True)
    decisions_before = ReferralDecision.objects.count()
    with freeze_time("2031-06-01"):
        call_command("apply_retention", stdout=io.StringIO())
    household.refresh_from_db()
    assert household.name.startswith("P-") and household.postcode == "" and household.house_number is None
    assert household.wijk_code == "WK019301", "the area code stays"
    assert "geheim" not in household.search_text, "nor does the search find it by its old names"
    assert household.pseudonymised_on == datetime.date(2031, 6, 1)
    person = Person.objects.get(household=household)
    assert (person.first_name, person.last_name, person.bsn) == ("Persoon 1", "", "")
    assert person.birth_date == datetime.date(1960, 7, 1), "the first day of its quarter"
    signal = Referral.objects.get(household=household)
    assert signal.concern == signal.prior_information == signal.subject_last_name == ""
    assert Plan.objects.get(household=household).family_view == ""
    assert Contact.objects.get(household=household).note == ""
    assert ReferralDecision.objects.count() == decisions_before, "decisions stay, without their reasons"
    assert AccessEvent.objects.filter(household=household).exists(), "the access log stays"
    everything = " ".join(
        str(value)
        for model in (Household, Person, Referral, Plan, Contact)
        for value in model.history.filter(
            **({"id": household.pk} if model is Household else {"household_id": household.pk})
        ).values_list()
    )
    assert "Geheim" not in everything and "111222333" not in everything, "history rows too"
    run = RetentionRun.objects.get()
    assert run.counts["households"] == 1 and "Geheim" not in str(run.counts)
    kept.refresh_from_db()
    assert kept.name == "Familie Bewaard"


def test_outside_the_job_history_stays_append_only(postgres_only, world):
    household = closed_household(world, "Familie Geheim")
    table = connection.ops.quote_name(Household.history.model._meta.db_table)
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(f"UPDATE {table} SET name = 'x' WHERE id = %s", [household.pk])  # noqa: S608
