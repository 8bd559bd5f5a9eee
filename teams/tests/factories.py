import datetime

import factory
from django.utils import timezone

from teams.models import Municipality, Organisation, Position, Team, User


class MunicipalityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Municipality
        django_get_or_create = ["cbs_code"]

    # Four digits (the CBS code's length): the sequence wraps after a thousand, well past what one
    # test makes, and get_or_create returns the earlier one if a long run comes round again.
    cbs_code = factory.Sequence(lambda n: f"GM{9000 + n % 1000:04d}")
    name = factory.Faker("city", locale="nl_NL")


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisatie {n}")
    sector = "welfare"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="nl_NL")
    last_name = factory.Faker("last_name", locale="nl_NL")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("correct horse battery staple")


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    name = factory.Sequence(lambda n: f"Team {n}")
    municipality = factory.SubFactory(MunicipalityFactory)


class PositionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Position

    class Params:
        ended = factory.Trait(
            active_from=factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=400)),
            active_until=factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=1)),
        )

    user = factory.SubFactory(UserFactory)
    team = factory.SubFactory(TeamFactory)
    employer = factory.SubFactory(OrganisationFactory, is_employer=True, is_partner=False)
    access_role = "worker"
    professional_role = "coach"
    accountable_to = "team"
    active_from = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=30))
