/**
 * PostgreSQL from Debian's binaries, set up the way the official image's entrypoint sets up the
 * product's container (docker-library/postgres 17/bookworm/docker-entrypoint.sh at 6edb0a8c,
 * `docker_init_database_dir`, `pg_setup_hba_conf`, `docker_temp_server_start`, `docker_setup_db`):
 * initdb with POSTGRES_USER, the password from POSTGRES_PASSWORD and POSTGRES_INITDB_ARGS; a
 * `host all all all $POSTGRES_HOST_AUTH_METHOD` line; a temporary server with the command's
 * arguments plus `-c listen_addresses=''` (socket only) creates POSTGRES_DB and stops; then the
 * server runs the container's command. The environment and the
 * command are the product's (renderers/data/postgresServer.ts); only where things live on this machine
 * differs, and that is decided in one place: `placeLocally`.
 */
import { spawnSync, SpawnSyncReturns } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { ProcessGroup, waitFor } from "./processes";
import { runningAsRoot } from "./tools";

export const POSTGRES_IMAGE_BINARIES = ["initdb", "postgres", "psql", "pg_isready"];

export interface ContainerSpec {
    /** The container's environment as the product renders it (POSTGRES_USER, POSTGRES_PASSWORD, ...). */
    env: Record<string, string>;
    /** The container's command, e.g. ["postgres", "-c", "password_encryption=scram-sha-256"]. */
    command: string[];
}

/** Where the container's paths and port live on this machine. */
export interface Placement {
    dataDir: string;
    socketDir: string;
    port: number;
}

/**
 * The only rewrite of the product's settings: the data directory, a private socket directory and
 * a free port on 127.0.0.1 instead of the volume, /var/run/postgresql and 5432 on the data network.
 */
export function placeLocally(command: string[], at: Placement): { bin: "postgres"; args: string[] } {
    const [bin, ...args] = command;
    if (bin !== "postgres") throw new Error(`the container command must run postgres, got ${JSON.stringify(command)}`);
    return {
        bin,
        args: ["-D", at.dataDir, ...args, "-p", String(at.port), "-c", "listen_addresses=127.0.0.1", "-c", `unix_socket_directories=${at.socketDir}`],
    };
}

/** The server runs as the `postgres` system user when the tests run as root (it refuses root). */
function identity(): { uid?: number; gid?: number } {
    if (!runningAsRoot()) return {};
    const id = (flag: string) => Number(spawnSync("id", [flag, "postgres"], { encoding: "utf8" }).stdout.trim());
    return { uid: id("-u"), gid: id("-g") };
}

