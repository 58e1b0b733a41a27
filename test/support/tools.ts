/**
 * The one way a test says that something it needs is missing: under CI it fails, naming what to
 * install; elsewhere it skips the suite with the same message, so a laptop without PostgreSQL can
 * still run the pure tests. Every binary a test runs goes through requireBinaries, and every
 * other precondition (root, a working loop device) through unavailable().
 */
import * as fs from "fs";
import * as path from "path";
import { binariesOf, tools } from "../../scripts/upstream/catalog";
import { isLocated, Located, locate } from "../../scripts/upstream/locate";

/** Debian's system binaries (runuser, losetup) may be outside a user's PATH. */
const EXTRA_DIRS = ["/usr/sbin", "/sbin"];

/**
 * Debian package providing each binary the tests run that the program does not pin. .ci/run
 * installs each of these packages (test/tools.test.ts checks), so a binary listed here is never
 * missing under CI. The pinned tools (Prometheus, PostgreSQL, the exporters, ...) come from
 * `npm run upstream-tools` instead: see upstreamTool().
 */
export const DEBIAN_PACKAGES: Readonly<Record<string, string>> = {
    python3: "python3",
    git: "git",
    wget: "wget",
    // PostgreSQL refuses to run as root: tests run as root switch to the postgres user.
    runuser: "util-linux",
    setpriv: "util-linux",
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

const DOCS = path.join(__dirname, "..", "..", "docs", "upstream-tools.md");

/**
 * The exceptions table of docs/upstream-tools.md: tool → the release line its tests run
 * instead of the deployed one (`0.17.x`, `v3.68.0`).
 */
export function documentedExceptions(markdown = fs.readFileSync(DOCS, "utf8")): Map<string, string> {
    const section = markdown.split(/^## /m).find((s) => s.startsWith("Exceptions")) ?? "";
    const rows = new Map<string, string>();
    // Cells may be padded (prettier aligns the columns).
    for (const m of section.matchAll(/^\| `([^`]+)`\s*\|[^|]*\|\s*`([^`]+)`\s*\|/gm)) rows.set(m[1], m[2]);
    return rows;
}

/** Whether `version` is of the documented line: `0.17.1` is of `0.17.x`, `v3.68.0` only of itself. */
export function ofLine(version: string, line: string): boolean {
    return line.endsWith(".x") ? version.startsWith(line.slice(0, -1)) : version === line;
}

/**
 * A located binary as the tests may use it: the exact build always; a stand-in only when
 * `exceptions` (docs/upstream-tools.md) lists its tool with a line the stand-in is of.
 */
export function admit(found: Located, exceptions: Map<string, string>): Located | string {
    if (found.origin === "go") return found;
    const line = exceptions.get(found.tool.name);
    if (line && ofLine(found.version, line)) return found;
    return `${found.path} is ${found.tool.name} ${found.version}, not the deployed ${found.tool.deployed}, and docs/upstream-tools.md lists no such exception`;
}

/** Binaries already checked in this process (reading a Go binary's build info reads the file). */
const checked = new Map<string, Located | string>();

/**
 * A pinned tool's binary (prometheus, promtool, amtool, caddy, postgres, redis-server, ...), built by
 * `npm run upstream-tools` at the pinned version; or why it cannot be used: not built, another
 * version than the pin, or a stand-in docs/upstream-tools.md does not list as an exception.
 * Undefined for a binary the program does not pin.
 */
export function upstreamTool(bin: string): Located | string | undefined {
    if (checked.has(bin)) return checked.get(bin);
    const found = locate(bin);
    if (found === undefined) return undefined;
    const result = isLocated(found) ? admit(found, documentedExceptions()) : found.problem;
    checked.set(bin, result);
    return result;
}

/**
 * The path of a pinned tool's binary, as `npm run -s upstream-tools -- --print-path <bin>` prints
 * it; throws why it cannot be used. Suites use requireBinaries (which skips locally instead).
 */
export function upstreamToolPath(bin: string): string {
    const found = upstreamTool(bin);
    if (found === undefined) throw new Error(`${bin}: no pinned tool provides it (scripts/upstream/catalog.ts)`);
    if (typeof found === "string") throw new Error(found);
    return found.path;
}

/** Where the PostgreSQL server binaries the tests run live (Debian's directory for the pinned major). */
export function postgresBinDir(): string {
    const source = tools().find((t) => t.name === "postgresql")?.fallback?.source;
    if (source?.kind !== "debian") throw new Error("scripts/upstream/catalog.ts: postgresql comes from Debian");
    return path.dirname(source.paths.initdb);
}

/** Every binary name the pinned tools provide. */
export const UPSTREAM_BINARIES: readonly string[] = tools().flatMap(binariesOf);

/**
 * Resolves binaries a suite needs: pinned tools through upstreamTool(), the rest from PATH. A
 * missing (or wrong-version) one fails under CI and skips, naming it and the fix, elsewhere.
 */
export function requireBinaries(ctx: Mocha.Context, bins: string[]): Record<string, string> {
    const found: Record<string, string> = {};
    const missing: string[] = [];
    const problems: string[] = [];
    for (const bin of bins) {
        const pinned = upstreamTool(bin);
        if (typeof pinned === "string") problems.push(pinned);
        else if (pinned) found[bin] = pinned.path;
        else {
            const p = which(bin);
            if (p) found[bin] = p;
            else missing.push(bin);
        }
    }
    if (missing.length > 0) problems.unshift(missingMessage(missing));
    if (problems.length > 0) unavailable(ctx, problems.join("; "));
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
