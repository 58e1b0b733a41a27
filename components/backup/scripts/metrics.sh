# State and metrics, sourced by minimarket-backup.sh. State (last attempt, status, failures; the
# drill's last results) lives on the backup volume, so metrics survive a new container. Metrics
# are node-exporter textfile-collector files.

state_get() { f="$STATE_DIR/$1.state"; v=""; [ ! -f "$f" ] || v=$(awk -v k="$2" '$1 == k { print $2; exit }' "$f"); echo "${v:-$3}"; }
# Replaces the given keys, keeps the others; written atomically.
state_write() {
    name=$1; shift
    mkdir -p "$STATE_DIR"; f="$STATE_DIR/$name.state"
    { [ ! -f "$f" ] || cat "$f"; for kv in "$@"; do echo "$kv"; done; } |
        awk '{ v[$1] = $2; if (!($1 in seen)) { seen[$1] = 1; k[++n] = $1 } } END { for (i = 1; i <= n; i++) print k[i], v[k[i]] }' >"$f.tmp"
    mv "$f.tmp" "$f"
}

# Atomic: node-exporter never reads a half-written file.
publish() {
    mkdir -p "$METRICS_DIR"
    cat >"$METRICS_DIR/.$1.prom.tmp"
    chmod 0644 "$METRICS_DIR/.$1.prom.tmp"
    mv "$METRICS_DIR/.$1.prom.tmp" "$METRICS_DIR/$1.prom"
}

gauge() { printf '# HELP %s %s\n# TYPE %s %s\n%s{database="%s"} %s\n' "$1" "$2" "$1" "${4:-gauge}" "$1" "$PGDATABASE" "$3"; }

write_backup_metrics() {
    latest=$(cmd_list | head -n 1)
    {
        # No status before the first attempt: a new stack has not failed anything yet.
        attempt_status=$(state_get backup last_status "")
        [ -z "$attempt_status" ] ||
            gauge minimarket_backup_last_status "1 if the last backup attempt succeeded, 0 if it failed" "$attempt_status"
        gauge minimarket_backup_last_attempt_timestamp_seconds "Start of the last backup attempt" "$(state_get backup last_attempt 0)"
        gauge minimarket_backup_failures_total "Failed backup attempts" "$(state_get backup failures_total 0)" counter
        gauge minimarket_backup_retained_backups "Good backups on the backup volume" "$(cmd_list | grep -c . || true)"
        # From the newest good backup itself: a failure can never move these.
        if [ -n "$latest" ]; then
            m=$(manifest_file "$latest")
            gauge minimarket_backup_last_success_timestamp_seconds "Start of the newest good backup" "$(field "$m" created_at)"
            gauge minimarket_backup_last_size_bytes "Size of the newest good backup" "$(field "$m" dump_bytes)"
            gauge minimarket_backup_last_duration_seconds "Duration of the newest good backup" "$(field "$m" duration_seconds)"
            gauge minimarket_backup_last_rows "Rows in the newest good backup" "$(field "$m" rows)"
        fi
    } | publish minimarket_backup
}

write_drill_metrics() {
    [ -f "$STATE_DIR/drill.state" ] || return 0
    {
        attempt_status=$(state_get drill last_status "")
        [ -z "$attempt_status" ] ||
            gauge restore_drill_last_status "1 if the last restore drill succeeded, 0 if it failed" "$attempt_status"
        gauge restore_drill_last_attempt_timestamp_seconds "Start of the last restore drill" "$(state_get drill last_attempt 0)"
        gauge restore_drill_last_success_timestamp_seconds "Start of the last successful restore drill (0: never)" "$(state_get drill last_success 0)"
        gauge restore_drill_last_duration_seconds "Duration of the last restore drill (restore and checks)" "$(state_get drill last_duration 0)"
        gauge restore_drill_rows_restored "Rows restored and checked by the last successful drill" "$(state_get drill rows 0)"
        gauge restore_drill_tables_restored "Tables restored and checked by the last successful drill" "$(state_get drill tables 0)"
        gauge restore_drill_backup_age_seconds "Age of the backup at the last successful drill" "$(state_get drill backup_age 0)"
    } | publish restore_drill
}

cmd_metrics() { write_backup_metrics; write_drill_metrics; }
