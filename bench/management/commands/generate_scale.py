"""Fill an empty PostgreSQL database with generated Dutch case data for benchmarks.

See bench/scale.py for what is generated, why it may bypass the history guard (COPY, no history
rows) and the checks that keep it away from real data. A command of the bench app: it exists
under the benchmark settings only (`manage.py generate_scale --settings bench.settings ...`).
"""

from django.core.management.base import BaseCommand, CommandError

from bench import scale


class Command(BaseCommand):
    help = (
        "Generate N households of realistic Dutch case data with PostgreSQL COPY, for benchmarks. "
        "Only into an empty case record; the generated data has no history rows."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--households", type=int, required=True, help="How many households (e.g. 500000)."
        )
        parser.add_argument(
            "--teams",
            type=int,
            help=f"How many teams (default: one per {scale.HOUSEHOLDS_PER_TEAM:,} households, 2 to "
            f"{scale.MAX_TEAMS}).",
        )
        parser.add_argument("--seed", type=int, default=scale.DEFAULT_SEED, help="Random seed (repeatable).")
        parser.add_argument(
            "--password",
            default=scale.DEFAULT_PASSWORD,
            help=f"The one password of every generated account (default: {scale.DEFAULT_PASSWORD}).",
        )
        parser.add_argument(
            "--allow-without-debug",
            action="store_true",
            help="Run although DEBUG is off (only for a database made for the benchmark).",
        )

    def handle(self, *args, **options):
        households = options["households"]
        if households < 1:
            raise CommandError("--households must be at least 1.")
        teams = options["teams"] or scale.default_teams(households)
        if not 1 <= teams <= 99:
            raise CommandError("--teams must be between 1 and 99.")
        try:
            scale.check_database(allow_without_debug=options["allow_without_debug"])
            self.stdout.write(
                f"Generating {households:,} households in {teams} teams (seed {options['seed']}):"
            )
            rows = scale.generate(
                households=households,
                n_teams=teams,
                seed=options["seed"],
                password=options["password"],
                write=self.stdout.write,
            )
        except scale.ScaleError as error:
            raise CommandError(str(error)) from error
        total = sum(rows.values())
        self.stdout.write(self.style.SUCCESS(f"Done: {total:,} rows of case data."))
        self.stdout.write(
            f"Log in as {scale.username(1, 'worker', 1)} (workers 01-10), "
            f"{scale.username(1, 'coordinator', 1)} (1-2) or {scale.username(1, 'manager')}, "
            f"teams t01-t{teams:02d}; partner reporters "
            f"{scale.USERNAME_PREFIX}m01.school (police, gp, housing). Password: {options['password']}"
        )
