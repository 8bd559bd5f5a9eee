"""Demo contact histories: households reached, households drifting out of contact, and one with
an active safety warning per team. Used by `seed_demo`, through the services.
"""

import datetime
import random

from django.utils import timezone

from cases import services
from cases.management.demo_people import demo_user
from cases.models import Contact, Household, SafetyWarning
from teams.models import Team

# A note that fits the attempt: (kind, reached) -> note.
NOTES = {
    (Contact.Kind.HOME_VISIT, True): "Moeder deed open, kort gesproken over de post.",
    (Contact.Kind.HOME_VISIT, False): "Samen met de wijkagent langs geweest; niemand deed open.",
    (Contact.Kind.CARD_LEFT, False): "Niemand thuis; kaartje met telefoonnummer in de bus.",
    (Contact.Kind.PHONE, False): "Gebeld, voicemail ingesproken.",
    (Contact.Kind.PHONE, True): "Meneer aan de telefoon, hij wil volgende week praten.",
}


def _at(days_ago: int, hour: int) -> datetime.datetime:
    day = timezone.localdate() - datetime.timedelta(days=days_ago)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 15)))


def seed_contacts(team: Team, *, seed: int) -> None:
    if Contact.objects.filter(household__team=team).exists():
        return
    rng = random.Random(seed)  # noqa: S311  (repeatable demo data, not secrets)
    coordinator = demo_user(team, "coordinator")
    households = Household.objects.filter(team=team, status=Household.Status.OPEN).select_related(
        "lead_worker"
    )
    for number, household in enumerate(households.order_by("name")):
        by = household.lead_worker or coordinator
        members = list(household.members.all()[:1])
        if number % 5 == 0:
            # Drifting: reached long ago, then three failed attempts at different times.
            history = [(rng.randint(45, 70), 10, Contact.Kind.HOME_VISIT, True)]
            history += [(20, 19, Contact.Kind.CARD_LEFT, False), (12, 11, Contact.Kind.PHONE, False)]
            history += [(5, 18, Contact.Kind.HOME_VISIT, False)]
        else:
            history = [(rng.randint(15, 40), 14, Contact.Kind.PHONE, False)]
            history += [(rng.randint(1, 12), rng.choice([10, 15, 19]), Contact.Kind.HOME_VISIT, True)]
        for index, (days_ago, hour, kind, reached) in enumerate(sorted(history, reverse=True)):
            last = index == len(history) - 1
            contact = Contact(
                kind=kind,
                at=_at(days_ago, hour),
                reached=reached,
                note=NOTES[(kind, reached)],
                next_step="Opnieuw langs, 's avonds" if last else "",
                # Some follow-ups are already overdue: the caseload shows them red.
                follow_up_on=_at(days_ago, hour).date() + datetime.timedelta(days=rng.randint(3, 14))
                if last
                else None,
            )
            services.contact_log(
                contact=contact, household=household, by=by, workers=[by], persons=members if reached else []
            )
        if number == 2:
            warning = SafetyWarning(
                incident=SafetyWarning.Incident.VERBAL,
                incident_on=timezone.localdate() - datetime.timedelta(days=9),
                description="Meneer werd boos aan de deur, schreeuwde en gooide de deur dicht. "
                "Er is een grote hond.",
                advice=[SafetyWarning.Advice.IN_PAIRS, SafetyWarning.Advice.DAYTIME_ONLY],
            )
            services.warning_record(warning=warning, household=household, by=by)
