"""Dutch demo data for the demo run: two teams, partners, households and the demo accounts.

Idempotent: a second run changes nothing but the demo passwords (set again). Later issues extend
this command so the demo always shows every feature.
"""

import datetime
import random
import uuid
import zlib

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from faker import Faker
from stdnum.nl import postcode as stdnum_postcode

from api.demo import CLIENT_ID as API_CLIENT_ID
from api.demo import ORGANISATION as API_ORGANISATION
from api.demo import SECRET as API_SECRET
from api.demo import seed_api_client
from areas.cbs import buurten_by_wijk, load_demo_areas
from cases import services
from cases.management.demo_agenda import seed_agenda, seed_notes_and_reach
from cases.management.demo_consent import seed_consent
from cases.management.demo_consult import seed_consult
from cases.management.demo_handover import seed_leaver
from cases.management.demo_outreach import seed_contacts
from cases.management.demo_plans import seed_plans
from cases.models import Household, Person, Referral
from directory.demo import seed_directory
from documents.demo import seed_documents
from mandates.demo import seed_mandates, seed_profile
from teams.models import Municipality, Organisation, Position, Sector, Team, User
from walkin.demo import seed_walkin

DEMO_PASSWORD = "wijkteam-demo"  # noqa: S105  (a published demo password, never in production)
REASON = "Demo data"
HOUSEHOLDS_PER_TEAM = 40

