"""Dutch demo data for the demo run: two teams, partners, households and the demo accounts.

Idempotent: a second run changes nothing but the demo passwords (set again). Later issues extend
this command so the demo always shows every feature.
"""

import datetime
import random

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from faker import Faker
from stdnum.nl import postcode as stdnum_postcode

from cases.models import Household, Person
from teams.models import Municipality, Organisation, Position, Sector, Team, User

DEMO_PASSWORD = "wijkteam-demo"  # noqa: S105  (a published demo password, never in production)
REASON = "Demo data"
HOUSEHOLDS_PER_TEAM = 40

MUNICIPALITY = {"cbs_code": "GM0193", "name": "Zwolle"}
TEAMS = {
    "Noord": {"area_codes": ["WK019301", "WK019302"], "postcodes": range(8021, 8026)},
    "Zuid": {"area_codes": ["WK019305", "WK019306"], "postcodes": range(8011, 8017)},
}
EMPLOYERS = [
    ("Welzijn aan de Vecht", Sector.WELFARE),
    ("Gemeente Zwolle", Sector.MUNICIPALITY),
]
PARTNERS = [
    ("OBS De Regenboog", Sector.SCHOOL),
    ("Politie basisteam IJsselland", Sector.POLICE),
    ("Huisartsenpraktijk Assendorp", Sector.GP),
    ("Woonstichting Thuis aan de IJssel", Sector.HOUSING),
    ("GGZ Noord-Oost", Sector.GGZ),
    ("Jeugdzorg Overijssel", Sector.YOUTH_CARE),
    ("JGZ IJsselland", Sector.JGZ),
    ("MEE Oost", Sector.MEE),
    ("Wmo-loket Zwolle", Sector.WMO_DESK),
    ("Schuldhulp Zwolle", Sector.DEBT_HELP),
    ("Vrijwilligerscentrale Zwolle", Sector.VOLUNTEERS),
    ("Humanitas afdeling Zwolle", Sector.WELFARE),
]
# username: (first, last, {team: access role}, professional role, superuser, partner org)
ACCOUNTS = {
    "admin": ("Ada", "Beheer", {}, "", True, None),
    "manager": ("Mira", "de Manager", {"Noord": "manager", "Zuid": "manager"}, "", False, None),
    "coordinator.noord": ("Cor", "Noordhuis", {"Noord": "coordinator"}, "case_manager", False, None),
    "coordinator.zuid": ("Carla", "Zuidema", {"Zuid": "coordinator"}, "case_manager", False, None),
    "worker.noord": ("Wim", "Noorderveen", {"Noord": "worker"}, "coach", False, None),
    "worker.zuid": ("Wendy", "Zuiderhoek", {"Zuid": "worker"}, "first_help", False, None),
    "partner.school": ("Petra", "Schoolmeester", {}, "", False, "OBS De Regenboog"),
}
# Colleagues who lead households too but have no demo login (no usable password).
COLLEAGUES = {
    "Noord": [("Sanne", "Dekker"), ("Youssef", "El Amrani")],
    "Zuid": [("Joost", "van Dijk"), ("Fatma", "Yilmaz")],
}


