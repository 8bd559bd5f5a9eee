"""Pick the benchmark's accounts and objects in generated data and give them a second factor.

Writes one JSON file for `bench/measure.py` and `bench/locustfile.py`: a worker, a coordinator and
a manager of the team with the most open households, a household that worker leads (with its
current plan), a search word a worker would type (the household's family name), an admin for the
changelist reference, and one account per simulated user of the load phase. Each account gets the
benchmark password and its own TOTP secret, because the benchmark server requires the second
factor exactly as production does.
"""

import datetime
import json
import secrets
from collections import defaultdict

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from allauth.mfa.utils import decrypt
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from cases.models import Household, Person, Plan, Referral
from teams.models import Position, Team, User

ADMIN_USERNAME = "bench_admin"


class Command(BaseCommand):
    help = "Prepare accounts and objects for bench/run (benchmark settings only)."

    def add_arguments(self, parser):
        parser.add_argument("--out", required=True, help="JSON file to write")
        parser.add_argument("--load-users", type=int, default=50)

    @transaction.atomic
    def handle(self, *, out, load_users, **options):
        password = secrets.token_urlsafe(16)
        hashed = make_password(password)
        team = (
            Team.objects.annotate(open=Count("households", filter=Q(households__status="open")))
            .order_by("-open", "pk")
            .first()
        )
        if team is None or team.open == 0:
            raise CommandError("No generated data: run generate_scale first.")
        household = (
            Household.objects.filter(
                team=team,
                status=Household.Status.OPEN,
                lead_worker__isnull=False,
                plans__status=Plan.Status.CURRENT,
            )
            .order_by("name", "pk")
            .first()
        )
        if household is None:
            raise CommandError(f"Team {team} has no open household with a current plan.")
        family = Person.objects.filter(household=household).order_by("pk").values_list("last_name", flat=True)
        search = (family.first() or household.name).split()[-1]

        def position_of(role, **extra):
            position = (
                Position.objects.active()
                .filter(team=team, access_role=role, user__is_active=True, **extra)
                .order_by("pk")
                .first()
            )
            if position is None:
                raise CommandError(f"Team {team} has no active {role}.")
            return position.user

        accounts = {
            "worker": household.lead_worker,
            "coordinator": position_of(Position.AccessRole.COORDINATOR),
            "manager": position_of(Position.AccessRole.MANAGER),
            "admin": self._admin(),
        }
        exclude = {user.pk for user in accounts.values()}
        self._enough_staff(team, load_users, exclude)
        load = self._load_accounts(load_users, exclude=exclude)
        users = [*accounts.values(), *(entry["user"] for entry in load)]
        for user in users:
            user.password = hashed
            user._change_reason = "Benchmark account (bench_prepare)"
            user.save(update_fields=["password"])
        secrets_by_user = {user.pk: self._totp_secret(user) for user in users}

        def account(user):
            return {"username": user.username, "password": password, "totp_secret": secrets_by_user[user.pk]}

        year_ago = timezone.now() - datetime.timedelta(days=365)
        data = {
            "team": team.pk,
            "team_name": team.name,
            # What the team-wide pages read: the lists its households, the partner overview its
            # year of partners' signals. The comparison of two sizes says how these differ.
            "team_rows": {
                "households": Household.objects.filter(team=team).count(),
                "signals_year": Referral.objects.filter(
                    team=team, received_at__gte=year_ago, sender_organisation__isnull=False
                ).count(),
            },
            "household": str(household.pk),
            "search": search,
            "accounts": {role: account(user) for role, user in accounts.items()},
            "load_users": [
                {**account(entry["user"]), "role": entry["role"], "household": entry["household"]}
                for entry in load
            ],
        }
        with open(out, "w") as handle:
            json.dump(data, handle, indent=2)
        self.stdout.write(f"bench_prepare: team {team.name} ({team.open} open households), search '{search}'")

    def _admin(self):
        admin, _created = User.objects.get_or_create(
            username=ADMIN_USERNAME, defaults={"is_staff": True, "is_superuser": True}
        )
        return admin

    def _enough_staff(self, team, count, exclude):
        """Small installations have fewer staff than simulated users; one account each (a TOTP
        code works once), so add workers to the team like its first worker."""
        staff = Position.objects.active().filter(user__is_active=True).exclude(user__in=exclude)
        missing = count - staff.values("user").distinct().count()
        template = staff.filter(team=team, access_role=Position.AccessRole.WORKER).order_by("pk").first()
        copied = {
            field.attname: getattr(template, field.attname)
            for field in Position._meta.concrete_fields
            if field.name not in ("id", "user")
        }
        for number in range(1, missing + 1):
            user, _created = User.objects.get_or_create(
                username=f"bench.t{team.pk:02d}.load{number:02d}",
                defaults={"first_name": "Belasting", "last_name": f"Test {number}"},
            )
            position = Position(user=user, **copied)
            position._change_reason = "Benchmark account (bench_prepare)"
            position.save()

    def _load_accounts(self, count, exclude):
        """Mixes the roles as teams do (mostly workers), spread over the teams, one account each."""
        wanted = {
            Position.AccessRole.WORKER: count * 7 // 10,
            Position.AccessRole.COORDINATOR: count * 2 // 10,
        }
        wanted[Position.AccessRole.MANAGER] = count - sum(wanted.values())
        rank_in_team = defaultdict(int)
        by_role = defaultdict(list)
        seen = set(exclude)
        for position in (
            Position.objects.active()
            .filter(user__is_active=True)
            .select_related("user")
            .order_by("team_id", "pk")
        ):
            if position.user_id in seen:
                continue
            seen.add(position.user_id)
            key = (position.team_id, position.access_role)
            by_role[position.access_role].append((rank_in_team[key], position.team_id, position))
            rank_in_team[key] += 1
        pools = {role: [e[2] for e in sorted(group, key=lambda e: e[:2])] for role, group in by_role.items()}
        picked = []
        for role, number in wanted.items():
            picked += pools.get(role, [])[:number]
            pools[role] = pools.get(role, [])[number:]
        leftovers = [p for pool in pools.values() for p in pool]
        picked += leftovers[: count - len(picked)]
        picked = _interleaved(picked)
        households = dict(
            Household.objects.filter(lead_worker__in=[p.user_id for p in picked], status="open")
            .order_by("lead_worker", "pk")
            .distinct("lead_worker")
            .values_list("lead_worker", "pk")
        )
        in_team = dict(
            Household.objects.filter(team__in={p.team_id for p in picked}, status=Household.Status.OPEN)
            .order_by("team", "pk")
            .distinct("team")
            .values_list("team", "pk")
        )
        return [
            {
                "user": p.user,
                "role": p.access_role,
                "household": str(households.get(p.user_id) or in_team.get(p.team_id) or ""),
            }
            for p in picked
        ]

    @staticmethod
    def _totp_secret(user) -> str:
        device = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
        if device is not None:
            return decrypt(device.data["secret"])
        secret = generate_totp_secret()
        TOTP.activate(user, secret)
        return secret


def _interleaved(positions):
    """The roles spread evenly over the list: the load takes the first accounts and the steps of
    bench/run the next ones, and every stretch of it should mix the roles as the whole does."""
    by_role = defaultdict(list)
    for position in positions:
        by_role[position.access_role].append(position)
    ranked = [
        ((rank + 0.5) / len(group), role_order, position)
        for role_order, group in enumerate(by_role.values())
        for rank, position in enumerate(group)
    ]
    return [position for *_key, position in sorted(ranked, key=lambda entry: entry[:2])]
