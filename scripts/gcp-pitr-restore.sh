#!/usr/bin/env bash
# Point-in-time restore of the prod Cloud SQL instance into a NEW instance (the source is never
# modified), then optionally points the stack's private DNS name at it and restarts the apps.
#
#   scripts/gcp-pitr-restore.sh --project P --time 2026-03-01T12:34:56Z [--env prod]
#        [--target NAME] [--switch-dns] [--restart-apps] [--dry-run]
#
#   --time         UTC instant to restore to (RFC 3339, ending in Z); it must lie inside the
#                  transaction-log retention window (gcp.cloudSql.transactionLogRetentionDays).
#   --target       new instance name (default minimarket-<env>-postgres-pitr-<yyyymmddthhmm>).
#   --switch-dns   after the clone is RUNNABLE, point postgres.<env>.minimarket.internal (the
#                  name every app connects to) at the new instance's private IP.
#   --restart-apps with --switch-dns: restart the app containers (DOCKER_HOST=ssh://deploy@<vm>)
#                  so no connection to the old instance stays open.
#   --dry-run      print the gcloud commands, run only the read-only checks.
#
# The clone copies the source's settings, users and passwords, so the apps' credentials work
# unchanged. Pulumi still manages the OLD instance afterwards: see docs/backups.md, "Prod:
# point-in-time restore", for adopting the new one (or undoing the DNS switch).
set -euo pipefail

env=prod project="" time="" target="" switch_dns="" restart_apps="" dry_run=""
while [ $# -gt 0 ]; do
    case "$1" in
        --project) project=$2; shift 2 ;;
        --env) env=$2; shift 2 ;;
        --time) time=$2; shift 2 ;;
        --target) target=$2; shift 2 ;;
        --switch-dns) switch_dns=1; shift ;;
        --restart-apps) restart_apps=1; shift ;;
        --dry-run) dry_run=1; shift ;;
        -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "gcp-pitr-restore: unknown argument $1 (see --help)" >&2; exit 2 ;;
    esac
done
log() { echo "gcp-pitr-restore: $*" >&2; }
[ -n "$project" ] || { log "--project is required"; exit 2; }
if ! [[ "$time" =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?Z$ ]]; then
    log "--time must be a UTC instant such as 2026-03-01T12:34:56Z, got '${time}'"; exit 2
fi
[ -z "$restart_apps" ] || [ -n "$switch_dns" ] || { log "--restart-apps only makes sense with --switch-dns"; exit 2; }
source="minimarket-$env-postgres"
[ -n "$target" ] || target="$source-pitr-$(echo "$time" | sed 's/[-:]//g; s/\..*Z$/Z/' | cut -c 1-13 | tr 'T' 't')"
[[ "$target" =~ ^[a-z][a-z0-9-]{0,96}[a-z0-9]$ ]] || { log "invalid instance name '$target'"; exit 2; }
zone="minimarket-$env-internal"
record="postgres.$env.minimarket.internal."

run() {
    if [ -n "$dry_run" ]; then printf 'would run:'; printf ' %q' "$@"; echo; else "$@"; fi
}

pitr=$(gcloud sql instances describe "$source" --project "$project" --format='value(settings.backupConfiguration.pointInTimeRecoveryEnabled)')
[ "$pitr" = True ] || { log "point-in-time recovery is not enabled on $source"; exit 1; }
started=$(date +%s)
log "cloning $source at $time into $target (new instance; $source is not modified)"
run gcloud sql instances clone "$source" "$target" --project "$project" --point-in-time "$time"
if [ -n "$dry_run" ]; then
    ip="<private IP of $target>"
else
    ip=$(gcloud sql instances describe "$target" --project "$project" --format='value(ipAddresses[0].ipAddress)')
    [[ "$ip" =~ ^[0-9.]+$ ]] || { log "no private IP on $target: '$ip'"; exit 1; }
    log "$target is up at $ip after $(($(date +%s) - started))s"
fi

if [ -n "$switch_dns" ]; then
    log "pointing $record at $ip"
    run gcloud dns record-sets update "$record" --project "$project" --zone "$zone" --type A --ttl 60 --rrdatas "$ip"
    if [ -n "$restart_apps" ]; then
        mapfile -t apps < <(docker ps -q --filter "label=com.minimarket.environment=$env" --filter "label=com.minimarket.role=app")
        [ ${#apps[@]} -eq 0 ] || run docker restart "${apps[@]}"
    fi
else
    log "apps still use $source. To switch: rerun with --switch-dns --restart-apps --target $target,"
    log "or: gcloud dns record-sets update $record --zone $zone --type A --ttl 60 --rrdatas $ip"
fi
log "done in $(($(date +%s) - started))s; the old instance $source is untouched"