class Command(BaseCommand):
    help = "Load the Dutch demo data (idempotent) and print the demo accounts."

    def add_arguments(self, parser):
        parser.add_argument(
            "--allow-without-debug",
            action="store_true",
            help="Load even though DEBUG is off (tests only: the demo passwords are public).",
        )

    def handle(self, *args, **options):
        if not settings.DEBUG and not options["allow_without_debug"]:
            raise CommandError(
                "seed_demo creates accounts with a published password and refuses to run with "
                "DEBUG off. Use it only for the demo (make run)."
            )
        with transaction.atomic():
            municipality = self._municipality()
            organisations = self._organisations()
            teams = self._teams(municipality)
            users = self._accounts(teams, organisations)
            for index, (name, team) in enumerate(teams.items()):
                self._households(team, users, seed=2026 + index, spec=TEAMS[name])
        self._print_accounts()

    def _municipality(self) -> Municipality:
        municipality, _ = Municipality.objects.get_or_create(
            cbs_code=MUNICIPALITY["cbs_code"], defaults={"name": MUNICIPALITY["name"]}
        )
        return municipality

    def _organisations(self) -> dict[str, Organisation]:
        organisations = {}
        for name, sector in EMPLOYERS:
            organisations[name], _ = Organisation.objects.get_or_create(
                name=name, defaults={"sector": sector, "is_employer": True, "is_partner": False}
            )
        for name, sector in PARTNERS:
            organisations[name], _ = Organisation.objects.get_or_create(
                name=name, defaults={"sector": sector, "is_partner": True}
            )
        return organisations

    def _teams(self, municipality) -> dict[str, Team]:
        teams = {}
        for name, spec in TEAMS.items():
            teams[name], _ = Team.objects.get_or_create(
                municipality=municipality,
                name=name,
                defaults={
                    "area_codes": spec["area_codes"],
                    "area_codes_year": 2026,
                    "target_groups": [Team.TargetGroup.NEIGHBOURHOOD, Team.TargetGroup.OLDER_PEOPLE],
                    "aims": [Team.Aim.PSYCHOSOCIAL, Team.Aim.PARTICIPATION],
                },
            )
        return teams

    def _accounts(self, teams, organisations) -> dict[str, User]:
        employer = organisations["Welzijn aan de Vecht"]
        start = datetime.date(timezone.localdate().year - 1, 1, 1)
        users = {}
        for username, (first, last, positions, professional, superuser, partner) in ACCOUNTS.items():
            user = User.objects.filter(username=username).first() or User(username=username)
            wanted = {
                "first_name": first,
                "last_name": last,
                "email": f"{username}@wijkteam.example",
                "is_staff": superuser,
                "is_superuser": superuser,
                "is_active": True,
                "organisation_id": organisations[partner].pk if partner else None,
            }
            changed = user._state.adding or any(getattr(user, k) != v for k, v in wanted.items())
            for field, value in wanted.items():
                setattr(user, field, value)
            if not user.check_password(DEMO_PASSWORD):
                user.set_password(DEMO_PASSWORD)
                changed = True
            if changed:
                user._change_reason = REASON
                user.save()
            users[username] = user
            for team_name, access_role in positions.items():
                self._position(user, teams[team_name], employer, access_role, professional, start)
        for team_name, colleagues in COLLEAGUES.items():
            for first, last in colleagues:
                username = f"{first}.{last}".lower().replace(" ", "")
                user = User.objects.filter(username=username).first()
                if user is None:
                    user = User(username=username, first_name=first, last_name=last)
                    user.set_unusable_password()
                    user._change_reason = REASON
                    user.save()
                users[username] = user
                self._position(user, teams[team_name], employer, "worker", "coach", start)
        return users

    @staticmethod
    def _position(user, team, employer, access_role, professional, start):
        Position.objects.get_or_create(
            user=user,
            team=team,
            active_from=start,
            defaults={
                "employer": employer,
                "access_role": access_role,
                "professional_role": professional,
                "accountable_to": Position.AccountableTo.TEAM,
            },
        )

    def _households(self, team: Team, users: dict[str, User], *, seed: int, spec) -> None:
        if Household.objects.filter(team=team).exists():
            return
        fake = Faker("nl_NL")
        fake.seed_instance(seed)
        rng = random.Random(seed)  # noqa: S311  (repeatable demo data, not secrets)
        worker_ids = set(
            Position.objects.filter(team=team, access_role="worker").values_list("user_id", flat=True)
        )
        team_workers = [user for user in users.values() if user.pk in worker_ids]
        demo_worker = users[f"worker.{team.name.lower()}"]
        today = timezone.localdate()
        for number in range(HOUSEHOLDS_PER_TEAM):
            family_name = fake.last_name()
            prefix, _, last_name = family_name.rpartition(" ")
            closed = number % 13 == 12
            lead = demo_worker if number % 4 == 0 else (rng.choice(team_workers) if number % 5 else None)
            household = Household(
                team=team,
                municipality_id=team.municipality_id,
                name=f"Familie {family_name}",
                street=fake.street_name(),
                house_number=rng.randint(1, 220),
                house_number_addition=rng.choice(["", "", "", "A", "B", "2 hoog"]),
                postcode=self._postcode(rng, spec["postcodes"]),
                city="Zwolle",
                wijk_code=rng.choice(spec["area_codes"]),
                area_codes_year=2026,
                lead_worker=lead,
                status=Household.Status.CLOSED if closed else Household.Status.OPEN,
                closed_on=today - datetime.timedelta(days=rng.randint(10, 300)) if closed else None,
            )
            household.buurt_code = f"BU{household.wijk_code[2:]}{rng.randint(1, 9):02d}"
            household._change_reason = REASON
            household.full_clean()
            household.save()
            self._members(household, fake, rng, prefix, last_name)

    @staticmethod
    def _members(household, fake, rng, prefix, last_name):
        today = timezone.localdate()
        adults = rng.choice([1, 1, 2, 2, 2])
        children = rng.choice([0, 0, 1, 2, 3, 4]) if adults else 0
        people = [(Person.Relation.MAIN_RESIDENT, rng.randint(24, 88))]
        if adults == 2:
            people.append((Person.Relation.PARTNER, rng.randint(24, 70)))
        people += [(Person.Relation.CHILD, rng.randint(0, 17)) for _ in range(children)]
        for relation, age in people:
            person = Person(
                household=household,
                first_name=fake.first_name(),
                last_name_prefix=prefix,
                last_name=last_name,
                birth_date=today - datetime.timedelta(days=age * 365 + rng.randint(0, 364)),
                bsn=fake.ssn() if rng.random() < 0.5 else "",
                relation=relation,
            )
            person._change_reason = REASON
            person.full_clean()
            person.save()

    @staticmethod
    def _postcode(rng, numbers) -> str:
        while True:
            letters = "".join(rng.choice("ABCDEGHJKLMNPRTVWXZ") for _ in range(2))
            candidate = f"{rng.choice(numbers)}{letters}"
            if stdnum_postcode.is_valid(candidate):
                return candidate

    def _print_accounts(self):
        self.stdout.write(self.style.SUCCESS("Demo data ready. Accounts (password: wijkteam-demo):"))
        for username, (_first, _last, positions, _prof, superuser, partner) in ACCOUNTS.items():
            what = ", ".join(f"{role} {team}" for team, role in positions.items())
            what = what or ("superuser" if superuser else f"partner reporter at {partner}")
            self.stdout.write(f"  {username:<20} {what}")
