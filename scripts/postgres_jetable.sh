#!/usr/bin/env bash
# A throwaway PostgreSQL server for the tests (no Docker): Debian's postgresql binaries, a cluster in a
# temporary folder owned by the `postgres` user (initdb refuses to run as root), a free local port, the
# unix socket inside the folder, trust authentication on loopback only.
#
#   eval "$(scripts/postgres_jetable.sh start)"   # exports PG_JETABLE_DIR and DASHBOARD_TEST_PG
#   scripts/postgres_jetable.sh stop "$PG_JETABLE_DIR"
set -euo pipefail

bindir() {
  local d
  d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [ -n "$d" ] && [ -x "$d/initdb" ] || { echo "PostgreSQL introuvable (paquet Debian postgresql)" >&2; exit 1; }
  echo "$d"
}

# Run a command as `postgres` when we are root, as ourselves otherwise.
as_owner() {
  if [ "$(id -u)" = "0" ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

start() {
  local bin dir port
  bin=$(bindir)
  dir=$(mktemp -d "${TMPDIR:-/tmp}/pg-jetable.XXXXXX")
  chmod 755 "$dir"
  if [ "$(id -u)" = "0" ]; then chown postgres: "$dir"; fi
  as_owner "$bin/initdb" -D "$dir/data" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
    || { cat "$dir/initdb.log" >&2; exit 1; }
  port=$(free_port)
  as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start \
    -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=200 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
    >/dev/null || { cat "$dir/server.log" >&2; exit 1; }
  echo "export PG_JETABLE_DIR=$dir"
  echo "export DASHBOARD_TEST_PG=postgresql+psycopg://postgres@127.0.0.1:$port/postgres"
}

stop() {
  local dir=$1 bin
  bin=$(bindir)
  [ -d "$dir/data" ] && as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}

case "${1:-}" in
  start) start ;;
  stop) stop "${2:?dossier du serveur jetable}" ;;
  *) echo "usage : $0 start | stop DOSSIER" >&2; exit 2 ;;
esac
