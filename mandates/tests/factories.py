import datetime

import factory
from django.utils import timezone

from mandates.models import Mandate, MandateReview
from teams.tests.factories import OrganisationFactory, TeamFactory


class MandateFactory(factory.django.DjangoModelFactory):
    """An active mandate for a year, reviewed again in six months."""

    class Meta:
        model = Mandate

    team = factory.SubFactory(TeamFactory)
    organisation = factory.SubFactory(OrganisationFactory, sector="youth_care", is_partner=True)
    domain = Mandate.Domain.YOUTH_CARE
    kind = Mandate.Kind.MANDAAT
    scope = "Lichte ondersteuning inzetten zonder aparte beschikking."
    sharing_basis = Mandate.SharingBasis.AGREEMENT
    feedback_level = Mandate.FeedbackLevel.STATUS
    valid_from = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=90))
    valid_until = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=275))
    status = Mandate.Status.ACTIVE
    next_review_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=90))


class MandateReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MandateReview

    mandate = factory.SubFactory(MandateFactory)
    decision = MandateReview.Decision.CONTINUE
    notes = "Loopt goed."
    next_review_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=180))
