import datetime

import pytest

from cases.tests.factories import HouseholdFactory, PersonFactory, ReferralFactory
from teams.tests.factories import PositionFactory


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
