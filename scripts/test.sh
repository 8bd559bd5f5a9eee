#!/usr/bin/env bash
# Run the whole test suite on PostgreSQL.
#
# With DATABASE_URL set, that database server is used (and DATABASE_OWNER_URL, if set, as the
# owner of the tables). Without it, a throwaway PostgreSQL cluster is started here (initdb into a
# temporary folder, a Unix socket only, no TCP port) with the README's two roles, and removed
# afterwards. Without PostgreSQL server binaries the suite falls back to SQLite, loudly;
# REQUIRE_POSTGRES=1 turns that fallback into a failure. pytest's "no tests ran" (exit 5) fails.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
# The live server thread keeps its connection otherwise, and the test database cannot be dropped.
export DATABASE_CONN_MAX_AGE=0

. scripts/pglib.sh

cluster=""
cleanup() {
  if [ -n "$cluster" ]; then
    stop_cluster "$cluster" immediate
    rm -rf "$cluster"
  fi
}
trap cleanup EXIT

if [ -z "${DATABASE_URL:-}" ]; then
  if can_run_cluster; then
    cluster=$(mktemp -d /tmp/wijkteam-pg.XXXXXX)
    start_cluster "$cluster" fsync=off synchronous_commit=off full_page_writes=off
    echo "make test: throwaway PostgreSQL cluster $("$PG_BIN/postgres" --version | awk '{print $3}') at $cluster"
    # The two roles of the README's deployment: the owner migrates (and, here only, may create
    # the test database), the application connects as a role that cannot change the audit trail.
    psql=$([ -x "$PG_BIN/psql" ] && echo "$PG_BIN/psql" || command -v psql)
    "$psql" -q -v ON_ERROR_STOP=1 "$DATABASE_URL" \
      -c "CREATE ROLE wijkteam_owner LOGIN CREATEDB" \
      -c "CREATE ROLE wijkteam_app LOGIN" \
      -c "CREATE DATABASE wijkteam OWNER wijkteam_owner"
    socket=${DATABASE_URL#postgres://postgres@}
    socket=${socket%/postgres}
    export DATABASE_OWNER_URL="postgres://wijkteam_owner@$socket/wijkteam"
    export DATABASE_URL="postgres://wijkteam_app@$socket/wijkteam"
    # The README's deployment steps on this empty database, once: it becomes the template of
    # every test database (and of the benchmark's), so that no test process migrates again.
    # tests/test_database_roles.py checks what these steps left.
    "$PY" manage.py migrate --noinput -v0
    "$PY" manage.py database_roles >/dev/null
    export DATABASE_TEST_TEMPLATE=wijkteam
  else
    echo "=================================================================================" >&2
    echo "  WARNING: no PostgreSQL server binaries found: the tests run on SQLITE." >&2
    echo "  Production and CI use PostgreSQL; PostgreSQL-only tests are skipped." >&2
    echo "  Install the server (apt-get install postgresql) or set DATABASE_URL." >&2
    echo "=================================================================================" >&2
    if [ "${REQUIRE_POSTGRES:-}" = "1" ]; then
      echo "REQUIRE_POSTGRES=1: refusing to fall back to SQLite." >&2
      exit 1
    fi
    export DATABASE_URL="sqlite:///$(mktemp -d)/test.sqlite3"
    unset DATABASE_OWNER_URL
  fi
fi

# The whole suite runs in test processes of their own (pytest-xdist), one more than there are
# cores, as the browser tests and the servers of some tests leave a process waiting; each has a
# test database of its own, and one that runs out of tests takes some of another's. The slowest
# tests are listed at the end, to keep an eye on CI's 15 minutes. (The benchmark's smoke run,
# bench/run --households 500 --smoke, is one of them: bench/tests/test_runner.py.)
whole=()
if [ "$#" = "0" ]; then
  whole=(-n "${TEST_WORKERS:-$(($(nproc) + 1))}" --dist worksteal --durations=15)
fi

set +e
"$PY" -m pytest "${whole[@]}" "$@"
rc=$?
set -e
if [ "$rc" = "5" ]; then
  echo "pytest collected no tests: that is a failure, not a pass." >&2
  rc=1
fi
exit "$rc"
