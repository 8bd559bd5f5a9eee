#!/usr/bin/env bash
# Run the whole test suite on PostgreSQL.
#
# With DATABASE_URL set, that database server is used. Without it, a throwaway PostgreSQL
# cluster is started here (initdb into a temporary folder, a Unix socket only, no TCP port) and
# removed afterwards. Without PostgreSQL server binaries the suite falls back to SQLite, loudly;
# REQUIRE_POSTGRES=1 turns that fallback into a failure. pytest's "no tests ran" (exit 5) fails.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
# The live server thread keeps its connection otherwise, and the test database cannot be dropped.
export DATABASE_CONN_MAX_AGE=0

cluster=""
cleanup() {
  if [ -n "$cluster" ]; then
    as_pg "$PG_BIN/pg_ctl" -D "$cluster/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$cluster"
  fi
}
trap cleanup EXIT

as_pg() {
  if [ "$(id -u)" = "0" ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

find_pg_bin() {
  local dir
  if command -v pg_ctl >/dev/null 2>&1 && command -v initdb >/dev/null 2>&1; then
    dirname "$(command -v pg_ctl)"; return 0
  fi
  for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ] && [ -x "$dir/postgres" ]; then
      echo "$dir"; return 0
    fi
  done
  return 1
}

if [ -z "${DATABASE_URL:-}" ]; then
  if PG_BIN=$(find_pg_bin) && { [ "$(id -u)" != "0" ] || id postgres >/dev/null 2>&1; }; then
    cluster=$(mktemp -d /tmp/wijkteam-pg.XXXXXX)
    chmod 755 "$cluster"
    [ "$(id -u)" = "0" ] && chown postgres "$cluster"
    as_pg "$PG_BIN/initdb" -D "$cluster/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
    as_pg "$PG_BIN/pg_ctl" -D "$cluster/data" -l "$cluster/server.log" -w -o \
      "-c listen_addresses='' -k $cluster -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
      start >/dev/null
    export DATABASE_URL="postgres://postgres@%2F${cluster//\//%2F}/postgres"
    echo "make test: throwaway PostgreSQL cluster $("$PG_BIN/postgres" --version | awk '{print $3}') at $cluster"
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
  fi
fi

set +e
"$PY" -m pytest "$@"
rc=$?
set -e
if [ "$rc" = "5" ]; then
  echo "pytest collected no tests: that is a failure, not a pass." >&2
  exit 1
fi
exit "$rc"
