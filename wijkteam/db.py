"""The audit trail in PostgreSQL: append-only tables, and the two roles that make them hold.

History and log tables must keep what they hold: a trigger rejects UPDATE and DELETE on them,
whoever sends it (the ORM, raw SQL or a console). Other databases (the SQLite demo) get no trigger.

A trigger holds only against a role that cannot remove it, and the owner of a table can disable
its triggers, truncate it or alter it. So the application connects as a role of its own
(DATABASE_URL) that owns nothing and may not TRUNCATE, and the owner (DATABASE_OWNER_URL) runs
the migrations, the grants (`manage.py database_roles`, `grant_application_role` below) and
retention (`connect_as_owner`). TRUNCATE is not a row event: the owner keeps it (the test
runner empties its database with it).
"""

from django.conf import settings
from django.contrib.postgres.operations import AddIndexConcurrently, RemoveIndexConcurrently
from django.core.exceptions import ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, connections, migrations
from django.db.migrations.operations import AddIndex, RemoveIndex

# The one exception: the retention job (cases/retention.py) sets wijkteam.retention = 'on' for
# its own transaction (SET LOCAL) to pseudonymise history rows past their term. Any session may
# set a custom setting, so the switch counts only for a session logged in as the owner of the
# table (or a superuser): the application's role may set it, and nothing changes. The session's
# login role, not current_user, which is the owner inside foreign-key actions.
FUNCTION_SQL = """
CREATE OR REPLACE FUNCTION wijkteam_reject_change() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE'
        AND current_setting('wijkteam.retention', true) = 'on'
        AND pg_has_role(session_user, (SELECT relowner FROM pg_class WHERE oid = TG_RELID), 'USAGE')
    THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'table % is append-only: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp;
"""


def trigger_name(table: str) -> str:
    return f"{table}_append_only"[:63]


class MakeAppendOnly(migrations.operations.base.Operation):
    """Install the append-only trigger on the table of `model_name` (PostgreSQL only)."""

    reduces_to_sql = True
    reversible = True

    def __init__(self, model_name: str):
        self.model_name = model_name

    def state_forwards(self, app_label, state):
        pass

    def _table(self, app_label, state):
        return state.apps.get_model(app_label, self.model_name)._meta.db_table

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            return
        table = self._table(app_label, to_state)
        quote = schema_editor.quote_name
        schema_editor.execute(FUNCTION_SQL, params=None)
        schema_editor.execute(
            f"CREATE TRIGGER {quote(trigger_name(table))} BEFORE UPDATE OR DELETE ON "
            f"{quote(table)} FOR EACH ROW EXECUTE FUNCTION wijkteam_reject_change()"
        )

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            return
        table = self._table(app_label, from_state)
        quote = schema_editor.quote_name
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {quote(trigger_name(table))} ON {quote(table)}")

    def describe(self):
        return f"Make the table of {self.model_name} append-only"

    def deconstruct(self):
        return (self.__class__.__qualname__, [self.model_name], {})


