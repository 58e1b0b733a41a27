// Backups, restores and drills against a real PostgreSQL (Debian's 15): the same scripts the
// backup container runs, connecting as the least-privileged backup role.

import { expect } from "chai";
import { spawn, spawnSync } from "child_process";
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { BACKUP_ROLE, backupRoleSql } from "../../components/backup/backupRole";
import { sqlLiteral } from "../../components/data/roleSql";
import { makeTempDir, requireBinaries, waitFor } from "../support/processes";
import { BACKUP_SCRIPT, parseProm, PG_BIN, PgCluster, RESTORE_SCRIPT, runScript } from "./pgCluster";

const BACKUP_PASSWORD = `b4ckup'pa$$"word\\with spaces-0123456789`;

/** Values that break naive quoting, escaping or encoding somewhere along the way. */
const SPECIAL_TEXTS = [
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

describe("backups against real PostgreSQL", function () {
    this.timeout(300_000);
    const pg = new PgCluster("backup-pg");
    let dir: string;

    before(async function () {
        requireBinaries(this, ["initdb", "pg_ctl", "postgres", "psql", "pg_dump", "pg_restore", "promtool"]);
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
    });

    after(() => pg.stop());

    beforeEach(() => {
        dir = makeTempDir("backup-run");
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    /** The backup container's environment: the backup role over TCP with its password. */
    function backupEnv(extra: Record<string, string> = {}): Record<string, string> {
        return {
            PGHOST: "127.0.0.1",
            PGPORT: String(pg.port),
            PGUSER: BACKUP_ROLE,
            PGPASSWORD: BACKUP_PASSWORD,
            PGDATABASE: "inventario_retail",
            BACKUP_DIR: path.join(dir, "backups"),
            METRICS_DIR: path.join(dir, "metrics"),
            ...extra,
        };
    }
    const backup = (extra: Record<string, string> = {}) => runScript(BACKUP_SCRIPT, ["backup"], backupEnv(extra));
    const drill = (extra: Record<string, string> = {}) => runScript(BACKUP_SCRIPT, ["drill"], backupEnv(extra));
    const metrics = (file: string) => parseProm(fs.readFileSync(path.join(dir, "metrics", `${file}.prom`), "utf8"));
    const latest = () => runScript(BACKUP_SCRIPT, ["latest"], backupEnv()).stdout.trim();
    const dumpOf = (id: string) => path.join(dir, "backups", `backup-${id}.dump`);
    const manifestOf = (id: string) => path.join(dir, "backups", `backup-${id}.manifest`);

    function restore(args: string[]) {
        return runScript(RESTORE_SCRIPT, args, pg.env());
    }

    it("stores the special values as intended (the fixture itself is right)", () => {
        const stored = JSON.parse(pg.sql("SELECT json_agg(t ORDER BY id) FROM textos WHERE id < 100;"));
        expect(stored).to.deep.equal(SPECIAL_TEXTS);
        expect(pg.sql("SELECT encode(b, 'hex') FROM blobs WHERE id = 1;")).to.equal(Buffer.from([...Array(256).keys()]).toString("hex"));
    });

    it("backs up as the backup role, and the data survives a restore byte for byte", () => {
        const r = backup();
        expect(r.status, r.stderr).to.equal(0);
        const id = latest();
        const manifest = fs.readFileSync(manifestOf(id), "utf8");
        expect(manifest).to.include("alembic_version\t3f2a9c1b7d10\n");
        expect(manifest).to.include('table\t"Ventas 2026"."tabla ""rara"""\t5000\n');
        expect(manifest).to.include("table\tpublic.textos\t11\n");

        const scratch = restore(["--dump", dumpOf(id), "--manifest", manifestOf(id), "--into", "scratch"]);
        expect(scratch.status, scratch.stderr).to.equal(0);
        const copy = scratch.stdout.trim();
        expect(copy).to.match(/^inventario_retail_restore_\d{8}t\d{6}z$/);
        for (const query of [
            "SELECT * FROM textos ORDER BY id",
            "SELECT * FROM blobs ORDER BY id",
            `SELECT * FROM "Ventas 2026"."tabla ""rara""" ORDER BY id`,
            "SELECT * FROM alembic_version",
        ]) {
            const original = pg.copyOut(query, "inventario_retail");
            expect(original.length, query).to.be.greaterThan(0);
            expect(pg.copyOut(query, copy).equals(original), `${query} differs after restore`).to.equal(true);
        }
        // Owners survive a restore into the same server (the app role owns its tables).
        expect(pg.sql("SELECT tableowner FROM pg_tables WHERE tablename = 'textos';", copy)).to.equal("minimarket_app");
        pg.sql(`DROP DATABASE ${copy};`, "postgres");
    });

    it("the backup role can read everything but write nothing", () => {
        const env = { PATH: process.env.PATH ?? "", ...backupEnv() };
        const psql = (sql: string) => spawnSync(path.join(PG_BIN, "psql"), ["-X", "-v", "ON_ERROR_STOP=1", "-c", sql], { env, encoding: "utf8" });
        expect(psql("SELECT count(*) FROM blobs;").status).to.equal(0);
        const write = psql("BEGIN READ WRITE; INSERT INTO alembic_version VALUES ('x'); COMMIT;");
        expect(write.status).to.not.equal(0);
        expect(write.stderr).to.match(/permission denied/);
        expect(pg.sql(`SELECT rolsuper::text || rolcreatedb::text || rolcreaterole::text || rolreplication::text || rolbypassrls::text FROM pg_roles WHERE rolname = '${BACKUP_ROLE}';`, "postgres")).to.equal("falsefalsefalsefalsefalse");
    });

    it("the drill restores the latest backup into a throwaway cluster and reports restore_drill_* metrics", () => {
        expect(backup().status).to.equal(0);
        const databasesBefore = pg.sql("SELECT string_agg(datname, ',' ORDER BY datname) FROM pg_database;", "postgres");
        const r = drill();
        expect(r.status, r.stderr).to.equal(0);
        const m = metrics("restore_drill");
        expect(m.get("restore_drill_last_status")).to.equal(1);
        expect(m.get("restore_drill_tables_restored")).to.equal(4);
        expect(m.get("restore_drill_rows_restored")).to.equal(11 + 2000 + 5000 + 1);
        expect(m.get("restore_drill_last_success_timestamp_seconds")).to.be.closeTo(Date.now() / 1000, 120);
        expect(m.get("restore_drill_last_duration_seconds")).to.be.at.least(0);
        // The live server was not used: no database appeared or vanished there.
        expect(pg.sql("SELECT string_agg(datname, ',' ORDER BY datname) FROM pg_database;", "postgres")).to.equal(databasesBefore);
        for (const file of ["restore_drill", "minimarket_backup"]) {
            const text = fs.readFileSync(path.join(dir, "metrics", `${file}.prom`), "utf8");
            const lint = spawnSync("promtool", ["check", "metrics"], { input: text, encoding: "utf8" });
            expect(lint.status, `${file}.prom: ${lint.stdout}${lint.stderr}`).to.equal(0);
        }
        const b = metrics("minimarket_backup");
        expect(b.get("minimarket_backup_last_status")).to.equal(1);
        expect(b.get("minimarket_backup_last_size_bytes")).to.equal(fs.statSync(dumpOf(latest())).size);
    });

    it("the manifest counts the dump's own snapshot, not rows written while pg_dump runs", async () => {
        // pg_dump starts 3s after the snapshot is taken and counted; rows arrive in between.
        const slow = path.join(dir, "slow-bin");
        fs.mkdirSync(slow);
        fs.writeFileSync(path.join(slow, "pg_dump"), `#!/bin/sh\nsleep 3\nexec ${PG_BIN}/pg_dump "$@"\n`, { mode: 0o755 });
        const env = { PATH: `${slow}:${PG_BIN}:${process.env.PATH}`, ...backupEnv() };
        const before = Number(pg.sql("SELECT count(*) FROM blobs;"));
        const child = spawn(BACKUP_SCRIPT, ["backup"], { env, stdio: ["ignore", "pipe", "pipe"] });
        let stderr = "";
        child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
        const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
        await waitFor("the manifest's row counts", () => {
            const work = fs.readdirSync(path.join(dir, "backups")).find((f) => f.startsWith(".tmp-"));
            return work && fs.existsSync(path.join(dir, "backups", work, "tables")) ? true : undefined;
        }, 30_000, 50);
        pg.sql("INSERT INTO blobs SELECT g, '\\x01' FROM generate_series(100001, 100500) g;");
        expect(await exited, stderr).to.equal(0);
        const id = latest();
        expect(fs.readFileSync(manifestOf(id), "utf8")).to.include(`table\tpublic.blobs\t${before}\n`);
        // The dump holds exactly the counted rows: the drill finds them equal.
        expect(drill().status).to.equal(0);
        pg.sql("DELETE FROM blobs WHERE id > 100000;");
    });

    it("a failed pg_dump is reported as failed: status 0, last success unchanged, no backup listed", () => {
        expect(backup().status).to.equal(0);
        const good = metrics("minimarket_backup");
        const goodId = latest();
        const wrongPassword = backup({ PGPASSWORD: "not-the-password", BACKUP_FAKE_NOW: String(Math.floor(Date.now() / 1000) + 3600) });
        expect(wrongPassword.status).to.not.equal(0);
        expect(wrongPassword.stderr).to.match(/password authentication failed/);
        expect(wrongPassword.stderr).to.not.include("not-the-password");
        const after = metrics("minimarket_backup");
        expect(after.get("minimarket_backup_last_status")).to.equal(0);
        expect(after.get("minimarket_backup_failures_total")).to.equal(1);
        expect(after.get("minimarket_backup_last_success_timestamp_seconds")).to.equal(good.get("minimarket_backup_last_success_timestamp_seconds"));
        expect(after.get("minimarket_backup_last_size_bytes")).to.equal(good.get("minimarket_backup_last_size_bytes"));
        expect(latest()).to.equal(goodId);
        expect(fs.readdirSync(path.join(dir, "backups")).filter((f) => f.startsWith(".tmp-"))).to.deep.equal([]);
    });

    it("a pg_dump that exits 0 but writes an empty or truncated archive is a failed backup", () => {
        for (const [name, body] of [
            ["empty", `for a; do case "$a" in --file=*) : > "\${a#--file=}";; esac; done; exit 0`],
            ["truncated", `${PG_BIN}/pg_dump "$@" || exit; for a; do case "$a" in --file=*) f=\${a#--file=}; head -c 3000 "$f" > "$f.x"; mv "$f.x" "$f";; esac; done`],
        ]) {
            const bin = path.join(dir, `${name}-bin`);
            fs.mkdirSync(bin);
            fs.writeFileSync(path.join(bin, "pg_dump"), `#!/bin/sh\n${body}\n`, { mode: 0o755 });
            const r = runScript(BACKUP_SCRIPT, ["backup"], { ...backupEnv(), PATH: `${bin}:${PG_BIN}:${process.env.PATH}` });
            expect(r.status, `${name}: ${r.stderr}`).to.not.equal(0);
            expect(metrics("minimarket_backup").get("minimarket_backup_last_status"), name).to.equal(0);
            expect(runScript(BACKUP_SCRIPT, ["list"], backupEnv()).stdout.trim(), name).to.equal("");
        }
    });

    it("the container's loop takes a backup at once when none is recent, and stops on SIGTERM", async () => {
        const child = spawn(BACKUP_SCRIPT, ["loop"], { env: { PATH: `${PG_BIN}:${process.env.PATH}`, ...backupEnv({ DRILL_TMPDIR: path.join(dir, "drill") }) }, stdio: ["ignore", "pipe", "pipe"] });
        let stderr = "";
        child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
        const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
        try {
            await waitFor(() => `a backup from the loop\n${stderr}`, () => (latest() ? true : undefined), 60_000, 200);
            expect(metrics("minimarket_backup").get("minimarket_backup_last_status")).to.equal(1);
        } finally {
            const stopAt = Date.now();
            child.kill("SIGTERM");
            expect(await exited).to.equal(0);
            expect(Date.now() - stopAt).to.be.below(5_000);
        }
    });

    describe("damaged backups are detected, never reported as good", () => {
        let id: string;
        let pristine: Buffer;
        beforeEach(() => {
            expect(backup().status).to.equal(0);
            id = latest();
            pristine = fs.readFileSync(dumpOf(id));
            expect(drill().status).to.equal(0);
        });

        /** verify: the damage is in the dump file, which `verify` reads too (not in the manifest). */
        function expectDrillFails(what: string, verify = true): void {
            const lastSuccess = metrics("restore_drill").get("restore_drill_last_success_timestamp_seconds");
            const r = drill({ BACKUP_FAKE_NOW: String(Math.floor(Date.now() / 1000) + 600) });
            expect(r.status, `${what}: drill should fail\n${r.stderr}`).to.not.equal(0);
            const m = metrics("restore_drill");
            expect(m.get("restore_drill_last_status"), what).to.equal(0);
            expect(m.get("restore_drill_last_success_timestamp_seconds"), what).to.equal(lastSuccess);
            if (verify) expect(runScript(BACKUP_SCRIPT, ["verify", id], backupEnv()).status, what).to.not.equal(0);
        }

        /** Rewrites the manifest's checksum, as if the file had been damaged before it was recorded. */
        function forgeChecksum(): void {
            const sha = createHash("sha256").update(fs.readFileSync(dumpOf(id))).digest("hex");
            const m = fs.readFileSync(manifestOf(id), "utf8").replace(/^dump_sha256\t.*$/m, `dump_sha256\t${sha}`);
            fs.writeFileSync(manifestOf(id), m);
        }

        it("truncated", () => {
            fs.writeFileSync(dumpOf(id), pristine.subarray(0, Math.floor(pristine.length / 2)));
            expectDrillFails("truncated");
            forgeChecksum();
            expectDrillFails("truncated, checksum forged");
        });

        it("flipped bytes", () => {
            const damaged = Buffer.from(pristine);
            const at = Math.floor(damaged.length * 0.6);
            damaged[at] ^= 0xff;
            fs.writeFileSync(dumpOf(id), damaged);
            expectDrillFails("one flipped byte");
            forgeChecksum();
            expectDrillFails("one flipped byte, checksum forged");
        });

        it("empty", () => {
            fs.writeFileSync(dumpOf(id), "");
            expectDrillFails("empty file");
            forgeChecksum();
            expectDrillFails("empty file, checksum forged");
        });

        it("rows missing from a backup (manifest disagrees with the data)", () => {
            const m = fs.readFileSync(manifestOf(id), "utf8").replace("table\tpublic.textos\t11\n", "table\tpublic.textos\t12\n");
            fs.writeFileSync(manifestOf(id), m);
            expectDrillFails("row count mismatch", false);
        });

        it("a backup without a migration version fails the drill unless allowed", () => {
            pg.sql("ALTER TABLE alembic_version RENAME TO alembic_version_off;");
            try {
                expect(backup().status).to.equal(0);
                expect(drill().status).to.not.equal(0);
                expect(drill({ DRILL_REQUIRE_MIGRATION_VERSION: "0" }).status).to.equal(0);
            } finally {
                pg.sql("ALTER TABLE alembic_version_off RENAME TO alembic_version;");
            }
        });
    });

    describe("restore into the stack's database", () => {
        it("refuses without the confirmation and changes nothing", () => {
            expect(backup().status).to.equal(0);
            const id = latest();
            const before = pg.sql("SELECT string_agg(datname, ',' ORDER BY datname) FROM pg_database;", "postgres");
            for (const confirm of [[], ["--confirm", "yes"], ["--confirm", "inventario"]]) {
                const r = restore(["--dump", dumpOf(id), "--manifest", manifestOf(id), "--into", "live", ...confirm]);
                expect(r.status, confirm.join(" ")).to.equal(3);
                expect(r.stderr).to.match(/REFUSED/);
            }
            const scratchOnLive = restore(["--dump", dumpOf(id), "--manifest", manifestOf(id), "--into", "scratch", "--name", "inventario_retail"]);
            expect(scratchOnLive.status).to.equal(3);
            expect(pg.sql("SELECT string_agg(datname, ',' ORDER BY datname) FROM pg_database;", "postgres")).to.equal(before);
        });

        it("refuses to overwrite an existing scratch database", () => {
            expect(backup().status).to.equal(0);
            const id = latest();
            pg.sql("CREATE DATABASE keep_me;", "postgres");
            pg.sql("CREATE TABLE precious (x int); INSERT INTO precious VALUES (42);", "keep_me");
            const r = restore(["--dump", dumpOf(id), "--manifest", manifestOf(id), "--into", "scratch", "--name", "keep_me"]);
            expect(r.status).to.equal(3);
            expect(pg.sql("SELECT x FROM precious;", "keep_me")).to.equal("42");
            pg.sql("DROP DATABASE keep_me;", "postgres");
        });

        it("with --confirm replaces the data and keeps the previous database", () => {
            expect(backup().status).to.equal(0);
            const id = latest();
            const original = pg.copyOut("SELECT * FROM textos ORDER BY id", "inventario_retail");
            pg.sql("UPDATE textos SET t = 'overwritten by mistake'; DELETE FROM blobs;");
            const r = restore(["--dump", dumpOf(id), "--manifest", manifestOf(id), "--into", "live", "--confirm", "inventario_retail"]);
            expect(r.status, r.stderr).to.equal(0);
            expect(pg.copyOut("SELECT * FROM textos ORDER BY id", "inventario_retail").equals(original)).to.equal(true);
            expect(pg.sql("SELECT count(*) FROM blobs;")).to.equal("2000");
            expect(pg.sql("SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = 'inventario_retail';", "postgres")).to.equal("minimarket_app");
            const kept = pg.sql("SELECT datname FROM pg_database WHERE datname LIKE 'inventario_retail__before_restore_%';", "postgres");
            expect(kept).to.match(/^inventario_retail__before_restore_\d{8}t\d{6}z$/);
            expect(pg.sql("SELECT count(*) FROM blobs;", kept)).to.equal("0");
            pg.sql(`DROP DATABASE ${kept};`, "postgres");
        });

        it("a damaged backup leaves the live database untouched", () => {
            expect(backup().status).to.equal(0);
            const id = latest();
            const data = fs.readFileSync(dumpOf(id));
            fs.writeFileSync(dumpOf(id), data.subarray(0, data.length - 100));
            const before = pg.copyOut("SELECT * FROM blobs ORDER BY id", "inventario_retail");
            const r = restore(["--dump", dumpOf(id), "--manifest", manifestOf(id), "--into", "live", "--confirm", "inventario_retail"]);
            expect(r.status).to.not.equal(0);
            expect(pg.copyOut("SELECT * FROM blobs ORDER BY id", "inventario_retail").equals(before)).to.equal(true);
            expect(pg.sql("SELECT count(*) FROM pg_database WHERE datname LIKE 'inventario_retail\\_\\_%';", "postgres")).to.equal("0");
        });
    });
});
