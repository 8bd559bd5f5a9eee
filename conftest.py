import fcntl
import io
import os
import pickle
import shutil
import tempfile

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import connection, transaction
from django.test import override_settings

from cases.tests.factories import HouseholdFactory
from teams.tests.factories import (
    MunicipalityFactory,
    OrganisationFactory,
    PositionFactory,
    TeamFactory,
    UserFactory,
)


@pytest.fixture(scope="session", autouse=True)
def _test_settings():
    """Tests speak plain HTTP (the test client and the live server) and log in without MFA.

    Session-scoped, so it is in force before the live server builds its middleware. The tests
    of these protections switch them back on themselves, or read the real settings in a
    subprocess.
    """
    from django.conf import settings

    documents_root = tempfile.mkdtemp(prefix="wijkteam-documents.")
    overrides = override_settings(
        SECURE_SSL_REDIRECT=False,
        SECURE_HSTS_SECONDS=0,
        SESSION_COOKIE_SECURE=False,
        CSRF_COOKIE_SECURE=False,
        SESSION_COOKIE_NAME="sessionid",
        CSRF_COOKIE_NAME="csrftoken",
        WIJKTEAM_REQUIRE_MFA=False,
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        # The hashed-name manifest exists only after collectstatic (deployment, not tests).
        STORAGES={
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
            # Document files of the tests: a folder of their own, removed afterwards.
            "documents": {
                "BACKEND": "django.core.files.storage.FileSystemStorage",
                "OPTIONS": {"location": documents_root, "base_url": None},
            },
        },
        # No scanner unless a test starts one (documents/testing.py): uploads wait in quarantine.
        CLAMD_SOCKET=os.path.join(documents_root, "no-clamd.sock"),
    )
    overrides.enable()
    yield
    overrides.disable()
    shutil.rmtree(documents_root, ignore_errors=True)


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """The suite connects as the owner of the tables (DATABASE_OWNER_URL), as migrate does.

    pytest-django creates, migrates and empties (TRUNCATE) the test database through this one
    connection, which the application's role may not do. What that role cannot do, on a
    connection of its own, is proven in tests/test_database_roles.py.
    """
    from wijkteam.db import connect_as_owner

    connect_as_owner()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """After the migrations, the application role's grants, as a deployment does them.

    With one login only (a DATABASE_URL without DATABASE_OWNER_URL, or SQLite) there is no
    second role to grant to; the tests of the roles skip then.
    """
    from wijkteam.db import application_login

    if application_login()["USER"] != connection.settings_dict["USER"]:
        with django_db_blocker.unblock():
            call_command("database_roles", verbosity=0)
    if connection.vendor == "postgresql":
        with django_db_blocker.unblock(), connection.cursor() as cursor:
            MIGRATED.update(_copy_out(cursor, [t for t, n in _row_counts(cursor).items() if n]))


# The rows migrate wrote (content types, permissions, the ZRM instrument, the social map's
# taxonomy), as COPY text per table: a transactional test's flush empties them, and the demo
# refers to them.
MIGRATED: dict[str, bytes] = {}


def quote_name(name):
    return connection.ops.quote_name(name)


def _seed_demo():
    call_command("seed_demo", allow_without_debug=True, stdout=io.StringIO())


def _row_counts(cursor, tables=None):
    tables = tables or sorted(connection.introspection.table_names(cursor))
    cursor.execute(
        # Table names from the database's own catalogue, quoted.
        " UNION ALL ".join(f"SELECT {i}, count(*) FROM {quote_name(t)}" for i, t in enumerate(tables))  # noqa: S608
    )
    return {tables[i]: n for i, n in cursor.fetchall()}


def _copy_out(cursor, tables) -> dict[str, bytes]:
    rows = {}
    for table in tables:
        buffer = io.BytesIO()
        cursor.cursor.copy_expert(f"COPY {quote_name(table)} TO STDOUT", buffer)
        rows[table] = buffer.getvalue()
    return rows


def _copy_in(cursor, rows: dict[str, bytes]) -> None:
    """Rows back into their tables, and each table's id sequence past them. Django's foreign
    keys are deferred to the commit: the order of the tables does not matter."""
    for table, data in rows.items():
        cursor.cursor.copy_expert(f"COPY {quote_name(table)} FROM STDIN", io.BytesIO(data))
    cursor.execute(
        "SELECT t.relname, a.attname, s.oid::regclass::text FROM pg_class s "
        "JOIN pg_depend d ON d.objid = s.oid AND d.deptype IN ('a', 'i') "
        "JOIN pg_class t ON t.oid = d.refobjid "
        "JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = d.refobjsubid "
        "WHERE s.relkind = 'S' AND t.relname = ANY(%s)",
        [list(rows)],
    )
    for table, column, sequence in cursor.fetchall():
        high = f"MAX({quote_name(column)})"
        cursor.execute(
            f"SELECT setval(%s, COALESCE({high}, 1), {high} IS NOT NULL) FROM {quote_name(table)}",  # noqa: S608
            [sequence],
        )


def _refill_migrated(cursor) -> None:
    """What migrate wrote, again, where a flush emptied it."""
    counts = _row_counts(cursor, list(MIGRATED))
    _copy_in(cursor, {table: data for table, data in MIGRATED.items() if not counts[table]})


