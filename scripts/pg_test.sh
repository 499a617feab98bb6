#!/usr/bin/env bash
# A throw-away PostgreSQL server for the test suite, on 127.0.0.1 only.
#
#   scripts/pg_test.sh start        install (Debian package, as root) and start it unless one is running
#   scripts/pg_test.sh stop         stop it (only the server in our own data directory)
#   scripts/pg_test.sh url          print the connection URL the tests use
#   scripts/pg_test.sh run CMD...   start if none is running, run CMD with PARLEY_TEST_PG_URL set,
#                                   stop afterwards if this call started it; exit status of CMD
#
# Idempotent: a server already answering on the port is reused and left running. When the script runs as
# root (CI), the server runs as the `postgres` user (PostgreSQL refuses to run as root). If no server can be
# had, `run` still runs CMD without PARLEY_TEST_PG_URL: the PostgreSQL tests then skip on a developer
# machine and fail under CI=true.
#
# Settings (environment): PARLEY_PG_PORT (default 55432), PARLEY_PG_DIR (default $TMPDIR/parley-pgtest-PORT).
set -uo pipefail

PORT="${PARLEY_PG_PORT:-55432}"
DATA="${PARLEY_PG_DIR:-${TMPDIR:-/tmp}/parley-pgtest-$PORT}"
URL="postgresql://parley@127.0.0.1:$PORT/postgres"

log() { echo "pg_test: $*" >&2; }

pg_bindir() {
    local d
    if command -v pg_config >/dev/null 2>&1; then
        d="$(pg_config --bindir 2>/dev/null)"
        if [ -x "$d/initdb" ]; then echo "$d"; return 0; fi
    fi
    d="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
    if [ -n "$d" ] && [ -x "$d/initdb" ]; then echo "$d"; return 0; fi
    return 1
}

install_pg() {
    pg_bindir >/dev/null && return 0
    if [ "$(id -u)" != "0" ] || ! command -v apt-get >/dev/null 2>&1; then
        log "PostgreSQL is not installed and cannot be installed here (needs root and apt-get)"
        return 1
    fi
    log "installing the Debian package postgresql"
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -q postgresql >/dev/null 2>&1 \
        || { apt-get update -q >/dev/null 2>&1 && apt-get install -y -q postgresql >/dev/null 2>&1; } \
        || { log "apt-get install postgresql failed"; return 1; }
    pg_bindir >/dev/null
}

# run a PostgreSQL program as the server's user (postgres when we are root)
as_pg() {
    if [ "$(id -u)" = "0" ]; then
        if command -v runuser >/dev/null 2>&1; then
            runuser -u postgres -- "$@"
        else
            su postgres -s /bin/sh -c "$(printf '%q ' "$@")"
        fi
    else
        "$@"
    fi
}

ready() {
    local bin
    bin="$(pg_bindir)" || return 1
    "$bin/pg_isready" -q -h 127.0.0.1 -p "$PORT" >/dev/null 2>&1
}

start() {
    if ready; then log "a server is already running on 127.0.0.1:$PORT (reused)"; return 0; fi
    install_pg || return 1
    local bin
    bin="$(pg_bindir)"
    if [ "$(id -u)" = "0" ] && ! id postgres >/dev/null 2>&1; then
        log "no postgres user to run the server as"; return 1
    fi
    if [ ! -f "$DATA/PG_VERSION" ]; then
        rm -rf "$DATA"
        mkdir -p "$DATA" || return 1
        [ "$(id -u)" = "0" ] && chown postgres: "$DATA"
        chmod 700 "$DATA"
        as_pg "$bin/initdb" -D "$DATA" -U parley --auth=trust -E UTF8 --no-locale >"$DATA.initdb.log" 2>&1 \
            || { log "initdb failed (see $DATA.initdb.log)"; return 1; }
    fi
    as_pg "$bin/pg_ctl" -D "$DATA" -l "$DATA/server.log" -w -t 60 \
        -o "-c listen_addresses=127.0.0.1 -p $PORT -k $DATA -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
        start >/dev/null 2>&1 || { log "server did not start (see $DATA/server.log)"; return 1; }
    ready || { log "server started but does not answer on 127.0.0.1:$PORT"; return 1; }
    log "started a server on 127.0.0.1:$PORT (data in $DATA)"
}

stop() {
    local bin
    bin="$(pg_bindir)" || return 0
    if [ -f "$DATA/postmaster.pid" ]; then
        as_pg "$bin/pg_ctl" -D "$DATA" -m fast -w -t 60 stop >/dev/null 2>&1 && log "stopped the server on 127.0.0.1:$PORT"
    fi
    return 0
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    url) echo "$URL" ;;
    run)
        shift
        if [ -n "${PARLEY_TEST_PG_URL:-}" ]; then "$@"; exit $?; fi
        started=0
        if ready; then
            log "using the server already running on 127.0.0.1:$PORT"
            export PARLEY_TEST_PG_URL="$URL"
        elif start; then
            started=1
            export PARLEY_TEST_PG_URL="$URL"
        else
            log "no PostgreSQL server: PostgreSQL tests skip (or fail when CI=true)"
        fi
        [ "$started" = "1" ] && trap stop EXIT INT TERM
        "$@"
        exit $?
        ;;
    *) echo "usage: $0 start|stop|url|run CMD..." >&2; exit 2 ;;
esac