class PostgresOnly:
    """A migration operation that runs on PostgreSQL and only changes the model state elsewhere."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class AddIndexConcurrentlyOnPostgres(PostgresOnly, AddIndexConcurrently):
    """An index built without locking writes (CREATE INDEX CONCURRENTLY) on PostgreSQL.

    For indexes on large tables (trigram GIN indexes among them) that a deployment adds while
    other app servers keep writing. The migration needs `atomic = False`. SQLite, the demo's
    database, keeps the index in the model state only: it has no GIN, and the demo is small.
    """


class RemoveIndexConcurrentlyOnPostgres(PostgresOnly, RemoveIndexConcurrently):
    """The reverse of AddIndexConcurrentlyOnPostgres: DROP INDEX CONCURRENTLY, PostgreSQL only."""


class PlainElsewhere:
    """A concurrent index operation on PostgreSQL (app servers keep writing), the plain one
    (`plain`) elsewhere: for a B-tree index that the SQLite demo holds too. Needs `atomic = False`."""

    plain: type

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            return super().database_forwards(app_label, schema_editor, from_state, to_state)
        return self.plain.database_forwards(self, app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            return super().database_backwards(app_label, schema_editor, from_state, to_state)
        return self.plain.database_backwards(self, app_label, schema_editor, from_state, to_state)


class AddIndexConcurrentlyWherePossible(PlainElsewhere, AddIndexConcurrently):
    plain = AddIndex


class RemoveIndexConcurrentlyWherePossible(PlainElsewhere, RemoveIndexConcurrently):
    plain = RemoveIndex


# --- The two roles ---------------------------------------------------------------------------

# What DATABASE_OWNER_URL replaces of the connection: who logs in, and where (the owner may
# reach the server directly where the application goes through a pooler). Never the database.
_LOGIN_KEYS = ("USER", "PASSWORD", "HOST", "PORT")
_application_login: dict | None = None


def connect_as_owner(alias: str = DEFAULT_DB_ALIAS) -> None:
    """From here on, this process connects as the owner of the tables (DATABASE_OWNER_URL).

    For the commands that change the schema, the grants or history: migrate, createcachetable,
    database_roles and apply_retention. Without DATABASE_OWNER_URL (the SQLite demo, a
    development database) the owner is the application's own login and nothing changes.
    """
    global _application_login
    connection = connections[alias]
    owner = settings.DATABASE_OWNER
    if all(connection.settings_dict.get(key) == owner.get(key) for key in _LOGIN_KEYS):
        return
    if (
        owner["ENGINE"] != connection.settings_dict["ENGINE"]
        or owner["NAME"] != connection.settings_dict["NAME"]
    ):
        raise ImproperlyConfigured(
            "DATABASE_OWNER_URL must name the same database as DATABASE_URL, with the owner's "
            "role: it runs the migrations and retention of that database."
        )
    if _application_login is None:
        _application_login = {key: connection.settings_dict.get(key) for key in _LOGIN_KEYS}
    connection.close()
    connection.settings_dict.update({key: owner.get(key) for key in _LOGIN_KEYS})
    connection.settings_dict.setdefault("OPTIONS", {}).update(owner.get("OPTIONS", {}))


def application_login(alias: str = DEFAULT_DB_ALIAS) -> dict:
    """USER, PASSWORD, HOST and PORT of DATABASE_URL, also after connect_as_owner()."""
    current = connections[alias].settings_dict
    return dict(_application_login or {key: current.get(key) for key in _LOGIN_KEYS})


def append_only_tables(cursor) -> list[str]:
    """The tables of the current schema that carry the append-only trigger."""
    cursor.execute(
        """
        SELECT DISTINCT c.relname
        FROM pg_trigger t
        JOIN pg_proc p ON p.oid = t.tgfoid AND p.proname = 'wijkteam_reject_change'
        JOIN pg_class c ON c.oid = t.tgrelid
        WHERE c.relnamespace = current_schema()::regnamespace
        ORDER BY c.relname
        """
    )
    return [row[0] for row in cursor.fetchall()]


class RoleError(Exception):
    """The application's role could undo the audit trail; the message says why and what to do."""


# Never changed by the application: Django's record of the migrations applied.
READ_ONLY_TABLES = {"django_migrations"}
# What tables of later migrations give the application until database_roles runs again.
DEFAULT_TABLE_PRIVILEGES = ("SELECT", "INSERT", "UPDATE", "DELETE")


def _role_problems(cursor, app_role: str) -> list[str]:
    cursor.execute(
        """
        SELECT r.rolsuper, r.rolcreaterole, r.rolname = current_user,
               pg_has_role(r.oid, current_user, 'MEMBER'),
               pg_has_role(r.oid, n.nspowner, 'USAGE'),
               pg_has_role(r.oid, d.datdba, 'USAGE')
        FROM pg_roles r, pg_namespace n, pg_database d
        WHERE r.rolname = %s AND n.oid = current_schema()::regnamespace AND d.datname = current_database()
        """,
        [app_role],
    )
    row = cursor.fetchone()
    if row is None:
        return [f"role {app_role} does not exist: create it first (README, 'Deploying')."]
    superuser, createrole, same, member, schema_owner, database_owner = row
    problems = []
    if same:
        problems.append(
            f"DATABASE_URL and DATABASE_OWNER_URL both log in as {app_role}: the application would "
            "own the tables. Give the application a role of its own (README, 'Deploying')."
        )
    elif member:
        problems.append(f"{app_role} is a member of the owner's role and has its rights.")
    if superuser:
        problems.append(f"{app_role} is a superuser.")
    if createrole:
        problems.append(f"{app_role} may create roles (CREATEROLE), and so give itself the owner's.")
    if schema_owner or database_owner:
        problems.append(
            f"{app_role} owns the database or its schema, and may drop the schema with every table in it."
        )
    cursor.execute(
        """
        SELECT relname FROM pg_class
        WHERE relowner = %s::regrole AND relnamespace = current_schema()::regnamespace
        UNION ALL
        SELECT proname FROM pg_proc
        WHERE proowner = %s::regrole AND pronamespace = current_schema()::regnamespace
        ORDER BY 1
        """,
        [app_role, app_role],
    )
    owned = [row[0] for row in cursor.fetchall()]
    if owned and not same:
        problems.append(
            f"{app_role} owns {', '.join(owned[:5])}{' …' if len(owned) > 5 else ''}: as a superuser, "
            f"REASSIGN OWNED BY {app_role} TO the owner's role."
        )
    return problems


