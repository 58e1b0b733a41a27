#!/usr/bin/env bash
# Runs a command of the backup container of the Docker stack now, with the docker CLI of this
# machine (DOCKER_HOST=ssh://deploy@host for a remote host):
#
#   scripts/backup-staging.sh backup        take a backup now (verified, pruned, metrics updated)
#   scripts/backup-staging.sh drill [ID]    restore drill of the latest (or ID) backup now
#   scripts/backup-staging.sh list          good backups, newest first
#   scripts/backup-staging.sh verify [ID]   checksum and full read of a backup
#
# Options before the command: --env NAME (default staging). Restores: scripts/restore-staging.sh.
set -euo pipefail
env=staging
if [ "${1:-}" = --env ]; then env=$2; shift 2; fi
case "${1:-}" in
    backup|drill|list|verify|latest) ;;
    *) sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac
exec docker exec "minimarket-$env-backup" sh /opt/minimarket-backup/minimarket-backup.sh "$@"