/** POSTGRES_INITDB_ARGS is spliced into a shell command by the entrypoint; plain words only here. */
function words(value: string | undefined): string[] {
    if (!value) return [];
    if (/["'\\$`]/.test(value)) throw new Error(`POSTGRES_INITDB_ARGS with shell quoting is not modelled: ${value}`);
    return value.trim().split(/\s+/);
}

export class PostgresLikeTheImage {
    readonly at: Placement;
    private readonly id = identity();

    constructor(
        private readonly procs: ProcessGroup,
        private readonly bins: Record<string, string>,
        private readonly spec: ContainerSpec,
        baseDir: string,
        port: number,
        readonly name = "postgres",
    ) {
        fs.mkdirSync(baseDir, { recursive: true });
        this.at = { dataDir: path.join(baseDir, "pgdata"), socketDir: path.join(baseDir, "pgsock"), port };
        fs.mkdirSync(this.at.socketDir, { recursive: true });
        const { uid, gid } = this.id;
        if (uid !== undefined && gid !== undefined) {
            fs.chmodSync(baseDir, 0o755);
            for (const p of [baseDir, this.at.socketDir]) fs.chownSync(p, uid, gid);
        }
    }

    private asOwner(bin: string, args: string[], input?: string): SpawnSyncReturns<string> {
        return spawnSync(bin, args, { ...this.id, input, encoding: "utf8", timeout: 60_000 });
    }

    /**
     * First start on an empty volume: what the entrypoint does before it execs the command.
     * `whileInitialising` runs while the temporary server is up (after POSTGRES_DB is created).
     */
    async initialise(whileInitialising: () => void | Promise<void> = () => undefined): Promise<void> {
        const env = this.spec.env;
        const user = env.POSTGRES_USER || "postgres";
        const pwFile = path.join(path.dirname(this.at.dataDir), "initdb-password");
        fs.writeFileSync(pwFile, `${env.POSTGRES_PASSWORD}\n`, { mode: 0o600 });
        if (this.id.uid !== undefined) fs.chownSync(pwFile, this.id.uid, this.id.gid!);
        try {
            const init = this.asOwner(this.bins.initdb, [
                "-D",
                this.at.dataDir,
                `--username=${user}`,
                `--pwfile=${pwFile}`,
                ...words(env.POSTGRES_INITDB_ARGS),
            ]);
            if (init.status !== 0) throw new Error(`initdb failed: ${init.stderr}${init.stdout}`);
        } finally {
            fs.rmSync(pwFile, { force: true });
        }
        // pg_setup_hba_conf: without POSTGRES_HOST_AUTH_METHOD the image uses the server's password_encryption.
        const { args } = placeLocally(this.spec.command, this.at);
        let method = env.POSTGRES_HOST_AUTH_METHOD;
        if (!method) method = this.asOwner(this.bins.postgres, ["-C", "password_encryption", ...args]).stdout.trim();
        fs.appendFileSync(path.join(this.at.dataDir, "pg_hba.conf"), `\nhost all all all ${method}\n`);
        // docker_temp_server_start: the same arguments, listening on the socket only.
        await this.run([...args, "-c", "listen_addresses="], this.at.socketDir);
        const db = env.POSTGRES_DB || user;
        const created = this.psql(
            ["-v", "ON_ERROR_STOP=1", "--username", user, "--no-password", "--no-psqlrc", "--dbname", "postgres", "--set", `db=${db}`],
            'CREATE DATABASE :"db";',
        );
        if (created.status !== 0) throw new Error(`CREATE DATABASE failed: ${created.stderr}`);
        await whileInitialising();
        await this.stop();
        await this.start();
    }

    /** `exec "$@"`: the container's command, in the foreground, stopped by PID. */
    async start(): Promise<void> {
        await this.run(placeLocally(this.spec.command, this.at).args, "127.0.0.1");
    }

    /** Starts the server with `args`, ready once it accepts connections at `host` (an address, or the socket directory). */
    private async run(args: string[], host: string): Promise<void> {
        // SIGINT: a fast shutdown that does not wait for clients such as the exporter.
        this.procs.start(this.name, this.bins.postgres, args, this.id, "SIGINT");
        await waitFor(
            () => `${this.name} ready\n${this.procs.logOf(this.name)}`,
            () => {
                if (!this.procs.isRunning(this.name)) throw new Error(`${this.name} exited:\n${this.procs.logOf(this.name)}`);
                return spawnSync(this.bins.pg_isready, ["-h", host, "-p", String(this.at.port)], { timeout: 5_000 }).status === 0 ? true : undefined;
            },
            60_000,
            200,
        );
    }

    /**
     * A health probe of the container (["CMD", "pg_isready", …]) run here as the container runs it:
     * with libpq's defaults there (the socket directory, port 5432) placed on this server's.
     */
    probe(test: string[]): SpawnSyncReturns<string> {
        const [kind, bin, ...args] = test;
        if (kind !== "CMD" || bin !== "pg_isready") throw new Error(`expected ["CMD", "pg_isready", …], got ${JSON.stringify(test)}`);
        const placed = args.map((a, i) => (args[i - 1] === "-p" && a === "5432" ? String(this.at.port) : a));
        return spawnSync(this.bins.pg_isready, placed, {
            encoding: "utf8",
            env: { PATH: process.env.PATH, PGHOST: this.at.socketDir, PGPORT: String(this.at.port) },
            timeout: 30_000,
        });
    }

    stop(): Promise<void> {
        return this.procs.stop(this.name);
    }

    /**
     * A psql command line as the container runs it (e.g. the role step's `psql -q -U postgres -d db`,
     * SQL on stdin), over this server's socket: the container's local connection.
     */
    psql(args: string[], input: string, env: Record<string, string> = {}): SpawnSyncReturns<string> {
        return spawnSync(this.bins.psql, [...args, "-h", this.at.socketDir, "-p", String(this.at.port)], {
            input,
            encoding: "utf8",
            env: { PATH: process.env.PATH, ...env },
            timeout: 60_000,
        });
    }

    /** A product psql argv (["psql", ...args]) run locally with the same arguments. */
    containerPsql(argv: string[], input: string, env: Record<string, string> = {}): SpawnSyncReturns<string> {
        const [bin, ...args] = argv;
        if (bin !== "psql") throw new Error(`expected a psql command, got ${JSON.stringify(argv)}`);
        return this.psql(args, input, env);
    }

    /** A client over TCP (host auth rules apply), as an app or the exporter connects. */
    tcp(user: string, password: string, sql: string, database = this.spec.env.POSTGRES_DB): SpawnSyncReturns<string> {
        return spawnSync(this.bins.psql, ["-X", "-A", "-t", "-h", "127.0.0.1", "-p", String(this.at.port), "-U", user, "-d", database, "-c", sql], {
            encoding: "utf8",
            env: { PATH: process.env.PATH, PGPASSWORD: password, PGCONNECT_TIMEOUT: "5" },
            timeout: 30_000,
        });
    }
}
