"""Several short lists of one page in one SQL statement: each row comes back as JSON.

The worker's desk shows a dozen short lists of different tables (warnings, journal, network,
reviews, signals, recent changes...). Each is an ordinary queryset: filtered, ordered, sliced,
with `select_related`. `fetch` runs them on PostgreSQL as one `UNION ALL`, each part keeping its
own ORDER BY and LIMIT and numbering its rows (ROW_NUMBER over the same order), each row's values
in a JSON array by position (each selected related row inside it, read by its key in a subquery
rather than joined), and rebuilds the model instances with their related objects, as Django's
own query would have. That is one round trip instead of a dozen, and the count does not
depend on how many rows each list has.

Elsewhere (the SQLite demo, which cannot order or slice inside a UNION) every part runs on its
own: the same lists, more queries. `prefetch_related` is not carried over (a part with it runs
the same way, as its own queries); only forward foreign keys may be selected with a part.
"""

import datetime
import decimal
import functools
import uuid

from django.db import connections
from django.db.models import Expression, F, Func, JSONField, Value, Window
from django.db.models.functions import RowNumber
from django.utils.dateparse import parse_date, parse_datetime, parse_duration, parse_time

# PostgreSQL's functions take at most 100 arguments: a wider row is an array of arrays.
ARGS_PER_ARRAY = 100


def fetch(**parts) -> dict[str, list]:
    """{name: list of instances} for {name: queryset}, in one query where the database allows."""
    if not parts:
        return {}
    db = next(iter(parts.values())).db
    joinable = {name: qs for name, qs in parts.items() if _joinable(qs)}
    if len(joinable) < 2 or not connections[db].features.supports_slicing_ordering_in_compound:
        return {name: list(qs) for name, qs in parts.items()}
    names = list(joinable)
    selects = [_part(index, qs) for index, qs in enumerate(joinable.values())]
    # Each part in its own order: a part that is not sliced loses its ORDER BY inside the UNION,
    # its row numbers keep it.
    union = selects[0].union(*selects[1:], all=True).order_by("_batch_part", "_batch_number")
    found: dict[str, list] = {name: [] for name in names}
    for index, _number, data in union:
        qs = joinable[names[index]]
        instance = _build(qs.model, data, _tree(qs), _annotations(qs), qs.db)
        # What a related manager knows already (`household.members`: their household).
        for field, known in qs._known_related_objects.items():
            if getattr(instance, field.attname) in known:
                field.set_cached_value(instance, known[getattr(instance, field.attname)])
        found[names[index]].append(instance)
    return {name: found[name] if name in found else list(qs) for name, qs in parts.items()}


def _joinable(qs) -> bool:
    query = qs.query
    return (
        not qs._prefetch_related_lookups
        and not query.is_empty()
        and not query.values_select
        and _plain(qs.model, _tree(qs))
    )


def _plain(model, tree: dict) -> bool:
    """No column that converts its database value itself (`from_db_value`, other than JSON, which
    comes back parsed): its JSON text would skip that conversion, so such a part runs alone."""
    for field in model._meta.concrete_fields:
        if hasattr(field, "from_db_value") and field.get_internal_type() != "JSONField":
            return False
    return all(_plain(model._meta.get_field(name).related_model, sub) for name, sub in tree.items())


def _tree(qs) -> dict:
    related = qs.query.select_related
    if related is True:
        raise ValueError("batch.fetch needs select_related with named fields")
    return related or {}


def _annotations(qs) -> dict:
    return dict(qs.query.annotation_select)


def _part(index: int, qs):
    ordering = list(qs.query.order_by or qs.model._meta.ordering or ["pk"])
    qs = qs.all()  # its own query: its table's alias is set up on the copy
    row = _json(qs.model, qs.query.get_initial_alias(), _tree(qs), _annotations(qs))
    return qs.annotate(
        _batch_part=Value(index), _batch_row=row, _batch_number=Window(RowNumber(), order_by=ordering)
    ).values_list("_batch_part", "_batch_number", "_batch_row")


class _Array(Func):
    """A row's values by position. JSONObject would name each key: a parameter, a cast and a
    field object per column and per request, a third of the desk's time in Python."""

    function = "JSONB_BUILD_ARRAY"
    output_field = JSONField()


def _json(model, alias: str, tree: dict, annotations: dict):
    """The row's values: the columns of the table under `alias` as they are (an F() per column
    would look up its path again, each time), the annotations, then each selected relation."""
    values = [field.get_col(alias) for field in model._meta.concrete_fields]
    values += [F(name) for name in annotations]
    for name, subtree in tree.items():
        field = _forward(model, name)
        values.append(_RelatedRow(field.get_col(alias), field, _frozen(subtree)))
    return _array(values, _Array)


def _array(values: list, wrap):
    """One array of the values, or an array of arrays of at most ARGS_PER_ARRAY each."""
    if len(values) <= ARGS_PER_ARRAY:
        return wrap(*values)
    return wrap(*(wrap(*values[i : i + ARGS_PER_ARRAY]) for i in range(0, len(values), ARGS_PER_ARRAY)))


def _forward(model, name: str):
    field = model._meta.get_field(name)
    if not (field.many_to_one or field.one_to_one) or field.auto_created:
        raise ValueError(f"batch.fetch: {model.__name__}.{name} is not a forward foreign key")
    return field


