#!/bin/sh
# Restores a MiniMarket backup into a PostgreSQL server, as its superuser (libpq variables; in the
# postgres container the local socket is trusted). Runs next to lib-sql.sh.
#
#   restore-db.sh --dump FILE --manifest FILE --into scratch [--name DB]
#       into a NEW database (default <database>_restore_<backup id>); refuses if it exists.
#   restore-db.sh --dump FILE --manifest FILE --into live --confirm <database>
#       replaces <database> (PGDATABASE, default inventario_retail). The backup is restored into
#       <database>__restoring and checked against its manifest first; only then is the live
#       database renamed to <database>__before_restore_<time> (kept, not dropped) and the
#       restored one takes its name. Without --confirm naming the database, nothing is touched.
#
# Stopping and starting the apps is the caller's job (scripts/restore-staging.sh).
set -eu
trap '' PIPE
. "$(dirname "$0")/lib-sql.sh"

log() { printf 'restore: %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
refuse() { log "REFUSED: $*"; exit 3; }

dump="" manifest="" into="" name="" confirm=""
while [ $# -gt 0 ]; do
    case "$1" in
        --dump) dump=$2; shift 2 ;;
        --manifest) manifest=$2; shift 2 ;;
        --into) into=$2; shift 2 ;;
        --name) name=$2; shift 2 ;;
        --confirm) confirm=$2; shift 2 ;;
        *) die "unknown argument $1" ;;
    esac
done
database=${PGDATABASE:-inventario_retail}
[ -f "$dump" ] || die "--dump: no such file '$dump'"
[ -f "$manifest" ] || die "--manifest: no such file '$manifest'"
[ "$(field "$manifest" format)" = minimarket-backup/1 ] || die "$manifest is not a backup manifest"
[ "$(sha256sum "$dump" | cut -d ' ' -f 1)" = "$(field "$manifest" dump_sha256)" ] || die "$dump does not match its manifest's checksum: damaged or replaced"
id=$(field "$manifest" id)

case "$into" in
    scratch)
        [ -n "$name" ] || name="${database}_restore_$(echo "$id" | tr 'TZ' 'tz')"
        [ "$name" != "$database" ] || refuse "the scratch database cannot be the live database; use --into live --confirm $database"
        ;;
    live)
        [ "$confirm" = "$database" ] || refuse "restoring into the live database '$database' replaces its data; repeat with --confirm $database"
        name="${database}__restoring"
        ;;
    *) die "--into must be scratch or live" ;;
esac
case "$name" in *[!a-z0-9_]*|"") die "database name must be lowercase letters, digits and _: '$name'" ;; esac

exists() { [ "$(psql_q -d postgres -c "SELECT count(*) FROM pg_database WHERE datname = '$1'")" = 1 ]; }
sql() { psql_q -d postgres -c "$1"; }

if exists "$name"; then
    # Our own leftover of an interrupted live restore may go; anything else is never overwritten.
    [ "$into" = live ] || refuse "database $name already exists; choose another --name or drop it yourself"
    sql "DROP DATABASE \"$name\" WITH (FORCE)"
fi
owner=$(psql_q -d postgres -c "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = '$database'")
[ -n "$owner" ] || owner=$(psql_q -d postgres -c "SELECT current_user")
encoding=$(field "$manifest" encoding)
sql "CREATE DATABASE \"$name\" TEMPLATE template0 ENCODING '${encoding:-UTF8}' OWNER \"$owner\"" >/dev/null
log "restoring backup $id into $name"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if ! pg_restore --dbname="$name" --exit-on-error "$dump" 2>"$work/restore.err" ||
    ! PGDATABASE=$name check_against_manifest "$manifest" "$work" 0; then
    tail -n 5 "$work/restore.err" >&2 || true
    sql "DROP DATABASE \"$name\" WITH (FORCE)" >/dev/null || true
    die "restore of backup $id failed; $database is unchanged"
fi
log "backup $id restored into $name and checked: $(field "$manifest" tables) tables, $(field "$manifest" rows) rows"
[ "$into" = live ] || { echo "$name"; exit 0; }

kept="${database}__before_restore_$(date -u +%Y%m%dt%H%M%Sz)"
# No new sessions, end the remaining ones (exporters, the backup role), then swap the names.
sql "ALTER DATABASE \"$database\" WITH ALLOW_CONNECTIONS false" >/dev/null
others="SELECT count(*) FROM pg_stat_activity WHERE datname = '$database' AND pid <> pg_backend_pid()"
sql "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = '$database' AND pid <> pg_backend_pid()" >/dev/null
i=0
while [ "$(sql "$others")" != 0 ] && [ "$i" -lt 100 ]; do i=$((i + 1)); sleep 0.1; done
if ! sql "ALTER DATABASE \"$database\" RENAME TO \"$kept\"" >/dev/null; then
    sql "ALTER DATABASE \"$database\" WITH ALLOW_CONNECTIONS true" >/dev/null || true
    die "could not rename $database (sessions still open?); it is unchanged, the restored copy is $name"
fi
sql "ALTER DATABASE \"$name\" RENAME TO \"$database\"" >/dev/null
sql "ALTER DATABASE \"$kept\" WITH ALLOW_CONNECTIONS true" >/dev/null
log "$database now holds backup $id; the previous data is kept as $kept (DROP DATABASE $kept; once you are satisfied)"
echo "$database"
