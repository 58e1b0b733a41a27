# Scheduling, sourced by minimarket-backup.sh: a backup or drill at most once at a time (a lock
# on the backup volume), and the container's loop.

# Runs "$@" holding the lock; a second run (the loop and an operator's `docker exec`) waits up to
# BACKUP_LOCK_WAIT_SECONDS, then gives up without touching anything.
with_lock() {
    mkdir -p "$STATE_DIR"
    exec 9>"$STATE_DIR/lock"
    flock -w "${BACKUP_LOCK_WAIT_SECONDS:-3600}" 9 || die "another backup or drill is still running"
    rc=0
    "$@" || rc=$?
    exec 9>&-
    return "$rc"
}

# next_run START INTERVAL [NOW]: the first slot after NOW of the schedule START (HH:MM UTC) +
# k * INTERVAL seconds. Intervals that divide a day give the same slots every day.
next_run() {
    start=$1; interval=$2; t=${3:-$(now)}
    case "$start" in [0-2][0-9]:[0-5][0-9]) ;; *) die "start time must be HH:MM (UTC), got '$start'" ;; esac
    [ "$interval" -ge 60 ] 2>/dev/null || die "interval must be at least 60 seconds, got '$interval'"
    day=$(date -u -d "@$t" +%Y-%m-%d)
    anchor=$(date -u -d "$day $start" +%s)
    # From yesterday's anchor, so slots before today's start time count too.
    base=$((anchor - 86400))
    echo $((base + ((t - base) / interval + 1) * interval))
}

# Sleeps until epoch $1 in short steps; the sleep runs in the background so that SIGTERM
# (docker stop) is handled at once.
sleep_until() {
    while [ "$(now)" -lt "$1" ]; do
        left=$(($1 - $(now)))
        [ "$left" -le 60 ] || left=60
        sleep "$left" &
        sleep_pid=$!
        wait "$sleep_pid" || true
        sleep_pid=""
    done
}

# Runs one scheduled job (`backup` or `drill`: this script again) in the background, in a
# process group of its own where setsid exists, so that SIGTERM can end it with everything it
# started (pg_dump, psql, the drill's server). A failure is in the metrics; the loop goes on.
run_job() {
    if command -v setsid >/dev/null 2>&1; then
        setsid sh "$0" "$1" &
    else
        sh "$0" "$1" &
    fi
    job_pid=$!
    wait "$job_pid" || true
    job_pid=""
}

# SIGTERM or SIGINT, whatever the loop is doing: end the running job (the next start removes
# what it left half done: .tmp-* dumps, drill clusters) and exit 0, well within the stop grace.
stop_loop() {
    log "stopping"
    if [ -n "$job_pid" ]; then
        kill -TERM "-$job_pid" 2>/dev/null || kill -TERM "$job_pid" 2>/dev/null || true
        wait "$job_pid" 2>/dev/null || true
    fi
    [ -z "$sleep_pid" ] || kill "$sleep_pid" 2>/dev/null || true
    exit 0
}

cmd_loop() {
    # Set before the trap: `set -u` makes an unset name in the handler exit 2.
    job_pid="" sleep_pid=""
    trap stop_loop TERM INT
    mkdir -p "$BACKUP_DIR" "$STATE_DIR"
    # Leftovers of runs that were killed: partial backups, drill clusters.
    rm -rf "$BACKUP_DIR"/.tmp-* "$DRILL_TMPDIR"/restore-drill.*
    mkdir -p "$DRILL_TMPDIR"
    cmd_metrics
    log "backups every ${BACKUP_INTERVAL_SECONDS}s from $BACKUP_START_TIME UTC, drills every ${DRILL_INTERVAL_SECONDS}s from $DRILL_START_TIME UTC, keeping $BACKUP_KEEP_DAILY daily and $BACKUP_KEEP_WEEKLY weekly"
    # Catch up at start: no backup within one interval (a new stack, a host that was down).
    t=$(now)
    latest=$(cmd_list | head -n 1)
    last_success=0
    [ -z "$latest" ] || last_success=$(field "$(manifest_file "$latest")" created_at)
    next_backup=$(next_run "$BACKUP_START_TIME" "$BACKUP_INTERVAL_SECONDS" "$t")
    [ $((t - last_success)) -lt "$BACKUP_INTERVAL_SECONDS" ] || next_backup=$t
    next_drill=$(next_run "$DRILL_START_TIME" "$DRILL_INTERVAL_SECONDS" "$t")
    [ $((t - $(state_get drill last_attempt 0))) -lt "$DRILL_INTERVAL_SECONDS" ] || next_drill=$((t + 60))
    while :; do
        if [ "$next_backup" -le "$next_drill" ]; then
            sleep_until "$next_backup"
            run_job backup
            next_backup=$(next_run "$BACKUP_START_TIME" "$BACKUP_INTERVAL_SECONDS")
        else
            sleep_until "$next_drill"
            run_job drill
            next_drill=$(next_run "$DRILL_START_TIME" "$DRILL_INTERVAL_SECONDS")
        fi
    done
}
