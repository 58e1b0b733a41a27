// Backups, restores and drills against a real PostgreSQL (Debian's 15): the same scripts the
// backup container runs, connecting as the least-privileged backup role.

import { expect } from "chai";
import { spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { BACKUP_ROLE } from "../../renderers/data/backupRoleSql";
import { STOP_GRACE_SECONDS } from "../../components/docker/container";
import { makeTempDir, requireBinaries, waitFor } from "../support/processes";
import { postgresBinaries } from "../support/tools";
import { BackupRun, seededCluster, SPECIAL_TEXTS } from "./fixture";
import { BACKUP_SCRIPT, PG_BIN, PgCluster, runScript } from "./pgCluster";

describe("backups against real PostgreSQL", function () {
    this.timeout(300_000);
    let pg: PgCluster;
    let dir: string;
    let b: BackupRun;
    let promtool: string;

    before(async function () {
        promtool = requireBinaries(this, postgresBinaries(["initdb", "pg_ctl", "postgres", "psql", "pg_dump", "pg_restore", "promtool"])).promtool;
        pg = await seededCluster("backup-pg");
    });
    after(() => pg?.stop());

    beforeEach(() => {
        dir = makeTempDir("backup-run");
        b = new BackupRun(pg, dir);
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    const backupEnv = (extra: Record<string, string> = {}) => b.env(extra);
    const backup = (extra: Record<string, string> = {}) => b.backup(extra);
    const drill = (extra: Record<string, string> = {}) => b.drill(extra);
    const metrics = (file: string) => b.metrics(file);
    const latest = () => b.latest();
    const dumpOf = (id: string) => b.dumpOf(id);
    const manifestOf = (id: string) => b.manifestOf(id);
    const restore = (args: string[]) => b.restore(args);

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
        expect(
            pg.sql(
                `SELECT rolsuper::text || rolcreatedb::text || rolcreaterole::text || rolreplication::text || rolbypassrls::text FROM pg_roles WHERE rolname = '${BACKUP_ROLE}';`,
                "postgres",
            ),
        ).to.equal("falsefalsefalsefalsefalse");
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
            const lint = spawnSync(promtool, ["check", "metrics"], { input: text, encoding: "utf8" });
            expect(lint.status, `${file}.prom: ${lint.stdout}${lint.stderr}`).to.equal(0);
        }
        const b = metrics("minimarket_backup");
        expect(b.get("minimarket_backup_last_status")).to.equal(1);
        expect(b.get("minimarket_backup_last_size_bytes")).to.equal(fs.statSync(dumpOf(latest())).size);
    });

    it("the manifest counts the dump's own snapshot, not rows written while pg_dump runs", async () => {
        // pg_dump starts only once rows have arrived after the snapshot was taken and counted (a go
        // file, not a fixed delay a busy machine could outrun; bounded in case the test never says go).
        const slow = path.join(dir, "slow-bin");
        const go = path.join(dir, "pg_dump-may-start");
        fs.mkdirSync(slow);
        fs.writeFileSync(
            path.join(slow, "pg_dump"),
            `#!/bin/sh\ni=0; while [ ! -e ${go} ] && [ $i -lt 1200 ]; do sleep 0.05; i=$((i+1)); done\nexec ${PG_BIN}/pg_dump "$@"\n`,
            { mode: 0o755 },
        );
        const env = { PATH: `${slow}:${PG_BIN}:${process.env.PATH}`, ...backupEnv() };
        const before = Number(pg.sql("SELECT count(*) FROM blobs;"));
        const child = spawn(BACKUP_SCRIPT, ["backup"], { env, stdio: ["ignore", "pipe", "pipe"] });
        let stderr = "";
        child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
        const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
        await waitFor(
            "the manifest's row counts",
            () => {
                const work = fs.readdirSync(path.join(dir, "backups")).find((f) => f.startsWith(".tmp-"));
                return work && fs.existsSync(path.join(dir, "backups", work, "tables")) ? true : undefined;
            },
            30_000,
            50,
        );
        pg.sql("INSERT INTO blobs SELECT g, '\\x01' FROM generate_series(100001, 100500) g;");
        fs.writeFileSync(go, "");
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
            [
                "truncated",
                `${PG_BIN}/pg_dump "$@" || exit; for a; do case "$a" in --file=*) f=\${a#--file=}; head -c 3000 "$f" > "$f.x"; mv "$f.x" "$f";; esac; done`,
            ],
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
        const child = spawn(BACKUP_SCRIPT, ["loop"], {
            env: { PATH: `${PG_BIN}:${process.env.PATH}`, ...backupEnv({ DRILL_TMPDIR: path.join(dir, "drill") }) },
            stdio: ["ignore", "pipe", "pipe"],
        });
        let stderr = "";
        child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
        const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
        try {
            // The metrics are written after the backup is listed: wait for both.
            await waitFor(
                () => `a backup from the loop, reported in its metrics\n${stderr}`,
                () => (latest() && metrics("minimarket_backup").get("minimarket_backup_last_status") === 1 ? true : undefined),
                60_000,
                200,
            );
        } finally {
            const stopAt = Date.now();
            child.kill("SIGTERM");
            expect(await exited).to.equal(0);
            expect(Date.now() - stopAt, "within the container's stop grace").to.be.below(STOP_GRACE_SECONDS.data * 1000);
        }
    });

    /** A stand-in for `tool` that records its pid, then blocks until killed: a job caught mid-way. */
    function blockingTool(tool: string): { bin: string; pidFile: string } {
        const bin = path.join(dir, "blocking-bin");
        fs.mkdirSync(bin, { recursive: true });
        const pidFile = path.join(dir, `${tool}.pid`);
        fs.writeFileSync(path.join(bin, tool), `#!/bin/sh\necho $$ > ${pidFile}\nexec sleep 600\n`, { mode: 0o755 });
        return { bin, pidFile };
    }
    const alive = (pid: number) => {
        try {
            process.kill(pid, 0);
            return true;
        } catch {
            return false;
        }
    };

    it("the loop exits 0 on SIGTERM in the middle of a backup, ending the dump it started", async () => {
        const stub = blockingTool("pg_dump");
        const child = spawn(BACKUP_SCRIPT, ["loop"], {
            env: { PATH: `${stub.bin}:${PG_BIN}:${process.env.PATH}`, ...backupEnv({ DRILL_TMPDIR: path.join(dir, "drill") }) },
            stdio: ["ignore", "ignore", "pipe"],
        });
        let stderr = "";
        child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
        const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
        const dumpPid = await waitFor(
            () => `pg_dump started by the loop\n${stderr}`,
            () => (fs.existsSync(stub.pidFile) ? Number(fs.readFileSync(stub.pidFile, "utf8")) || undefined : undefined),
            60_000,
            100,
        );
        const stopAt = Date.now();
        child.kill("SIGTERM");
        expect(await exited, stderr).to.equal(0);
        expect(Date.now() - stopAt, "within the container's stop grace").to.be.below(STOP_GRACE_SECONDS.data * 1000);
        await waitFor(
            () => `pg_dump ${dumpPid} still running after the loop stopped`,
            () => (alive(dumpPid) ? undefined : true),
            60_000,
            50,
        );
        expect(latest(), "a cut-short dump is never listed").to.equal("");
    });

    it("a drill ended by SIGTERM stops its throwaway server and removes its cluster", async () => {
        expect(backup().status).to.equal(0);
        // The throwaway server runs as postgres (we may be root): a directory it can enter.
        const drillDir = makeTempDir("drill-term");
        fs.chmodSync(drillDir, 0o755);
        try {
            const stub = blockingTool("pg_restore");
            // Its own process group, as the loop starts it: the loop's stop signals the whole group.
            const child = spawn(BACKUP_SCRIPT, ["drill"], {
                env: { PATH: `${stub.bin}:${PG_BIN}:${process.env.PATH}`, ...backupEnv({ DRILL_TMPDIR: drillDir }) },
                stdio: ["ignore", "ignore", "pipe"],
                detached: true,
            });
            let stderr = "";
            child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
            const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
            await waitFor(
                () => `pg_restore started by the drill\n${stderr}`,
                () => (fs.existsSync(stub.pidFile) ? true : undefined),
                60_000,
                100,
            );
            const cluster = fs.readdirSync(drillDir).find((d) => d.startsWith("restore-drill."));
            expect(cluster, "the drill's cluster").to.be.a("string");
            const postmaster = Number(fs.readFileSync(path.join(drillDir, cluster!, "data", "postmaster.pid"), "utf8").split("\n")[0]);
            expect(alive(postmaster), "the drill's server runs").to.equal(true);
            process.kill(-child.pid!, "SIGTERM");
            await exited;
            await waitFor(
                () => `the drill's server ${postmaster} or its cluster is still there\n${stderr}`,
                () => (!alive(postmaster) && !fs.existsSync(path.join(drillDir, cluster!)) ? true : undefined),
                30_000,
                100,
            );
        } finally {
            fs.rmSync(drillDir, { recursive: true, force: true });
        }
    });
});
