// The data services' start commands and password handling, run against the real servers from
// Debian: the same command line, health check and SQL that the containers get.

import { expect } from "chai";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { roleSyncSql, sqlLiteral } from "../src/data/roleSql";
import { redisCommand, redisHealthcheck, redisSettings } from "../src/data/redisServer";
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
            15_000,
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

describe("PostgreSQL password rotation on a live database", function () {
    const procs = new ProcessGroup();
    let bins: Record<string, string>;
    let port: number;
    let socketDir: string;
    let dataDir: string;
    const asRoot = process.getuid?.() === 0;
    // PostgreSQL refuses to run as root; the tests switch to the postgres system user then.
    const asPostgres = (bin: string, args: string[]): [string, string[]] => (asRoot ? ["runuser", ["-u", "postgres", "--", bin, ...args]] : [bin, args]);

    after(async () => {
        if (dataDir && bins?.pg_ctl) spawnSync(...asPostgres(bins.pg_ctl, ["-D", dataDir, "-m", "immediate", "stop"]), { timeout: 30_000 });
        await procs.stopAll();
    });

    before(async function () {
        bins = requireBinaries(this, ["initdb", "pg_ctl", "psql"]);
        port = await freePort();
        const base = makeTempDir("pg");
        dataDir = path.join(base, "data");
        socketDir = path.join(base, "run");
        fs.mkdirSync(socketDir);
        if (asRoot) spawnSync("chown", ["-R", "postgres:postgres", base]);
        // The same authentication the container's POSTGRES_INITDB_ARGS set up.
        const init = spawnSync(...asPostgres(bins.initdb, ["-D", dataDir, "-U", "postgres", "--auth-host=scram-sha-256", "--auth-local=trust"]), {
            encoding: "utf8",
        });
        expect(init.status, init.stderr).to.equal(0);
        const start = spawnSync(
            ...asPostgres(bins.pg_ctl, [
                "-D",
                dataDir,
                "-w",
                "-t",
                "60",
                "-l",
                path.join(base, "log"),
                "-o",
                `-p ${port} -k ${socketDir} -c listen_addresses=127.0.0.1`,
                "start",
            ]),
            { encoding: "utf8" },
        );
        expect(start.status, start.stderr + start.stdout).to.equal(0);
        expect(superuser("CREATE DATABASE inventario_retail;", "postgres").status).to.equal(0);
    });

    function superuser(sql: string, db = "inventario_retail") {
        // As the release step runs it: `psql -q -U postgres -d inventario_retail`, SQL on stdin.
        return spawnSync(bins.psql, ["-q", "-U", "postgres", "-d", db, "-h", socketDir, "-p", String(port)], { input: sql, encoding: "utf8", timeout: 30_000 });
    }

    function asApp(password: string, sql: string, user = "minimarket_app") {
        return spawnSync(bins.psql, ["-X", "-A", "-t", "-h", "127.0.0.1", "-p", String(port), "-U", user, "-d", "inventario_retail", "-c", sql], {
            encoding: "utf8",
            env: { PATH: process.env.PATH, PGPASSWORD: password, PGCONNECT_TIMEOUT: "5" },
            timeout: 30_000,
        });
    }

    const roles = (app: string, monitor = "monitor-password-0123456789-abcdef") =>
        roleSyncSql("inventario_retail", [
            { name: "postgres", password: "admin-password-0123456789-abcdef" },
            { name: "minimarket_app", password: app, ownsDatabase: true },
            { name: "minimarket_monitor", password: monitor, memberOf: ["pg_monitor"] },
        ]);

    it("creates the roles and lets the app role own the database", () => {
        const r = superuser(roles(nasty));
        expect(r.status, r.stderr).to.equal(0);
        const created = asApp(
            nasty,
            "CREATE TABLE productos (id serial primary key, nombre text); INSERT INTO productos (nombre) VALUES ('yerba'); SELECT count(*) FROM productos;",
        );
        expect(created.status, created.stderr).to.equal(0);
        expect(created.stdout.trim().split("\n").pop()).to.equal("1");
        const monitor = asApp("monitor-password-0123456789-abcdef", "SELECT count(*) >= 0 FROM pg_stat_activity;", "minimarket_monitor");
        expect(monitor.stdout.trim()).to.equal("t");
    });

    it("after a rotation refuses the old password, accepts the new one, and keeps the data", () => {
        const rotated = 'N3w p&ss\'word "with" every $ ? ! ) character-and-more';
        const r = superuser(roles(rotated));
        expect(r.status, r.stderr).to.equal(0);
        const old = asApp(nasty, "SELECT 1;");
        expect(old.status).not.to.equal(0);
        expect(old.stderr).to.match(/password authentication failed/);
        const now = asApp(rotated, "SELECT nombre FROM productos;");
        expect(now.status, now.stderr).to.equal(0);
        expect(now.stdout.trim()).to.equal("yerba");
    });

    it("is idempotent: running it again with the same secrets changes nothing", () => {
        const rotated = 'N3w p&ss\'word "with" every $ ? ! ) character-and-more';
        expect(superuser(roles(rotated)).status).to.equal(0);
        expect(asApp(rotated, "SELECT count(*) FROM productos;").stdout.trim()).to.equal("1");
    });

    it("stores passwords as scram-sha-256", () => {
        const r = superuser("SELECT rolpassword LIKE 'SCRAM-SHA-256$%' AS scram FROM pg_authid WHERE rolname = 'minimarket_app';");
        expect(r.stdout).to.match(/^\s*t\s*$/m);
    });
});

describe("SQL quoting", () => {
    it("doubles single quotes and rejects NUL", () => {
        expect(sqlLiteral("it's")).to.equal("'it''s'");
        expect(() => sqlLiteral("a\0b")).to.throw(/NUL/);
    });
});