def grant_application_role(cursor, app_role: str) -> dict:
    """Give `app_role` what the application needs and nothing that undoes the audit trail.

    Run as the owner of the tables, after every migrate; it can be run again at any time. The
    application may SELECT and INSERT everywhere, UPDATE and DELETE where the models change rows,
    not on the append-only tables (history, access log, decisions, consent and shares) and not on
    Django's migration record. It gets no TRUNCATE, REFERENCES or TRIGGER and owns nothing, so it
    cannot alter a table or switch its triggers off. Tables made by later migrations get SELECT,
    INSERT, UPDATE and DELETE by default (their trigger, if any, still refuses row changes) until
    this runs again. Raises RoleError when the role could undo the audit trail anyway.
    """
    quote = connections[DEFAULT_DB_ALIAS].ops.quote_name
    problems = _role_problems(cursor, app_role)
    if problems:
        raise RoleError(" ".join(problems))
    role, schema = quote(app_role), quote(_schema(cursor))
    if _may_create_tables(cursor, app_role):
        # PostgreSQL before 15 lets every role create tables in the public schema.
        cursor.execute(f"REVOKE CREATE ON SCHEMA {schema} FROM PUBLIC, {role}")
        if _may_create_tables(cursor, app_role):
            raise RoleError(f"{app_role} may create tables in the schema {_schema(cursor)}.")
    append_only = append_only_tables(cursor)
    cursor.execute(
        "SELECT relname FROM pg_class WHERE relnamespace = current_schema()::regnamespace "
        "AND relkind IN ('r', 'p', 'v', 'm', 'f') AND relowner = current_user::regrole ORDER BY relname"
    )
    tables = [row[0] for row in cursor.fetchall()]
    changeable = [t for t in tables if t not in append_only and t not in READ_ONLY_TABLES]
    # One transaction: a request running meanwhile sees the old grants or the new ones.
    for statement in (
        f"REVOKE ALL ON ALL TABLES IN SCHEMA {schema} FROM {role}",
        f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA {schema} FROM {role}",
        f"GRANT USAGE ON SCHEMA {schema} TO {role}",
        f"GRANT SELECT, INSERT ON ALL TABLES IN SCHEMA {schema} TO {role}",
        *(f"REVOKE INSERT ON {quote(table)} FROM {role}" for table in READ_ONLY_TABLES if table in tables),
        *(f"GRANT UPDATE, DELETE ON {quote(table)} TO {role}" for table in changeable),
        # Identity columns need no grant on their sequence; reading one is for pg_dump (backups).
        f"GRANT SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {role}",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} GRANT {', '.join(DEFAULT_TABLE_PRIVILEGES)} "
        f"ON TABLES TO {role}",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} GRANT SELECT ON SEQUENCES TO {role}",
    ):
        cursor.execute(statement)
    return {"tables": len(tables), "changeable": len(changeable), "append_only": len(append_only)}


def _may_create_tables(cursor, role: str) -> bool:
    cursor.execute("SELECT has_schema_privilege(%s, current_schema(), 'CREATE')", [role])
    return cursor.fetchone()[0]


def _schema(cursor) -> str:
    cursor.execute("SELECT current_schema()")
    return cursor.fetchone()[0]
