"""Scale data for benchmarks: a national installation's worth of generated Dutch case records.

`python manage.py generate_scale --households N` fills an *empty* PostgreSQL case record with
N households in the proportions of fifteen years of a national installation (per household
about 2.5 members, 4 signals with their triage decisions, 10 contacts, 5 access-log rows, plans
with goals and actions, some assessments, network members, safety warnings and consents),
spread over up to eight municipalities and about 60 teams (one per 8,000 households, at least
two) with workers, coordinators, a manager and partner reporters who can log in.

The one path around the history guard
-------------------------------------
Audited models refuse `bulk_create()` and `update()` because those skip the history
(wijkteam/history.py). Generated data needs speed, not history, so this module writes the case
tables with PostgreSQL `COPY` over the raw connection: no model is saved, no history row is
written and nothing goes through the ORM's guard. That is acceptable only because the data is
invented, so the command refuses everything else:

- PostgreSQL only;
- only into a database whose case record is empty (no household, signal, contact, plan,
  access-log row, ... at all): it never mixes invented rows with real ones, and never deletes;
- with DEBUG off only when `--allow-without-debug` is given (the accounts share one known
  password);
- everything in one transaction: a failure leaves the database as it was.

The reference data (municipalities, organisations, teams, users, positions) is made with the ORM
and has its history. The generated case rows have none: a household's "Recent changes" and its
history tab are empty, which the pages show as such.

For speed the secondary indexes and foreign keys of the filled tables are dropped before the
COPY and recreated after it from their saved definitions (so the foreign keys are validated
once, in bulk), the sequences are moved past the generated ids, and the tables are analysed.
Generation runs in a thread while the main thread streams the previous batch to PostgreSQL.
"""

import datetime
import io
import math
import os
import queue
import random
import threading
import time
import zoneinfo
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone

from cases import zrm
from cases.management.demo_plans import ACTIONS, FAMILY_VIEWS, STRENGTHS, WORRIES
from cases.models.referral import REFERENCE_ALPHABET
from teams.models import Municipality, Organisation, Position, Sector, Team, User

DEFAULT_PASSWORD = "wijkteam-scale"  # noqa: S105  (published: generated benchmark accounts only)
DEFAULT_SEED = 2026
HOUSEHOLDS_PER_TEAM = 8000
MAX_TEAMS = 60
YEARS = 15
BATCH = 10_000  # households per batch streamed to PostgreSQL
USERNAME_PREFIX = "scale."
AREA_CODES_YEAR = 2024
NULL = "\\N"

# (CBS code, name, first PC4, last PC4, share of the teams)
MUNICIPALITIES = [
    ("GM0363", "Amsterdam", 1011, 1109, 14),
    ("GM0599", "Rotterdam", 3011, 3089, 11),
    ("GM0518", "'s-Gravenhage", 2491, 2599, 9),
    ("GM0344", "Utrecht", 3511, 3585, 8),
    ("GM0772", "Eindhoven", 5611, 5658, 5),
    ("GM0014", "Groningen", 9711, 9747, 5),
    ("GM0193", "Zwolle", 8011, 8043, 4),
    ("GM0855", "Tilburg", 5011, 5049, 4),
]
DISTRICTS = [
    "Centrum", "Noord", "Oost", "Zuid", "West", "Noordoost", "Noordwest", "Zuidoost",
    "Zuidwest", "Binnenstad", "Oud-Zuid", "Nieuw-West", "Havenkwartier", "Buitenwijken",
]  # fmt: skip
PARTNER_SECTORS = [
    (Sector.SCHOOL, "Basisschool De Regenboog"),
    (Sector.POLICE, "Politie basisteam"),
    (Sector.GP, "Huisartsenpraktijk Centrum"),
    (Sector.HOUSING, "Woonstichting"),
    (Sector.GGZ, "GGZ"),
    (Sector.YOUTH_CARE, "Jeugdzorg"),
    (Sector.JGZ, "JGZ"),
    (Sector.MEE, "MEE"),
    (Sector.WMO_DESK, "Wmo-loket"),
    (Sector.DEBT_HELP, "Schuldhulp"),
    (Sector.VOLUNTEERS, "Vrijwilligerscentrale"),
]

