import datetime

import pytest
from django.utils import timezone

from cases.tests.factories import HouseholdFactory, PersonFactory, ReferralFactory
from teams.tests.factories import PositionFactory


def born(years: int) -> datetime.date:
    """A birth date that makes someone `years` old today (and not on their birthday)."""
    return timezone.localdate() - datetime.timedelta(days=years * 365 + 30)


@pytest.fixture
def coordinator_b(world):
    return PositionFactory(team=world.team_b, access_role="coordinator").user


@pytest.fixture
def second_coordinator_a(world):
    return PositionFactory(team=world.team_a, access_role="coordinator").user


@pytest.fixture
def jansen(world):
    """An open household of team A with one member, Piet Jansen, at Dorpsstraat 12."""
    household = HouseholdFactory(
        team=world.team_a, name="Familie Jansen", street="Dorpsstraat", house_number=12, postcode="8021AB"
    )
    PersonFactory(
        household=household,
        first_name="Piet",
        last_name="Jansen",
        birth_date=datetime.date(1980, 3, 14),
        bsn="111222333",
    )
    return household


@pytest.fixture
def signal(world):
    """A new signal for team A from the school, about Piet Janssen (spelled differently)."""
    return ReferralFactory(
        team=world.team_a,
        sender_organisation=world.partner.organisation,
        submitted_by=world.partner,
        subject_first_name="Piet",
        subject_last_name="Janssen",
        subject_birth_date=datetime.date(1980, 3, 14),
        street="Dorpsstraat",
        house_number=12,
        postcode="8021AB",
        prior_information="Vader was eerder in beeld bij de GGZ.",
    )


@pytest.fixture
def family(world):
    household = HouseholdFactory(team=world.team_a, name="Familie de Boer", lead_worker=world.worker_a)
    people = {
        "mother": PersonFactory(
            household=household, first_name="Ilse", relation="main_resident", birth_date=born(40)
        ),
        "father": PersonFactory(
            household=household, first_name="Jan", relation="partner", birth_date=born(42)
        ),
        "teen": PersonFactory(household=household, first_name="Sem", relation="child", birth_date=born(14)),
        "child": PersonFactory(household=household, first_name="Noor", relation="child", birth_date=born(9)),
        "young": PersonFactory(
            household=household, first_name="Lotte", relation="child", birth_date=born(17)
        ),
    }
    return household, people
