#!/bin/sh
# Copies the backups to a bucket with rclone (its official image; busybox sh), on a loop.
# `rclone copy`, never `sync`: a backup pruned here stays in the bucket until the bucket's own
# lifecycle rule removes it, and credentials that may only create objects are enough.
# --immutable: an object that already exists with other content is an error, never overwritten.
#
# Env: OFFSITE_REMOTE (offsite:bucket/prefix; the remote is configured by RCLONE_CONFIG_OFFSITE_*),
# BACKUP_DIR, METRICS_DIR, OFFSITE_INTERVAL_SECONDS; OFFSITE_ONCE=1 runs one copy and exits.
set -u
BACKUP_DIR=${BACKUP_DIR:-/backups}
METRICS_DIR=${METRICS_DIR:-/metrics}
INTERVAL=${OFFSITE_INTERVAL_SECONDS:-21600}
STATE="$METRICS_DIR/.offsite.state"
log() { echo "$(date -u +%Y-%m-%dT%H:%M:%SZ) offsite: $*" >&2; }

publish() {
    last_success=$1; status=$2
    {
        echo "# HELP minimarket_backup_offsite_last_status 1 if the last copy to the bucket succeeded, 0 if it failed"
        echo "# TYPE minimarket_backup_offsite_last_status gauge"
        echo "minimarket_backup_offsite_last_status $status"
        echo "# HELP minimarket_backup_offsite_last_success_timestamp_seconds End of the last successful copy to the bucket (0: never)"
        echo "# TYPE minimarket_backup_offsite_last_success_timestamp_seconds gauge"
        echo "minimarket_backup_offsite_last_success_timestamp_seconds $last_success"
    } >"$METRICS_DIR/.offsite.prom.tmp"
    mv "$METRICS_DIR/.offsite.prom.tmp" "$METRICS_DIR/minimarket_backup_offsite.prom"
}

trap 'exit 0' TERM INT
while :; do
    last_success=0
    [ ! -f "$STATE" ] || last_success=$(cat "$STATE")
    # Manifests last: a manifest in the bucket means its dump is complete there too.
    if rclone copy --immutable --include 'backup-*.dump' "$BACKUP_DIR" "$OFFSITE_REMOTE" &&
        rclone copy --immutable --include 'backup-*.manifest' "$BACKUP_DIR" "$OFFSITE_REMOTE"; then
        last_success=$(date -u +%s)
        echo "$last_success" >"$STATE"
        publish "$last_success" 1
        log "copied to $OFFSITE_REMOTE"
    else
        publish "$last_success" 0
        log "copy to $OFFSITE_REMOTE FAILED"
    fi
    [ "${OFFSITE_ONCE:-0}" != 1 ] || exit 0
    sleep "$INTERVAL" &
    wait $!
done
