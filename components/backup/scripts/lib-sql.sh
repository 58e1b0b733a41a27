# SQL shared by the backup, the drill and the restore command (sourced). The same queries run
# on the live database when a backup is taken and on every restored copy, so their outputs
# compare line for line.
TAB=$(printf '\t')

# Tables (leaf tables, no extension members) with exact row counts, and the migration version.
# The same SQL runs at backup time and on the restored copy, so the two lists compare 1:1.
COUNT_SQL="SELECT name, n FROM (SELECT replace(replace(format('%I.%I', n.nspname, c.relname), E'\\t', '\\t'), E'\\n', '\\n') AS name,
  (xpath('/row/n/text()', query_to_xml(format('SELECT count(*) AS n FROM ONLY %I.%I', n.nspname, c.relname), false, true, '')))[1]::text AS n
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema')
  AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'
  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
) t ORDER BY name COLLATE \"C\""
ALEMBIC_SQL="SELECT CASE WHEN to_regclass('public.alembic_version') IS NULL THEN '' ELSE coalesce(array_to_string(
  xpath('/row/v/text()', query_to_xml('SELECT string_agg(version_num, '','' ORDER BY version_num) AS v FROM public.alembic_version', false, true, ''))::text[], ''), '') END"
INFO_SQL="SELECT current_setting('server_version_num'), pg_encoding_to_char(encoding) FROM pg_database WHERE datname = current_database()"

psql_q() { psql -X -q -A -t -F "$TAB" -v ON_ERROR_STOP=1 "$@"; }

# A field of a manifest: `key<TAB>value` lines.
field() { awk -F '\t' -v k="$2" '$1 == k { print $2; exit }' "$1"; }

# Compares the restored database (the current libpq target) with manifest $1: the same tables
# with the same row counts, the same migration version. $2: a scratch directory; $3 = 1: a
# backup without alembic_version is a failure. Needs log().
check_against_manifest() {
    m=$1; w=$2
    psql_q -c "$COUNT_SQL" >"$w/restored.tables" 2>"$w/check.err" ||
        { log "counting restored rows failed: $(cat "$w/check.err")"; return 1; }
    grep "^table$TAB" "$m" | cut -f 2- >"$w/expected.tables"
    if ! cmp -s "$w/expected.tables" "$w/restored.tables"; then
        log "restored tables or row counts differ from the manifest (< expected, > restored):"
        diff "$w/expected.tables" "$w/restored.tables" | grep '^[<>]' | head -n 20 >&2 || true
        return 1
    fi
    [ "$(grep -c . "$w/restored.tables" || true)" = "$(field "$m" tables)" ] ||
        { log "the manifest's table count is inconsistent with its table list"; return 1; }
    expected_version=$(field "$m" alembic_version)
    restored_version=$(psql_q -c "$ALEMBIC_SQL" 2>"$w/check.err") ||
        { log "reading alembic_version failed: $(cat "$w/check.err")"; return 1; }
    if [ "$restored_version" != "$expected_version" ]; then
        log "migration version differs: backup recorded '$expected_version', restored '$restored_version'"
        return 1
    fi
    if [ -z "$restored_version" ] && [ "$3" = 1 ]; then
        log "the backup has no alembic_version table (DRILL_REQUIRE_MIGRATION_VERSION=0 accepts databases without migrations)"
        return 1
    fi
}
