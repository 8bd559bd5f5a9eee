"""`migrate` as the owner of the tables (DATABASE_OWNER_URL; wijkteam/db.py)."""

from django.core.management.commands.migrate import Command as MigrateCommand

from wijkteam.db import connect_as_owner


class Command(MigrateCommand):
    def handle(self, *args, **options):
        connect_as_owner(options["database"])
        return super().handle(*args, **options)