# fmt: off
FIRST_NAMES = [
    "Daan", "Sem", "Lucas", "Levi", "Finn", "Milan", "Noah", "Jesse", "Bram", "Luuk", "Thijs", "Ruben",
    "Lars", "Tim", "Jan", "Kees", "Piet", "Henk", "Gerrit", "Willem", "Johan", "Hans", "Peter", "Marco",
    "Dennis", "Mark", "Erik", "Jeroen", "Bas", "Niels", "Sander", "Rob", "Wim", "Joost", "Koen", "Stijn",
    "Mohamed", "Ahmed", "Youssef", "Mustafa", "Hamza", "Omar", "Ali", "Ibrahim", "Mehmet", "Emre",
    "Burak", "Kofi", "Kwame", "Rajesh", "Ravi", "Dario", "Jayden", "Xavier", "Tomasz", "Piotr",
    "Emma", "Julia", "Tess", "Sophie", "Zoë", "Anna", "Evi", "Saar", "Nora", "Fleur", "Lotte", "Sanne",
    "Lisa", "Eva", "Femke", "Iris", "Anouk", "Marieke", "Ingrid", "Petra", "Monique", "Annemieke",
    "Wilma", "Riet", "Joke", "Els", "Truus", "Corrie", "Marja", "Linda", "Sandra", "Esther", "Ilse",
    "Fatima", "Khadija", "Aicha", "Samira", "Yasmina", "Nadia", "Elif", "Ayşe", "Zeynep", "Ama",
    "Priya", "Shanti", "Kimberley", "Shanice", "Agnieszka", "Katarzyna", "Olena", "Maria", "Noor",
]
LAST_NAMES = [
    "de Jong", "Jansen", "de Vries", "van den Berg", "van Dijk", "Bakker", "Janssen", "Visser",
    "Smit", "Meijer", "de Boer", "Mulder", "de Groot", "Bos", "Vos", "Peters", "Hendriks",
    "van Leeuwen", "Dekker", "Brouwer", "de Wit", "Dijkstra", "Smits", "de Graaf", "van der Meer",
    "van der Linden", "Kok", "Jacobs", "de Haan", "Vermeulen", "van den Heuvel", "van der Veen",
    "van den Broek", "de Bruijn", "van der Heijden", "Schouten", "van Beek", "Willems", "van Vliet",
    "van de Ven", "Hoekstra", "Maas", "Verhoeven", "Koster", "van Dam", "van der Wal", "Prins",
    "Blom", "Huisman", "Peeters", "de Jonge", "Kuipers", "van Veen", "Post", "Kuiper", "Veenstra",
    "Kramer", "van den Brink", "Scholten", "van Wijk", "Postma", "Martens", "Vink", "de Ruiter",
    "Timmermans", "Groen", "Gerritsen", "Jonker", "van Loon", "Boer", "van der Velde", "Willemsen",
    "Smeets", "de Lange", "de Vos", "Bosch", "van Dongen", "Schipper", "de Koning", "van der Laan",
    "Koning", "van der Velden", "Driessen", "van Doorn", "Hermans", "Evers", "van den Bosch",
    "van der Meulen", "Hofman", "Bosman", "Wouters", "Sanders", "van Rijn", "Yılmaz", "El Amrani",
    "Bouzid", "Kaya", "Öztürk", "Demir", "Çelik", "Şahin", "El Idrissi", "Benali", "Nguyen",
    "Tran", "Singh", "Ramdin", "Biharie", "Pinas", "Boateng", "Mensah", "Mohamed", "Hassan",
    "Kowalski", "Nowak", "Martina", "Wong", "Chen", "Abdi", "Haile", "Ozdemir", "Aydın",
]
STREET_BASES = [
    "Kerk", "Molen", "Dorps", "School", "Beatrix", "Juliana", "Wilhelmina", "Oranje", "Stations",
    "Markt", "Vondel", "Rembrandt", "Vermeer", "Spinoza", "Erasmus", "Tulpen", "Linden", "Eiken",
    "Berken", "Esdoorn", "Kastanje", "Merel", "Lijster", "Zwaluw", "Kievit", "Reiger", "Meeuwen",
    "Rozen", "Narcissen", "Anjer", "Hyacinten", "Jasmijn", "Sering", "Populier", "Wilgen", "Iepen",
    "Beuken", "Dahlia", "Goudsbloem", "Korenbloem", "Zonnebloem", "Heide", "Duinen", "Polder",
    "Dijk", "Haven", "Brug", "Sluis", "Veld", "Weide", "Akker", "Boomgaard", "Hoeve", "Prins Hendrik",
    "Koningin Emma", "Thorbecke", "Multatuli", "Vincent van Gogh", "Mondriaan", "Anne Frank",
    "Hugo de Groot", "Johan de Witt", "Piet Hein", "Michiel de Ruyter", "Van Speijk", "Admiraal",
]
STREET_SUFFIXES = ["straat", "laan", "weg", "plein", "singel", "kade", "hof", "dreef", "pad", "gracht"]
POSTCODE_LETTERS = "ABCDEGHJKLMNPRTVWXZ"
CONCERNS = [
    "Buren melden harde ruzie en een kind dat huilt.",
    "Kind komt vaak te laat en zonder eten op school.",
    "Drie maanden huurachterstand, post blijft liggen.",
    "Meneer komt niet meer naar afspraken en lijkt eenzaam.",
    "Cliënt is uit zorg gegaan; zorgen over de kinderen.",
    "Moeder vertelde over schulden en slapeloosheid.",
    "Vrijwilliger maakt zich zorgen over mevrouw: ze eet slecht.",
    "Overlast en vervuiling van de woning.",
    "Jongere verzuimt al weken en hangt op straat.",
    "Vader is zijn baan kwijt en drinkt meer.",
    "Mevrouw is verward en loopt 's nachts op straat.",
    "Gezin dreigt uit huis gezet te worden.",
]
REQUESTS = [
    "Een huisbezoek, samen met ons.",
    "Dat het kind weer op tijd en met ontbijt op school komt.",
    "Een betalingsregeling en hulp bij de administratie.",
    "Dat iemand bij hem langsgaat.",
    "Dat het gezin in beeld blijft.",
    "Hulp bij geldzaken.",
    "Dat er iemand meekijkt.",
    "Gezinsondersteuning.",
]
PRIOR = [
    "",
    "",
    "Eerder contact met het gezin via het maatschappelijk werk.",
    "Vader is in het verleden agressief geweest tegen hulpverleners.",
]
CONTACT_NOTES = {
    True: [
        "Moeder deed open, kort gesproken over de post.",
        "Meneer aan de telefoon, hij wil volgende week praten.",
        "Samen de brieven doorgenomen; twee rekeningen betaald.",
        "Gesprek met het hele gezin aan de keukentafel.",
        "Mevrouw op straat gesproken, ze komt naar de buurtkamer.",
        "Afspraak bij schuldhulp samen voorbereid.",
    ],
    False: [
        "Niemand thuis; kaartje met telefoonnummer in de bus.",
        "Gebeld, voicemail ingesproken.",
        "Samen met de wijkagent langs geweest; niemand deed open.",
        "Bericht gestuurd, nog geen antwoord.",
    ],
}
NEXT_STEPS = ["Opnieuw langs, 's avonds", "Volgende week bellen", "Samen naar schuldhulp", "Kaartje nasturen"]
GOAL_WORDS = [
    "Weten wat er binnenkomt en wat eruit gaat, en geen nieuwe schulden.",
    "Dat de kinderen elke dag naar school gaan.",
    "Iets te doen hebben overdag.",
    "Een droge woning waar de kinderen niet ziek van worden.",
    "Rust in huis, zonder schreeuwen.",
    "Weer goed kunnen slapen.",
    "Minder pijn en weer naar de huisarts durven.",
    "Minder drinken, eerst in het weekend.",
    "Zelf kunnen wassen en aankleden.",
    "Zelf boodschappen doen en koken.",
    "Elke week iemand zien om mee te praten.",
    "Vrijwilligerswerk in de buurt.",
    "De boete betalen en geen nieuwe.",
]
NETWORK = [
    ("Oma Riet", "family", "Past twee middagen per week op de kinderen."),
    ("Buurvrouw Els", "friend_neighbour", "Doet op vrijdag boodschappen mee."),
    ("Kees (vrijwilliger thuisadministratie)", "volunteer", "Helpt elke dinsdag met de post."),
    ("Broer Ahmed", "family", "Belt elke zondag."),
    ("Mantelzorger Joke", "informal_carer", "Zorgt voor haar moeder, komt dagelijks."),
    ("Juf Marloes", "professional", "Mentor van de oudste op school."),
]
WARNINGS = [
    ("verbal", "Meneer werd boos aan de deur en schreeuwde.", '["in_pairs", "daytime_only"]'),
    ("threat", "Dreigde de werker iets aan te doen als ze terugkwam.", '["in_pairs", "meet_outside"]'),
    ("animal", "Grote hond loopt los in huis.", '["meet_outside"]'),
    ("physical", "Duwde een collega van de trap.", '["no_home_visits", "police_first"]'),
]
END_RESULTS = (
    ["quick_fix"] * 25 + ["continued_other"] * 25 + ["continued_financial"] * 15 + ["handed_over"] * 12
    + ["no_response"] * 10 + ["no_contact"] * 6 + ["other_trajectory"] * 5 + ["without_contact"] * 2
)
DECLINE_REASONS = ["outside_area", "not_target_group", "help_in_place", "too_little_information", "other"]
CONTACT_KINDS = (
    ["home_visit"] * 35 + ["phone"] * 28 + ["card_left"] * 7 + ["message"] * 10 + ["street"] * 5
    + ["at_partner"] * 7 + ["administrative"] * 4 + ["letter"] * 2 + ["email"] * 2
)
REACH = {"home_visit": 0.65, "phone": 0.6, "card_left": 0.0, "message": 0.7, "street": 1.0,
         "at_partner": 0.95, "administrative": 1.0, "letter": 0.0, "email": 0.5}
