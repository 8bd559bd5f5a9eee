# Shared by scripts/test.sh and bench/run: find PostgreSQL's server binaries and run a private
# cluster on a Unix socket only (no TCP port). Source it; it defines functions only.

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

# can_run_cluster: the binaries are here, and as root there is a postgres user to run them.
can_run_cluster() {
  PG_BIN=$(find_pg_bin) && { [ "$(id -u)" != "0" ] || id postgres >/dev/null 2>&1; }
}

# start_cluster DIR [postgres -c options...]: initdb DIR/data when new, start it with its socket
# in DIR, and export DATABASE_URL for its `postgres` database. Needs PG_BIN (can_run_cluster).
start_cluster() {
  local dir=$1; shift
  local options="-c listen_addresses='' -k $dir"
  local option
  for option in "$@"; do options="$options -c $option"; done
  mkdir -p "$dir"
  chmod 755 "$dir"
  [ "$(id -u)" = "0" ] && chown postgres "$dir"
  if [ ! -f "$dir/data/PG_VERSION" ]; then
    as_pg "$PG_BIN/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
  fi
  as_pg "$PG_BIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -o "$options" start >/dev/null
  export DATABASE_URL="postgres://postgres@%2F${dir//\//%2F}/postgres"
}

stop_cluster() {
  as_pg "$PG_BIN/pg_ctl" -D "$1/data" -m "${2:-fast}" stop >/dev/null 2>&1 || true
}
