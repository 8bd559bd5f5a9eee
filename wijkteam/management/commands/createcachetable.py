"""`createcachetable` as the owner of the tables (DATABASE_OWNER_URL; wijkteam/db.py)."""

from django.core.management.commands.createcachetable import Command as CreateCacheTableCommand

from wijkteam.db import connect_as_owner


class Command(CreateCacheTableCommand):
    def handle(self, *args, **options):
        connect_as_owner(options["database"])
        return super().handle(*args, **options)
