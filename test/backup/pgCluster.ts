/**
 * A throwaway PostgreSQL cluster from Debian 13's binaries (the pinned major) for the backup tests: unix socket in a
 * temp dir plus 127.0.0.1 on a free port, local connections trusted, password auth over TCP
 * (as in the postgres container). As root the server runs as the `postgres` system user.
 */
import { expect } from "chai";
import { spawnSync, SpawnSyncReturns } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { freePort, makeTempDir } from "../support/processes";
import { asPostgres, postgresBinDir, runningAsRoot } from "../support/tools";

/** The pinned major's server binaries; the suites check them with requireBinaries(postgresBinaries(...)) first. */
export const PG_BIN = postgresBinDir();
export const SCRIPTS = path.join(__dirname, "..", "..", "components", "backup", "scripts");
export const BACKUP_SCRIPT = path.join(SCRIPTS, "minimarket-backup.sh");
export const RESTORE_SCRIPT = path.join(SCRIPTS, "restore-db.sh");

const asRoot = runningAsRoot();
export { asPostgres };

export class PgCluster {
    readonly base: string;
    readonly socketDir: string;
    readonly dataDir: string;
    port = 0;

    constructor(prefix: string) {
        this.base = makeTempDir(prefix);
        this.dataDir = path.join(this.base, "data");
        this.socketDir = path.join(this.base, "run");
        fs.mkdirSync(this.socketDir);
        // The drill's temp dirs and the server need the postgres user to reach the base dir.
        fs.chmodSync(this.base, 0o755);
        if (asRoot) spawnSync("chown", ["-R", "postgres:postgres", this.base]);
    }

    async start(): Promise<void> {
        this.port = await freePort();
        const init = spawnSync(
            ...asPostgres(path.join(PG_BIN, "initdb"), [
                "-D",
                this.dataDir,
                "-U",
                "postgres",
                "--auth-local=trust",
                "--auth-host=scram-sha-256",
                "-E",
                "UTF8",
                "--no-locale",
            ]),
            { encoding: "utf8" },
        );
        expect(init.status, init.stderr).to.equal(0);
        const start = spawnSync(
            ...asPostgres(path.join(PG_BIN, "pg_ctl"), [
                "-D",
                this.dataDir,
                "-w",
                "-t",
                "60",
                "-l",
                path.join(this.base, "server.log"),
                "-o",
                `-p ${this.port} -k ${this.socketDir} -c listen_addresses=127.0.0.1 -c fsync=off`,
                "start",
            ]),
            { encoding: "utf8" },
        );
        expect(start.status, start.stderr + start.stdout).to.equal(0);
    }

    stop(): void {
        if (fs.existsSync(path.join(this.dataDir, "postmaster.pid"))) {
            spawnSync(...asPostgres(path.join(PG_BIN, "pg_ctl"), ["-D", this.dataDir, "-m", "immediate", "-w", "stop"]), { timeout: 30_000 });
        }
        fs.rmSync(this.base, { recursive: true, force: true });
    }

    /** libpq variables of the superuser over the socket. */
    env(database = "inventario_retail"): Record<string, string> {
        return { PGHOST: this.socketDir, PGPORT: String(this.port), PGUSER: "postgres", PGDATABASE: database };
    }

    /** psql as superuser; SQL on stdin, unaligned tuples-only output. Throws on failure. */
    sql(sql: string, database = "inventario_retail"): string {
        const r = spawnSync(path.join(PG_BIN, "psql"), ["-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1"], {
            input: sql,
            encoding: "utf8",
            env: { PATH: process.env.PATH, ...this.env(database) },
            timeout: 60_000,
        });
        if (r.status !== 0) throw new Error(`psql failed: ${r.stderr}`);
        return r.stdout.trim();
    }

    /** COPY of a query's rows in text format, as raw bytes: the byte-for-byte comparison. */
    copyOut(query: string, database: string): Buffer {
        const r = spawnSync(path.join(PG_BIN, "psql"), ["-X", "-q", "-v", "ON_ERROR_STOP=1", "-c", `COPY (${query}) TO STDOUT`], {
            env: { PATH: process.env.PATH, ...this.env(database) },
            timeout: 60_000,
        });
        if (r.status !== 0) throw new Error(`COPY failed: ${r.stderr.toString()}`);
        return r.stdout;
    }
}

/** Runs a backup script with a clean environment plus `env`. */
export function runScript(script: string, args: string[], env: Record<string, string>, input?: string): SpawnSyncReturns<string> {
    return spawnSync(script, args, {
        encoding: "utf8",
        input,
        env: { PATH: `${PG_BIN}:${process.env.PATH}`, HOME: process.env.HOME ?? "/tmp", ...env },
        timeout: 300_000,
    });
}

/** Samples of a Prometheus text file: `name{labels}` → value. */
export function parseProm(text: string): Map<string, number> {
    const samples = new Map<string, number>();
    for (const line of text.split("\n")) {
        if (!line || line.startsWith("#")) continue;
        const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})? (\S+)$/.exec(line);
        if (!m) throw new Error(`not a sample line: ${JSON.stringify(line)}`);
        samples.set(m[1], Number(m[3]));
    }
    return samples;
}
