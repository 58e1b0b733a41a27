// The seeded database and the backup scripts' environment, shared by the real-PostgreSQL suites.

import * as fs from "fs";
import * as path from "path";
import { BACKUP_ROLE, backupRoleSql } from "../../renderers/data/backupRoleSql";
import { sqlLiteral } from "../../renderers/data/roleSql";
import { BACKUP_SCRIPT, parseProm, PgCluster, RESTORE_SCRIPT, runScript } from "./pgCluster";

export const BACKUP_PASSWORD = `b4ckup'pa$$"word\\with spaces-0123456789`;

/** Values that break naive quoting, escaping or encoding somewhere along the way. */
export const SPECIAL_TEXTS = [
    `it's "quoted" and 'single'`,
    `back\\slash \\n is not a newline, \\\\ two, \\x41 not hex`,
    "line1\nline2\r\nline3\ttabbed\rcr",
    "ñandú — «comillas» 𝄞 🧉 e\u0301 עברית 中文 \u200b zero-width",
    "",
    "\\.",
    "\\N",
    "$$ dollar $tag$ quotes $$",
    "  padded  ",
    "x".repeat(20_000) + "\u00e9",
];

/** A cluster with inventario_retail owned by the app role, the backup role, and awkward data. */
export async function seededCluster(prefix: string): Promise<PgCluster> {
    const pg = new PgCluster(prefix);
    await pg.start();
    pg.sql("CREATE DATABASE inventario_retail;", "postgres");
    pg.sql("CREATE ROLE minimarket_app LOGIN; ALTER DATABASE inventario_retail OWNER TO minimarket_app;", "postgres");
    pg.sql(backupRoleSql("inventario_retail", BACKUP_PASSWORD), "postgres");
    const rows = SPECIAL_TEXTS.map((t, i) => `(${i + 1}, ${sqlLiteral(t)})`).join(",\n");
    pg.sql(`
        SET ROLE minimarket_app;
        CREATE TABLE alembic_version (version_num varchar(32) PRIMARY KEY);
        INSERT INTO alembic_version VALUES ('3f2a9c1b7d10');
        CREATE TABLE textos (id int PRIMARY KEY, t text, j jsonb, arr text[], n numeric, ts timestamptz);
        INSERT INTO textos (id, t) VALUES ${rows};
        UPDATE textos SET j = jsonb_build_object('t', t, 'k', 'ü"\\'), arr = ARRAY[t, NULL, ''], n = 12345678901234567890.0000000001 * id,
            ts = '2026-03-01 12:34:56.789012+00'::timestamptz + id * interval '1 microsecond';
        INSERT INTO textos (id, t) VALUES (100, NULL);
        CREATE TABLE blobs (id int PRIMARY KEY, b bytea);
        INSERT INTO blobs SELECT 1, decode(string_agg(lpad(to_hex(g), 2, '0'), '' ORDER BY g), 'hex') FROM generate_series(0, 255) g;
        INSERT INTO blobs SELECT g, sha256(g::text::bytea) || '\\x00ff5c0a0d'::bytea FROM generate_series(2, 2000) g;
        CREATE SCHEMA "Ventas 2026";
        CREATE TABLE "Ventas 2026"."tabla ""rara""" (id bigserial PRIMARY KEY, importe numeric(12,2));
        INSERT INTO "Ventas 2026"."tabla ""rara""" (importe) SELECT g / 100.0 FROM generate_series(1, 5000) g;
    `);
    return pg;
}

/** The backup scripts run as the container runs them, with their files under one directory. */
export class BackupRun {
    constructor(
        private readonly pg: PgCluster,
        readonly dir: string,
    ) {}

    /** The backup container's environment: the backup role over TCP with its password. */
    env(extra: Record<string, string> = {}): Record<string, string> {
        return {
            PGHOST: "127.0.0.1",
            PGPORT: String(this.pg.port),
            PGUSER: BACKUP_ROLE,
            PGPASSWORD: BACKUP_PASSWORD,
            PGDATABASE: "inventario_retail",
            BACKUP_DIR: path.join(this.dir, "backups"),
            METRICS_DIR: path.join(this.dir, "metrics"),
            ...extra,
        };
    }
    backup(extra: Record<string, string> = {}) {
        return runScript(BACKUP_SCRIPT, ["backup"], this.env(extra));
    }
    drill(extra: Record<string, string> = {}) {
        return runScript(BACKUP_SCRIPT, ["drill"], this.env(extra));
    }
    metrics(file: string) {
        return parseProm(fs.readFileSync(path.join(this.dir, "metrics", `${file}.prom`), "utf8"));
    }
    latest() {
        return runScript(BACKUP_SCRIPT, ["latest"], this.env()).stdout.trim();
    }
    dumpOf(id: string) {
        return path.join(this.dir, "backups", `backup-${id}.dump`);
    }
    manifestOf(id: string) {
        return path.join(this.dir, "backups", `backup-${id}.manifest`);
    }
    /** restore-db.sh as the superuser over the socket, as in the postgres container. */
    restore(args: string[]) {
        return runScript(RESTORE_SCRIPT, args, this.pg.env());
    }
}
