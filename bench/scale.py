"""Scale data for benchmarks: a national installation's worth of generated Dutch case records.

`python manage.py generate_scale --settings bench.settings --households N` fills an *empty*
PostgreSQL case record with N households in the proportions of fifteen years of a national
installation (per household about 2.5 members, 4 signals with their triage decisions, 10
contacts, 5 access-log rows, plans with goals and actions, some assessments, network members,
safety warnings and consents), spread over up to eight municipalities and about 60 teams (one per
8,000 households, at least two) with workers, coordinators, a manager and partner reporters who
can log in. It is a command of the bench app, so it exists under the benchmark settings only
(`bench/run` uses them), never in the product.

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

Each table's COPY columns come from its model (`_meta.concrete_fields`, see CopyTable), in the
model's order: a field the generator does not fill gets the model's default, and a NOT NULL field
without one stops the command with its name, so a new field is never left out or misplaced
silently. The first-contact deadlines are the product's own (`cases.services.first_contact_due`,
working days without the public holidays).

For speed the secondary indexes and foreign keys of the filled tables are dropped before the
COPY and recreated after it from their saved definitions (so the foreign keys are validated
once, in bulk), the sequences are moved past the generated ids, and the tables are analysed. The
triggers of the households' search text are off during the COPY; the texts are computed in one
statement afterwards, by the database function the triggers call.
Generation runs in a thread while the main thread streams the previous batch to PostgreSQL.
"""

import datetime
import decimal
import functools
import io
import json
import math
import os
import queue
import random
import threading
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import connection, models, transaction
from django.db.models import NOT_PROVIDED
from django.utils import timezone

from cases import zrm
from cases.management.demo_plans import ACTIONS, FAMILY_VIEWS, STRENGTHS, WORRIES
from cases.models import (
    AccessEvent,
    Action,
    Assessment,
    ConsentDecision,
    Contact,
    FollowUpDecision,
    Goal,
    Household,
    NetworkMember,
    Person,
    Plan,
    Referral,
    ReferralDecision,
    SafetyWarning,
    Score,
    Task,
)
from cases.models.referral import REFERENCE_ALPHABET
from cases.services import first_contact_due
from teams.models import Municipality, Organisation, Position, Sector, Team, User

DEFAULT_PASSWORD = "wijkteam-scale"  # noqa: S105  (published: generated benchmark accounts only)
DEFAULT_SEED = 2026
HOUSEHOLDS_PER_TEAM = 8000
MAX_TEAMS = 60
# Workers per team: as many as carry the team's open households at a caseload of 35 (the
# README's sizing: 30-40 a worker), at least ten. About a tenth of the generated households are
# open (10.0 % of a team of 5,000, 10.7 % of one of 8,400, measured). Ten workers a team made the
# caseload 50 at 5,000 households and 90 at 500,000: the caseload page measured the team's size.
CASELOAD = 35
OPEN_SHARE = 0.105
MIN_WORKERS = 10
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

ContactWorker = Contact.workers.through
ContactPerson = Contact.persons.through
# The case tables, in the order of the summary. Their columns come from the models (CopyTable).
CASE_MODELS = [
    Household, Person, Referral, ReferralDecision, Task, NetworkMember, Plan, Goal, Action, Assessment,
    Score, Contact, ContactWorker, ContactPerson, SafetyWarning, FollowUpDecision, ConsentDecision,
    AccessEvent,
]  # fmt: skip
TABLES = [model._meta.db_table for model in CASE_MODELS]
# The triggers that keep a household's search text (cases/search.py, migration cases 0035) read
# its members. While copying, without the indexes, each household and each batch of members
# would read all the members copied so far: generation slowed from 360 to 150 households a
# second within 30,000. They are off during the COPY; the texts are computed once afterwards.
SEARCH_TEXT_TRIGGERS = [
    (Household._meta.db_table, "household_search_text"),
    (Person._meta.db_table, "person_search_text_insert"),
]
# Household, Person and Referral have UUIDs; the others count up from their sequence.
SERIAL_MODELS = [model for model in CASE_MODELS if isinstance(model._meta.pk, models.AutoField)]


