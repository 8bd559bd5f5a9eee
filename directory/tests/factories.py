import datetime

import factory
from django.utils import timezone

from directory import services
from directory.models import Contact, Service
from teams.tests.factories import OrganisationFactory


class ServiceFactory(factory.django.DjangoModelFactory):
    """A service checked a month ago (not stale), through the service function (verify_by)."""

    class Meta:
        model = Service

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Dienst {n}")
    description = "Hulp bij het huishoudboekje."
    how_to_refer = "Bel het spreekuur."
    last_verified = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=30))

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        life_domains = kwargs.pop("life_domains", None)
        target_groups = kwargs.pop("target_groups", None)
        return services.service_save(
            service=model_class(*args, **kwargs),
            by=None,
            reason="Test",
            life_domains=life_domains,
            target_groups=target_groups,
        )


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    service = factory.SubFactory(ServiceFactory)
    organisation = factory.LazyAttribute(lambda contact: contact.service.organisation)
    name = factory.Sequence(lambda n: f"Contactpersoon {n}")
    role = "Consulent"
    phone = "038 123 4567"
    email = factory.Sequence(lambda n: f"contact{n}@partner.example")