@pytest.fixture(scope="session")
def _demo_rows(django_db_setup, django_db_blocker, tmp_path_factory, worker_id):
    """The rows seed_demo makes, once per run: the demo is seeded in a transaction that is rolled
    back, and each table it filled is kept as PostgreSQL COPY text. Restoring that takes a second
    or two; seeding takes most of a minute. The first test process that asks seeds and leaves the
    rows in the run's shared folder, for the other processes (pytest-xdist) to read: their test
    databases are copies of one template, so the rows fit each. (SQLite: None, and each test
    seeds.)"""
    if connection.vendor != "postgresql":
        return None
    run = tmp_path_factory.getbasetemp()
    shared = run if worker_id == "master" else run.parent
    with open(shared / "demo-rows.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        kept = shared / "demo-rows.pickle"
        if kept.exists():
            rows, files = pickle.loads(kept.read_bytes())  # noqa: S301 (this run's own file)
        else:
            rows, files = _seeded_demo_rows(django_db_blocker)
            kept.write_bytes(pickle.dumps((rows, files)))
    # The demo's document files, in this process's document storage (_test_settings).
    from documents.services import storage

    for key, content in files.items():
        if not storage().exists(key):
            storage().save(key, ContentFile(content))
    return rows


def _seeded_demo_rows(django_db_blocker) -> tuple[dict[str, bytes], dict[str, bytes]]:
    from documents.models import Document
    from documents.services import storage

    with django_db_blocker.unblock(), transaction.atomic(), connection.cursor() as cursor:
        _refill_migrated(cursor)
        before = _row_counts(cursor)
        _seed_demo()
        after = _row_counts(cursor)
        changed = [t for t in after if after[t] != before[t]]
        grown = [t for t in changed if t in MIGRATED]
        assert not grown, f"seed_demo added rows to tables that migrate filled: {grown}"
        rows = _copy_out(cursor, changed)
        keys = Document.objects.values_list("storage_key", flat=True)
        files = {}
        for key in keys:
            with storage().open(key) as file:
                files[key] = file.read()
        transaction.set_rollback(True)
    return rows, files


@pytest.fixture
def demo(db, _demo_rows):
    """The demo world of `make run` (seed_demo), in this test's database."""
    if _demo_rows is None:
        _seed_demo()
        return
    with transaction.atomic(), connection.cursor() as cursor:
        _refill_migrated(cursor)
        _copy_in(cursor, _demo_rows)


@pytest.fixture
def postgres_only(db):
    if connection.vendor != "postgresql":
        if os.environ.get("REQUIRE_POSTGRES") == "1":
            pytest.fail("REQUIRE_POSTGRES=1 but the tests run on " + connection.vendor)
        pytest.skip("needs PostgreSQL")


class World:
    """Two teams in one municipality, a third team elsewhere, and a user for every role."""

    def __init__(self):
        self.municipality = MunicipalityFactory(name="Zwolle", cbs_code="GM0193")
        self.other_municipality = MunicipalityFactory(name="Kampen", cbs_code="GM0166")
        self.team_a = TeamFactory(name="Noord", municipality=self.municipality)
        self.team_b = TeamFactory(name="Zuid", municipality=self.municipality)
        self.team_c = TeamFactory(name="Centrum", municipality=self.other_municipality)
        self.worker_a = PositionFactory(team=self.team_a, access_role="worker").user
        self.colleague_a = PositionFactory(team=self.team_a, access_role="worker").user
        self.worker_b = PositionFactory(team=self.team_b, access_role="worker").user
        self.coordinator_a = PositionFactory(team=self.team_a, access_role="coordinator").user
        self.manager_ab = PositionFactory(team=self.team_a, access_role="manager").user
        PositionFactory(user=self.manager_ab, team=self.team_b, access_role="manager")
        self.former_a = PositionFactory(team=self.team_a, access_role="worker", ended=True).user
        self.partner = UserFactory(organisation=OrganisationFactory(sector="school"))
        self.admin = UserFactory(is_staff=True, is_superuser=True)

    @classmethod
    def of(cls, keys: dict) -> "World":
        """The world whose rows are in the database already (the `world` fixture), its objects
        read with the related objects that the factories left on them."""
        world = cls.__new__(cls)
        related = {"Team": ["municipality"], "User": ["organisation"]}
        for name, (model, pk) in keys.items():
            query = model._base_manager.all()
            if model.__name__ in related:
                query = query.select_related(*related[model.__name__])
            setattr(world, name, query.get(pk=pk))
        return world


@pytest.fixture(scope="session")
def _world_rows(django_db_setup, django_db_blocker):
    """The rows of a World, made once per test process as the demo's are (see _demo_rows), with
    the primary key of each of its objects. Factories take a fifth of a second per world, and
    most of the suite asks for one; copying its rows back takes a few milliseconds."""
    if connection.vendor != "postgresql":
        return None
    with django_db_blocker.unblock(), transaction.atomic(), connection.cursor() as cursor:
        _refill_migrated(cursor)
        before = _row_counts(cursor)
        made = World()
        after = _row_counts(cursor)
        rows = _copy_out(cursor, [t for t in after if after[t] != before[t]])
        transaction.set_rollback(True)
    return rows, {name: (type(obj), obj.pk) for name, obj in vars(made).items()}


@pytest.fixture
def world(request, db, _world_rows):
    # With the demo as well, the two sets of copied rows would share primary keys: made anew.
    if _world_rows is None or "demo" in request.fixturenames:
        return World()
    rows, keys = _world_rows
    with transaction.atomic(), connection.cursor() as cursor:
        _refill_migrated(cursor)
        _copy_in(cursor, rows)
    return World.of(keys)


@pytest.fixture
def four_households(world):
    """Team A open, team B open, team A closed (not led by worker_a), other municipality."""
    return {
        "a": HouseholdFactory(team=world.team_a, name="Familie Aalbers"),
        "b": HouseholdFactory(team=world.team_b, name="Familie Bakker"),
        "a_closed": HouseholdFactory(
            team=world.team_a, name="Familie Claassen", closed=True, lead_worker=world.colleague_a
        ),
        "c": HouseholdFactory(team=world.team_c, name="Familie Dijkstra"),
    }
