"""Demo mandates and team profiles for `seed_demo`: every status, one review overdue, one mandate
ending next month. Through the services, so the history says who and why."""

import datetime

from django.utils import timezone

from mandates import services
from mandates.models import Mandate, MandateReview
from teams import services as team_services
from teams.models import SupportGroup, Team

# partner, domain, kind, basis, feedback, status, (valid from, until, next review) in days from today
MANDATES = [
    # The school that signals most: a short summary back, and only with the family's consent.
    ("OBS De Regenboog", "education", "machtiging", "agreement", "summary", "active", (-120, 600, 120)),
    ("Jeugdzorg Overijssel", "youth_care", "mandaat", "agreement", "summary", "active", (-300, 400, 60)),
    ("GGZ Noord-Oost", "ggz", "machtiging", "consent_only", "status", "active", (-500, None, -14)),
    ("Schuldhulp Zwolle", "debt_help", "volmacht", "legal_task", "summary", "active", (-330, 30, 20)),
    ("JGZ IJsselland", "jgz", "machtiging", "agreement", "status", "draft", (10, None, None)),
    (
        "Woonstichting Thuis aan de IJssel",
        "housing",
        "machtiging",
        "agreement",
        "status",
        "suspended",
        (-200, None, 40),
    ),
    (
        "Politie basisteam IJsselland",
        "police",
        "machtiging",
        "legal_task",
        "status",
        "ended",
        (-700, -35, None),
    ),
]
# What each basis covers without consent (none on consent only).
CATEGORIES = {
    "youth_care": ["contact", "situation", "youth_care"],
    "debt_help": ["contact", "debt"],
    "jgz": ["contact", "health"],
    "housing": ["contact"],
    "police": ["contact"],
    "education": ["contact"],
}
SCOPES = {
    "education": "Signalen van de school oppakken; samen met de intern begeleider aan tafel.",
    "youth_care": "Lichte ambulante jeugdhulp inzetten zonder aparte beschikking, tot 6 maanden.",
    "ggz": "Namens de GGZ contact houden met cliënten die uit zorg zijn gegaan; terugverwijzen bij crisis.",
    "debt_help": "Aanmelden bij schuldhulp en een stabilisatieplan opstellen namens Schuldhulp Zwolle.",
    "jgz": "Gezamenlijke huisbezoeken bij gezinnen met jonge kinderen.",
    "housing": "Bemiddelen bij huurachterstand voordat de corporatie een procedure start.",
    "police": "Zorgmeldingen van de wijkagent oppakken.",
}


def seed_profile(team: Team, organisations: dict, manager) -> None:
    if team.funders:
        return
    team.funders = "Gemeente Zwolle (Wmo en Jeugdwet)"
    team.funded_from = datetime.date(timezone.localdate().year - 1, 1, 1)
    team.funded_until = datetime.date(timezone.localdate().year + 1, 12, 31)
    team.support_group = SupportGroup.BOTH
    team.support_rhythm = "Intervisie om de week op dinsdag; casuïstiek elke donderdag"
    team.target_groups_other = "Mensen die zorg mijden"
    participating = [
        organisations[name]
        for name in ("Welzijn aan de Vecht", "GGZ Noord-Oost", "MEE Oost", "Wmo-loket Zwolle")
    ]
    team_services.team_profile_update(team=team, by=manager, organisations=participating, reason="Demo")


def seed_mandates(team: Team, organisations: dict, manager) -> None:
    if Mandate.objects.filter(team=team).exists():
        return
    today = timezone.localdate()
    for partner, domain, kind, basis, feedback, status, (start, until, review) in MANDATES:
        # Reviewed half a year in; the review sets the next review date, or ends the mandate: an
        # ended one was active until then (mandates/workflow.py: nothing comes after "ended").
        reviewed_on = today + datetime.timedelta(days=start + 180)
        reviewed = status in ("active", "ended") and start < -180
        ends = reviewed and status == "ended"
        mandate = Mandate(
            team=team,
            organisation=organisations[partner],
            domain=domain,
            kind=kind,
            scope=SCOPES[domain],
            route_in="Via het partnerportaal, bij spoed telefonisch bij de coördinator.",
            route_out="Warme overdracht met een gezamenlijk gesprek.",
            contact_person=f"Contactpersoon {partner.split()[0]}",
            contact_details="038-1234567",
            sharing_basis=basis,
            legal_basis_text="Wmo 2015 art. 5.1.1" if basis == "legal_task" else "",
            categories=[] if basis == "consent_only" else CATEGORIES[domain],
            feedback_level=feedback,
            escalation_holder="Regisseur sociaal domein, Gemeente Zwolle",
            escalation_how="Via de teammanager; besluit binnen 5 werkdagen.",
            valid_from=today + datetime.timedelta(days=start),
            valid_until=today + datetime.timedelta(days=until) if until is not None else None,
            status=Mandate.Status.ACTIVE if ends else status,
            next_review_on=reviewed_on
            if ends
            else (today + datetime.timedelta(days=review) if review is not None else None),
        )
        mandate = services.mandate_save(mandate=mandate, by=manager, reason="Demo")
        if reviewed:
            services.mandate_review(
                mandate=mandate,
                review=MandateReview(
                    reviewed_on=reviewed_on,
                    decision=MandateReview.Decision.END if ends else MandateReview.Decision.CONTINUE,
                    notes="Samenwerking loopt; afspraken over terugkoppeling aangescherpt.",
                    next_review_on=None if ends else mandate.next_review_on,
                ),
                by=manager,
            )