MUNICIPALITY = {"cbs_code": "GM0193", "name": "Zwolle"}
TEAMS = {
    "Noord": {
        "area_codes": ["WK019330", "WK019331"],  # Holtenbroek, Aa-landen
        "postcodes": range(8021, 8026),
        "phone": "+31387001100",
    },
    "Zuid": {"area_codes": ["WK019350", "WK019351"], "postcodes": range(8011, 8017), "phone": "+31387001200"},
}
# Signals per team: (days ago, urgency, sender, concern, ask, about whom, what happens to it).
# "known": a household of the team (the triage proposes it); "new": a family the team does not
# know; "match": two organisations about one household; "first": the first signal again.
# fmt: off
SIGNALS = [
    (0, "crisis", "Politie basisteam IJsselland", "Buren melden harde ruzie en een kind dat huilt.",
     "Vandaag een huisbezoek, samen met ons.", "known", "received"),
    (0, "urgent", "OBS De Regenboog", "Daan komt sinds de herfstvakantie vaak te laat en zonder eten.",
     "Dat Daan weer op tijd en met ontbijt op school komt.", "new", "received"),
    (1, "normal", "Woonstichting Thuis aan de IJssel", "Drie maanden huurachterstand, post blijft liggen.",
     "Een betalingsregeling en hulp bij de administratie.", "known", "received"),
    (12, "normal", "Huisartsenpraktijk Assendorp", "Meneer komt niet meer naar afspraken en lijkt eenzaam.",
     "Dat iemand bij hem langsgaat.", "known", "received"),  # overdue by now
    (4, "normal", "GGZ Noord-Oost", "Cliënt is uit zorg gegaan; wij maken ons zorgen over de kinderen.",
     "Dat het gezin in beeld blijft.", "known", "accepted"),
    (20, "urgent", "OBS De Regenboog", "Zorgen over de thuissituatie van twee broers.",
     "Gezinsondersteuning.", "match", "assigned"),
    (9, "normal", "JGZ IJsselland", "Moeder vertelde over schulden en slapeloosheid.",
     "Hulp bij geldzaken voor moeder.", "match", "accepted"),
    (30, "normal", "Schuldhulp Zwolle", "Aanmelding voor schuldhulp, maar gezin woont buiten de gemeente.",
     "Overname van de begeleiding.", "new", "declined"),
    (25, "normal", "Wmo-loket Zwolle", "Vraag om een traplift en hulp in de huishouding.",
     "Beoordeling van een maatwerkvoorziening.", "new", "forwarded"),
    (60, "normal", "Humanitas afdeling Zwolle", "Vrijwilliger maakt zich zorgen over mevrouw.",
     "Dat er iemand meekijkt.", "known", "closed"),
    (0, "crisis", "Politie basisteam IJsselland", "Tweede melding van de ruzie van vannacht.",
     "Vandaag een huisbezoek.", "first", "merged"),
]
# fmt: on
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
                self._referrals(team, users, organisations, seed=2026 + index)
                seed_plans(team, organisations, seed=2026 + index)
                seed_contacts(team, seed=2026 + index)
                seed_agenda(team)
                seed_notes_and_reach(team)
                seed_profile(team, organisations, users["manager"])
                seed_mandates(team, organisations, users["manager"])
                seed_consent(team, organisations)
                seed_leaver(team, users[f"coordinator.{name.lower()}"], users["manager"])
                seed_documents(team)
            seed_api_client(organisations)
            seed_directory()
            seed_walkin(teams["Noord"], users["worker.noord"], users["coordinator.noord"])
            seed_consult(teams["Noord"])
        self._print_accounts()

    def _municipality(self) -> Municipality:
        load_demo_areas()  # the names of Zwolle's wijken and buurten
        self.buurten = buurten_by_wijk(MUNICIPALITY["cbs_code"])
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
                    "postcode_areas": [str(number) for number in spec["postcodes"]],
                    "area_codes": spec["area_codes"],
                    "area_codes_year": 2026,
                    "phone": spec["phone"],
                    "target_groups": [Team.TargetGroup.NEIGHBOURHOOD, Team.TargetGroup.OLDER_PEOPLE],
                    "aims": [Team.Aim.PSYCHOSOCIAL, Team.Aim.PARTICIPATION],
                    # Zuid shows the coordinator's approval of plans; Noord works without.
                    "plan_approval_required": name == "Zuid",
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
        # Every kind of position: seconded or team member, accountable to team or institution.
        seconded = (user.pk or 0) % 2 == 0
        Position.objects.get_or_create(
            user=user,
            team=team,
            active_from=start,
            defaults={
                "employer": employer,
                "access_role": access_role,
                "professional_role": professional,
                "membership": Position.Membership.INSTITUTION if seconded else Position.Membership.TEAM,
                "accountable_to": Position.AccountableTo.INSTITUTION
                if seconded
                else Position.AccountableTo.TEAM,
                "hours_per_week": 24 if seconded else 32,
                "support_group": "Intervisiegroep dinsdag" if access_role == "worker" else "",
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
            # A buurt of the wijk from the shipped list (areas/data/cbs_GM0193.csv).
            buurten = self.buurten[household.wijk_code]
            household.buurt_code = buurten[rng.randint(1, 9) % len(buurten)]
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
            if age >= 18:  # a mobile number from the name: no draw from rng, the rest stays as it was
                person.phone = f"+316{zlib.crc32(f'{person.first_name} {last_name}'.encode()) % 10**8:08d}"
            person._change_reason = REASON
            person.full_clean()
            person.save()

    def _referrals(self, team: Team, users, organisations, *, seed: int) -> None:
        """Signals in every state: new (one overdue), accepted, assigned, a match, declined, …"""
        if Referral.objects.filter(team=team).exists():
            return
        rng = random.Random(seed)  # noqa: S311  (repeatable demo data, not secrets)
        fake = Faker("nl_NL")
        fake.seed_instance(seed)
        coordinator = users[f"coordinator.{team.name.lower()}"]
        worker = users[f"worker.{team.name.lower()}"]
        households = list(Household.objects.filter(team=team, status="open").prefetch_related("members"))
        matched = households[1]
        now = timezone.now()
        first_signal = None
        for index, (days, urgency, sender, concern, ask, about, outcome) in enumerate(SIGNALS):
            if about == "first":
                household = households[0]
            elif about == "match":
                household = matched
            else:
                household = households[(index * 7) % len(households)]
            member = household.members.all()[0]
            referral = Referral(
                team=team,
                channel=rng.choice([Referral.Channel.PHONE, Referral.Channel.EMAIL]),
                received_at=now
                if about == "first"
                else now - datetime.timedelta(days=days, hours=rng.randint(1, 5)),
                sender_organisation=organisations[sender],
                sender_name=fake.name(),
                sender_phone=f"038-{rng.randint(2000000, 9999999)}",
                sender_email=f"zorg@{sender.split()[0].lower()}.example",
                urgency=urgency,
                concern=concern,
                request=ask,
                prior_information="Eerder contact met het gezin via het maatschappelijk werk."
                if index % 3 == 0
                else "",
            )
            if about == "new":
                referral.subject_first_name = fake.first_name()
                referral.subject_last_name = fake.last_name().rpartition(" ")[2]
                referral.street, referral.house_number = fake.street_name(), rng.randint(1, 200)
                referral.postcode = self._postcode(rng, TEAMS[team.name]["postcodes"])
                referral.city = "Zwolle"
            else:  # as a partner would write it: close to the register, not always the same
                referral.subject_first_name = member.first_name
                referral.subject_last_name_prefix = member.last_name_prefix
                referral.subject_last_name = member.last_name + ("s" if index % 2 else "")
                referral.subject_birth_date = member.birth_date
                referral.street, referral.house_number = household.street, household.house_number
                referral.postcode, referral.city = household.postcode, household.city
            referral, _created = services.referral_submit(
                referral=referral, submission_id=uuid.uuid4(), by=coordinator
            )
            if outcome == "merged":
                services.referral_merge(
                    referral=referral, into_id=first_signal.pk, by=coordinator, reason="Zelfde incident."
                )
            self._decide(referral, outcome, household, coordinator, worker, organisations)
            first_signal = first_signal or referral

    @staticmethod
    def _decide(referral, outcome, household, coordinator, worker, organisations) -> None:
        if outcome in ("accepted", "assigned", "closed"):
            services.referral_accept(
                referral=referral,
                by=coordinator,
                household=household,
                worker=worker if outcome != "accepted" else None,
                reason="Bekend gezin van het team",
            )
        if outcome == "closed":
            services.referral_close(
                referral=referral,
                by=worker,
                end_result=Referral.EndResult.QUICK_FIX,
                reason="Boodschappenhulp via de vrijwilligerscentrale geregeld.",
            )
        elif outcome == "declined":
            services.referral_decline(
                referral=referral,
                by=coordinator,
                reason_code=Referral.DeclineReason.OUTSIDE_AREA,
                reason="Gezin woont in Kampen; doorverwezen naar het team daar.",
            )
        elif outcome == "forwarded":
            services.referral_forward(
                referral=referral,
                by=coordinator,
                organisation=organisations["Wmo-loket Zwolle"],
                reason="Vraag om een voorziening: eerst een Wmo-onderzoek.",
            )

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
        self.stdout.write(
            f"API client of {API_ORGANISATION} (README, 'Connecting a partner's system'): "
            f"client id {API_CLIENT_ID}, secret {API_SECRET}"
        )
