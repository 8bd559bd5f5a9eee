"""Accent- and case-insensitive search, the same SQL on PostgreSQL and on the SQLite demo.

`Fold(expression)` calls the database function `wijkteam_fold`: lower case without accents
("Joëlle" and "JOELLE" both become "joelle"). On PostgreSQL it is an IMMUTABLE SQL function
around the `unaccent` extension (created by migration cases 0027), so trigram GIN indexes can
be built on `wijkteam_fold(column)`. On SQLite this module registers the same name as a Python
function on every new connection (`register_sqlite_functions`, connected in cases/apps.py).

`SimilarWord(text, word)` is fuzzy: the word resembles a word in the text ("hendrikze" finds
"Hendrikse"). On PostgreSQL it is pg_trgm's `%>` operator (word similarity, served by the same
trigram indexes); on SQLite a Python approximation with the same threshold.
"""

import re
import unicodedata

from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.db.models import Func, Lookup

# pg_trgm's default pg_trgm.word_similarity_threshold; the SQLite function uses the same.
WORD_SIMILARITY_THRESHOLD = 0.6

# Letters that are not a base letter plus an accent, so Unicode decomposition leaves them
# (unaccent's rules map them the same way).
_LETTERS = str.maketrans({"ø": "o", "Ø": "O", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ß": "ss",
                          "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ı": "i", "þ": "th", "ð": "d"})  # fmt: skip


def fold(text: str | None) -> str | None:
    """Lower case without accents: what `wijkteam_fold` does in the database."""
    if text is None:
        return None
    decomposed = unicodedata.normalize("NFKD", str(text).translate(_LETTERS))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


_WORD = re.compile(r"[^\W_]+")


def _trigrams(word: str) -> set[str]:
    padded = f"  {word} "
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


def word_similarity(word: str | None, text: str | None) -> float:
    """How much of `word`'s trigrams the most similar word of `text` shares (0 to 1).

    Close to pg_trgm's word_similarity(word, text), which compares with a stretch of the text
    rather than one of its words: enough for the demo's few hundred households.
    """
    if not word or not text:
        return 0.0
    words = _WORD.findall(fold(word))
    if not words:
        return 0.0
    wanted = set().union(*(_trigrams(w) for w in words))
    best = max((len(wanted & _trigrams(w)) for w in _WORD.findall(fold(text))), default=0)
    return best / len(wanted)


def register_sqlite_functions(sender, connection, **kwargs):
    """connection_created: give SQLite the functions PostgreSQL gets from migration 0027."""
    if connection.vendor != "sqlite":
        return
    connection.connection.create_function("wijkteam_fold", 1, fold, deterministic=True)
    connection.connection.create_function("wijkteam_word_similarity", 2, word_similarity, deterministic=True)


class Fold(Func):
    """Lower case without accents (the database function `wijkteam_fold`)."""

    function = "wijkteam_fold"
    arity = 1
    output_field = models.TextField()


class WordSimilarity(Func):
    """How similar `word` is to the most similar stretch of `text`, 0 to 1."""

    arity = 2
    output_field = models.FloatField()

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, function="word_similarity", **extra_context)

    def as_sql(self, compiler, connection, function="wijkteam_word_similarity", **extra_context):
        return super().as_sql(compiler, connection, function=function, **extra_context)


class SimilarWord(Lookup):
    """`SimilarWord(text, word)`: the word resembles a word of the text, both folded.

    Use it in filter() directly; `text` should be a `Fold(...)` that a trigram index serves.
    """

    lookup_name = "similar_word"
    prepare_rhs = False

    def as_postgresql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} %%> {rhs}", (*lhs_params, *rhs_params)

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return (
            f"wijkteam_word_similarity({rhs}, {lhs}) >= {WORD_SIMILARITY_THRESHOLD}",
            (*rhs_params, *lhs_params),
        )


class TrigramIndex(GinIndex):
    """A GIN index with pg_trgm's operator class, PostgreSQL only (the migrations add it with
    AddIndexConcurrentlyOnPostgres). SQLite cannot build one, and it rebuilds a table with every
    index of the model when a column is added: there the index is an empty statement."""

    def create_sql(self, model, schema_editor, using="", **kwargs):
        if schema_editor.connection.vendor != "postgresql":
            return ""
        return super().create_sql(model, schema_editor, using=using, **kwargs)