class ScaleError(Exception):
    """The command refuses: the message says why and what to do."""


def default_teams(households: int) -> int:
    return max(2, min(MAX_TEAMS, round(households / HOUSEHOLDS_PER_TEAM)))


def workers_per_team(households_per_team: float) -> int:
    return max(MIN_WORKERS, math.ceil(households_per_team * OPEN_SHARE / CASELOAD))


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
        for table in TABLES:
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


def make_reference_data(*, n_teams: int, workers: int, password: str, rng: random.Random) -> list[TeamInfo]:
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
        professions = ["coach", "case_manager", "first_help"]
        staff += [("worker", n, professions[n % 3]) for n in range(1, workers + 1)]
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


class CopyTable:
    """One case table's rows as COPY text, in the column order of its model.

    The columns are the model's concrete fields (`_meta.concrete_fields`, `field.column`), never a
    list kept here. The generator passes each row as {column: text}; its first row says which
    columns it fills, and every later row must fill exactly those. A column it leaves out gets the
    model's default: the field's `default` (a callable one is called per row), else its
    `db_default` (the column stays out of the COPY, PostgreSQL fills it), else "" for an optional
    text field (as Django does), else NULL when the field allows it. A NOT NULL field without a
    default stops the generation with its name.
    """

    def __init__(self, model):
        self.model = model
        self.name = model._meta.db_table
        self.columns: list[str] = []  # known after the first row
        self._template = ""
        self._filled: frozenset[str] = frozenset()
        self._per_row: list[models.Field] = []

    def line(self, values: dict) -> str:
        """One row of COPY text; `values` holds text already escaped for COPY (or NULL)."""
        if not self._template:
            self._prepare(values)
        if self._per_row:
            values = {**values, **{f.column: _copy_text(f, f.get_default()) for f in self._per_row}}
        if len(values) != len(self._filled) + len(self._per_row):
            raise self._mismatch(values)
        try:
            return self._template.format_map(values)
        except KeyError:
            raise self._mismatch(values) from None

    @property
    def copy_sql(self) -> str:
        quote = connection.ops.quote_name
        return f"COPY {quote(self.name)} ({', '.join(map(quote, self.columns))}) FROM STDIN"

    def _prepare(self, values: dict) -> None:
        fields = self.model._meta.concrete_fields
        unknown = set(values) - {f.column for f in fields}
        if unknown:
            raise ScaleError(f"{self.name} has no column {', '.join(sorted(unknown))}: see bench/scale.py.")
        parts = []
        for f in fields:
            if f.column in values:
                parts.append(f"{{{f.column}}}")
            elif f.has_default() and callable(f.default):
                self._per_row.append(f)
                parts.append(f"{{{f.column}}}")
            elif f.has_default():
                parts.append(_copy_text(f, f.get_default()).replace("{", "{{").replace("}", "}}"))
            elif f.db_default is not NOT_PROVIDED:
                continue
            elif f.blank and f.empty_strings_allowed and not f.null:
                parts.append("")  # Django's own default for an optional text field
            elif f.null:
                parts.append(NULL)
            else:
                raise ScaleError(
                    f"{self.model._meta.label}.{f.name} (column {self.name}.{f.column}) is NOT NULL without "
                    f"a default, and bench/scale.py does not fill it: give it a value there."
                )
            self.columns.append(f.column)
        self._filled = frozenset(values)
        self._template = "\t".join(parts) + "\n"

    def _mismatch(self, values: dict) -> ScaleError:
        given = set(values) - {f.column for f in self._per_row}
        missing, extra = sorted(self._filled - given), sorted(given - self._filled)
        return ScaleError(
            f"A row of {self.name} differs from the first one: missing {missing or 'nothing'}, "
            f"unknown {extra or 'nothing'}."
        )


