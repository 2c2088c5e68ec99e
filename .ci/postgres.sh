#!/usr/bin/env bash
# Start a throwaway PostgreSQL server for the test suite (Debian's packages), on
# 127.0.0.1:${SRS_PG_PORT:-54329}, trust auth, and print its admin URL.
set -euo pipefail
port="${SRS_PG_PORT:-54329}"
data="${SRS_PG_DATA:-/tmp/srs-pg-$port}"
bin=""
for dir in /usr/lib/postgresql/*/bin; do [ -x "$dir/initdb" ] && bin="$dir"; done
if [ -z "$bin" ]; then
  export DEBIAN_FRONTEND=noninteractive
  (apt-get update -qq && apt-get install -y -qq postgresql >/dev/null) >&2
  for dir in /usr/lib/postgresql/*/bin; do [ -x "$dir/initdb" ] && bin="$dir"; done
fi
[ -n "$bin" ] || { echo "no PostgreSQL server could be installed" >&2; exit 1; }
run() { if [ "$(id -u)" = 0 ]; then su postgres -s /bin/bash -c "$*"; else bash -c "$*"; fi; }
if ! run "$bin/pg_ctl -D $data status" >/dev/null 2>&1; then
  rm -rf "$data"; mkdir -p "$data"
  [ "$(id -u)" = 0 ] && chown postgres:postgres "$data"
  run "$bin/initdb -D $data -U postgres -A trust --no-sync" >/dev/null
  run "$bin/pg_ctl -D $data -l $data/log -w -o \"-p $port -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200\" start" >/dev/null
fi
echo "postgresql+psycopg://postgres@127.0.0.1:$port/postgres"
