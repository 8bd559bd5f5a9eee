import datetime
import random

import factory
from django.utils import timezone

from cases import zrm
from cases.models import (
    Action,
    Assessment,
    CaseReview,
    ConsentDecision,
    Contact,
    Domain,
    FollowUpDecision,
    Goal,
    Household,
    NetworkMember,
    Note,
    Person,
    Plan,
    Referral,
    SafetyWarning,
    Score,
    Task,
)
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


class PlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Plan

    household = factory.SubFactory(HouseholdFactory)
    family_view = "We willen rust in huis en dat de kinderen weer naar school gaan."
    strengths = "Moeder zorgt goed voor de kinderen; oma helpt."
    evaluation_date = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=60))


def zrm_domain(position: int = 1) -> Domain:
    return zrm.domains().get(position=position)


class GoalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Goal

    plan = factory.SubFactory(PlanFactory)
    domain = factory.LazyFunction(zrm_domain)
    family_words = "Geen post meer die blijft liggen."


class NetworkMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NetworkMember

    household = factory.SubFactory(HouseholdFactory)
    name = factory.Faker("name", locale="nl_NL")
    kind = NetworkMember.Kind.FAMILY
    family_agrees = True


class ActionFactory(factory.django.DjangoModelFactory):
    """An open action for a worker (pass worker=...)."""

    class Meta:
        model = Action

    plan = factory.SubFactory(PlanFactory)
    what = factory.Sequence(lambda n: f"Afspraak {n} maken")
    who = Action.Who.WORKER
    due_date = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=7))


def assessment_with_scores(person, by, scores: list[int], on=None) -> Assessment:
    """An assessment of `person` with the given scores for the 13 domains, in domain order."""
    assessment = Assessment.objects.create(
        person=person,
        instrument=zrm.instrument(),
        assessed_on=on or timezone.localdate(),
        assessed_by=by,
    )
    for domain, score in zip(zrm.domains(), scores, strict=True):
        Score.objects.create(assessment=assessment, domain=domain, score=score)
    return assessment


class CaseReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CaseReview

    household = factory.SubFactory(HouseholdFactory)
    question = "Hoe krijgen we vader weer in beeld?"
    follow_up = "Huisarts bellen\nSchool uitnodigen voor een gesprek"


class ContactFactory(factory.django.DjangoModelFactory):
    """A failed home visit an hour ago (pass recorded_by=...)."""

    class Meta:
        model = Contact

    household = factory.SubFactory(HouseholdFactory)
    kind = Contact.Kind.HOME_VISIT
    at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(hours=1))
    reached = False


class SafetyWarningFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SafetyWarning

    household = factory.SubFactory(HouseholdFactory)
    incident = SafetyWarning.Incident.VERBAL
    description = "Schreeuwde en sloeg de deur dicht."
    advice = ["in_pairs"]


class NoteFactory(factory.django.DjangoModelFactory):
    """A journal entry (pass written_by=...)."""

    class Meta:
        model = Note

    household = factory.SubFactory(HouseholdFactory)
    text = "Buurvrouw gesproken: moeder ligt in het ziekenhuis."


class FollowUpDecisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FollowUpDecision

    household = factory.SubFactory(HouseholdFactory)
    kind = FollowUpDecision.Kind.TRY_AGAIN
    next_kind = Contact.Kind.LETTER
    revisit_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=14))
    note = "Een brief sturen en 's avonds langs."


class ConsentDecisionFactory(factory.django.DjangoModelFactory):
    """Consent given verbally for feedback (pass person, recipient and recorded_by)."""

    class Meta:
        model = ConsentDecision

    purpose = "feedback"
    categories = factory.LazyFunction(lambda: ["contact"])
    decision = "given"
    legal_basis = "consent"
    obtained = "verbal"
    decided_by = factory.LazyAttribute(lambda c: [str(c.person.pk)])
