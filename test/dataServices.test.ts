// The data services' start commands and password handling, run against the real servers from
// Debian: the same command line, health check and SQL that the containers get.

import { expect } from "chai";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { DatabasePasswords, postgresCommand, postgresEnv, postgresHealthcheck, ROLES_PSQL, rolesSql, SUPERUSER } from "../renderers/data/postgresServer";
import { sqlLiteral } from "../renderers/data/roleSql";
import { DATABASE, ROLES } from "../facts/endpoints";
import { redisCommand, redisHealthcheck, redisSettings } from "../renderers/data/redisServer";
import { POSTGRES_IMAGE_BINARIES, PostgresLikeTheImage } from "./support/postgresImage";
import { freePort, makeTempDir, ProcessGroup, requireBinaries, waitFor } from "./support/processes";

const nasty = `P&?!)$'" \\%@/:#[]{}|;,\`*(x-long-enough-to-be-strong`;

describe("Redis as the container runs it", function () {
    const procs = new ProcessGroup();
    let port: number;
    let bins: Record<string, string>;
    let dir: string;
    after(() => procs.stopAll());

    const asRoot = process.getuid?.() === 0;
    let entrypointLog: string;

    before(async function () {
        bins = requireBinaries(this, ["redis-server", "redis-cli", ...(asRoot ? ["setpriv"] : [])]);
        port = await freePort();
        dir = makeTempDir("redis");
        // A volume an earlier, root-run Redis wrote: root-owned files the new one must take over.
        fs.mkdirSync(path.join(dir, "appendonlydir"));
        fs.writeFileSync(path.join(dir, "appendonlydir", "old.aof.manifest"), "");
        const bin = makeTempDir("redis-bin");
        entrypointLog = path.join(bin, "calls.log");
        // Readable and writable after the drop to the redis user.
        fs.chmodSync(bin, 0o755);
        fs.writeFileSync(entrypointLog, "", { mode: 0o666 });
        fs.chmodSync(entrypointLog, 0o666);
        // Stand-in for the image's docker-entrypoint.sh with the same rule: as root with redis-server
        // first, hand /data to the redis user and re-exec as that user; otherwise run the command.
        fs.writeFileSync(
            path.join(bin, "docker-entrypoint.sh"),
            [
                "#!/bin/sh",
                "set -e",
                `printf '%s %s\\n' "$1" "$(id -u)" >> ${entrypointLog}`,
                'if [ "$1" = redis-server ] && [ "$(id -u)" = 0 ]; then',
                "    find . ! -user redis -exec chown redis '{}' +",
                '    exec setpriv --reuid=redis --regid=redis --init-groups "$0" "$@"',
                "fi",
                'exec "$@"',
                "",
            ].join("\n"),
            { mode: 0o755 },
        );
        const [shell, flag, script, argv0] = redisCommand(redisSettings, dir);
        procs.start("redis", shell, [flag, script, argv0, "--port", String(port), "--bind", "127.0.0.1", "--save", ""], {
            // The container's working directory is the data dir (the image's WORKDIR /data).
            cwd: dir,
            env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, REDIS_PASSWORD: nasty },
        });
        await waitFor(
            () => `redis to answer:\n${procs.logOf("redis")}`,
            () => (cli([], nasty).stdout.includes("PONG") ? true : undefined),
            60_000,
            200,
        );
    });

    function cli(args: string[], password?: string) {
        return spawnSync(bins["redis-cli"], ["-p", String(port), "-h", "127.0.0.1", ...(args.length ? args : ["ping"])], {
            encoding: "utf8",
            env: password === undefined ? { PATH: process.env.PATH } : { PATH: process.env.PATH, REDISCLI_AUTH: password },
            timeout: 10_000,
        });
    }

    it("requires the password, and accepts one with any characters", () => {
        expect(cli([]).stdout + cli([]).stderr).to.match(/NOAUTH/);
        expect(cli([], "wrong").stdout + cli([], "wrong").stderr).to.match(/WRONGPASS|invalid password/i);
        expect(cli([], nasty).stdout.trim()).to.equal("PONG");
    });

    it("runs with append-only persistence, 512mb and allkeys-lru", () => {
        const get = (k: string) => cli(["config", "get", k], nasty).stdout.trim().split("\n")[1];
        expect(get("appendonly")).to.equal("yes");
        expect(get("maxmemory")).to.equal(String(512 * 1024 * 1024));
        expect(get("maxmemory-policy")).to.equal("allkeys-lru");
    });

    it("keeps the password out of the process list", () => {
        const pid = procs.pidOf("redis");
        const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8");
        expect(cmdline).not.to.include("P&?!)");
    });

    it("starts through the image's entrypoint with redis-server first, so it runs as the redis user and owns existing data", () => {
        const calls = fs.readFileSync(entrypointLog, "utf8").trim().split("\n");
        expect(calls[0]).to.equal(`redis-server ${process.getuid?.()}`);
        if (!asRoot) return; // Without root there is no privilege to drop: the entrypoint just runs redis-server.
        const redisUid = Number(spawnSync("id", ["-u", "redis"], { encoding: "utf8" }).stdout.trim());
        expect(calls, "re-executed as the redis user").to.deep.equal(["redis-server 0", `redis-server ${redisUid}`]);
        const status = fs.readFileSync(`/proc/${procs.pidOf("redis")}/status`, "utf8");
        expect(status.match(/^Uid:\s+(\d+)/m)?.[1], "redis-server's uid").to.equal(String(redisUid));
        for (const f of [".", "appendonlydir", "appendonlydir/old.aof.manifest"]) {
            expect(fs.statSync(path.join(dir, f)).uid, f).to.equal(redisUid);
        }
        // And it can write there: a write is appended to the AOF in the taken-over directory.
        expect(cli(["set", "k", "v"], nasty).stdout.trim()).to.equal("OK");
        expect(fs.readdirSync(path.join(dir, "appendonlydir")).some((f) => f.endsWith(".incr.aof"))).to.equal(true);
    });

    it("passes its health check, and fails it with a wrong password", () => {
        const [kind, check] = redisHealthcheck();
        expect(kind).to.equal("CMD-SHELL");
        const local = check.replace("-p 6379", `-h 127.0.0.1 -p ${port}`);
        const ok = spawnSync("sh", ["-c", local], { env: { PATH: process.env.PATH, REDIS_PASSWORD: nasty } });
        const bad = spawnSync("sh", ["-c", local], { env: { PATH: process.env.PATH, REDIS_PASSWORD: "nope" } });
        expect(ok.status).to.equal(0);
        expect(bad.status).not.to.equal(0);
    });
});

