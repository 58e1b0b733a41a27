#!/bin/sh
# MiniMarket PostgreSQL backups: pg_dump (custom format) on a schedule, a manifest of tables and
# row counts taken in the same snapshot as the dump, retention, a restore drill into a throwaway
# cluster, and Prometheus metrics as node-exporter textfile-collector files.
#
# Runs in the backup container (postgres image, as root; the drill's server runs as `postgres`)
# and in the tests (Debian's PostgreSQL). POSIX sh: the image's /bin/sh is dash.
#
# Usage: minimarket-backup.sh <command> [args]
#   backup            take one backup, verify it, prune, write metrics (exit 0 only if good)
#   drill [ID]        restore the latest (or ID) into a throwaway cluster and check it
#   verify ID         checksum and full read of a backup's archive
#   list | latest     good backups, newest first | the newest one's ID
#   path ID           the dump file of a backup
#   prune             apply retention (BACKUP_KEEP_DAILY, BACKUP_KEEP_WEEKLY)
#   keep              retention as a filter: IDs on stdin, the IDs to keep on stdout
#   next-run START INTERVAL   the next slot (epoch) of a schedule anchored at START (HH:MM UTC)
#   metrics           rewrite the metrics files from what is on disk
#   loop              scheduler: backups and drills on their schedules, until SIGTERM
#
# Connection: libpq variables (PGHOST, PGPORT, PGUSER, PGDATABASE, PGPASSWORD or PGPASSFILE).
# The password is never on a command line: libpq reads it from the environment.
set -eu
trap '' PIPE

BACKUP_DIR=${BACKUP_DIR:-/backups}
METRICS_DIR=${METRICS_DIR:-/metrics}
BACKUP_KEEP_DAILY=${BACKUP_KEEP_DAILY:-7}
BACKUP_KEEP_WEEKLY=${BACKUP_KEEP_WEEKLY:-4}
BACKUP_START_TIME=${BACKUP_START_TIME:-03:00}
BACKUP_INTERVAL_SECONDS=${BACKUP_INTERVAL_SECONDS:-86400}
DRILL_START_TIME=${DRILL_START_TIME:-04:30}
DRILL_INTERVAL_SECONDS=${DRILL_INTERVAL_SECONDS:-86400}
# 1: a backup without an alembic_version table fails the drill (the apps run migrations).
DRILL_REQUIRE_MIGRATION_VERSION=${DRILL_REQUIRE_MIGRATION_VERSION:-1}
DRILL_TMPDIR=${DRILL_TMPDIR:-${TMPDIR:-/tmp}}
PGDATABASE=${PGDATABASE:-inventario_retail}
export PGDATABASE
# Server binaries (initdb, pg_ctl) when they are not on PATH, e.g. /usr/lib/postgresql/15/bin.
[ -z "${PG_BIN:-}" ] || PATH="$PG_BIN:$PATH"

STATE_DIR="$BACKUP_DIR/.state"
log() { printf '%s minimarket-backup: %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
# The clock; tests pin it with BACKUP_FAKE_NOW (epoch seconds).
now() { if [ -n "${BACKUP_FAKE_NOW:-}" ]; then echo "$BACKUP_FAKE_NOW"; else date -u +%s; fi; }
is_id() { case "$1" in [0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]T[0-9][0-9][0-9][0-9][0-9][0-9]Z) return 0 ;; esac; return 1; }
dump_file() { echo "$BACKUP_DIR/backup-$1.dump"; }
manifest_file() { echo "$BACKUP_DIR/backup-$1.manifest"; }

# PostgreSQL refuses to run as root: as root, the throwaway server runs as `postgres`.
as_pg() {
    if [ "$(id -u)" != 0 ]; then "$@"
    elif command -v gosu >/dev/null 2>&1; then gosu postgres "$@"
    else runuser -u postgres -- "$@"
    fi
}

. "$(dirname "$0")/lib-sql.sh"

# Waits (bounded) for a file that a psql session writes, while that session is alive.
await_file() {
    i=0
    while [ ! -f "$1" ]; do
        kill -0 "$2" 2>/dev/null || return 1
        i=$((i + 1)); [ "$i" -le 3000 ] || return 1
        sleep 0.1
    done
}

# ---- backup ------------------------------------------------------------------------------

