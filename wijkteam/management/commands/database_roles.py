"""Grant the application's role what it needs, and nothing that undoes the audit trail.

Runs as the owner of the tables (DATABASE_OWNER_URL) for the role of DATABASE_URL, after every
migrate; running it again changes nothing (wijkteam/db.py, grant_application_role).
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from wijkteam.db import RoleError, application_login, connect_as_owner, grant_application_role


class Command(BaseCommand):
    help = (
        "Grant the application's database role (DATABASE_URL) its rights on the tables of the "
        "owner (DATABASE_OWNER_URL): no TRUNCATE, no ALTER, no changes to the audit trail."
    )

    def handle(self, *args, **options):
        if connection.vendor != "postgresql":
            self.stdout.write(
                f"database_roles: {connection.vendor} has no database roles; nothing to grant "
                "(the demo's database is one file). Production uses PostgreSQL with two roles."
            )
            return
        app_role = application_login()["USER"]
        connect_as_owner()
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                counts = grant_application_role(cursor, app_role)
                cursor.execute("SELECT current_user")
                owner = cursor.fetchone()[0]
        except RoleError as error:
            raise CommandError(f"database_roles: {error}") from error
        if options["verbosity"]:
            self.stdout.write(
                self.style.SUCCESS(
                    f"database_roles: {app_role} may read and add rows in the {counts['tables']} tables "
                    f"of {owner}, change and delete them in {counts['changeable']}; the "
                    f"{counts['append_only']} append-only tables it cannot change, truncate or alter."
                )
            )
