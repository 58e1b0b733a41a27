// npm run preview-comment -- --stack <s> --preview <preview.json> [--state <state.json>] [--plan <plan.json>]
//                            [--stack <s2> --preview ...] --base <git revision> [--out <dir>]
//
// Builds the pull-request comment from saved `pulumi preview --json` output (per stack) and a base
// revision, exactly as the preview workflow does. --state/--plan (secret files, see docs/ci.md)
// give the containers' environment values. Prints the comment, or writes <dir>/comment.md and
// <dir>/comment.json ({"hasChanges": ...}) with --out.

import * as fs from "fs";
import * as path from "path";
import { fingerprinter, oneOffFingerprinter } from "./preview/envDiff";
import { buildReport, StackFiles } from "./preview/report";

const USAGE =
    "usage: npm run preview-comment -- --stack <name> --preview <preview.json> [--state <file>] [--plan <file>] [--stack ...] --base <rev> [--out <dir>]";

export interface CliOptions {
    stacks: StackFiles[];
    base?: string;
    out?: string;
    repoDir: string;
}

export function parseArgs(argv: string[]): CliOptions {
    const opts: CliOptions = { stacks: [], repoDir: path.join(__dirname, "..") };
    for (let i = 0; i < argv.length; i += 2) {
        const [flag, value] = [argv[i], argv[i + 1]];
        if (value === undefined) throw new Error(`${flag} needs a value; ${USAGE}`);
        const current = opts.stacks[opts.stacks.length - 1];
        if (flag === "--stack") opts.stacks.push({ stack: value, preview: "" });
        else if (flag === "--base") opts.base = value;
        else if (flag === "--out") opts.out = value;
        else if (flag === "--repo") opts.repoDir = value;
        else if (["--preview", "--state", "--plan"].includes(flag)) {
            if (!current) throw new Error(`${flag} must follow --stack; ${USAGE}`);
            current[flag.slice(2) as "preview" | "state" | "plan"] = value;
        } else throw new Error(`unknown argument ${flag}; ${USAGE}`);
    }
    if (opts.stacks.length === 0 || opts.stacks.some((s) => !s.preview)) throw new Error(USAGE);
    return opts;
}

export function main(argv: string[], env: NodeJS.ProcessEnv): void {
    const opts = parseArgs(argv);
    const key = env.PREVIEW_FINGERPRINT_KEY;
    if (!key && env.GITHUB_ACTIONS === "true") throw new Error("PREVIEW_FINGERPRINT_KEY is not set (a repository secret, see docs/ci.md)");
    const result = buildReport({
        stacks: opts.stacks,
        repoDir: opts.repoDir,
        base: opts.base,
        fingerprint: key ? fingerprinter(key) : oneOffFingerprinter(),
        oneOffKey: !key,
    });
    if (opts.out) {
        fs.mkdirSync(opts.out, { recursive: true });
        fs.writeFileSync(path.join(opts.out, "comment.md"), result.body);
        fs.writeFileSync(path.join(opts.out, "comment.json"), JSON.stringify({ hasChanges: result.hasChanges }) + "\n");
        console.error(`preview-comment: ${result.body.length} characters, ${result.hasChanges ? "changes" : "no changes"}, in ${opts.out}`);
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
