#!/usr/bin/env bash
# The official image's entrypoint contract (docker-library/postgres 17/bookworm/docker-entrypoint.sh
# at 6edb0a8c), written for these tests, not copied:
# - a first argument starting with '-' means `postgres <args>` (lines 328-330);
# - `postgres`: POSTGRES_PASSWORD, POSTGRES_USER (default postgres), POSTGRES_DB (default the
#   user), POSTGRES_INITDB_ARGS, POSTGRES_HOST_AUTH_METHOD (234-240); as root, fix the owner of
#   PGDATA and /var/run/postgresql, then re-run as postgres through gosu (36-61, 336-339);
# - an empty PGDATA is initialised: initdb with the password from a pipe, never an argument
#   (92), `host all all all <method>` appended to pg_hba.conf, the method defaulting to
#   password_encryption (263-281), a temporary server on the socket only (listen_addresses='',
#   285-301), the database created, /docker-entrypoint-initdb.d/*.sh|*.sql run (172-199), the
#   temporary server stopped (304-307);
# - any other command runs unchanged, as the user the container runs as (377).
set -Eeo pipefail

setup_env() {
    export POSTGRES_USER="${POSTGRES_USER:-postgres}"
    export POSTGRES_DB="${POSTGRES_DB:-$POSTGRES_USER}"
    : "${POSTGRES_INITDB_ARGS:=}" "${POSTGRES_HOST_AUTH_METHOD:=}"
    DATABASE_ALREADY_EXISTS=""
    [ ! -s "$PGDATA/PG_VERSION" ] || DATABASE_ALREADY_EXISTS=true
}

create_directories() {
    mkdir -p "$PGDATA" /var/run/postgresql
    chmod 00700 "$PGDATA" || :
    chmod 03775 /var/run/postgresql || :
    if [ "$(id -u)" = 0 ]; then
        find "$PGDATA" \! -user postgres -exec chown postgres '{}' +
        find /var/run/postgresql \! -user postgres -exec chown postgres '{}' +
    fi
}

sql() { PGHOST= PGHOSTADDR= psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --no-password --no-psqlrc "$@"; }

initialise() {
    if [ -z "${POSTGRES_PASSWORD:-}" ] && [ "$POSTGRES_HOST_AUTH_METHOD" != trust ]; then
        echo "Error: Database is uninitialized and superuser password is not specified." >&2
        exit 1
    fi
    eval 'initdb --username="$POSTGRES_USER" --pwfile=<(printf "%s\n" "$POSTGRES_PASSWORD") '"$POSTGRES_INITDB_ARGS"
    local args=("$@")
    [ "${args[0]}" != postgres ] || args=("${args[@]:1}")
    local method="${POSTGRES_HOST_AUTH_METHOD:-$(postgres -C password_encryption "${args[@]}")}"
    printf '\nhost all all all %s\n' "$method" >>"$PGDATA/pg_hba.conf"
    export PGPASSWORD="${PGPASSWORD:-$POSTGRES_PASSWORD}"
    NOTIFY_SOCKET= PGUSER="${PGUSER:-$POSTGRES_USER}" pg_ctl -D "$PGDATA" \
        -o "$(printf '%q ' "${args[@]}" -c listen_addresses='' -p "${PGPORT:-5432}")" -w start
    if [ -z "$(sql --dbname postgres --set db="$POSTGRES_DB" --tuples-only -c "SELECT 1 FROM pg_database WHERE datname = :'db'" </dev/null)" ]; then
        sql --dbname postgres --set db="$POSTGRES_DB" <<<'CREATE DATABASE :"db" ;'
    fi
    local f
    for f in /docker-entrypoint-initdb.d/*; do
        case "$f" in
        *.sh) if [ -x "$f" ]; then "$f"; else . "$f"; fi ;;
        *.sql) sql --dbname "$POSTGRES_DB" -f "$f" ;;
        *) [ ! -e "$f" ] || echo "$0: ignoring $f" ;;
        esac
    done
    PGUSER="${PGUSER:-postgres}" pg_ctl -D "$PGDATA" -m fast -w stop
    unset PGPASSWORD
    echo "PostgreSQL init process complete; ready for start up."
}

[ "${1:0:1}" != - ] || set -- postgres "$@"
if [ "$1" = postgres ]; then
    setup_env
    create_directories
    [ "$(id -u)" != 0 ] || exec gosu postgres "$BASH_SOURCE" "$@"
    [ -n "$DATABASE_ALREADY_EXISTS" ] || initialise "$@"
fi
exec "$@"
