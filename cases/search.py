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
