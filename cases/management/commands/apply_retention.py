"""Pseudonymise closed households past their retention term and purge old submission ids (see
cases/retention.py)."""

from django.core.management.base import BaseCommand, CommandError

from cases import retention
from cases.models import RecordClass
from wijkteam.db import connect_as_owner


class Command(BaseCommand):
    help = (
        "Pseudonymise closed households past their retention term and purge old create-once "
        "submission ids; --dry-run lists them first."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Only list what would be pseudonymised.")

    def handle(self, *args, dry_run=False, **options):
        # History rows change only in a session of the tables' owner (wijkteam/db.py).
        connect_as_owner()
        due = list(retention.due().select_related("team"))
        labels = dict(RecordClass.choices)
        for household in due:
            # No names: a pseudonym, the team, the closing date and the kind of record.
            self.stdout.write(
                f"{retention.pseudonym(household.pk)}  {household.team}  "
                f"{household.closed_on:%d-%m-%Y}  {labels[household.record_class]}"
            )
        if dry_run:
            self.stdout.write(self.style.WARNING(f"{len(due)} households would be pseudonymised (dry run)."))
            stale = retention.stale_submissions().count()
            self.stdout.write(self.style.WARNING(f"{stale} submission ids would be purged (dry run)."))
            return
        try:
            counts = retention.apply()
        except retention.NotTheOwner as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(f"Pseudonymised: {counts}"))
