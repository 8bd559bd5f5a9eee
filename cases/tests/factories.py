import datetime
import random

import factory
from django.utils import timezone

from cases.models import Household, Person, Referral, Task
from cases.services import first_contact_due
from teams.tests.factories import OrganisationFactory, TeamFactory, UserFactory


class HouseholdFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Household

    class Params:
        closed = factory.Trait(
            status=Household.Status.CLOSED,
            closed_on=factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=5)),
        )

    team = factory.SubFactory(TeamFactory)
    municipality = factory.SelfAttribute("team.municipality")
    name = factory.Sequence(lambda n: f"Familie Testhuis {n}")
    street = factory.Faker("street_name", locale="nl_NL")
    house_number = factory.Sequence(lambda n: n % 300 + 1)
    postcode = factory.Sequence(lambda n: f"{8000 + n % 999}AB")
    city = "Zwolle"


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    household = factory.SubFactory(HouseholdFactory)
    first_name = factory.Faker("first_name", locale="nl_NL")
    last_name = factory.Faker("last_name", locale="nl_NL")
    birth_date = factory.LazyFunction(
        lambda: timezone.localdate() - datetime.timedelta(days=random.randint(1, 90) * 365)  # noqa: S311
    )
    relation = Person.Relation.MAIN_RESIDENT


class ReferralFactory(factory.django.DjangoModelFactory):
    """A new signal from a partner, sent through the portal, about a person at an address."""

    class Meta:
        model = Referral

    team = factory.SubFactory(TeamFactory)
    municipality = factory.SelfAttribute("team.municipality")
    sender_organisation = factory.SubFactory(OrganisationFactory, sector="school", is_partner=True)
    sender_name = factory.Faker("name", locale="nl_NL")
    sender_phone = "038-1234567"
    sender_email = "zorg@example.org"
    submitted_by = factory.SubFactory(
        UserFactory, organisation=factory.SelfAttribute("..sender_organisation")
    )
    channel = Referral.Channel.PORTAL
    received_at = factory.LazyFunction(timezone.now)
    concern = "Kinderen komen vaak zonder ontbijt naar school."
    request = "Zorg dat er thuis rust komt."
    urgency = Referral.Urgency.NORMAL
    subject_first_name = factory.Faker("first_name", locale="nl_NL")
    subject_last_name = factory.Faker("last_name", locale="nl_NL")
    street = "Dorpsstraat"
    house_number = factory.Sequence(lambda n: n % 300 + 1)
    postcode = "8021AB"
    city = "Zwolle"
    first_contact_due = factory.LazyAttribute(lambda r: first_contact_due(r.received_at, r.urgency))


class TaskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Task

    household = factory.SubFactory(HouseholdFactory)
    kind = Task.Kind.MATCH_CHECK