def _frozen(tree: dict) -> tuple:
    return tuple((name, _frozen(subtree)) for name, subtree in tree.items())


class _RelatedRow(Expression):
    """The related row of a foreign key as a scalar subquery by its key, not as a join.

    PostgreSQL weighs every order of a statement's joins: with five selected relations joined,
    the desk's actions alone cost 5 ms to plan, and the union 15 ms of its 21 in the database.
    By key, they plan in a fraction of that. The SQL is written here, once per relation and
    process (a queryset per relation and request cost as much Python as the planning saved).
    A foreign key without a row gives NULL."""

    output_field = JSONField()

    def __init__(self, key, field, tree: tuple):
        super().__init__()
        self.key, self.foreign_key, self.tree = key, field, tree

    def get_source_expressions(self):
        return [self.key]

    def set_source_expressions(self, exprs):
        [self.key] = exprs

    def as_sql(self, compiler, connection):
        key, params = compiler.compile(self.key)
        return _related_sql(self.foreign_key, self.tree, 0).replace(KEY, key), params


KEY = "\x00key\x00"  # where the outer row's foreign key goes


@functools.cache
def _related_sql(field, tree: tuple, depth: int) -> str:
    model, alias = field.related_model, f'"_batch{depth}"'  # a name of its own at each depth
    values = [f'{alias}."{column.column}"' for column in model._meta.concrete_fields]
    for name, subtree in tree:
        inner = _forward(model, name)
        values.append(_related_sql(inner, subtree, depth + 1).replace(KEY, f'{alias}."{inner.column}"'))
    row = _array(values, lambda *parts: f"JSONB_BUILD_ARRAY({', '.join(parts)})")
    table, target = model._meta.db_table, field.target_field.column
    # Names from the models' metadata only, quoted as PostgreSQL does (the only database the
    # union runs on, for JSONB_BUILD_ARRAY); the one value (the outer key) is the caller's SQL.
    return f'(SELECT {row} FROM "{table}" {alias} WHERE {alias}."{target}" = {KEY})'  # noqa: S608


def _unchunk(data: list, size: int) -> list:
    return data if size <= ARGS_PER_ARRAY else [value for chunk in data for value in chunk]


# How a value of each kind of column comes back in JSON, and how it is read.
PARSERS = {
    "DateTimeField": parse_datetime,
    "DateField": parse_date,
    "TimeField": parse_time,
    "DurationField": parse_duration,
    "UUIDField": uuid.UUID,
    "DecimalField": lambda value: decimal.Decimal(str(value)),
}


def _value(field, value):
    if value is None:
        return None
    while getattr(field, "is_relation", False):
        field = field.target_field  # a foreign key's value is of the type of what it points to
    parse = PARSERS.get(field.get_internal_type())
    if parse is None or isinstance(value, (datetime.date, datetime.time, uuid.UUID, decimal.Decimal)):
        return value
    return parse(value)


def _build(model, data, tree: dict, annotations: dict, db: str):
    """The instance of `model` from its values in the order `_json` put them."""
    if data is None:
        return None  # a nullable foreign key without a row
    fields = model._meta.concrete_fields
    data = _unchunk(data, len(fields) + len(annotations) + len(tree))
    count, more = len(fields), len(annotations)
    values = [_value(field, value) for field, value in zip(fields, data[:count], strict=True)]
    instance = model.from_db(db, [field.attname for field in fields], values)
    for (name, expression), value in zip(annotations.items(), data[count : count + more], strict=True):
        setattr(instance, name, _value(expression.output_field, value))
    for (name, subtree), value in zip(tree.items(), data[count + more :], strict=True):
        field = model._meta.get_field(name)
        field.set_cached_value(instance, _build(field.related_model, value, subtree, {}, db))
    return instance


# --- Many-to-many -----------------------------------------------------------------------------


def through(owners, name: str):
    """A part for `fetch`: the rows of the many-to-many `name` of the `owners` queryset (sliced
    too), each with its related object, for `attach` to put on the owners as a prefetch would."""
    field = owners.model._meta.get_field(name)
    source, target = field.m2m_field_name(), field.m2m_reverse_field_name()
    ordering = [_prefixed(target, key) for key in field.related_model._meta.ordering]
    return (
        field.remote_field.through.objects.filter(**{f"{source}__in": owners.values("pk")})
        .select_related(target)
        .order_by(*ordering, "pk")
    )


def _prefixed(prefix: str, key: str) -> str:
    return f"-{prefix}__{key[1:]}" if key.startswith("-") else f"{prefix}__{key}"


def attach(owners: list, name: str, rows: list) -> None:
    """Set the many-to-many `name` of each owner from the rows of `through`: `owner.<name>.all()`
    then answers from them, without a query (Django's prefetch cache)."""
    if not owners:
        return
    field = type(owners[0])._meta.get_field(name)
    source = field.remote_field.through._meta.get_field(field.m2m_field_name()).attname
    target = field.m2m_reverse_field_name()
    by_owner: dict = {}
    for row in rows:
        by_owner.setdefault(getattr(row, source), []).append(getattr(row, target))
    for owner in owners:
        related = getattr(owner, name).all()
        related._result_cache = by_owner.get(owner.pk, [])
        related._prefetch_done = True
        owner.__dict__.setdefault("_prefetched_objects_cache", {})[name] = related
