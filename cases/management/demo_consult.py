"""The demo of the team as a support group (issue 24): expertise for Noord's workers and for a
few contact persons of the social map, and one open consult question from worker.noord to the
team. Used by `seed_demo`, through the services; idempotent.
"""

from cases.models import ConsultQuestion, Household
from cases.services import consult as consult_services
from directory.models import Contact
from teams import services as team_services
from teams.models import Expertise, User

REASON = "Demo data"
# username → (domains, methods, client groups, languages, note)
# fmt: off
EXPERTISE = {
    "worker.noord": (["financien", "huisvesting"], ["mgv", "schuldhulp"], ["ouders", "volwassenen"],
                     ["nl", "en", "ar"], "Ervaring met woningvervuiling en beslagleggingen."),
    "coordinator.noord": (["huiselijke-relaties", "geestelijke-gezondheid"],
                          ["signs_of_safety", "systeemgericht"],
                          ["ouders", "kinderen"], ["nl", "de"], "Meldcode en veiligheidsplannen."),
    "sanne.dekker": (["sociaal-netwerk", "maatschappelijke-participatie"], ["eigen_kracht", "netwerk"],
                     ["ouderen", "mantelzorgers"], ["nl", "fy"], ""),
    "youssef.elamrani": (["werk-opleiding", "financien"], ["oplossingsgericht", "outreachend"],
                         ["jongeren", "nieuwkomers"], ["nl", "ar", "ti", "fr"],
                         "Spreekt Tigrinya met statushouders."),
}
CONTACTS = [
    (["financien"], ["schuldhulp"], ["volwassenen"], ["nl", "tr"], "Budgetbeheer en schuldregeling."),
    (["geestelijke-gezondheid"], ["crisis"], ["volwassenen"], ["nl", "en"], "Bemoeizorg bij verward gedrag."),
    (["huisvesting"], ["outreachend"], ["ouderen"], ["nl"], "Woningvervuiling en huurachterstand."),
]
QUESTION = (
    "Wie heeft ervaring met een gezin met grote schulden waar de vader de post niet opent? "
    "Ik zoek een aanpak die niet meteen als controle voelt."
)
# fmt: on


def seed_consult(team) -> None:
    for username, (domains, methods, groups, languages, note) in EXPERTISE.items():
        user = User.objects.filter(username=username).first()
        if user is None or Expertise.objects.filter(user=user).exists():
            continue
        team_services.expertise_save(
            user=user,
            by=None,
            domains=domains,
            methods=methods,
            client_groups=groups,
            languages=languages,
            note=note,
        )
    for contact, (domains, methods, groups, languages, note) in zip(
        Contact.objects.filter(domains=[]).order_by("name")[: len(CONTACTS)], CONTACTS, strict=False
    ):
        contact.domains, contact.methods, contact.client_groups = domains, methods, groups
        contact.languages, contact.note = languages, note
        contact._change_reason = REASON
        contact.full_clean()
        contact.save()
    worker = User.objects.get(username="worker.noord")
    if ConsultQuestion.objects.filter(team=team, asked_by=worker).exists():
        return
    household = (
        Household.objects.filter(team=team, lead_worker=worker, status=Household.Status.OPEN)
        .order_by("name")
        .first()
    )
    if household is not None:
        consult_services.consult_ask(
            household=household, by=worker, question=QUESTION, addressed_to=None, link_household=False
        )
