"""Demo plans: every demo household gets a plan in a realistic state, some with ZRM over time.

Used by `seed_demo`; everything goes through the services, so the history reads as if the
team had typed it.
"""

import datetime
import random

from django.utils import timezone

from cases import services, zrm
from cases.management.demo_people import demo_user
from cases.models import Action, CaseReview, Goal, Household, NetworkMember, Plan
from teams.models import Team

FAMILY_VIEWS = [
    "We hebben schulden en durven de post niet meer open te maken. We willen overzicht en rust.",
    "Sinds de scheiding lukt het niet meer met de kinderen. Ik wil dat ze weer naar school gaan.",
    "Ik kom de deur bijna niet meer uit. Ik zou graag weer mensen zien.",
    "Het huis is te klein en vochtig. De kinderen zijn vaak ziek. We willen een andere woning.",
    "Mijn man drinkt te veel. Ik wil dat het thuis rustig en veilig is.",
]
STRENGTHS = [
    "Moeder is sterk en wil echt iets veranderen. Oma helpt met de kinderen.",
    "Het gezin is hecht; de oudste dochter helpt veel.",
    "Meneer is handig en kookt elke dag zelf.",
    "Goed contact met de buurvrouw en de juf van school.",
]
WORRIES = [
    "Huurachterstand, brieven van de deurwaarder.",
    "De jongste zoon spijbelt en blowt.",
    "Eenzaamheid en weinig bewegen.",
    "Spanningen thuis, soms ruzie met harde woorden.",
]
GOALS = {
    "Financiën": "Weten wat er binnenkomt en wat eruit gaat, en geen nieuwe schulden.",
    "Huisvesting": "Een droge woning waar de kinderen niet ziek van worden.",
    "Sociaal netwerk": "Elke week iemand zien om mee te praten.",
    "Huiselijke relaties": "Rust in huis, zonder schreeuwen.",
    "Werk & opleiding": "Dat de kinderen elke dag naar school gaan.",
    "Geestelijke gezondheid": "Weer goed kunnen slapen.",
}
NETWORK = [
    ("Oma Riet", NetworkMember.Kind.FAMILY, "Past twee middagen per week op de kinderen."),
    ("Buurvrouw Els", NetworkMember.Kind.FRIEND_NEIGHBOUR, "Doet op vrijdag boodschappen mee."),
    (
        "Kees (vrijwilliger thuisadministratie)",
        NetworkMember.Kind.VOLUNTEER,
        "Helpt elke dinsdag met de post.",
    ),
    ("Broer Ahmed", NetworkMember.Kind.FAMILY, "Belt elke zondag."),
    ("Mantelzorger Joke", NetworkMember.Kind.INFORMAL_CARER, "Zorgt voor haar moeder, komt dagelijks."),
]
ACTIONS = [
    "Samen de post openen en sorteren",
    "Aanmelden bij schuldhulp",
    "Gesprek met de mentor op school",
    "Urgentieaanvraag woning indienen",
    "Kennismaken met de buurtkamer",
    "Afspraak bij de huisarts over slapen",
    "Betalingsregeling met de verhuurder",
]
REASON = "Demo"


def seed_plans(team: Team, organisations: dict, *, seed: int) -> None:
    """Plans, network, reviews and ZRM for the team's demo households (once)."""
    if Plan.objects.filter(household__team=team).exists():
        return
    rng = random.Random(seed)  # noqa: S311  (repeatable demo data, not secrets)
    coordinator = demo_user(team, "coordinator")
    domains = {d.name: d for d in zrm.domains()}
    partners = [org for org in organisations.values() if org.is_partner]
    households = Household.objects.filter(team=team).select_related("lead_worker").prefetch_related("members")
    for number, household in enumerate(households):
        if household.status != Household.Status.OPEN:
            continue  # closed before anyone made a plan: nothing of it changes until reopened
        by = household.lead_worker or coordinator
        members = list(household.members.all())
        network = _network(household, by, rng, number)
        plan = services.plan_start(household=household, by=by)
        today = timezone.localdate()
        evaluation = today + datetime.timedelta(days=rng.randint(14, 120))
        if number % 7 == 3:
            evaluation = today - datetime.timedelta(days=rng.randint(3, 30))  # overdue
        data = {
            "family_view": FAMILY_VIEWS[number % len(FAMILY_VIEWS)],
            "strengths": STRENGTHS[number % len(STRENGTHS)],
            "worries": WORRIES[number % len(WORRIES)],
            "earlier_help": "Eerder maatschappelijk werk (2023)." if number % 3 == 0 else "",
            "safety_plan": "Bij ruzie gaat moeder met de kinderen naar oma; buurvrouw belt 112."
            if number % 11 == 4
            else "",
            "evaluation_date": evaluation,
        }
        plan = services.plan_update(plan=plan, by=by, data=data, version=plan.lock_version)
        _goals_and_actions(plan, by, rng, number, domains, members, network, partners)
        if number % 5 == 2:
            plan = services.plan_evaluate(
                plan=plan,
                by=by,
                note="Post is op orde; schulden nog niet. Het gezin is tevreden over de hulp van oma.",
                next_evaluation=today + datetime.timedelta(days=rng.randint(30, 90)),
            )
        if team.plan_approval_required and number % 4 == 1:
            services.plan_request_approval(plan=plan, by=by)
        if number % 4 == 0 and members:
            _assessments(members[0], by, rng)
        if number % 6 == 1:
            _review(household, coordinator, by, partners, rng)