HOURS = [9, 9, 10, 10, 10, 11, 11, 13, 13, 14, 14, 15, 15, 16, 16, 17, 18, 19, 19, 20]
# fmt: on

TABLES = [
    # (model label, table, columns)
    ("household", "cases_household", "id name street house_number house_number_addition postcode city "
     "wijk_code buurt_code area_codes_year status created_at closed_on lead_worker_id municipality_id "
     "team_id end_result handed_over_to_id legal_hold pseudonymised_on record_class"),
    ("person", "cases_person", "id first_name last_name_prefix last_name birth_date bsn relation "
     "household_id"),
    ("referral", "cases_referral", "id reference submission_id status sender_name sender_phone sender_email "
     "channel received_at concern request prior_information prior_information_confidentiality urgency "
     "warm_handover subject_first_name subject_last_name_prefix subject_last_name subject_birth_date "
     "subject_bsn street house_number house_number_addition postcode city household_view "
     "professional_judgement first_contact_due assigned_to_id forwarded_to_id household_id merged_into_id "
     "municipality_id sender_organisation_id submitted_by_id team_id"),
    ("referraldecision", "cases_referraldecision", "id kind decided_at reason_code reason assigned_to_id "
     "decided_by_id forwarded_to_id household_id merged_into_id referral_id"),
    ("task", "cases_task", "id kind status created_at done_at done_note done_by_id household_id referral_id"),
    ("networkmember", "cases_networkmember", "id name kind involvement phone email family_agrees active "
     "household_id organisation_id"),
    ("plan", "cases_plan", "id number status lock_version family_view strengths worries earlier_help "
     "safety_plan evaluation_date approval approval_comment created_at evaluated_at evaluation_note "
     "household_id"),
    ("goal", "cases_goal", "id family_words achieved domain_id plan_id"),
    ("action", "cases_action", "id what who due_date status organisation_id person_id worker_id review_id "
     "goal_id network_member_id plan_id"),
    ("assessment", "cases_assessment", "id assessed_on assessed_by_id person_id instrument_id"),
    ("score", "cases_score", "id score note assessment_id domain_id"),
    ("contact", "cases_contact", "id kind at reached note next_step follow_up_on household_id "
     "recorded_by_id"),
    ("contact_workers", "cases_contact_workers", "id contact_id user_id"),
    ("contact_persons", "cases_contact_persons", "id contact_id person_id"),
    ("safetywarning", "cases_safetywarning", "id incident incident_on description advice advice_note "
     "active_from active_until end_reason household_id recorded_by_id"),
    ("followupdecision", "cases_followupdecision", "id kind next_kind next_part_of_day revisit_on note "
     "decided_at decided_by_id household_id"),
    ("consentdecision", "cases_consentdecision", "id purpose categories decision legal_basis basis_text "
     "obtained information_given decided_by valid_until recorded_at person_id recipient_id recorded_by_id"),
    ("accessevent", "cases_accessevent", "id at action object_type object_id origin household_id team_id "
     "user_id basis persons result role reason"),
]  # fmt: skip
UUID_TABLES = {"cases_household", "cases_person", "cases_referral"}
SERIAL_TABLES = [table for _label, table, _columns in TABLES if table not in UUID_TABLES]


class ScaleError(Exception):
    """The command refuses: the message says why and what to do."""


def default_teams(households: int) -> int:
    return max(2, min(MAX_TEAMS, round(households / HOUSEHOLDS_PER_TEAM)))


def username(team_number: int, role: str, number: int = 0) -> str:
    """scale.t01.manager, scale.t01.coordinator1, scale.t01.worker01 (the documented pattern)."""
    if role == "manager":
        return f"{USERNAME_PREFIX}t{team_number:02d}.manager"
    if role == "coordinator":
        return f"{USERNAME_PREFIX}t{team_number:02d}.coordinator{number}"
    return f"{USERNAME_PREFIX}t{team_number:02d}.worker{number:02d}"


def check_database(*, allow_without_debug: bool) -> None:
    """Refuse anything but an empty case record in a PostgreSQL database (see the docstring)."""
    if connection.vendor != "postgresql":
        raise ScaleError(
            f"generate_scale writes with PostgreSQL COPY and runs on PostgreSQL only, not on "
            f"{connection.vendor}. Set DATABASE_URL to a PostgreSQL database made for the benchmark."
        )
    if not settings.DEBUG and not allow_without_debug:
        raise ScaleError(
            "DEBUG is off, so this may be a real installation. generate_scale creates accounts with a "
            "published password; pass --allow-without-debug only for a database made for the benchmark."
        )
    with connection.cursor() as cursor:
        for _label, table, _columns in TABLES:
            cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {table})")  # noqa: S608  (fixed names)
            if cursor.fetchone()[0]:
                raise ScaleError(
                    f"The case record is not empty ({table} has rows). generate_scale only fills an "
                    f"empty database and never mixes invented with real data or deletes anything. "
                    f"Create a new database (createdb), migrate it and run generate_scale there."
                )
        cursor.execute(
            "SELECT EXISTS (SELECT 1 FROM teams_user WHERE username LIKE %s)", [USERNAME_PREFIX + "%"]
        )
        if cursor.fetchone()[0]:
            raise ScaleError("Generated accounts already exist here; use a new database.")


# --- Reference data (ORM, with history) --------------------------------------------------------


@dataclass
class TeamInfo:
    number: int
    id: int
    municipality_id: int
    city: str
    cbs: str
    district: int
    postcodes: list[str]
    workers: list[int] = field(default_factory=list)
    coordinators: list[int] = field(default_factory=list)
    manager: int = 0
    partners: list[int] = field(default_factory=list)
    reporters: dict[int, int] = field(default_factory=dict)  # organisation id -> reporter user id


def team_layout(n_teams: int) -> list[tuple[int, int]]:
    """(municipality index, district index) per team: the big cities first, by their share."""
    weights = [m[4] for m in MUNICIPALITIES]
    counts = [0] * len(MUNICIPALITIES)
    layout = []
    for _ in range(n_teams):
        # The municipality furthest below its share gets the next team.
        index = min(range(len(weights)), key=lambda i: (counts[i] / weights[i], i))
        layout.append((index, counts[index]))
        counts[index] += 1
    return layout


