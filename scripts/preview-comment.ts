// npm run preview-comment -- --base <git revision>
//     --stack <s> --preview <preview.json> [--state <state.json>] [--plan <plan.json>] [--events <events.jsonl>]
//     --stack <s2> --failed <step> --log <log file> [--state ...]      (a stack whose preview failed)
//     [--out <dir>]
//
// Builds the pull-request comment from saved `pulumi preview --json` output (per stack) and a base
// revision, exactly as the preview workflow does. --state/--plan (secret files, see docs/ci.md)
// give the containers' environment values; --events the engine's event log with the policy
// findings; --failed/--log stand for a stack whose preview failed. Prints the comment, or writes
// <dir>/comment.md and <dir>/comment.json ({"hasChanges", "failed", "violations"}) with --out.

import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { fingerprinter, oneOffFingerprinter } from "./preview/envDiff";
import { buildReport, StackFiles } from "./preview/report";

const USAGE =
    "usage: npm run preview-comment -- --base <rev> --stack <name> (--preview <preview.json> | --failed <step> --log <file>) [--state <file>] [--plan <file>] [--events <file>] [--stack ...] [--out <dir>]";

export interface CliOptions {
    stacks: StackFiles[];
    base: string;
    out?: string;
    repoDir: string;
}

const PER_STACK = ["--preview", "--state", "--plan", "--events", "--failed", "--log"];

export function parseArgs(argv: string[]): CliOptions {
    let base: string | undefined;
    let out: string | undefined;
    let repoDir = path.join(__dirname, "..");
    const stacks: Array<StackFiles & { log?: string; step?: string }> = [];
    for (let i = 0; i < argv.length; i += 2) {
        const [flag, value] = [argv[i], argv[i + 1]];
        if (value === undefined || value.startsWith("--")) throw new Error(`${flag} needs a value; ${USAGE}`);
        const current = stacks[stacks.length - 1];
        if (flag === "--stack") {
            if (stacks.some((s) => s.stack === value)) throw new Error(`stack ${value} is named twice; give each stack once, with its own files`);
            stacks.push({ stack: value });
        } else if (flag === "--base") base = value;
        else if (flag === "--out") out = value;
        else if (flag === "--repo") repoDir = value;
        else if (PER_STACK.includes(flag)) {
            if (!current) throw new Error(`${flag} must follow --stack; ${USAGE}`);
            const key = flag.slice(2) as "preview" | "state" | "plan" | "events" | "log";
            if (flag === "--failed") current.step = value;
            else current[key] = value;
        } else throw new Error(`unknown argument ${flag}; ${USAGE}`);
    }
    if (base === undefined) {
        throw new Error(
            `--base is required: the git revision the pull request is compared with (the workflow passes the base commit; locally e.g. --base origin/main); ${USAGE}`,
        );
    }
    if (stacks.length === 0) throw new Error(`no --stack given; ${USAGE}`);
    const result = stacks.map(({ step, log, ...s }) => {
        if (step !== undefined && s.preview !== undefined) throw new Error(`stack ${s.stack} has both --preview and --failed; give one`);
        if (step !== undefined) {
            if (log === undefined) throw new Error(`stack ${s.stack}: --failed needs --log <the failed step's output>`);
            return { ...s, failed: { step, log } };
        }
        if (log !== undefined) throw new Error(`stack ${s.stack}: --log belongs to --failed`);
        if (s.preview === undefined) throw new Error(`stack ${s.stack} has no --preview (or --failed <step> --log <file>); ${USAGE}`);
        return s;
    });
    return { stacks: result, base, out, repoDir };
}

/** The base must be a commit of the repository: its files are rendered from its own code. */
export function checkBase(repoDir: string, base: string): void {
    try {
        execFileSync("git", ["-C", repoDir, "rev-parse", "--verify", "--quiet", `${base}^{commit}`], { stdio: ["ignore", "pipe", "pipe"] });
    } catch {
        throw new Error(
            `--base ${base} is not a commit of ${repoDir}; fetch it first (git fetch origin <branch>; the workflow checks out with fetch-depth: 0)`,
        );
    }
}

/** Environment variables whose values are the workflow's own secrets, wherever a log might repeat them. */
const WORKFLOW_SECRET = /^(PULUMI_CONFIG_PASSPHRASE(_\w+)?|PULUMI_ACCESS_TOKEN|PREVIEW_FINGERPRINT_KEY|GITHUB_TOKEN|GH_TOKEN)$/;

export function workflowSecrets(env: NodeJS.ProcessEnv): string[] {
    return Object.entries(env)
        .filter(([name, value]) => WORKFLOW_SECRET.test(name) && value)
        .map(([, value]) => value!);
}

export function main(argv: string[], env: NodeJS.ProcessEnv): void {
    const opts = parseArgs(argv);
    checkBase(opts.repoDir, opts.base);
    const key = env.PREVIEW_FINGERPRINT_KEY;
    if (!key && env.GITHUB_ACTIONS === "true") throw new Error("PREVIEW_FINGERPRINT_KEY is not set (a repository secret, see docs/ci.md)");
    const result = buildReport({
        stacks: opts.stacks,
        repoDir: opts.repoDir,
        base: opts.base,
        fingerprint: key ? fingerprinter(key) : oneOffFingerprinter(),
        oneOffKey: !key,
        workflowSecrets: workflowSecrets(env),
    });
    if (opts.out) {
        fs.mkdirSync(opts.out, { recursive: true });
        fs.writeFileSync(path.join(opts.out, "comment.md"), result.body);
        const summary = { hasChanges: result.hasChanges, failed: result.failed, violations: result.violations };
        fs.writeFileSync(path.join(opts.out, "comment.json"), JSON.stringify(summary) + "\n");
        const what = [
            result.hasChanges ? "changes" : "no changes",
            result.failed ? "a failed preview" : "",
            result.violations ? `${result.violations} policy violations` : "",
        ];
        console.error(`preview-comment: ${result.body.length} characters, ${what.filter(Boolean).join(", ")}, in ${opts.out}`);
    } else {
        process.stdout.write(result.body + "\n");
    }
}

if (require.main === module) {
    try {
        main(process.argv.slice(2), process.env);
    } catch (e) {
        console.error(`preview-comment: ${(e as Error).message}`);
        process.exit(1);
    }
}