def _copy_text(f: models.Field, value) -> str:
    """A field's default as COPY text (tab-separated text format, \\N for null)."""
    if value is None:
        return NULL
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(f, models.JSONField):
        value = json.dumps(value, cls=f.encoder)
    elif isinstance(value, datetime.date | datetime.time):
        value = value.isoformat()
    elif not isinstance(value, str | int | float | decimal.Decimal | uuid.UUID):
        raise ScaleError(
            f"bench/scale.py cannot write the default {value!r} of {f.model._meta.label}.{f.name}: "
            "give the field a value there."
        )
    text = str(value)
    for char, escaped in (("\\", "\\\\"), ("\t", "\\t"), ("\n", "\\n"), ("\r", "\\r")):
        text = text.replace(char, escaped)
    return text


class Rows:
    """One batch of generated rows: COPY text per table."""

    def __init__(self, tables: dict):
        self.tables = tables
        self.lines = defaultdict(list)

    def add(self, model, **values) -> None:
        self.lines[model].append(self.tables[model].line(values))

    def texts(self) -> dict[CopyTable, str]:
        return {self.tables[model]: "".join(lines) for model, lines in self.lines.items()}


class Generator:
    """Rows of every case table, batch by batch, as COPY text (tab-separated, \\N for null)."""

    def __init__(self, *, teams, households, seed, instrument_id, domain_ids, start_ids):
        self.tables = {model: CopyTable(model) for model in CASE_MODELS}
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
        self.zone = timezone.get_default_timezone()
        self.dates, self.offsets = [], []
        for ordinal in range(base, self.today_ord + 800):
            day = datetime.date.fromordinal(ordinal)
            self.dates.append(day.isoformat())
            noon = datetime.datetime.combine(day, datetime.time(12), tzinfo=self.zone)
            self.offsets.append(noon.strftime("%:z"))
        self.deadlines = {}
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
        """A moment on a day in TIME_ZONE; never later than now (forms refuse future times)."""
        if ordinal >= self.today_ord:
            ordinal, minute = self.today_ord, min(minute, self.now_minute)
        i = ordinal - self.base
        return f"{self.dates[i]} {self.minutes[minute]}{self.offsets[i]}"

    def first_contact_deadline(self, ordinal: int, urgency: str) -> str:
        """The deadline of a signal received that day (a moment of `ts`), by the product's rule.

        The rule counts working days from the day of receipt, so one call per day and urgency.
        """
        ordinal = min(ordinal, self.today_ord)
        key = (ordinal, urgency)
        if key not in self.deadlines:
            received = datetime.datetime.combine(
                datetime.date.fromordinal(ordinal), datetime.time(12), tzinfo=self.zone
            )
            self.deadlines[key] = first_contact_due(received, urgency).isoformat()
        return self.deadlines[key]

    def new_id(self, model) -> int:
        value = self.next_id[model]
        self.next_id[model] = value + 1
        return value

    def reference(self, n: int) -> str:
        value = (n * self.reference_step + self.reference_offset) % (32**8)
        chars = []
        for _ in range(8):
            chars.append(REFERENCE_ALPHABET[value & 31])
            value >>= 5
        return f"WT-{''.join(chars[:4])}-{''.join(chars[4:])}"

    def batches(self):
        """Yield ({CopyTable: text}, households done) per BATCH households."""
        referral_counter = [0]
        while self.household_index < self.households:
            rows = Rows(self.tables)
            end = min(self.households, self.household_index + BATCH)
            for index in range(self.household_index, end):
                self._household(index, rows.add, referral_counter)
            self.household_index = end
            yield rows.texts(), end

    def _decision(
        self,
        add,
        referral_id,
        kind,
        at,
        by,
        reason,
        reason_code="",
        *,
        assigned_to_id=NULL,
        forwarded_to_id=NULL,
        household_id=NULL,
        merged_into_id=NULL,
    ) -> None:
        """A triage decision on a signal; only the link its kind needs is set."""
        add(
            ReferralDecision,
            id=self.new_id(ReferralDecision),
            kind=kind,
            decided_at=at,
            reason_code=reason_code,
            reason=reason,
            assigned_to_id=assigned_to_id,
            decided_by_id=by,
            forwarded_to_id=forwarded_to_id,
            household_id=household_id,
            merged_into_id=merged_into_id,
            referral_id=referral_id,
        )

    def _household(self, index: int, add, referral_counter) -> None:  # noqa: C901  (one story per household)
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
        add(
            Household,
            id=hid,
            name=f"Familie {family_name}",
            street=street,
            house_number=number,
            house_number_addition=addition,
            postcode=postcode,
            city=team.city,
            wijk_code=wijk,
            buurt_code=buurt,
            area_codes_year=AREA_CODES_YEAR,
            status="open" if is_open else "closed",
            created_at=self.ts(created, 540 + int(r() * 480)),
            closed_on=NULL if is_open else self.date(closed),
            lead_worker_id=lead,
            municipality_id=team.municipality_id,
            team_id=team.id,
            end_result=end_result,
            handed_over_to_id=handed_over,
            legal_hold="f",
            pseudonymised_on=NULL,
            record_class=record_class,
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
            add(
                Person,
                id=pid,
                first_name=first,
                last_name_prefix=own_prefix,
                last_name=own_last,
                birth_date=self.date(born),
                bsn=bsn,
                relation=relation,
                household_id=hid,
                # Most adults have a mobile number; a few may not be called.
                phone=f"+316{10000000 + int(r() * 89999999)}" if age >= 18 and r() < 0.7 else "",
                email="",
                reach_by="",
                reach_when="",
                do_not_call=r() < 0.02,
                do_not_call_note="",
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
            add(
                Referral,
                id=rid,
                reference=self.reference(n),
                submission_id=f"{self.prefix['submission']}{n:012x}",
                status=status,
                sender_name=sender[0],
                sender_phone=sender[1],
                sender_email=sender[2],
                channel=channel,
                received_at=received,
                concern=choice(CONCERNS),
                request=choice(REQUESTS),
                prior_information=choice(PRIOR),
                prior_information_confidentiality="confidential",
                urgency=urgency,
                warm_handover="t" if r() < 0.1 else "f",
                subject_first_name=main[1],
                subject_last_name_prefix=main[2],
                subject_last_name=main[3],
                subject_birth_date=self.date(main[4]) if r() < 0.5 else NULL,
                subject_bsn=main[5] if r() < 0.3 else "",
                street=street,
                house_number=number,
                house_number_addition=addition,
                postcode=postcode,
                city=team.city,
                household_view=known_view,
                professional_judgement="",
                first_contact_due=self.first_contact_deadline(day, urgency),
                assigned_to_id=assigned or NULL,
                forwarded_to_id=forwarded or NULL,
                household_id=hid if linked else NULL,
                merged_into_id=merged or NULL,
                municipality_id=team.municipality_id,
                sender_organisation_id=sender_org or NULL,
                submitted_by_id=submitted_by,
                team_id=team.id,
            )
            first_rid = first_rid or rid
            if status == "received":
                continue
            coordinator = choice(team.coordinators)
            decided_day = min(self.today_ord, day + int(r() * 3))
            decided = self.ts(decided_day, minute)
            decision = functools.partial(self._decision, add, rid)
            if linked:
                decision("accept", decided, coordinator, "Bekend gezin van het team", household_id=hid)
            if assigned:
                decision("assign", decided, coordinator, "", assigned_to_id=assigned)
            if status == "closed":
                closed_day = max(decided_day, min(end, decided_day + 10 + int(r() * 120)))
                closed_at = self.ts(closed_day, minute)
                decision(
                    "close", closed_at, lead, "Afgerond met het gezin.", end_result or choice(END_RESULTS)
                )
            elif status == "declined":
                decision("decline", decided, coordinator, "Besproken in de triage.", choice(DECLINE_REASONS))
            elif status == "forwarded":
                decision(
                    "forward", decided, coordinator, "Past beter bij de partner.", forwarded_to_id=forwarded
                )
            elif status == "merged":
                decision(
                    "merge", decided, coordinator, "Zelfde zorg als eerder gemeld.", merged_into_id=merged
                )
        if is_open and r() < 0.02:
            add(
                Task,
                id=self.new_id(Task),
                kind="match_check",
                status="open",
                created_at=self.ts(end - int(r() * 20), 600),
                done_at=NULL,
                done_note="",
                done_by_id=NULL,
                household_id=hid,
                referral_id=first_rid,
            )

        # The informal network.
        network = []
        for _ in range(choice((0, 0, 1, 1, 1, 2))):
            name, kind, involvement = choice(NETWORK)
            nid = self.new_id(NetworkMember)
            network.append(nid)
            organisation = choice(team.partners) if kind == "professional" else NULL
            add(
                NetworkMember,
                id=nid,
                name=name,
                kind=kind,
                involvement=involvement,
                phone=f"06-{10000000 + int(r() * 89999999)}",
                email="",
                family_agrees="t" if r() < 0.85 else "f",
                active="t" if is_open else "f",
                household_id=hid,
                organisation_id=organisation,
            )

        # Plans: one current version for an open household, evaluated versions before it.
        if is_open or r() < 0.75:
            versions = 1 + min(3, (end - created) // 180)
            for version in range(1, versions + 1):
                plan_id = self.new_id(Plan)
                start = created + (version - 1) * 180
                current = is_open and version == versions
                if current:
                    evaluation = self.date(self.today_ord - 30 + int(r() * 150))
                    evaluated = NULL
                else:
                    stop = min(end, start + 180)
                    evaluation = self.date(stop)
                    evaluated = self.ts(stop, 600 + int(r() * 300))
                add(
                    Plan,
                    id=plan_id,
                    number=version,
                    status="current" if current else "evaluated",
                    lock_version=1,
                    family_view=choice(FAMILY_VIEWS),
                    strengths=choice(STRENGTHS),
                    worries=choice(WORRIES),
                    earlier_help="",
                    safety_plan="",
                    evaluation_date=evaluation,
                    approval="not_requested",
                    approval_comment="",
                    created_at=self.ts(start, 600),
                    evaluated_at=evaluated,
                    evaluation_note="" if current else "Een deel van de doelen is gehaald.",
                    household_id=hid,
                )
                first_domain = int(r() * 13)
                for g in range(1 + int(r() * 3)):
                    goal_id = self.new_id(Goal)
                    domain = (first_domain + g * 5) % 13
                    achieved = "t" if not current and r() < 0.5 else "f"
                    add(
                        Goal,
                        id=goal_id,
                        family_words=GOAL_WORDS[domain],
                        achieved=achieved,
                        domain_id=self.domain_ids[domain],
                        plan_id=plan_id,
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
                        add(
                            Action,
                            id=self.new_id(Action),
                            what=choice(ACTIONS),
                            who=who,
                            due_date=due,
                            status=status,
                            organisation_id=organisation,
                            person_id=person,
                            worker_id=worker,
                            review_id=NULL,
                            goal_id=goal_id,
                            network_member_id=member,
                            plan_id=plan_id,
                            service_id=NULL,  # the social map's services are not generated
                            service_outcome="",
                        )

        # Self-sufficiency (ZRM): a quarter of the households, the main resident, 1-3 times.
        if r() < 0.25:
            base_scores = [1 + int(r() * 4) for _ in range(13)]
            for a in range(1 + int(r() * 3)):
                aid = self.new_id(Assessment)
                on = min(self.today_ord, created + 14 + a * 90)
                add(
                    Assessment,
                    id=aid,
                    assessed_on=self.date(on),
                    assessed_by_id=lead,
                    person_id=main[0],
                    instrument_id=self.instrument_id,
                )
                for d in range(13):
                    score = min(5, base_scores[d] + (a if r() < 0.5 else 0))
                    add(
                        Score,
                        id=self.new_id(Score),
                        score=score,
                        note="",
                        assessment_id=aid,
                        domain_id=self.domain_ids[d],
                    )

        # Contacts: about ten, outreach attempts and conversations, morning to evening.
        k = 3 + int(r() * 15)
        times = sorted(created + int(r() * max(1, end - created)) for _ in range(k))
        for c, day in enumerate(times):
            cid = self.new_id(Contact)
            kind = choice(CONTACT_KINDS)
            reached = r() < REACH[kind]
            by = lead if r() < 0.8 else choice(team.workers)
            last = is_open and c == k - 1
            add(
                Contact,
                id=cid,
                kind=kind,
                at=self.ts(day, choice(HOURS) * 60 + int(r() * 60)),
                reached="t" if reached else "f",
                note=choice(CONTACT_NOTES[reached]),
                next_step=choice(NEXT_STEPS) if last else "",
                follow_up_on=self.date(day + 3 + int(r() * 14)) if last else NULL,
                household_id=hid,
                recorded_by_id=by,
            )
            add(ContactWorker, id=self.new_id(ContactWorker), contact_id=cid, user_id=by)
            if r() < 0.15:
                other = choice(team.workers)
                if other != by:
                    add(ContactWorker, id=self.new_id(ContactWorker), contact_id=cid, user_id=other)
            if reached and kind not in ("administrative", "letter", "card_left"):
                add(ContactPerson, id=self.new_id(ContactPerson), contact_id=cid, person_id=main[0])
                if len(persons) > 1 and r() < 0.3:
                    add(ContactPerson, id=self.new_id(ContactPerson), contact_id=cid, person_id=persons[1][0])

        if r() < 0.03:
            incident, description, advice = choice(WARNINGS)
            on = created + int(r() * max(1, end - created))
            until, reason = (NULL, "") if is_open else (self.date(end), "Dossier gesloten.")
            add(
                SafetyWarning,
                id=self.new_id(SafetyWarning),
                incident=incident,
                incident_on=self.date(on),
                description=description,
                advice=advice,
                advice_note="",
                active_from=self.date(on),
                active_until=until,
                end_reason=reason,
                household_id=hid,
                recorded_by_id=lead,
            )
        if is_open and r() < 0.01:
            add(
                FollowUpDecision,
                id=self.new_id(FollowUpDecision),
                kind="try_again",
                next_kind="home_visit",
                next_part_of_day="evening",
                revisit_on=self.date(self.today_ord + 14 + int(r() * 40)),
                note="Nog eens 's avonds proberen.",
                decided_at=self.ts(self.today_ord - int(r() * 10), 660),
                decided_by_id=choice(team.coordinators),
                household_id=hid,
            )
        if r() < 0.1:
            given = r() < 0.85
            add(
                ConsentDecision,
                id=self.new_id(ConsentDecision),
                purpose=choice(("feedback", "coordination")),
                categories='["contact", "situation"]',
                decision="given" if given else "refused",
                legal_basis="consent",
                basis_text="",
                obtained="verbal" if r() < 0.7 else "written",
                information_given="Uitgelegd wat er gedeeld wordt, met wie en waarom.",
                decided_by=f'["{main[0]}"]',
                valid_until=NULL,
                recorded_at=self.ts(created + 7, 660),
                person_id=main[0],
                recipient_id=choice(team.partners),
                recorded_by_id=lead,
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
            add(
                AccessEvent,
                id=self.new_id(AccessEvent),
                at=self.ts(day, 480 + int(r() * 660)),
                action=action,
                object_type="household",
                object_id=hid,
                origin=f"10.{team.number}.{int(r() * 255)}.{1 + int(r() * 250)}",
                household_id=hid,
                team_id=team.id,
                user_id=user,
                basis=basis,
                persons=f"[{member_ids}]",
                result="allowed",
                role=role,
                reason="",
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


def _secondary_indexes(cursor, tables) -> list[tuple[str, str, str]]:
    """Non-unique indexes that back no constraint: safe to drop and rebuild from their definition.
    (table, index, definition)."""
    cursor.execute(
        """
        SELECT x.indrelid::regclass::text, c.relname, pg_get_indexdef(x.indexrelid)
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
    progress = Progress(write)
    rng = random.Random(seed + 1)  # noqa: S311  (repeatable invented data, not secrets)
    with transaction.atomic():
        started = time.monotonic()
        instrument = zrm.instrument()
        domain_ids = list(instrument.domains.order_by("position").values_list("pk", flat=True))
        teams = make_reference_data(
            n_teams=n_teams, workers=workers_per_team(households / n_teams), password=password, rng=rng
        )
        progress.step(
            f"reference data ({len(teams)} teams, {sum(len(t.workers) + 3 for t in teams)} staff)", started
        )
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            progress.backend_pid = cursor.fetchone()[0]
            cursor.execute("SET LOCAL synchronous_commit = off")
            cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
            start_ids = {}
            for model in SERIAL_MODELS:
                cursor.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {quote(model._meta.db_table)}")  # noqa: S608
                start_ids[model] = cursor.fetchone()[0]
            started = time.monotonic()
            # The reference rows' deferred foreign-key checks must run before their tables' triggers
            # can change (dropping a foreign key alters the referenced table too).
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            indexes = _secondary_indexes(cursor, TABLES)
            foreign_keys = _foreign_keys(cursor, TABLES)
            for table, name, _definition in foreign_keys:
                cursor.execute(f"ALTER TABLE {quote(table)} DROP CONSTRAINT {quote(name)}")
            for _table, name, _definition in indexes:
                cursor.execute(f"DROP INDEX {quote(name)}")
            for table, trigger in SEARCH_TEXT_TRIGGERS:
                cursor.execute(f"ALTER TABLE {quote(table)} DISABLE TRIGGER {quote(trigger)}")
            progress.step(f"dropped {len(indexes)} indexes and {len(foreign_keys)} foreign keys", started)

            generator = Generator(
                teams=teams,
                households=households,
                seed=seed,
                instrument_id=instrument.pk,
                domain_ids=domain_ids,
                start_ids=start_ids,
            )
            _stream(cursor, generator, progress, households)

            started = time.monotonic()
            person = Person._meta.db_table
            for table, _name, definition in indexes:
                if table == person:
                    cursor.execute(definition)
            cursor.execute(f"ANALYZE {quote(person)}")
            # Every household's search text at once, by the function its trigger calls.
            cursor.execute(
                f"UPDATE {quote(Household._meta.db_table)} "  # noqa: S608  (fixed names)
                "SET search_text = wijkteam_household_search_text(id, name, street)"
            )
            for table, trigger in SEARCH_TEXT_TRIGGERS:
                cursor.execute(f"ALTER TABLE {quote(table)} ENABLE TRIGGER {quote(trigger)}")
            progress.step("search texts of the households", started)
            started = time.monotonic()
            for table, _name, definition in indexes:
                if table != person:
                    cursor.execute(definition)
            progress.step(f"rebuilt {len(indexes)} indexes", started)
            started = time.monotonic()
            for table, name, definition in foreign_keys:
                cursor.execute(f"ALTER TABLE {quote(table)} ADD CONSTRAINT {quote(name)} {definition}")
            progress.step(f"restored and validated {len(foreign_keys)} foreign keys", started)
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")  # Django's default again
            for table in (model._meta.db_table for model in SERIAL_MODELS):
                highest = f"SELECT GREATEST(MAX(id), 1) FROM {quote(table)}"  # noqa: S608  (fixed names)
                cursor.execute(f"SELECT setval(pg_get_serial_sequence(%s, 'id'), ({highest}))", [table])
            started = time.monotonic()
            cursor.execute(f"ANALYZE {', '.join(quote(t) for t in TABLES)}")
            progress.step("analysed", started)
    write(f"  total: {time.monotonic() - progress.started:.1f} s{progress.cpu()}")
    return dict(progress.rows)


def _stream(cursor, generator, progress, households) -> None:
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
            cursor.copy_expert(table.copy_sql, buffer, 1 << 20)
            progress.rows[table.name] += text.count("\n")
        elapsed = time.monotonic() - started
        progress.write(f"  households {done:,}/{households:,} ({done / elapsed:,.0f}/s){progress.cpu()}")
    worker.join()
    if failure:
        raise failure[0]
    elapsed = time.monotonic() - started
    progress.write(f"  generated and copied in {elapsed:.1f} s:")
    for table in TABLES:
        rows = progress.rows.get(table, 0)
        progress.write(
            f"    {table:<24} {rows:>11,} rows  {rows / max(elapsed, 0.001):>10,.0f} rows/s overall"
        )
