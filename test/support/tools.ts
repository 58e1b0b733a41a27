/**
 * The one way a test says that something it needs is missing: under CI it fails, naming what to
 * install; elsewhere it skips the suite with the same message, so a laptop without PostgreSQL can
 * still run the pure tests. Every binary a test runs goes through requireBinaries, and every
 * other precondition (root, a working loop device) through unavailable().
 */
import * as fs from "fs";
import * as path from "path";

/** Debian puts the PostgreSQL server binaries outside PATH. */
const EXTRA_DIRS = ["/usr/lib/postgresql/15/bin", "/usr/sbin", "/sbin"];

/**
 * Debian package providing each binary the tests run. .ci/run installs each of these packages
 * (test/tools.test.ts checks), so a binary listed here is never missing under CI.
 */
export const DEBIAN_PACKAGES: Readonly<Record<string, string>> = {
    prometheus: "prometheus",
    promtool: "prometheus",
    "prometheus-alertmanager": "prometheus-alertmanager",
    amtool: "prometheus-alertmanager",
    "prometheus-postgres-exporter": "prometheus-postgres-exporter",
    "prometheus-redis-exporter": "prometheus-redis-exporter",
    "prometheus-node-exporter": "prometheus-node-exporter",
    "redis-server": "redis-server",
    "redis-cli": "redis-tools",
    initdb: "postgresql-15",
    postgres: "postgresql-15",
    pg_ctl: "postgresql-15",
    pg_isready: "postgresql-client-15",
    psql: "postgresql-client-15",
    pg_dump: "postgresql-client-15",
    pg_restore: "postgresql-client-15",
    python3: "python3",
    caddy: "caddy",
    git: "git",
    wget: "wget",
    // PostgreSQL refuses to run as root: tests run as root switch to the postgres user.
    runuser: "util-linux",
    unshare: "util-linux",
    losetup: "mount",
    "mkfs.ext4": "e2fsprogs",
};

export function which(bin: string): string | undefined {
    const dirs = [...(process.env.PATH ?? "").split(path.delimiter), ...EXTRA_DIRS];
    for (const dir of dirs) {
        if (!dir) continue;
        const candidate = path.join(dir, bin);
        try {
            fs.accessSync(candidate, fs.constants.X_OK);
            if (fs.statSync(candidate).isFile()) return candidate;
        } catch {
            // not in this directory
        }
    }
    return undefined;
}

/** CI=true (or any value but "false"/"0"), as CI systems and .ci/run set it. */
export function underCi(): boolean {
    const ci = process.env.CI;
    return ci !== undefined && ci !== "" && ci !== "false" && ci !== "0";
}

/**
 * `what` is missing: throws under CI (nothing may skip there), otherwise prints why and skips
 * the current test or suite. Never returns.
 */
export function unavailable(ctx: Mocha.Context, what: string): never {
    if (underCi()) throw new Error(`${what}; required because CI is set`);
    console.warn(`      skipping: ${what}`);
    ctx.skip();
    throw new Error("unreachable: mocha's skip() throws");
}

/** The install hint for missing binaries. */
export function missingMessage(missing: string[]): string {
    const packages = [...new Set(missing.map((b) => DEBIAN_PACKAGES[b] ?? b))].join(" ");
    return `missing binaries: ${missing.join(", ")} (Debian: apt-get install ${packages})`;
}

/** Resolves binaries a suite needs; a missing one fails under CI and skips, naming it, elsewhere. */
export function requireBinaries(ctx: Mocha.Context, bins: string[]): Record<string, string> {
    const found: Record<string, string> = {};
    const missing: string[] = [];
    for (const bin of bins) {
        const p = which(bin);
        if (p) found[bin] = p;
        else missing.push(bin);
    }
    if (missing.length > 0) unavailable(ctx, missingMessage(missing));
    return found;
}

/** True when this process runs as root (PostgreSQL then runs as the `postgres` user, via runuser). */
export const runningAsRoot = () => process.getuid?.() === 0;

/** The binaries a PostgreSQL test needs besides `bins`: runuser too when it has to switch user. */
export function postgresBinaries(bins: string[]): string[] {
    return runningAsRoot() ? [...bins, "runuser"] : bins;
}

/**
 * `bin args` as the PostgreSQL server's owner: as root through runuser (checked by
 * requireBinaries(postgresBinaries(...)) first), else as this user.
 */
export function asPostgres(bin: string, args: string[]): [string, string[]] {
    if (!runningAsRoot()) return [bin, args];
    const runuser = which("runuser");
    if (!runuser) throw new Error(missingMessage(["runuser"]));
    return [runuser, ["-u", "postgres", "--", bin, ...args]];
}

/** A slow suite a developer may leave out locally by setting `variable`; CI always runs it. */
export function optOut(ctx: Mocha.Context, variable: string): void {
    if (!process.env[variable] || underCi()) return;
    console.warn(`      skipping: ${variable} is set (CI runs this suite regardless)`);
    ctx.skip();
}
