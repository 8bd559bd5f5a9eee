"""Migration operations that make tables append-only in PostgreSQL.

History and log tables must keep what they hold: a trigger rejects UPDATE and DELETE on them,
whoever sends it (the ORM, raw SQL or a console). TRUNCATE is not a row event and stays
available to the test runner and to a documented retention purge. Other databases (the SQLite
demo) get no trigger.
"""

from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations

# The one exception: the retention job (cases/retention.py) sets wijkteam.retention = 'on' for
# its own transaction (SET LOCAL) to pseudonymise history rows past their term. Nothing else does.
FUNCTION_SQL = """
CREATE OR REPLACE FUNCTION wijkteam_reject_change() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND current_setting('wijkteam.retention', true) = 'on' THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'table % is append-only: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
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


class AddIndexConcurrentlyOnPostgres(AddIndexConcurrently):
    """An index built without locking writes (CREATE INDEX CONCURRENTLY) on PostgreSQL.

    For indexes on large tables (trigram GIN indexes among them) that a deployment adds while
    other app servers keep writing. The migration needs `atomic = False`. SQLite, the demo's
    database, keeps the index in the model state only: it has no GIN, and the demo is small.
    """

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)