# Takes the dump and the manifest into directory $1. A session exports a snapshot and counts
# rows inside it; pg_dump --snapshot dumps exactly that state.
take_dump() {
    work=$1
    mkfifo "$work/sql.in"
    psql_q -f - <"$work/sql.in" >"$work/sql.out" 2>"$work/sql.err" &
    sql_pid=$!
    exec 3>"$work/sql.in"
    {
        echo "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY;"
        echo "SELECT pg_export_snapshot() \\g '$work/snapshot.part'"
        echo "\\! mv '$work/snapshot.part' '$work/snapshot'"
    } >&3 || true
    if ! await_file "$work/snapshot" "$sql_pid"; then
        exec 3>&-; wait "$sql_pid" || true
        log "cannot open a snapshot session: $(cat "$work/sql.err")"
        return 1
    fi
    {
        echo "$COUNT_SQL \\g '$work/tables.part'"
        echo "$ALEMBIC_SQL \\g '$work/alembic.part'"
        echo "$INFO_SQL \\g '$work/info.part'"
        echo "\\! mv '$work/tables.part' '$work/tables'"
    } >&3 || true
    if ! await_file "$work/tables" "$sql_pid"; then
        exec 3>&-; wait "$sql_pid" || true
        log "counting rows failed: $(cat "$work/sql.err")"
        return 1
    fi
    rc=0
    pg_dump --format=custom --snapshot="$(cat "$work/snapshot")" --file="$work/dump" 2>"$work/pg_dump.err" || rc=$?
    { echo "COMMIT;"; echo "\\q"; } >&3 || true
    exec 3>&-
    if ! wait "$sql_pid"; then
        [ "$rc" != 0 ] || rc=1
        log "snapshot session failed: $(cat "$work/sql.err")"
    fi
    if [ "$rc" != 0 ]; then
        log "pg_dump failed (exit $rc): $(cat "$work/pg_dump.err")"
        return 1
    fi
}

# Full read of an archive: every data block is decompressed (zlib checks its own checksum),
# and it must hold one TABLE DATA entry per table of the manifest.
check_archive() {
    dump=$1; expected_tables=$2
    [ -s "$dump" ] || { log "$dump is empty"; return 1; }
    pg_restore --list "$dump" >"$dump.toc" 2>"$dump.err" || { log "unreadable archive $dump: $(cat "$dump.err")"; rm -f "$dump.toc" "$dump.err"; return 1; }
    data_entries=$(grep -c '^[0-9][0-9]*; [0-9][0-9]* [0-9][0-9]* TABLE DATA ' "$dump.toc" || true)
    rm -f "$dump.toc"
    if [ "$data_entries" != "$expected_tables" ]; then
        log "archive $dump has $data_entries table data entries, the manifest lists $expected_tables tables"
        rm -f "$dump.err"; return 1
    fi
    pg_restore --file=/dev/null "$dump" 2>"$dump.err" || { log "archive $dump is damaged: $(cat "$dump.err")"; rm -f "$dump.err"; return 1; }
    rm -f "$dump.err"
}

cmd_backup() {
    mkdir -p "$BACKUP_DIR" "$STATE_DIR"
    started=$(now)
    id=$(date -u -d "@$started" +%Y%m%dT%H%M%SZ)
    work="$BACKUP_DIR/.tmp-$id"
    rm -rf "$work"; mkdir -p "$work"
    status=0
    if take_dump "$work" && write_manifest "$work" "$id" "$started" && check_archive "$work/dump" "$(field "$work/manifest" tables)"; then
        # The manifest goes last: a backup without one is incomplete and never listed.
        mv "$work/dump" "$(dump_file "$id")"
        mv "$work/manifest" "$(manifest_file "$id")"
        log "backup $id: $(field "$(manifest_file "$id")" dump_bytes) bytes, $(field "$(manifest_file "$id")" tables) tables, $(field "$(manifest_file "$id")" rows) rows"
    else
        status=1
    fi
    rm -rf "$work"
    failures=$(state_get backup failures_total 0)
    [ "$status" = 0 ] || failures=$((failures + 1))
    state_write backup "last_status $((1 - status))" "last_attempt $started" "failures_total $failures"
    [ "$status" != 0 ] || cmd_prune
    write_backup_metrics
    [ "$status" = 0 ] || die "backup $id failed; the previous backups are untouched"
}

write_manifest() {
    work=$1; id=$2; started=$3
    bytes=$(wc -c <"$work/dump" | tr -d ' ')
    sha=$(sha256sum "$work/dump" | cut -d ' ' -f 1)
    tables=$(grep -c . "$work/tables" || true)
    rows=$(awk -F '\t' '{ s += $2 } END { printf "%d", s }' "$work/tables")
    {
        printf 'format\tminimarket-backup/1\n'
        printf 'id\t%s\n' "$id"
        printf 'database\t%s\n' "$PGDATABASE"
        printf 'created_at\t%s\n' "$started"
        printf 'server_version_num\t%s\n' "$(cut -f 1 "$work/info.part")"
        printf 'encoding\t%s\n' "$(cut -f 2 "$work/info.part")"
        printf 'alembic_version\t%s\n' "$(cat "$work/alembic.part")"
        printf 'dump_bytes\t%s\n' "$bytes"
        printf 'dump_sha256\t%s\n' "$sha"
        printf 'duration_seconds\t%s\n' "$(($(now) - started))"
        printf 'tables\t%s\n' "$tables"
        printf 'rows\t%s\n' "$rows"
        sed "s/^/table$TAB/" "$work/tables"
    } >"$work/manifest"
}