def _network(household, by, rng, number) -> list[NetworkMember]:
    chosen = []
    for offset in range(1 + number % 2):
        name, kind, involvement = NETWORK[(number + offset) % len(NETWORK)]
        member = NetworkMember(
            name=name,
            kind=kind,
            involvement=involvement,
            phone=f"06-{rng.randint(10000000, 99999999)}",
            family_agrees=(number + offset) % 5 != 0,
        )
        chosen.append(services.network_member_save(member=member, household=household, by=by))
    return chosen


def _goals_and_actions(plan, by, rng, number, domains, members, network, partners) -> None:
    names = list(GOALS)
    for offset in range(1 + number % 3):
        name = names[(number + offset) % len(names)]
        goal = services.goal_save(goal=Goal(domain=domains[name], family_words=GOALS[name]), plan=plan, by=by)
        for step in range(1 + (number + offset) % 2):
            who = [Action.Who.WORKER, Action.Who.FAMILY, Action.Who.NETWORK, Action.Who.PARTNER][
                (number + step) % 4
            ]
            action = Action(
                goal=goal,
                what=ACTIONS[(number + offset + step) % len(ACTIONS)],
                who=who,
                due_date=timezone.localdate() + datetime.timedelta(days=rng.randint(-10, 40)),
            )
            if who == Action.Who.FAMILY and members:
                action.person = members[0]
            elif who == Action.Who.NETWORK and network:
                action.network_member = network[0]
            elif who == Action.Who.PARTNER:
                action.organisation = partners[(number + step) % len(partners)]
            else:
                action.who, action.worker = Action.Who.WORKER, by
            action = services.action_save(action=action, plan=plan, by=by)
            if step == 1 and number % 2:
                action.status = Action.Status.DONE
                services.action_save(action=action, plan=plan, by=by, reason="Actie gedaan")


def _assessments(person, by, rng) -> None:
    """Two or three assessments a few months apart, most domains slowly improving."""
    domain_ids = list(zrm.domains().values_list("pk", flat=True))
    start = [rng.choice([1, 2, 2, 3, 3, 4]) for _ in domain_ids]
    count = rng.choice([2, 3])
    for index in range(count):
        on = timezone.localdate() - datetime.timedelta(days=90 * (count - 1 - index) + rng.randint(0, 10))
        scores = {
            pk: (min(5, base + (index if rng.random() < 0.6 else 0)), "")
            for pk, base in zip(domain_ids, start, strict=True)
        }
        services.assessment_record(person=person, by=by, assessed_on=on, scores=scores)


def _review(household, coordinator, by, partners, rng) -> None:
    review = CaseReview(
        held_on=timezone.localdate() - datetime.timedelta(days=rng.randint(5, 40)),
        question="Het gezin houdt de deur dicht. Hoe krijgen we weer contact?",
        considerations="School ziet de kinderen dagelijks; de huisarts heeft vertrouwen van moeder.",
        decisions="De huisarts stelt het wijkteam voor bij het volgende consult.",
        follow_up="Huisarts bellen over een gezamenlijk gesprek\nSchool vragen om signalen te delen",
    )
    workers = {coordinator, by}
    services.case_review_save(
        review=review, household=household, by=by, workers=list(workers), organisations=partners[:2]
    )
