#!/usr/bin/env bash
# Restores a backup of the Docker stack's PostgreSQL, on the stack's Docker daemon.
#
#   scripts/stack.sh restore [--backup ID|latest] [--into scratch] [--name DB]
#       Restores into a NEW database next to the live one (default
#       inventario_retail_restore_<id>), for inspection or copying rows back. Apps keep running.
#   scripts/stack.sh restore [--backup ID|latest] --into live --confirm inventario_retail
#       Replaces the stack's database: stops the app containers, restores and checks the backup,
#       swaps it in (the previous database is kept as inventario_retail__before_restore_<time>),
#       and starts the apps again, also when the restore fails.
#
# Options: --list shows the backups and exits; --stack NAME for the team's stack.
# Nothing is overwritten without --confirm naming the database. Exit 3: refused.
set -euo pipefail
# The stack's environment label and daemon come from the entry point; called directly, go through it.
[ -n "${MINIMARKET_ENVIRONMENT:-}" ] || exec bash "$(dirname "$0")/stack.sh" restore "$@"

env=$MINIMARKET_ENVIRONMENT backup=latest into=scratch name="" confirm="" list=""
while [ $# -gt 0 ]; do
    case "$1" in
        --backup) backup=$2; shift 2 ;;
        --into) into=$2; shift 2 ;;
        --name) name=$2; shift 2 ;;
        --confirm) confirm=$2; shift 2 ;;
        --list) list=1; shift ;;
        -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "restore-staging: unknown argument $1 (see --help)" >&2; exit 2 ;;
    esac
done

DATABASE=inventario_retail
# Where the backup container keeps its scripts and backups (components/backup/backupContainer.ts).
SCRIPT_DIR_IN_CONTAINER=/opt/minimarket-backup
BACKUP_DIR_IN_CONTAINER=/backups
backup_ct="minimarket-$env-backup"
pg_ct="minimarket-$env-postgres"
scripts="$(cd "$(dirname "$0")/.." && pwd)/components/backup/scripts"
work=/tmp/minimarket-restore
log() { echo "restore-staging: $*" >&2; }

if [ -n "$list" ]; then
    docker exec "$backup_ct" sh "$SCRIPT_DIR_IN_CONTAINER/minimarket-backup.sh" list
    exit 0
fi
case "$into" in
    scratch) ;;
    live)
        if [ "$confirm" != "$DATABASE" ]; then
            log "REFUSED: --into live replaces the data of $DATABASE in $env; repeat with --confirm $DATABASE"
            exit 3
        fi ;;
    *) log "--into must be scratch or live"; exit 2 ;;
esac

started=$(date +%s)
# Checksum and a full read of the archive, before anything is stopped or copied.
id=$(docker exec "$backup_ct" sh "$SCRIPT_DIR_IN_CONTAINER/minimarket-backup.sh" verify "$backup")
log "restoring backup $id of $env into ${into}"

docker exec "$pg_ct" sh -c "rm -rf $work && mkdir -p $work"
cleanup() { docker exec "$pg_ct" rm -rf "$work" >/dev/null 2>&1 || true; }
trap cleanup EXIT
# docker cp streams a tar from one container into the other: no copy on this machine.
for file in "backup-$id.dump" "backup-$id.manifest"; do
    docker cp "$backup_ct:$BACKUP_DIR_IN_CONTAINER/$file" - | docker cp - "$pg_ct:$work"
done
docker cp "$scripts/restore-db.sh" "$pg_ct:$work/restore-db.sh"
docker cp "$scripts/lib-sql.sh" "$pg_ct:$work/lib-sql.sh"

apps=()
if [ "$into" = live ]; then
    mapfile -t apps < <(docker ps -q --filter "label=com.minimarket.environment=$env" --filter "label=com.minimarket.role=app")
    if [ ${#apps[@]} -gt 0 ]; then
        log "stopping ${#apps[@]} app containers"
        docker stop "${apps[@]}" >/dev/null
        # Whatever happens next, the apps come back (on the restored or the untouched database).
        trap 'log "starting the app containers"; docker start "${apps[@]}" >/dev/null; cleanup' EXIT
    fi
fi

args=(--dump "$work/backup-$id.dump" --manifest "$work/backup-$id.manifest" --into "$into")
[ -z "$name" ] || args+=(--name "$name")
[ -z "$confirm" ] || args+=(--confirm "$confirm")
# The superuser over the container's local socket (trusted): no password leaves the host.
docker exec -e PGUSER=postgres -e PGDATABASE="$DATABASE" "$pg_ct" sh "$work/restore-db.sh" "${args[@]}"
log "done in $(($(date +%s) - started))s"
