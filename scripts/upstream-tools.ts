// npm run upstream-tools: builds the upstream tools the tests run (Prometheus, Alertmanager, Caddy,
// the exporters, the Pulumi CLI and its Node.js language host) from their Go modules at exactly
// the versions the program pins, then prints which version of each the tests run. Builds are
// cached in ${XDG_CACHE_HOME:-~/.cache}/minimarket-upstream and skipped when already there.
//
//   npm run upstream-tools                          build what is missing, print the table
//   npm run -s upstream-tools -- --print-path NAME  print the path of one binary (builds nothing)
//   npm run upstream-tools -- --table               print the table (builds nothing)
//
// docs/upstream-tools.md explains the table and lists every tool that is not run at the
// deployed version, and why.

import * as fs from "fs";
import * as path from "path";
import { binariesOf, goRecipes, Tool, tools } from "./upstream/catalog";
import { buildRecipe, BuildError, findGo } from "./upstream/build";
import { cacheRoot, debianVersion, isLocated, locate } from "./upstream/locate";
import { renderTable, ToolRow } from "./upstream/table";

const USAGE = "usage: npm run upstream-tools [-- --print-path NAME | --table]";

function elapsed(since: number): string {
    const s = Math.round((Date.now() - since) / 1000);
    return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s` : `${s}s`;
}

/** What happened to one tool in this run, for the table. */
interface Outcome {
    note?: string;
    failed?: string;
}

/** Builds a tool's own recipe; when its module cannot be had, its Go fallback, saying so. */
async function buildTool(go: string, tool: Tool, root: string): Promise<Outcome> {
    const recipes = goRecipes(tool);
    if (recipes.length === 0) return {};
    fs.mkdirSync(path.join(root, "logs"), { recursive: true });
    const logFile = path.join(root, "logs", `${tool.name}.log`);
    const log = fs.createWriteStream(logFile);
    const notes: string[] = [];
    try {
        for (const recipe of recipes) {
            const started = Date.now();
            try {
                const built = await buildRecipe(go, recipe, root, log);
                console.error(`upstream-tools: ${tool.name}: ${recipe.module}@${recipe.version} ${built ? `built in ${elapsed(started)}` : "already built"}`);
                return { note: notes.join("; ") || undefined };
            } catch (e) {
                if (!(e instanceof BuildError) || !e.unavailable) {
                    return { failed: `${(e as Error).message} (log: ${logFile})` };
                }
                console.error(`upstream-tools: ${tool.name}: ${e.message}`);
                notes.push(e.message);
            }
        }
        const source = tool.fallback?.source;
        if (source?.kind === "debian") {
            const v = debianVersion(source, Object.keys(source.paths)[0]);
            return "problem" in v ? { failed: `${notes.join("; ")}; fallback: ${v.problem}` } : { note: notes.join("; ") };
        }
        return { failed: notes.join("; ") };
    } finally {
        await new Promise((resolve) => log.end(resolve));
    }
}

/** The longest builds first (measured cold: the Pulumi CLI ~9 min, Prometheus ~6), so two jobs finish together. */
const LONGEST_FIRST = ["pulumi", "prometheus", "caddy", "alertmanager"];

/** Runs `jobs` builds at a time, longest first. */
async function buildAll(go: string, list: Tool[], root: string, jobs: number): Promise<Map<string, Outcome>> {
    const outcomes = new Map<string, Outcome>();
    const rank = (t: Tool) => (LONGEST_FIRST.includes(t.name) ? LONGEST_FIRST.indexOf(t.name) : LONGEST_FIRST.length);
    const queue = [...list].sort((a, b) => rank(a) - rank(b));
    const worker = async () => {
        for (let tool = queue.shift(); tool; tool = queue.shift()) outcomes.set(tool.name, await buildTool(go, tool, root));
    };
    await Promise.all(Array.from({ length: jobs }, worker));
    return outcomes;
}

/** One table row per tool, read from the binaries the tests will find. */
function rows(list: Tool[], root: string, outcomes: Map<string, Outcome>): ToolRow[] {
    return list.map((tool) => {
        const found = binariesOf(tool).map((b) => locate(b, root));
        const located = found.filter(isLocated);
        const missing = found.filter((f) => !isLocated(f)).map((f) => (f && "problem" in f ? f.problem : ""));
        return { tool, located: located[0], binaries: located.map((l) => l.binary), missing, outcome: outcomes.get(tool.name) };
    });
}

function printPath(name: string, root: string): number {
    const found = locate(name, root);
    if (found === undefined) {
        const known = tools().flatMap(binariesOf).join(", ");
        console.error(`upstream-tools: no tool provides "${name}"; known: ${known}`);
        return 2;
    }
    if (!isLocated(found)) {
        console.error(`upstream-tools: ${found.problem}`);
        return 1;
    }
    console.log(found.path);
    return 0;
}

async function main(argv: string[]): Promise<number> {
    const root = cacheRoot();
    const list = tools();
    if (argv[0] === "--print-path") {
        if (argv.length !== 2) throw new Error(USAGE);
        return printPath(argv[1], root);
    }
    if (argv.length > 1 || (argv.length === 1 && argv[0] !== "--table")) throw new Error(USAGE);
    let outcomes = new Map<string, Outcome>();
    if (argv[0] !== "--table") {
        const go = findGo();
        if (!go) throw new Error("Go is not installed: put `go` on PATH or set GO=/path/to/go (Go 1.25 or newer)");
        const jobs = Number(process.env.UPSTREAM_TOOLS_JOBS ?? 2);
        const started = Date.now();
        console.error(`upstream-tools: building into ${root} (${jobs} at a time, ${go})`);
        outcomes = await buildAll(go, list, root, jobs);
        console.error(`upstream-tools: done in ${elapsed(started)}`);
    }
    const table = rows(list, root, outcomes);
    console.log(renderTable(table));
    const failed = table.filter((r) => !r.tool.unavailable && (r.outcome?.failed || r.missing.length > 0));
    for (const r of failed) console.error(`upstream-tools: ${r.tool.name}: ${r.outcome?.failed ?? r.missing.join("; ")}`);
    return failed.length > 0 ? 1 : 0;
}

main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: Error) => {
        console.error(`upstream-tools: ${e.message}`);
        process.exit(2);
    },
);
