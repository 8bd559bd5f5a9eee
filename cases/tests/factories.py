import datetime
import random

import factory
from django.utils import timezone

from cases.models import Household, Person
from teams.tests.factories import TeamFactory


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
