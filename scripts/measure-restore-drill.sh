#!/usr/bin/env bash
# Measures backup, restore-drill and restore times on a database of a known size, with the same scripts the
# backup container runs, on a throwaway local PostgreSQL (nothing else is touched):
#
#   scripts/measure-restore-drill.sh [ROWS]     (default 1000000)
#
# The data: a sales table of ROWS rows (random text that compresses like real descriptions,
# timestamps, amounts, a primary key and one more index) and a products table of ROWS/100 rows.
# Needs PostgreSQL server binaries (PG_BIN, default /usr/lib/postgresql/17/bin).
# As root, the server runs as the `postgres` user. Prints one line of figures per step.
set -euo pipefail
rows=${1:-1000000}
PG_BIN=${PG_BIN:-/usr/lib/postgresql/17/bin}
export PATH="$PG_BIN:$PATH"
here="$(cd "$(dirname "$0")/.." && pwd)/components/backup/scripts"
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

base=$(mktemp -d /tmp/measure-drill.XXXXXX)
chmod 755 "$base"; mkdir -p "$base/run"
[ "$(id -u)" != 0 ] || chown -R postgres:postgres "$base"
cleanup() { as_pg pg_ctl -D "$base/data" -m immediate -w stop >/dev/null 2>&1 || true; rm -rf "$base"; }
trap cleanup EXIT
as_pg initdb -D "$base/data" -U postgres --auth=trust -E UTF8 --no-locale >/dev/null
as_pg pg_ctl -D "$base/data" -w -l "$base/server.log" -o "-p 5432 -c listen_addresses= -k $base/run" start >/dev/null
export PGHOST="$base/run" PGPORT=5432 PGUSER=postgres PGDATABASE=inventario_retail
psql -X -q -c "CREATE DATABASE inventario_retail" -d postgres
psql -X -q -v ON_ERROR_STOP=1 <<SQL
CREATE TABLE alembic_version (version_num varchar(32) PRIMARY KEY);
INSERT INTO alembic_version VALUES ('measure');
CREATE TABLE productos (id int PRIMARY KEY, nombre text NOT NULL, precio numeric(10,2) NOT NULL);
INSERT INTO productos SELECT g, 'producto ' || md5(g::text), round((random() * 5000)::numeric, 2) FROM generate_series(1, greatest($rows / 100, 1)) g;
CREATE TABLE ventas (id bigint PRIMARY KEY, producto_id int NOT NULL, cantidad int NOT NULL, importe numeric(12,2) NOT NULL,
    vendida_en timestamptz NOT NULL, nota text);
INSERT INTO ventas SELECT g, 1 + (g % greatest($rows / 100, 1)), 1 + (g % 7), round((random() * 20000)::numeric, 2),
    '2026-01-01'::timestamptz + g * interval '17 seconds', substr(md5(random()::text) || md5(random()::text), 1, 20 + g % 40)
    FROM generate_series(1, $rows) g;
CREATE INDEX ON ventas (vendida_en);
SQL
size=$(psql -X -A -t -c "SELECT pg_database_size(current_database())")
echo "database: $rows sales rows + $((rows / 100)) products, $((size / 1048576)) MiB on disk"

export BACKUP_DIR="$base/backups" METRICS_DIR="$base/metrics" DRILL_TMPDIR="$base"
t0=$(date +%s.%N); sh "$here/minimarket-backup.sh" backup 2>/dev/null; t1=$(date +%s.%N)
id=$(sh "$here/minimarket-backup.sh" latest)
echo "backup:   $(awk "BEGIN { printf \"%.1f\", $t1 - $t0 }")s, dump $(($(stat -c %s "$BACKUP_DIR/backup-$id.dump") / 1048576)) MiB (custom format, compressed), verified by a full read"
t0=$(date +%s.%N); sh "$here/minimarket-backup.sh" drill 2>/dev/null; t1=$(date +%s.%N)
echo "drill:    $(awk "BEGIN { printf \"%.1f\", $t1 - $t0 }")s to initdb, restore, count every table and check the migration version ($(grep '^restore_drill_rows_restored' "$METRICS_DIR/restore_drill.prom" | cut -d ' ' -f 2) rows)"
t0=$(date +%s.%N)
sh "$here/restore-db.sh" --dump "$BACKUP_DIR/backup-$id.dump" --manifest "$BACKUP_DIR/backup-$id.manifest" --into live --confirm inventario_retail >/dev/null 2>&1
t1=$(date +%s.%N)
echo "restore:  $(awk "BEGIN { printf \"%.1f\", $t1 - $t0 }")s to restore into the live database's server (fsync on), check, and swap it in (restore-db.sh --into live)"
echo "machine:  $(nproc) CPUs, $(awk '/MemTotal/ { printf "%d GiB", $2 / 1048576 }' /proc/meminfo), PostgreSQL $(postgres --version | awk '{ print $3 }')"
