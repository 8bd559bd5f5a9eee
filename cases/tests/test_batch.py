"""Several lists in one query (cases/batch.py): exactly what each queryset gives on its own."""

import datetime

import pytest
from django.db import connection
from django.db.models import BooleanField, ExpressionWrapper, Q
from django.test.utils import CaptureQueriesContext

from cases import batch, charts
from cases.models import Action, ConsentDecision, Plan
from cases.tests.test_views import rich_household
from documents.models import Document

pytestmark = pytest.mark.django_db


def _same(plain, got, tree, path=""):
    """Every column, annotation and selected related object of `got` is that of `plain`."""
    assert type(got) is type(plain), path
    for field in plain._meta.concrete_fields:
        expected, actual = getattr(plain, field.attname), getattr(got, field.attname)
        assert actual == expected and type(actual) is type(expected), f"{path}{field.attname}"
    assert not got._state.adding and got._state.db == plain._state.db
    for name, subtree in tree.items():
        related = type(plain)._meta.get_field(name)
        expected, actual = related.get_cached_value(plain), related.get_cached_value(got)
        if expected is None:
            assert actual is None, f"{path}{name}"
        else:
            _same(expected, actual, subtree, f"{path}{name}.")


def _parts(household, world):
    contacts = household.contacts.order_by("-at", "-id")[:20]
    return {
        "decisions": ConsentDecision.objects.filter(person__household=household)
        .select_related("recipient", "recorded_by")
        .order_by("-recorded_at", "-id"),
        "actions": Action.objects.filter(plan__household=household, plan__status=Plan.Status.CURRENT)
        .select_related("person", "network_member", "worker", "organisation", "service", "goal__domain")
        .order_by("due_date", "id")[:5],
        "scores": charts.low_scores(household),
        "history": household.history.select_related("history_user").order_by("-history_date")[:10],
        "documents": Document.objects.filter(household=household).select_related("added_by", "replaces"),
        "appointments": household.appointments.annotate(
            soon=ExpressionWrapper(Q(date__lte=datetime.date(2100, 1, 1)), output_field=BooleanField())
        ),
        "contacts": contacts,
        "contact_workers": batch.through(contacts, "workers"),
        "network": household.network.select_related("organisation"),
        "tasks": household.tasks.select_related("referral__team"),
        "empty": household.reviews.none(),
    }


def test_one_query_gives_what_each_queryset_gives(world):
    household = rich_household(world, 4)
    parts = _parts(household, world)
    with CaptureQueriesContext(connection) as queries:
        got = batch.fetch(**parts)
    assert len(queries) == 1
    assert got["empty"] == []
    for name, qs in parts.items():
        plain = list(qs)
        assert [obj.pk for obj in got[name]] == [obj.pk for obj in plain], name
        assert plain or name == "empty", f"{name}: the test needs rows"
        tree = qs.query.select_related or {}
        for expected, actual in zip(plain, got[name], strict=True):
            _same(expected, actual, tree, f"{name}.")
            for field in qs._known_related_objects:  # household.network: each knows its household
                assert field.get_cached_value(actual) is field.get_cached_value(expected), name
            for annotation in qs.query.annotations:
                assert getattr(actual, annotation) == getattr(expected, annotation)


def test_many_to_many_rows_are_attached_as_a_prefetch(world):
    household = rich_household(world, 3)
    contacts = household.contacts.order_by("-at", "-id")
    got = batch.fetch(contacts=contacts, workers=batch.through(contacts, "workers"))
    batch.attach(got["contacts"], "workers", got["workers"])
    with CaptureQueriesContext(connection) as queries:
        shown = [sorted(w.pk for w in contact.workers.all()) for contact in got["contacts"]]
    assert len(queries) == 0
    assert shown == [sorted(contact.workers.values_list("pk", flat=True)) for contact in contacts]


def test_a_column_that_converts_its_own_value_keeps_its_list_out_of_the_union(world, monkeypatch):
    """A field with `from_db_value` would skip its conversion in JSON: its list runs on its own,
    converted as Django converts it, and the other lists still share one query."""
    household = rich_household(world, 2)
    network_field = type(household.network.first())._meta.get_field("name")
    monkeypatch.setattr(network_field, "from_db_value", lambda value, *args: value, raising=False)
    parts = _parts(household, world)
    with CaptureQueriesContext(connection) as queries:
        got = batch.fetch(**parts)
    # The network alone, the actions alone (they select their network member), the rest in one.
    assert len(queries) == 3
    assert [n.pk for n in got["network"]] == [n.pk for n in parts["network"]]
    assert [a.pk for a in got["actions"]] == [a.pk for a in parts["actions"]]


def test_selected_relations_are_read_by_key_and_not_joined(world):
    """PostgreSQL weighs every order of a statement's joins: the actions' five selected relations
    as joins made that one list cost 5 ms to plan at 500,000 households, on every desk. Read by
    key, the list joins only what its filter needs (the plan) and the union plans in a third of
    the time. The related objects are still there (see the first test)."""
    household = rich_household(world, 2)
    actions = _parts(household, world)["actions"]
    sql, _params = batch._part(0, actions).query.sql_with_params()
    assert sql.count(" JOIN ") == 1 and 'JOIN "cases_plan"' in sql
    # Each relation is read once, and the goal's domain inside the goal's own subquery.
    assert sql.count('FROM "teams_user"') == 1 and sql.count('FROM "directory_service"') == 1
