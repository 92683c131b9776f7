#!/usr/bin/env bash
# Start a throwaway Debian PostgreSQL 15 server on a free local port and run a command with
# DATABASE_URL pointing at it; the server and its data directory are removed afterwards.
# TCP logins need a password (scram-sha-256), as on a production server: the owner's is in
# DATABASE_URL, and the app role's, which migrations set, is proven by the app logging in with it.
# Usage: scripts/pg15.sh COMMAND [ARGS...]
set -euo pipefail

PG_BIN=/usr/lib/postgresql/15/bin
if [ ! -x "$PG_BIN/postgres" ]; then
  echo "Installing Debian's PostgreSQL 15..."
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq postgresql-15 >/dev/null
fi

DATA=$(mktemp -d /tmp/stride-pg15.XXXXXX)
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
RUN_AS=()
if [ "$(id -u)" = 0 ]; then
  chown postgres:postgres "$DATA"
  RUN_AS=(runuser -u postgres --)
fi

cleanup() {
  "${RUN_AS[@]}" "$PG_BIN/pg_ctl" -D "$DATA/db" -m fast stop >/dev/null 2>&1 || true
  rm -rf "$DATA"
}
trap cleanup EXIT

PASSWORD=$(python3 -c 'import secrets; print(secrets.token_hex(16))')
printf '%s\n' "$PASSWORD" > "$DATA/pwfile"
if [ "$(id -u)" = 0 ]; then chown postgres:postgres "$DATA/pwfile"; fi
"${RUN_AS[@]}" "$PG_BIN/initdb" -D "$DATA/db" -U postgres --auth-host=scram-sha-256 --auth-local=trust \
  --pwfile="$DATA/pwfile" -E UTF8 >/dev/null
rm -f "$DATA/pwfile"
"${RUN_AS[@]}" "$PG_BIN/pg_ctl" -D "$DATA/db" -l "$DATA/log" -w \
  -o "-p $PORT -k $DATA -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" start >/dev/null
echo "PostgreSQL 15 listening on 127.0.0.1:$PORT"

export DATABASE_URL="postgresql://postgres:$PASSWORD@127.0.0.1:$PORT/postgres"
"$@"