# ---- listing, verification, retention ----------------------------------------------------

# Good backups: those with a manifest and a dump, newest first.
cmd_list() {
    [ -d "$BACKUP_DIR" ] || return 0
    for m in "$BACKUP_DIR"/backup-*.manifest; do
        [ -f "$m" ] || continue
        id=${m##*/backup-}; id=${id%.manifest}
        is_id "$id" && [ -f "$(dump_file "$id")" ] && echo "$id"
    done | sort -r
}

cmd_latest() {
    latest=$(cmd_list | head -n 1)
    [ -n "$latest" ] || die "no backup in $BACKUP_DIR"
    echo "$latest"
}

resolve() {
    if [ -z "${1:-}" ] || [ "$1" = latest ]; then cmd_latest; return; fi
    is_id "$1" || die "not a backup ID: $1 (expected e.g. 20260101T030000Z, or latest)"
    [ -f "$(manifest_file "$1")" ] && [ -f "$(dump_file "$1")" ] || die "no backup $1 in $BACKUP_DIR"
    echo "$1"
}

# Checksum against the manifest: catches a file damaged or replaced after it was written.
check_checksum() {
    id=$1; m=$(manifest_file "$1"); d=$(dump_file "$1")
    [ "$(field "$m" format)" = minimarket-backup/1 ] || { log "backup $id: unreadable manifest"; return 1; }
    [ -s "$d" ] || { log "backup $id: dump file is empty"; return 1; }
    actual=$(sha256sum "$d" | cut -d ' ' -f 1)
    [ "$actual" = "$(field "$m" dump_sha256)" ] || { log "backup $id: checksum mismatch (file damaged or replaced)"; return 1; }
}

cmd_verify() {
    id=$(resolve "${1:-latest}")
    check_checksum "$id" && check_archive "$(dump_file "$id")" "$(field "$(manifest_file "$id")" tables)" || die "backup $id is NOT usable"
    log "backup $id verified"
    echo "$id"
}

# IDs on stdin (any order) -> IDs to keep: the newest backup of each of the newest
# BACKUP_KEEP_DAILY days that have one, and of each of the newest BACKUP_KEEP_WEEKLY ISO weeks.
# Counting days with backups (not calendar days) means an outage never ages out the last copies.
cmd_keep() {
    while read -r id; do
        is_id "$id" || continue
        d=$(printf '%s' "$id" | cut -c 1-8)
        printf '%s %s %s\n' "$id" "$d" "$(date -u -d "$d" +%G-W%V)"
    done | sort -r | awk -v daily="$BACKUP_KEEP_DAILY" -v weekly="$BACKUP_KEEP_WEEKLY" '
        !($2 in day) { day[$2] = 1; if (++days <= daily) keep[$1] = 1 }
        !($3 in week) { week[$3] = 1; if (++weeks <= weekly) keep[$1] = 1 }
        NR == 1 { keep[$1] = 1 }
        { order[NR] = $1 }
        END { for (i = 1; i <= NR; i++) if (order[i] in keep) print order[i] }'
}

cmd_prune() {
    all=$(cmd_list)
    keep=$(echo "$all" | cmd_keep)
    for id in $all; do
        if ! echo "$keep" | grep -qx "$id"; then
            rm -f "$(manifest_file "$id")" "$(dump_file "$id")"
            log "pruned backup $id"
        fi
    done
    # Leftovers of interrupted runs, and dumps whose manifest is gone (never listed, never kept).
    rm -rf "$BACKUP_DIR"/.tmp-*
    for d in "$BACKUP_DIR"/backup-*.dump; do
        [ -f "$d" ] && [ ! -f "${d%.dump}.manifest" ] || continue
        rm -f "$d"; log "removed $d: it has no manifest"
    done
}


. "$(dirname "$0")/metrics.sh"
. "$(dirname "$0")/restore-drill.sh"
. "$(dirname "$0")/schedule.sh"

cmd=${1:-}
[ $# -eq 0 ] || shift
case "$cmd" in
    backup) with_lock cmd_backup ;;
    drill) with_lock cmd_drill "$@" ;;
    verify) cmd_verify "$@" ;;
    list) cmd_list ;;
    latest) cmd_latest ;;
    path) dump_file "$(resolve "${1:-latest}")" ;;
    prune) with_lock cmd_prune ;;
    keep) cmd_keep ;;
    next-run) next_run "$@" ;;
    metrics) cmd_metrics ;;
    loop) cmd_loop ;;
    *) sed -n '2,/^set -eu/p' "$0" | sed -n '/^# Usage/,/^# The password/p' >&2; exit 2 ;;
esac
