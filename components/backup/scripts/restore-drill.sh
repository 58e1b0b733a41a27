# Restore drill, sourced by minimarket-backup.sh: restores a backup into a PostgreSQL cluster it
# creates itself in a temporary directory (unix socket only, no TCP), so the live server is never
# touched, then checks that every table of the manifest is there with the same row count and the
# same migration version. Any failure is a failed drill, reported as such.

drill_server_stop() {
    if [ -n "${drill_dir:-}" ] && [ -d "$drill_dir" ]; then
        [ ! -f "$drill_dir/data/postmaster.pid" ] || as_pg pg_ctl -D "$drill_dir/data" -m immediate -w stop >/dev/null 2>&1 || true
        rm -rf "$drill_dir"
    fi
    drill_dir=""
}

# Restores dump $1 (encoding $2) into database `drill` of a fresh cluster; sets drill_dir.
drill_restore() {
    mkdir -p "$DRILL_TMPDIR"
    drill_dir=$(mktemp -d "$DRILL_TMPDIR/restore-drill.XXXXXX")
    mkdir -p "$drill_dir/run"
    [ "$(id -u)" != 0 ] || chown -R postgres:postgres "$drill_dir"
    as_pg initdb -D "$drill_dir/data" -U postgres --auth=trust --encoding=UTF8 --no-locale >"$drill_dir/initdb.log" 2>&1 ||
        { log "drill: initdb failed: $(tail -n 5 "$drill_dir/initdb.log")"; return 1; }
    # Durability is pointless for a copy that is thrown away: no fsync, small memory.
    as_pg pg_ctl -D "$drill_dir/data" -w -t 120 -l "$drill_dir/server.log" \
        -o "-p 5432 -c listen_addresses= -k $drill_dir/run -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c shared_buffers=64MB -c max_wal_size=2GB" \
        start >/dev/null 2>&1 || { log "drill: server did not start: $(tail -n 5 "$drill_dir/server.log")"; return 1; }
    export PGHOST="$drill_dir/run" PGPORT=5432 PGUSER=postgres PGDATABASE=drill
    unset PGPASSWORD PGPASSFILE PGSERVICE PGSSLMODE
    psql_q -d postgres -c "CREATE DATABASE drill TEMPLATE template0 ENCODING '$2'" >/dev/null 2>"$drill_dir/create.err" ||
        { log "drill: cannot create the database: $(cat "$drill_dir/create.err")"; return 1; }
    # No owners or grants: the stack's roles do not exist here; the data is what is checked.
    pg_restore --dbname=drill --no-owner --no-privileges --exit-on-error "$1" 2>"$drill_dir/restore.err" ||
        { log "drill: pg_restore failed: $(tail -n 5 "$drill_dir/restore.err")"; return 1; }
}

cmd_drill() {
    mkdir -p "$STATE_DIR"
    started=$(now)
    ok=0
    id=""
    if id=$(resolve "${1:-latest}"); then
        m=$(manifest_file "$id")
        log "drill: restoring backup $id into a throwaway cluster"
        # A subshell keeps the drill's libpq variables away from the caller (the loop).
        if (
            trap drill_server_stop EXIT
            # The loop's stop ends the job's process group: stop the throwaway server on the way
            # out (pg_ctl starts it in a session of its own, out of the group's reach).
            trap 'exit 143' TERM INT
            check_checksum "$id" && drill_restore "$(dump_file "$id")" "$(field "$m" encoding)" && check_against_manifest "$m" "$drill_dir" "$DRILL_REQUIRE_MIGRATION_VERSION"
        ); then ok=1; fi
    fi
    finished=$(now)
    if [ "$ok" = 1 ]; then
        state_write drill "last_status 1" "last_attempt $started" "last_success $started" "last_duration $((finished - started))" \
            "rows $(field "$m" rows)" "tables $(field "$m" tables)" "backup_id $id" "backup_age $((started - $(field "$m" created_at)))"
        write_drill_metrics
        log "drill: backup $id restored and checked: $(field "$m" tables) tables, $(field "$m" rows) rows in $((finished - started))s"
    else
        state_write drill "last_status 0" "last_attempt $started" "last_duration $((finished - started))"
        write_drill_metrics
        die "drill FAILED${id:+ for backup $id}"
    fi
}