describe("PostgreSQL as the container sets it up: the product's environment, command and role SQL", function () {
    const procs = new ProcessGroup();
    let pg: PostgresLikeTheImage;
    let dir: string;
    // Every password different, each with the characters that broke the old deploys.
    const passwords: DatabasePasswords = {
        app: nasty,
        admin: `Adm1n&?!) $'"-superuser-password-0123456789`,
        monitor: `M0n&?!) $'"-monitor-password-0123456789ab`,
        backup: `B4ck&?!) $'"-backup-password-0123456789ab`,
    };
    const ROLE_OF: Record<keyof DatabasePasswords, string> = { app: ROLES.app, admin: ROLES.superuser, monitor: ROLES.monitor, backup: ROLES.backup };

    after(async () => {
        await procs.stopAll();
        if (dir) fs.rmSync(dir, { recursive: true, force: true });
    });

    before(async function () {
        const bins = requireBinaries(this, POSTGRES_IMAGE_BINARIES);
        dir = makeTempDir("pg-image");
        pg = new PostgresLikeTheImage(procs, bins, { env: postgresEnv(passwords.admin), command: postgresCommand() }, dir, await freePort());
        await pg.initialise();
        // A volume whose postgresql.conf says md5 (an older image's, or an operator's edit): the
        // product's own settings must still win. PostgreSQL 15's built-in default is scram-sha-256.
        await pg.stop();
        fs.appendFileSync(path.join(pg.at.dataDir, "postgresql.conf"), "\npassword_encryption = md5\n");
        await pg.start();
        const r = roleStep(passwords);
        expect(r.status, r.stderr).to.equal(0);
    });

    /** The role step exactly as the product runs it: its psql arguments, its SQL on stdin. */
    function roleStep(p: DatabasePasswords, env: Record<string, string> = {}) {
        return pg.containerPsql(ROLES_PSQL, rolesSql(p), env);
    }

    const superuser = (sql: string) => pg.psql(["-X", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-U", ROLES.superuser, "-d", DATABASE], sql).stdout.trim();

    it("runs the server with password_encryption=scram-sha-256, whatever postgresql.conf says", () => {
        expect(superuser("SHOW password_encryption;")).to.equal("scram-sha-256");
    });

    it("authenticates every TCP client with scram-sha-256; only the container's own socket is trusted", () => {
        const rules = superuser("SELECT type || ' ' || auth_method FROM pg_hba_file_rules WHERE error IS NULL ORDER BY line_number;").split("\n");
        expect(rules.filter((r) => r.startsWith("host"))).to.have.length.greaterThan(0);
        expect([...new Set(rules)].sort()).to.deep.equal(["host scram-sha-256", "local trust"]);
        expect(superuser("SELECT count(*) FROM pg_hba_file_rules WHERE error IS NOT NULL;")).to.equal("0");
    });

    it("stores every role's password as a SCRAM verifier, also when the session's default is md5", () => {
        const verifiers = () =>
            superuser(
                `SELECT rolname || ' ' || left(rolpassword, 14) FROM pg_authid WHERE rolname IN (${Object.values(ROLE_OF).map(sqlLiteral).join(", ")}) ORDER BY 1;`,
            );
        const expected = Object.values(ROLE_OF)
            .sort()
            .map((r) => `${r} SCRAM-SHA-256$`)
            .join("\n");
        expect(verifiers()).to.equal(expected);
        const r = roleStep(passwords, { PGOPTIONS: "-c password_encryption=md5" });
        expect(r.status, r.stderr).to.equal(0);
        expect(verifiers()).to.equal(expected);
    });

    it("lets the application role own the database and its public schema", () => {
        expect(superuser(`SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = ${sqlLiteral(DATABASE)};`)).to.equal(ROLES.app);
        expect(superuser("SELECT pg_get_userbyid(nspowner) FROM pg_namespace WHERE nspname = 'public';")).to.equal(ROLES.app);
        const created = pg.tcp(
            ROLES.app,
            passwords.app,
            "CREATE TABLE productos (id serial primary key, nombre text); INSERT INTO productos (nombre) VALUES ('yerba'); SELECT count(*) FROM productos;",
        );
        expect(created.status, created.stderr).to.equal(0);
        expect(created.stdout.trim().split("\n").pop()).to.equal("1");
    });

    it("lets each role log in over TCP with its own password and with no other role's", () => {
        const outcome: string[] = [];
        for (const role of Object.values(ROLE_OF)) {
            for (const [other, password] of Object.entries(passwords)) {
                const r = pg.tcp(role, password, "SELECT current_user;");
                outcome.push(`${role} with the ${other} password: ${r.status === 0 ? "in" : "refused"}`);
                if (r.status !== 0) expect(r.stderr, `${role}/${other}`).to.match(/password authentication failed/);
            }
        }
        const expected = Object.entries(ROLE_OF).flatMap(([key, role]) =>
            Object.keys(passwords).map((other) => `${role} with the ${other} password: ${other === key ? "in" : "refused"}`),
        );
        expect(outcome).to.deep.equal(expected);
    });

    it("gives the monitor role pg_monitor and nothing of the admin's", () => {
        const attrs = superuser(
            `SELECT rolsuper, rolcreaterole, rolcreatedb, rolreplication, rolbypassrls, pg_has_role(${sqlLiteral(ROLES.monitor)}, 'pg_monitor', 'MEMBER') FROM pg_roles WHERE rolname = ${sqlLiteral(ROLES.monitor)};`,
        );
        expect(attrs).to.equal("f|f|f|f|f|t");
        const memberships = (role: string) =>
            superuser(
                `SELECT string_agg(pg_get_userbyid(roleid), ',' ORDER BY pg_get_userbyid(roleid)) FROM pg_auth_members WHERE member = ${sqlLiteral(role)}::regrole;`,
            );
        expect(memberships(ROLES.monitor)).to.equal("pg_monitor");
        expect(memberships(ROLES.app)).to.equal("");
        const reads = pg.tcp(ROLES.monitor, passwords.monitor, "SELECT count(*) > 0 FROM pg_stat_activity WHERE query IS NOT NULL;");
        expect(reads.stdout.trim(), reads.stderr).to.equal("t");
        const writes = pg.tcp(ROLES.monitor, passwords.monitor, "CREATE TABLE intruso (id int);");
        expect(writes.status).not.to.equal(0);
        expect(writes.stderr).to.match(/permission denied/);
        const data = pg.tcp(ROLES.monitor, passwords.monitor, "SELECT count(*) FROM productos;");
        expect(data.stderr).to.match(/permission denied/);
    });

    it("gives the backup role read access to the data and no way to write it", () => {
        const read = pg.tcp(ROLES.backup, passwords.backup, "SELECT nombre FROM productos;");
        expect(read.stdout.trim(), read.stderr).to.equal("yerba");
        const write = pg.tcp(ROLES.backup, passwords.backup, "INSERT INTO productos (nombre) VALUES ('mate');");
        expect(write.status).not.to.equal(0);
        expect(write.stderr).to.match(/read-only transaction|permission denied/);
    });

    it("after a rotation refuses the old password, accepts the new one, and keeps the data", () => {
        const rotated = { ...passwords, app: 'N3w p&ss\'word "with" every $ ? ! ) character-and-more' };
        const r = roleStep(rotated);
        expect(r.status, r.stderr).to.equal(0);
        const old = pg.tcp(ROLES.app, passwords.app, "SELECT 1;");
        expect(old.status).not.to.equal(0);
        expect(old.stderr).to.match(/password authentication failed/);
        const now = pg.tcp(ROLES.app, rotated.app, "SELECT nombre FROM productos;");
        expect(now.status, now.stderr).to.equal(0);
        expect(now.stdout.trim()).to.equal("yerba");
        // Idempotent: the same secrets again change nothing.
        expect(roleStep(rotated).status).to.equal(0);
        expect(pg.tcp(ROLES.app, rotated.app, "SELECT count(*) FROM productos;").stdout.trim()).to.equal("1");
        expect(pg.tcp(ROLES.monitor, passwords.monitor, "SELECT 1;").stdout.trim()).to.equal("1");
    });
});

describe("PostgreSQL's health probe as the container runs it", function () {
    const procs = new ProcessGroup();
    let dir: string;
    after(async () => {
        await procs.stopAll();
        if (dir) fs.rmSync(dir, { recursive: true, force: true });
    });

    it("fails while the image's temporary init server runs (socket only), and passes once the real server listens", async function () {
        const bins = requireBinaries(this, POSTGRES_IMAGE_BINARIES);
        dir = makeTempDir("pg-probe");
        const pg = new PostgresLikeTheImage(procs, bins, { env: postgresEnv(nasty), command: postgresCommand() }, dir, await freePort());
        const socketOnly = ["CMD", "pg_isready", "-U", SUPERUSER, "-d", DATABASE];
        const during: Record<string, number | null> = {};
        await pg.initialise(() => {
            during.product = pg.probe(postgresHealthcheck()).status;
            during.socketOnly = pg.probe(socketOnly).status;
        });
        // The harness really is in the init phase: a socket-only probe calls it ready.
        expect(during.socketOnly, "a socket-only pg_isready during init").to.equal(0);
        // pg_isready exits 2 when nothing answers: the deploy does not go on to the role step.
        expect(during.product, "the product's probe during init").to.equal(2);
        const after = pg.probe(postgresHealthcheck());
        expect(after.status, after.stdout + after.stderr).to.equal(0);
    });
});

describe("SQL quoting", () => {
    it("doubles single quotes and rejects NUL", () => {
        expect(sqlLiteral("it's")).to.equal("'it''s'");
        expect(() => sqlLiteral("a\0b")).to.throw(/NUL/);
    });
});