def make_reference_data(*, n_teams: int, password: str, rng: random.Random) -> list[TeamInfo]:
    reason = "Generated scale data"
    password_hash = make_password(password)  # once: hashing per user would take minutes
    start = datetime.date(timezone.localdate().year - YEARS, 1, 1)
    layout = team_layout(n_teams)
    used = sorted({m for m, _d in layout})
    municipalities, partners, employers = {}, {}, {}
    for index in used:
        cbs, name, first, last, _share = MUNICIPALITIES[index]
        municipalities[index], _ = Municipality.objects.get_or_create(cbs_code=cbs, defaults={"name": name})
        employer, _ = Organisation.objects.get_or_create(
            name=f"Sociaal Wijkteam {name} (gegenereerd)",
            defaults={"sector": Sector.WELFARE, "is_employer": True, "is_partner": False},
        )
        employers[index] = employer
        partners[index] = []
        for sector, label in PARTNER_SECTORS:
            organisation, _ = Organisation.objects.get_or_create(
                name=f"{label} {name} (gegenereerd)",
                defaults={"sector": sector, "is_partner": True, "phone": "088-1234567"},
            )
            partners[index].append(organisation)
        for organisation in partners[index][:4]:  # school, police, GP, housing: a portal account each
            user = User(
                username=f"{USERNAME_PREFIX}m{index + 1:02d}.{organisation.sector}",
                first_name=rng.choice(FIRST_NAMES),
                last_name=rng.choice(LAST_NAMES),
                email=f"{organisation.sector}.m{index + 1:02d}@partner.example",
                organisation=organisation,
                password=password_hash,
            )
            user._change_reason = reason
            user.save()
    teams = []
    for number, (m_index, district) in enumerate(layout, start=1):
        cbs, name, first, last, _share = MUNICIPALITIES[m_index]
        municipality = municipalities[m_index]
        siblings = sum(1 for m, _d in layout if m == m_index)
        span = (last - first + 1) // siblings
        postcodes = [str(pc) for pc in range(first + district * span, first + (district + 1) * span)]
        team = Team(
            name=f"Wijkteam {name} {DISTRICTS[district]}",
            municipality=municipality,
            area_codes=[f"WK{cbs[2:]}{district + 1:02d}"],
            area_codes_year=AREA_CODES_YEAR,
            postcode_areas=postcodes,
            target_groups=[Team.TargetGroup.NEIGHBOURHOOD],
            aims=[Team.Aim.PSYCHOSOCIAL, Team.Aim.PARTICIPATION],
            funders=f"Gemeente {name} (Wmo)",
            funded_from=start,
            support_group="both",
            support_rhythm="Om de week op dinsdag",
        )
        team._change_reason = reason
        team.save()
        info = TeamInfo(
            number=number,
            id=team.pk,
            municipality_id=municipality.pk,
            city=name,
            cbs=cbs,
            district=district + 1,
            postcodes=postcodes,
            partners=[o.pk for o in partners[m_index]],
            reporters={
                u.organisation_id: u.pk for u in User.objects.filter(organisation__in=partners[m_index])
            },
        )
        staff = [("manager", 0, "")] + [("coordinator", n, "case_manager") for n in (1, 2)]
        staff += [("worker", n, ["coach", "case_manager", "first_help"][n % 3]) for n in range(1, 11)]
        for role, n, professional in staff:
            user = User(
                username=username(number, role, n),
                first_name=rng.choice(FIRST_NAMES),
                last_name=rng.choice(LAST_NAMES),
                email=f"{username(number, role, n)}@wijkteam.example",
                password=password_hash,
            )
            user._change_reason = reason
            user.save()
            position = Position(
                user=user,
                team=team,
                employer=employers[m_index],
                access_role=role,
                professional_role=professional,
                accountable_to=Position.AccountableTo.TEAM if n % 2 else Position.AccountableTo.INSTITUTION,
                membership=Position.Membership.TEAM if n % 2 else Position.Membership.INSTITUTION,
                hours_per_week=32 if n % 2 else 24,
                active_from=start,
            )
            position._change_reason = reason
            position.save()
            if role == "manager":
                info.manager = user.pk
            elif role == "coordinator":
                info.coordinators.append(user.pk)
            else:
                info.workers.append(user.pk)
        _mandates(team, partners[m_index], start, reason)
        teams.append(info)
    return teams


MANDATES = [  # (sector, domain, kind, sharing basis, feedback)
    (Sector.SCHOOL, "education", "machtiging", "consent_only", "status"),
    (Sector.YOUTH_CARE, "youth_care", "mandaat", "legal_task", "summary"),
    (Sector.DEBT_HELP, "debt_help", "volmacht", "agreement", "full"),
]


def _mandates(team: Team, partners: list[Organisation], start: datetime.date, reason: str) -> None:
    """Three active mandates per team, so the manager's pages show what they show in practice."""
    from mandates.models import Mandate

    by_sector = {organisation.sector: organisation for organisation in partners}
    for sector, domain, kind, basis, feedback in MANDATES:
        mandate = Mandate(
            team=team,
            organisation=by_sector[sector],
            domain=domain,
            kind=kind,
            scope="Het wijkteam mag namens de partner een eerste gesprek voeren en hulp inzetten.",
            route_in="Via het partnerportaal of telefonisch bij de coördinator.",
            route_out="Terugmelding via de coördinator.",
            sharing_basis=basis,
            legal_basis_text="Wmo 2015 art. 5.1.1" if basis == "legal_task" else "Convenant wijkteams",
            feedback_level=feedback,
            valid_from=start,
            status=Mandate.Status.ACTIVE,
            next_review_on=timezone.localdate() + datetime.timedelta(days=60 * (1 + len(team.name) % 4)),
        )
        mandate._change_reason = reason
        mandate.save()
    team.participating_organisations.set(partners[:6])


# --- Generated rows ----------------------------------------------------------------------------


def _uuid_prefix(rng: random.Random) -> str:
    """The first 20 hex digits of a version-4 UUID; the last 12 count up (ids in order)."""
    bits = f"{rng.getrandbits(80):020x}"
    return f"{bits[:8]}-{bits[8:12]}-4{bits[13:16]}-{'89ab'[int(bits[16], 16) % 4]}{bits[17:20]}-"


def _bsn(rng: random.Random) -> str:
    """A random BSN that passes the 11-proef."""
    while True:
        digits = [rng.randrange(10) for _ in range(8)]
        if digits[0] == 0 and digits[1] == 0:
            continue
        total = sum(d * w for d, w in zip(digits, range(9, 1, -1), strict=True))
        last = total % 11
        if last < 10:
            return "".join(map(str, digits)) + str(last)


