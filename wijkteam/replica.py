"""The heavy reads from a streaming replica (DATABASE_REPLICA_URL); everything else on the primary.

Only the views decorated with `@reads_from_replica` (the managers' figures, the CSV exports, the
partner overview) read from the replica, and only while it is fit: the router below sends a read
there only inside that scope, and only when

- the replica is configured (the alias `replica` exists; without it nothing here is active);
- its last check (at most one every CHECK_SECONDS per process, kept in memory) found it in
  recovery and at most DATABASE_REPLICA_MAX_LAG seconds behind; a refused connection, a failed
  query or a promoted server counts as not fit, and the request reads the primary instead,
  without an error, with one warning in the log (no personal data);
- the request has not written anything yet (a page reads what it just wrote on the primary) and
  the read is not inside a transaction (a transaction is on the primary, with its locks);
- the model is not one of who is logged in: sessions, accounts, second factors, the cache
  table (login rate limits, used codes), API tokens and tasks stay on the primary.

Every write goes to the primary; the replica is read-only anyway. When the replica fails in the
middle of a request that has not written yet (it went down, or cancelled a query that its replay
conflicted with), the view runs once more on the primary (these views are GETs that only read);
a replica that is down stays out until its next check passes.
"""

import contextlib
import contextvars
import dataclasses
import functools
import logging
import threading
import time

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, Error, connections, transaction

REPLICA = "replica"
# Seconds between two checks of the replica's lag, per process.
CHECK_SECONDS = 5.0
# Who is logged in and what guards the login: always the primary, also inside the scope.
PRIMARY_ONLY_APPS = frozenset(
    ("auth", "sessions", "contenttypes", "admin", "account", "mfa")
    + ("django_cache", "oauth2_provider", "django_tasks_db")
)
# A standby cancels a query whose rows its replay must remove (max_standby_streaming_delay):
# "canceling statement due to conflict with recovery", SQLSTATE 40001.
RECOVERY_CONFLICT = "40001"
# Seconds the check may take: a replica that does not answer is as good as down.
CHECK_TIMEOUT_MS = 2000

# In recovery, and seconds behind. A standby that has replayed everything it received from a
# live stream is not behind, however old its last transaction is (an idle primary sends none);
# otherwise the age of the last transaction it replayed. NULL (nothing replayed yet): unknown.
LAG_SQL = """
SELECT pg_is_in_recovery(),
       CASE WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn()
                 AND EXISTS (SELECT FROM pg_stat_wal_receiver) THEN 0
            ELSE extract(epoch FROM now() - pg_last_xact_replay_timestamp())
       END
"""

logger = logging.getLogger(__name__)


@dataclasses.dataclass
class Scope:
    """One request's use of the replica."""

    usable: bool
    wrote: bool = False
    used: bool = False


_scope: contextvars.ContextVar[Scope | None] = contextvars.ContextVar("wijkteam_replica_scope", default=None)


class _Health:
    """The last check of the replica in this process."""

    lock = threading.Lock()
    checked_at = float("-inf")
    fit = False
    problem = ""


def configured() -> bool:
    return REPLICA in connections.settings


def lag() -> float | None:
    """Seconds the replica is behind (None: unknown). Raises when it is down or not a standby."""
    with transaction.atomic(using=REPLICA), connections[REPLICA].cursor() as cursor:
        cursor.execute(f"SET LOCAL statement_timeout = {int(CHECK_TIMEOUT_MS)}")
        cursor.execute(LAG_SQL)
        in_recovery, seconds = cursor.fetchone()
    if not in_recovery:
        raise RuntimeError("the replica is not in recovery (promoted, or not a standby)")
    return None if seconds is None else float(seconds)


def _check() -> str:
    """Why the replica may not be read now ('' when it may)."""
    try:
        seconds = lag()
    except (Error, RuntimeError) as error:
        with contextlib.suppress(Error):
            connections[REPLICA].close()
        return f"unavailable ({type(error).__name__}: {str(error).strip().splitlines()[0][:200]})"
    if seconds is None:
        return "lag unknown (nothing replayed yet)"
    limit = settings.DATABASE_REPLICA_MAX_LAG
    if seconds > limit:
        return f"{seconds:.1f} s behind, more than DATABASE_REPLICA_MAX_LAG ({limit} s)"
    return ""


def fit(*, force: bool = False) -> bool:
    """Whether the replica may be read: its last check, or a new one when that is too old (or
    `force`). While another thread checks, the last answer holds: nobody waits for a replica."""
    if not configured():
        return False
    if not force and time.monotonic() - _Health.checked_at < CHECK_SECONDS:
        return _Health.fit
    if not _Health.lock.acquire(blocking=force):
        return _Health.fit
    try:
        problem = _check()
        if problem and problem != _Health.problem:
            logger.warning("Read replica not used, reading the primary: %s", problem)
        elif not problem and _Health.problem:
            logger.info("Read replica in use again")
        _Health.checked_at, _Health.fit, _Health.problem = time.monotonic(), not problem, problem
        return _Health.fit
    finally:
        _Health.lock.release()


def forget() -> None:
    """Check again at the next scope (tests)."""
    with _Health.lock:
        _Health.checked_at, _Health.fit, _Health.problem = float("-inf"), False, ""


@contextlib.contextmanager
def scope(*, usable: bool | None = None):
    """Reads in this block may go to the replica (see the module's docstring)."""
    state = Scope(usable=fit() if usable is None else usable)
    token = _scope.set(state)
    try:
        yield state
    finally:
        _scope.reset(token)


def _read_again(state: Scope, error: Error) -> bool:
    """Whether the view, having failed on the replica, may run once more on the primary: only if
    it read the replica and wrote nothing (a second run would write it twice), and only if the
    replica is the cause: it is down now (a lost connection is not always an OperationalError;
    psycopg2 may say DatabaseError), or it cancelled the query for its replay (a conflict with
    recovery). While the replica answers its check, any other error is the view's own."""
    if not state.used or state.wrote:
        return False
    if getattr(error.__cause__, "pgcode", None) == RECOVERY_CONFLICT:
        return True
    return not fit(force=True)


def reads_from_replica(view):
    """The view's reads may come from the replica. Put it below the gateway's declaration
    (`@no_case_data`), so that the permission check and the user's roles are read before, on
    the primary."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        with scope() as state:
            try:
                return view(request, *args, **kwargs)
            except Error as error:
                if not _read_again(state, error):
                    raise
                logger.warning(
                    "Read replica failed during %s (%s): read again from the primary",
                    view.__name__,
                    type(error).__name__,
                )
        with scope(usable=False):
            return view(request, *args, **kwargs)

    wrapped.reads_from_replica = True
    return wrapped


class ReplicaRouter:
    """DATABASE_ROUTERS when DATABASE_REPLICA_URL is set (wijkteam/settings.py)."""

    def db_for_read(self, model, **hints):
        state = _scope.get()
        if (
            state is None
            or not state.usable
            or state.wrote
            or model._meta.app_label in PRIMARY_ONLY_APPS
            or model._meta.label == settings.AUTH_USER_MODEL
            or connections[DEFAULT_DB_ALIAS].in_atomic_block
        ):
            return DEFAULT_DB_ALIAS
        state.used = True
        return REPLICA

    def db_for_write(self, model, **hints):
        state = _scope.get()
        if state is not None:
            state.wrote = True
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True  # one database, two servers

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS
