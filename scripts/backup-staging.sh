#!/usr/bin/env bash
# Runs a command of the stack's backup container now, on the stack's Docker daemon:
#
#   scripts/stack.sh backup backup        take a backup now (verified, pruned, metrics updated)
#   scripts/stack.sh backup drill [ID]    restore drill of the latest (or ID) backup now
#   scripts/stack.sh backup list          good backups, newest first
#   scripts/stack.sh backup verify [ID]   checksum and full read of a backup
#
# (--stack NAME for the team's stack.) Restores: scripts/stack.sh restore --help.
set -euo pipefail
# The stack's environment label and daemon come from the entry point; called directly, go through it.
[ -n "${MINIMARKET_ENVIRONMENT:-}" ] || exec bash "$(dirname "$0")/stack.sh" backup "$@"
env=$MINIMARKET_ENVIRONMENT
case "${1:-}" in
    backup|drill|list|verify|latest) ;;
    *) sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac
exec docker exec "minimarket-$env-backup" sh /opt/minimarket-backup/minimarket-backup.sh "$@"