class Generator:
    """Rows of every case table, batch by batch, as COPY text (tab-separated, \\N for null)."""

    def __init__(self, *, teams, households, seed, instrument_id, domain_ids, start_ids):
        self.teams = teams
        self.households = households
        self.rng = random.Random(seed)  # noqa: S311  (repeatable invented data, not secrets)
        self.instrument_id = instrument_id
        self.domain_ids = domain_ids
        self.next_id = dict(start_ids)
        self.today = timezone.localdate()
        self.today_ord = self.today.toordinal()
        now = timezone.localtime()
        self.now_minute = max(0, now.hour * 60 + now.minute - 1)
        self.first_ord = self.today_ord - YEARS * 365
        base = datetime.date(1925, 1, 1).toordinal()
        self.base = base
        amsterdam = zoneinfo.ZoneInfo("Europe/Amsterdam")
        self.dates, self.offsets = [], []
        for ordinal in range(base, self.today_ord + 800):
            day = datetime.date.fromordinal(ordinal)
            self.dates.append(day.isoformat())
            noon = datetime.datetime.combine(day, datetime.time(12), tzinfo=amsterdam)
            self.offsets.append("+02" if noon.utcoffset() == datetime.timedelta(hours=2) else "+01")
        self.minutes = [f"{m // 60:02d}:{m % 60:02d}:00" for m in range(24 * 60)]
        self.prefix = {
            name: _uuid_prefix(self.rng) for name in ("household", "person", "referral", "submission")
        }
        self.streets = [b + s for b in STREET_BASES for s in STREET_SUFFIXES]
        self.last_names = [(n.rpartition(" ")[0], n.rpartition(" ")[2]) for n in LAST_NAMES]
        self.reference_step = 0x5DEECE66D | 1
        self.reference_offset = self.rng.getrandbits(40)
        self.household_index = 0
        for pool in (FIRST_NAMES, LAST_NAMES, self.streets, CONCERNS, REQUESTS, PRIOR, FAMILY_VIEWS):
            assert not any(c in value for value in pool for c in "\t\n\\")  # noqa: S101

    # Small helpers (hot paths: keep them cheap).
    def date(self, ordinal: int) -> str:
        return self.dates[ordinal - self.base]

    def ts(self, ordinal: int, minute: int) -> str:
        """A moment on a day, Amsterdam time; never later than now (forms refuse future times)."""
        if ordinal >= self.today_ord:
            ordinal, minute = self.today_ord, min(minute, self.now_minute)
        i = ordinal - self.base
        return f"{self.dates[i]} {self.minutes[minute]}{self.offsets[i]}"

    def new_id(self, table: str) -> int:
        value = self.next_id[table]
        self.next_id[table] = value + 1
        return value

    def reference(self, n: int) -> str:
        value = (n * self.reference_step + self.reference_offset) % (32**8)
        chars = []
        for _ in range(8):
            chars.append(REFERENCE_ALPHABET[value & 31])
            value >>= 5
        return f"WT-{''.join(chars[:4])}-{''.join(chars[4:])}"

    def batches(self):
        """Yield {table: text} per BATCH households."""
        referral_counter = [0]
        while self.household_index < self.households:
            out = defaultdict(list)
            end = min(self.households, self.household_index + BATCH)
            for index in range(self.household_index, end):
                self._household(index, out, referral_counter)
            self.household_index = end
            yield {table: "".join(lines) for table, lines in out.items()}, end

    def _household(self, index: int, out, referral_counter) -> None:  # noqa: C901  (one story per household)
        rng = self.rng
        r = rng.random
        choice = rng.choice
        team = self.teams[int(r() * len(self.teams))]
        hid = self.prefix["household"] + f"{index:012x}"
        created = self.today_ord - int(YEARS * 365 * (1 - math.sqrt(r())))  # more recent, more
        duration = 14 + int(rng.expovariate(1 / 240))
        closed = created + duration
        is_open = closed >= self.today_ord or r() < 0.01
        end = self.today_ord if is_open else closed
        lead = choice(team.workers)
        prefix, last_name = choice(self.last_names)
        street = choice(self.streets)
        number = 1 + int(r() * r() * 250)
        addition = choice(("", "", "", "", "", "", "A", "B", "2 hoog", "bis"))
        postcode = choice(team.postcodes) + choice(POSTCODE_LETTERS) + choice(POSTCODE_LETTERS)
        wijk = f"WK{team.cbs[2:]}{team.district:02d}"
        buurt = f"BU{wijk[2:]}{1 + int(r() * 9):02d}"
        end_result = "" if is_open else choice(END_RESULTS)
        handed_over = choice(team.partners) if end_result == "handed_over" else NULL
        record_class = choice(("wmo", "wmo", "wmo", "wmo", "youth_care", "youth_care", "wmo_provision"))
        family_name = f"{prefix} {last_name}".strip()
        out["cases_household"].append(
            f"{hid}\tFamilie {family_name}\t{street}\t{number}\t{addition}\t{postcode}\t{team.city}\t"
            f"{wijk}\t{buurt}\t{AREA_CODES_YEAR}\t{'open' if is_open else 'closed'}\t"
            f"{self.ts(created, 540 + int(r() * 480))}\t{NULL if is_open else self.date(closed)}\t{lead}\t"
            f"{team.municipality_id}\t{team.id}\t{end_result}\t{handed_over}\tf\t{NULL}\t{record_class}\n"
        )

        # Members: a main resident, maybe a partner, children.
        size_roll = r()
        adults = 1 if size_roll < 0.5 else 2
        children = 0 if r() < 0.45 else 1 + int(r() * 3.5)
        main_age = 19 + int(r() * 70) if children == 0 else 22 + int(r() * 30)
        people = [("main_resident", main_age)]
        if adults == 2:
            people.append(("partner", max(18, main_age + int(r() * 10) - 5)))
        for _ in range(children):
            people.append(("child", int(r() * 18)))
        if r() < 0.04:
            people.append(
                (choice(("grandparent", "other_family", "housemate", "foster_child")), 5 + int(r() * 80))
            )
        persons = []
        for number_in_household, (relation, age) in enumerate(people):
            pid = self.prefix["person"] + f"{index * 16 + number_in_household:012x}"
            first = choice(FIRST_NAMES)
            born = self.today_ord - age * 365 - int(r() * 364)
            bsn = _bsn(rng) if r() < 0.2 else ""
            own_prefix, own_last = (
                (prefix, last_name) if relation != "partner" or r() < 0.5 else choice(self.last_names)
            )
            persons.append((pid, first, own_prefix, own_last, born, bsn))
            out["cases_person"].append(
                f"{pid}\t{first}\t{own_prefix}\t{own_last}\t{self.date(born)}\t{bsn}\t{relation}\t{hid}\n"
            )
        main = persons[0]

        # Signals: the first one opened the case; later ones are new concerns, matches or doubles.
        k = choice((1, 1, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 6, 6, 7, 8))
        times = sorted(
            [created - int(r() * 10)] + [created + int(r() * max(1, end - created)) for _ in range(k - 1)]
        )
        first_rid = None
        for j, day in enumerate(times):
            n = referral_counter[0]
            referral_counter[0] += 1
            rid = self.prefix["referral"] + f"{n:012x}"
            minute = 480 + int(r() * 600)
            received = self.ts(day, minute)
            roll = r()
            if j == 0:
                status = ("assigned" if r() < 0.9 else "accepted") if is_open else "closed"
            elif roll < 0.08:
                status = "merged"
            elif roll < 0.15:
                status = "declined"
            elif roll < 0.21:
                status = "forwarded"
            elif not is_open:
                status = "closed"
            elif self.today_ord - day < 21:
                status = "received" if r() < 0.6 else "accepted"
            else:
                status = "assigned" if r() < 0.7 else "closed"
            urgency = choice(("normal",) * 16 + ("urgent",) * 3 + ("crisis",))
            due = day + {"normal": 7, "urgent": 2, "crisis": 0}[urgency]
            sender_org = choice(team.partners) if r() < 0.85 else None
            if sender_org is None:
                channel = choice(("self_referral", "own_observation", "phone"))
                submitted_by = choice(team.coordinators)
                sender = ("", "", "")
            else:
                reporter = team.reporters.get(sender_org)
                channel = "portal" if reporter and r() < 0.5 else choice(("phone", "email"))
                submitted_by = reporter if channel == "portal" else choice(team.coordinators)
                sender = (
                    f"{choice(FIRST_NAMES)} {choice(LAST_NAMES)}",
                    "088-1234567",
                    "zorg@partner.example",
                )
            linked = status in ("accepted", "assigned", "closed")
            assigned = lead if status in ("assigned", "closed") else None
            forwarded = choice(team.partners) if status == "forwarded" else None
            merged = first_rid if status == "merged" else None
            known_view = "Moeder wil vooral rust en overzicht." if linked and r() < 0.3 else ""
            out["cases_referral"].append(
                f"{rid}\t{self.reference(n)}\t{self.prefix['submission']}{n:012x}\t{status}\t{sender[0]}\t"
                f"{sender[1]}\t{sender[2]}\t{channel}\t{received}\t{choice(CONCERNS)}\t{choice(REQUESTS)}\t"
                f"{choice(PRIOR)}\tconfidential\t{urgency}\t{'t' if r() < 0.1 else 'f'}\t{main[1]}\t"
                f"{main[2]}\t"
                f"{main[3]}\t{self.date(main[4]) if r() < 0.5 else NULL}\t{main[5] if r() < 0.3 else ''}\t"
                f"{street}\t{number}\t{addition}\t{postcode}\t{team.city}\t{known_view}\t\t{self.date(due)}\t"
                f"{assigned or NULL}\t{forwarded or NULL}\t{hid if linked else NULL}\t{merged or NULL}\t"
                f"{team.municipality_id}\t{sender_org or NULL}\t{submitted_by}\t{team.id}\n"
            )
            first_rid = first_rid or rid
            if status == "received":
                continue
            coordinator = choice(team.coordinators)
            decided_day = min(self.today_ord, day + int(r() * 3))
            decided = self.ts(decided_day, minute)
            decisions = out["cases_referraldecision"]
            if linked:
                decisions.append(
                    f"{self.new_id('cases_referraldecision')}\taccept\t{decided}\t\t"
                    "Bekend gezin van het team\t"
                    f"{NULL}\t{coordinator}\t{NULL}\t{hid}\t{NULL}\t{rid}\n"
                )
            if assigned:
                decisions.append(
                    f"{self.new_id('cases_referraldecision')}\tassign\t{decided}\t\t\t{assigned}\t"
                    f"{coordinator}\t"
                    f"{NULL}\t{NULL}\t{NULL}\t{rid}\n"
                )
            if status == "closed":
                closed_day = max(decided_day, min(end, decided_day + 10 + int(r() * 120)))
                decisions.append(
                    f"{self.new_id('cases_referraldecision')}\tclose\t{self.ts(closed_day, minute)}\t"
                    f"{end_result or choice(END_RESULTS)}\tAfgerond met het gezin.\t{NULL}\t{lead}\t{NULL}\t"
                    f"{NULL}\t{NULL}\t{rid}\n"
                )
            elif status == "declined":
                decisions.append(
                    f"{self.new_id('cases_referraldecision')}\tdecline\t{decided}\t"
                    f"{choice(DECLINE_REASONS)}\t"
                    f"Besproken in de triage.\t{NULL}\t{coordinator}\t{NULL}\t{NULL}\t{NULL}\t{rid}\n"
                )
            elif status == "forwarded":
                decisions.append(
                    f"{self.new_id('cases_referraldecision')}\tforward\t{decided}\t\t"
                    "Past beter bij de partner.\t"
                    f"{NULL}\t{coordinator}\t{forwarded}\t{NULL}\t{NULL}\t{rid}\n"
                )
            elif status == "merged":
                decisions.append(
                    f"{self.new_id('cases_referraldecision')}\tmerge\t{decided}\t\t"
                    "Zelfde zorg als eerder gemeld.\t"
                    f"{NULL}\t{coordinator}\t{NULL}\t{NULL}\t{merged}\t{rid}\n"
                )
        if is_open and r() < 0.02:
            out["cases_task"].append(
                f"{self.new_id('cases_task')}\tmatch_check\topen\t{self.ts(end - int(r() * 20), 600)}\t"
                f"{NULL}\t\t"
                f"{NULL}\t{hid}\t{first_rid}\n"
            )

        # The informal network.
        network = []
        for _ in range(choice((0, 0, 1, 1, 1, 2))):
            name, kind, involvement = choice(NETWORK)
            nid = self.new_id("cases_networkmember")
            network.append(nid)
            organisation = choice(team.partners) if kind == "professional" else NULL
            out["cases_networkmember"].append(
                f"{nid}\t{name}\t{kind}\t{involvement}\t06-{10000000 + int(r() * 89999999)}\t\t"
                f"{'t' if r() < 0.85 else 'f'}\t{'t' if is_open else 'f'}\t{hid}\t{organisation}\n"
            )

        # Plans: one current version for an open household, evaluated versions before it.
        if is_open or r() < 0.75:
            versions = 1 + min(3, (end - created) // 180)
            for version in range(1, versions + 1):
                plan_id = self.new_id("cases_plan")
                start = created + (version - 1) * 180
                current = is_open and version == versions
                if current:
                    evaluation = self.date(self.today_ord - 30 + int(r() * 150))
                    evaluated = NULL
                else:
                    stop = min(end, start + 180)
                    evaluation = self.date(stop)
                    evaluated = self.ts(stop, 600 + int(r() * 300))
                out["cases_plan"].append(
                    f"{plan_id}\t{version}\t{'current' if current else 'evaluated'}\t1\t"
                    f"{choice(FAMILY_VIEWS)}\t"
                    f"{choice(STRENGTHS)}\t{choice(WORRIES)}\t\t\t{evaluation}\tnot_requested\t\t"
                    f"{self.ts(start, 600)}\t{evaluated}\t"
                    f"{'' if current else 'Een deel van de doelen is gehaald.'}\t{hid}\n"
                )
                first_domain = int(r() * 13)
                for g in range(1 + int(r() * 3)):
                    goal_id = self.new_id("cases_goal")
                    domain = (first_domain + g * 5) % 13
                    achieved = "t" if not current and r() < 0.5 else "f"
                    out["cases_goal"].append(
                        f"{goal_id}\t{GOAL_WORDS[domain]}\t{achieved}\t{self.domain_ids[domain]}\t{plan_id}\n"
                    )
                    for _ in range(1 + int(r() * 2)):
                        who = choice(("worker", "family", "family", "network", "partner"))
                        person = organisation = worker = member = NULL
                        if who == "network" and network:
                            member = choice(network)
                        elif who == "partner":
                            organisation = choice(team.partners)
                        elif who == "family":
                            person = main[0]
                        else:
                            who, worker = "worker", lead
                        if current:
                            status = "done" if r() < 0.25 else "open"
                            due = self.date(self.today_ord - 15 + int(r() * 60))
                        else:
                            status = "done" if r() < 0.8 else "dropped"
                            due = self.date(start + int(r() * 150))
                        out["cases_action"].append(
                            f"{self.new_id('cases_action')}\t{choice(ACTIONS)}\t{who}\t{due}\t{status}\t"
                            f"{organisation}\t{person}\t{worker}\t{NULL}\t{goal_id}\t{member}\t{plan_id}\n"
                        )

        # Self-sufficiency (ZRM): a quarter of the households, the main resident, 1-3 times.
        if r() < 0.25:
            base_scores = [1 + int(r() * 4) for _ in range(13)]
            for a in range(1 + int(r() * 3)):
                aid = self.new_id("cases_assessment")
                on = min(self.today_ord, created + 14 + a * 90)
                out["cases_assessment"].append(
                    f"{aid}\t{self.date(on)}\t{lead}\t{main[0]}\t{self.instrument_id}\n"
                )
                scores = out["cases_score"]
                for d in range(13):
                    score = min(5, base_scores[d] + (a if r() < 0.5 else 0))
                    scores.append(f"{self.new_id('cases_score')}\t{score}\t\t{aid}\t{self.domain_ids[d]}\n")

        # Contacts: about ten, outreach attempts and conversations, morning to evening.
        k = 3 + int(r() * 15)
        times = sorted(created + int(r() * max(1, end - created)) for _ in range(k))
        for c, day in enumerate(times):
            cid = self.new_id("cases_contact")
            kind = choice(CONTACT_KINDS)
            reached = r() < REACH[kind]
            by = lead if r() < 0.8 else choice(team.workers)
            last = is_open and c == k - 1
            out["cases_contact"].append(
                f"{cid}\t{kind}\t{self.ts(day, choice(HOURS) * 60 + int(r() * 60))}\t"
                f"{'t' if reached else 'f'}\t"
                f"{choice(CONTACT_NOTES[reached])}\t{choice(NEXT_STEPS) if last else ''}\t"
                f"{self.date(day + 3 + int(r() * 14)) if last else NULL}\t{hid}\t{by}\n"
            )
            out["cases_contact_workers"].append(f"{self.new_id('cases_contact_workers')}\t{cid}\t{by}\n")
            if r() < 0.15:
                other = choice(team.workers)
                if other != by:
                    out["cases_contact_workers"].append(
                        f"{self.new_id('cases_contact_workers')}\t{cid}\t{other}\n"
                    )
            if reached and kind not in ("administrative", "letter", "card_left"):
                out["cases_contact_persons"].append(
                    f"{self.new_id('cases_contact_persons')}\t{cid}\t{main[0]}\n"
                )
                if len(persons) > 1 and r() < 0.3:
                    out["cases_contact_persons"].append(
                        f"{self.new_id('cases_contact_persons')}\t{cid}\t{persons[1][0]}\n"
                    )

        if r() < 0.03:
            incident, description, advice = choice(WARNINGS)
            on = created + int(r() * max(1, end - created))
            until, reason = (NULL, "") if is_open else (self.date(end), "Dossier gesloten.")
            out["cases_safetywarning"].append(
                f"{self.new_id('cases_safetywarning')}\t{incident}\t{self.date(on)}\t{description}\t"
                f"{advice}\t\t"
                f"{self.date(on)}\t{until}\t{reason}\t{hid}\t{lead}\n"
            )
        if is_open and r() < 0.01:
            out["cases_followupdecision"].append(
                f"{self.new_id('cases_followupdecision')}\ttry_again\thome_visit\tevening\t"
                f"{self.date(self.today_ord + 14 + int(r() * 40))}\tNog eens 's avonds proberen.\t"
                f"{self.ts(self.today_ord - int(r() * 10), 660)}\t{choice(team.coordinators)}\t{hid}\n"
            )
        if r() < 0.1:
            given = r() < 0.85
            out["cases_consentdecision"].append(
                f"{self.new_id('cases_consentdecision')}\t{choice(('feedback', 'coordination'))}\t"
                f'["contact", "situation"]\t{"given" if given else "refused"}\tconsent\t\t'
                f"{'verbal' if r() < 0.7 else 'written'}\t"
                "Uitgelegd wat er gedeeld wordt, met wie en waarom.\t"
                f'["{main[0]}"]\t{NULL}\t{self.ts(created + 7, 660)}\t{main[0]}\t'
                f"{choice(team.partners)}\t{lead}\n"
            )

        # The access log: who opened the record, mostly the lead worker.
        member_ids = ", ".join(f'"{p[0]}"' for p in persons)
        for _ in range(3 + int(r() * 5)):
            if r() < 0.7:
                user, role, basis = lead, "worker", "lead_worker"
            elif r() < 0.5:
                user, role, basis = choice(team.coordinators), "coordinator", "team_position"
            else:
                user, role, basis = choice(team.workers), "worker", "team_position"
            day = created + int(r() * max(1, end - created))
            action = "view" if r() < 0.95 else choice(("print", "export"))
            out["cases_accessevent"].append(
                f"{self.new_id('cases_accessevent')}\t{self.ts(day, 480 + int(r() * 660))}\t{action}\t"
                "household\t"
                f"{hid}\t10.{team.number}.{int(r() * 255)}.{1 + int(r() * 250)}\t{hid}\t{team.id}\t"
                f"{user}\t{basis}\t"
                f"[{member_ids}]\tallowed\t{role}\t\n"
            )


# --- Loading -----------------------------------------------------------------------------------


@dataclass
class Progress:
    write: object
    started: float = field(default_factory=time.monotonic)
    rows: dict = field(default_factory=lambda: defaultdict(int))
    backend_pid: int | None = None

    def step(self, label: str, started: float) -> None:
        self.write(f"  {label}: {time.monotonic() - started:.1f} s{self.cpu()}")

    def cpu(self) -> str:
        """CPU seconds so far of this process and of its PostgreSQL backend (when on this host):
        on a busy machine they say more about the cost than the wall clock."""
        own = time.process_time()
        try:
            with open(f"/proc/{self.backend_pid}/stat") as stat:
                fields = stat.read().rpartition(")")[2].split()
            backend = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except (OSError, ValueError, IndexError, TypeError):
            return f" (cpu: python {own:.0f} s)"
        return f" (cpu: python {own:.0f} s, postgres {backend:.0f} s)"


def _secondary_indexes(cursor, tables) -> list[tuple[str, str]]:
    """Non-unique indexes that back no constraint: safe to drop and rebuild from their definition."""
    cursor.execute(
        """
        SELECT c.relname, pg_get_indexdef(x.indexrelid)
        FROM pg_index x JOIN pg_class c ON c.oid = x.indexrelid
        WHERE x.indrelid = ANY(%s::regclass[]) AND NOT x.indisunique AND NOT x.indisprimary
          AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = x.indexrelid)
        ORDER BY 1
        """,
        [list(tables)],
    )
    return cursor.fetchall()


def _foreign_keys(cursor, tables) -> list[tuple[str, str, str]]:
    cursor.execute(
        """
        SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid)
        FROM pg_constraint WHERE contype = 'f' AND conrelid = ANY(%s::regclass[]) ORDER BY 1, 2
        """,
        [list(tables)],
    )
    return cursor.fetchall()


def generate(*, households: int, n_teams: int, seed: int, password: str, write) -> dict:
    """Fill the empty case record (see the module docstring). Returns rows per table."""
    quote = connection.ops.quote_name
    tables = [table for _label, table, _columns in TABLES]
    columns = {table: ", ".join(map(quote, cols.split())) for _label, table, cols in TABLES}
    progress = Progress(write)
    rng = random.Random(seed + 1)  # noqa: S311  (repeatable invented data, not secrets)
    with transaction.atomic():
        started = time.monotonic()
        instrument = zrm.instrument()
        domain_ids = list(instrument.domains.order_by("position").values_list("pk", flat=True))
        teams = make_reference_data(n_teams=n_teams, password=password, rng=rng)
        progress.step(
            f"reference data ({len(teams)} teams, {sum(len(t.workers) + 3 for t in teams)} staff)", started
        )
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            progress.backend_pid = cursor.fetchone()[0]
            cursor.execute("SET LOCAL synchronous_commit = off")
            cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
            start_ids = {}
            for table in SERIAL_TABLES:
                cursor.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {quote(table)}")  # noqa: S608
                start_ids[table] = cursor.fetchone()[0]
            started = time.monotonic()
            # The reference rows' deferred foreign-key checks must run before their tables' triggers
            # can change (dropping a foreign key alters the referenced table too).
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            indexes = _secondary_indexes(cursor, tables)
            foreign_keys = _foreign_keys(cursor, tables)
            for table, name, _definition in foreign_keys:
                cursor.execute(f"ALTER TABLE {quote(table)} DROP CONSTRAINT {quote(name)}")
            for name, _definition in indexes:
                cursor.execute(f"DROP INDEX {quote(name)}")
            progress.step(f"dropped {len(indexes)} indexes and {len(foreign_keys)} foreign keys", started)

            generator = Generator(
                teams=teams,
                households=households,
                seed=seed,
                instrument_id=instrument.pk,
                domain_ids=domain_ids,
                start_ids=start_ids,
            )
            _stream(cursor, generator, columns, progress, households)

            started = time.monotonic()
            for _name, definition in indexes:
                cursor.execute(definition)
            progress.step(f"rebuilt {len(indexes)} indexes", started)
            started = time.monotonic()
            for table, name, definition in foreign_keys:
                cursor.execute(f"ALTER TABLE {quote(table)} ADD CONSTRAINT {quote(name)} {definition}")
            progress.step(f"restored and validated {len(foreign_keys)} foreign keys", started)
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")  # Django's default again
            for table in SERIAL_TABLES:
                highest = f"SELECT GREATEST(MAX(id), 1) FROM {quote(table)}"  # noqa: S608  (fixed names)
                cursor.execute(f"SELECT setval(pg_get_serial_sequence(%s, 'id'), ({highest}))", [table])
            started = time.monotonic()
            cursor.execute(f"ANALYZE {', '.join(quote(t) for t in tables)}")
            progress.step("analysed", started)
    write(f"  total: {time.monotonic() - progress.started:.1f} s{progress.cpu()}")
    return dict(progress.rows)


def _stream(cursor, generator, columns, progress, households) -> None:
    """Generate in a thread; COPY each finished batch while the next one is generated."""
    batches: queue.Queue = queue.Queue(maxsize=2)
    failure = []

    def produce():
        try:
            for batch in generator.batches():
                batches.put(batch)
        except BaseException as error:  # handed to the main thread, which raises it
            failure.append(error)
        finally:
            batches.put(None)

    worker = threading.Thread(target=produce, name="generate_scale", daemon=True)
    worker.start()
    started = time.monotonic()
    while (item := batches.get()) is not None:
        texts, done = item
        for table, text in texts.items():
            buffer = io.BytesIO(text.encode())
            cursor.copy_expert(f"COPY {table} ({columns[table]}) FROM STDIN", buffer, 1 << 20)
            progress.rows[table] += text.count("\n")
        elapsed = time.monotonic() - started
        progress.write(f"  households {done:,}/{households:,} ({done / elapsed:,.0f}/s){progress.cpu()}")
    worker.join()
    if failure:
        raise failure[0]
    elapsed = time.monotonic() - started
    progress.write(f"  generated and copied in {elapsed:.1f} s:")
    for _label, table, _columns in TABLES:
        rows = progress.rows.get(table, 0)
        progress.write(
            f"    {table:<24} {rows:>11,} rows  {rows / max(elapsed, 0.001):>10,.0f} rows/s overall"
        )