# The household's search text: its name, its street and its members' first and last names,
# folded, one per line. The database keeps it (triggers), so a member added, renamed, moved,
# removed or blanked by retention changes it whichever code path did it, bulk inserts included;
# the search then reads one column of one table, served by one trigram index, instead of folding
# every household of the team and looking up its members (issue 16). The household's own trigger
# recomputes it on every write, so a stale value saved by Django never stays.
_PG_SEARCH_TEXT = """
CREATE OR REPLACE FUNCTION {schema}.wijkteam_household_search_text(uuid, text, text) RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE SET search_path = {schema}, pg_temp
AS $$ SELECT concat_ws(E'\\n', wijkteam_fold($2), wijkteam_fold($3),
    (SELECT string_agg(wijkteam_fold(p.first_name || ' ' || p.last_name), E'\\n' ORDER BY p.id)
     FROM cases_person p WHERE p.household_id = $1)) $$;

CREATE OR REPLACE FUNCTION {schema}.wijkteam_household_search_text_set() RETURNS trigger
LANGUAGE plpgsql SET search_path = {schema}, pg_temp
AS $$ BEGIN
  NEW.search_text := wijkteam_household_search_text(NEW.id, NEW.name, NEW.street);
  RETURN NEW;
END $$;

CREATE OR REPLACE TRIGGER household_search_text BEFORE INSERT OR UPDATE ON {schema}.cases_household
FOR EACH ROW EXECUTE FUNCTION {schema}.wijkteam_household_search_text_set();

CREATE OR REPLACE FUNCTION {schema}.wijkteam_person_search_text_touch() RETURNS trigger
LANGUAGE plpgsql SET search_path = {schema}, pg_temp
AS $$ BEGIN
  IF TG_OP = 'INSERT' THEN
    UPDATE cases_household SET search_text = '' WHERE id IN (SELECT household_id FROM new_people);
  ELSIF TG_OP = 'DELETE' THEN
    UPDATE cases_household SET search_text = '' WHERE id IN (SELECT household_id FROM old_people);
  ELSE
    UPDATE cases_household SET search_text = '' WHERE id IN (NEW.household_id, OLD.household_id);
  END IF;
  RETURN NULL;
END $$;

CREATE OR REPLACE TRIGGER person_search_text_insert AFTER INSERT ON {schema}.cases_person
REFERENCING NEW TABLE AS new_people
FOR EACH STATEMENT EXECUTE FUNCTION {schema}.wijkteam_person_search_text_touch();

CREATE OR REPLACE TRIGGER person_search_text_delete AFTER DELETE ON {schema}.cases_person
REFERENCING OLD TABLE AS old_people
FOR EACH STATEMENT EXECUTE FUNCTION {schema}.wijkteam_person_search_text_touch();

CREATE OR REPLACE TRIGGER person_search_text_update
AFTER UPDATE OF first_name, last_name, household_id ON {schema}.cases_person
FOR EACH ROW WHEN (OLD.first_name IS DISTINCT FROM NEW.first_name
  OR OLD.last_name IS DISTINCT FROM NEW.last_name OR OLD.household_id IS DISTINCT FROM NEW.household_id)
EXECUTE FUNCTION {schema}.wijkteam_person_search_text_touch();
"""

# SQLite (the demo): an AFTER trigger sets the column (SQLite's triggers cannot change NEW) and
# does not fire itself again (recursive triggers are off). A table that a later migration
# rebuilds loses its triggers: install_search_text runs after every migrate (cases/apps.py).
_SQLITE_TEXT = """wijkteam_fold(NEW.name) || char(10) || wijkteam_fold(NEW.street) || coalesce(char(10) ||
    (SELECT group_concat(wijkteam_fold(first_name || ' ' || last_name), char(10))
     FROM (SELECT first_name, last_name FROM cases_person WHERE household_id = NEW.id ORDER BY id)), '')"""
# Built from the constants above only: nothing a user typed.
_SQLITE_SEARCH_TEXT = [
    f"""CREATE TRIGGER IF NOT EXISTS household_search_text_{event.lower()} AFTER {event} ON cases_household
    BEGIN UPDATE cases_household SET search_text = {_SQLITE_TEXT} WHERE id = NEW.id; END"""  # noqa: S608
    for event in ("INSERT", "UPDATE")
] + [
    f"""CREATE TRIGGER IF NOT EXISTS person_search_text_{name} AFTER {event} ON cases_person
    BEGIN UPDATE cases_household SET search_text = '' WHERE id IN ({rows}); END"""  # noqa: S608
    for name, event, rows in (
        ("insert", "INSERT", "NEW.household_id"),
        ("delete", "DELETE", "OLD.household_id"),
        ("update", "UPDATE OF first_name, last_name, household_id", "NEW.household_id, OLD.household_id"),
    )
]


def install_search_text(connection, refresh=False):
    """Create (or replace) the triggers that keep `cases_household.search_text`; with `refresh`,
    recompute it for every household (the triggers do it on the empty update)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT quote_ident(current_schema())")
            cursor.execute(_PG_SEARCH_TEXT.format(schema=cursor.fetchone()[0]))
        else:
            for statement in _SQLITE_SEARCH_TEXT:
                cursor.execute(statement)
        if refresh:
            cursor.execute("UPDATE cases_household SET search_text = ''")


def install_search_text_after_migrate(sender, using, **kwargs):
    """post_migrate on SQLite: a migration that rebuilt a table dropped its triggers; put them
    back (PostgreSQL alters tables in place: its triggers come from migration cases 0035)."""
    from django.db import connections

    connection = connections[using]
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        if "cases_household" not in tables or "cases_person" not in tables:
            return
        household = connection.introspection.get_table_description(cursor, "cases_household")
    if "search_text" in {column.name for column in household}:
        install_search_text(connection)
