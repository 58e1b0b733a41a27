// Damaged backups and restores into the stack's database, against a real PostgreSQL (Debian's
// 15): nothing damaged is reported as good, and nothing live is overwritten without confirmation.

import { expect } from "chai";
import { createHash } from "crypto";
import * as fs from "fs";
import { makeTempDir, requireBinaries } from "../support/processes";
import { postgresBinaries } from "../support/tools";
import { BackupRun, seededCluster } from "./fixture";
import { BACKUP_SCRIPT, PgCluster, runScript } from "./pgCluster";

describe("damaged backups and live restores against real PostgreSQL", function () {
    this.timeout(300_000);
    let pg: PgCluster;
    let dir: string;
    let b: BackupRun;

    before(async function () {
        requireBinaries(this, postgresBinaries(["initdb", "pg_ctl", "postgres", "psql", "pg_dump", "pg_restore"]));
        pg = await seededCluster("backup-pg2");
    });
    after(() => pg?.stop());

    beforeEach(() => {
        dir = makeTempDir("backup-run");
        b = new BackupRun(pg, dir);
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    const backupEnv = () => b.env();
    const backup = () => b.backup();
    const drill = (extra: Record<string, string> = {}) => b.drill(extra);
    const metrics = (file: string) => b.metrics(file);
    const latest = () => b.latest();
    const dumpOf = (id: string) => b.dumpOf(id);
    const manifestOf = (id: string) => b.manifestOf(id);
    const restore = (args: string[]) => b.restore(args);

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
            const sha = createHash("sha256")
                .update(fs.readFileSync(dumpOf(id)))
                .digest("hex");
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
