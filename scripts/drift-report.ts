// npm run drift-report -- --stack <name> --preview <preview.json> --stderr <file> --exit-code <n> --out <dir>
//
// Reads what `pulumi preview --refresh --expect-no-changes --json` did for a deployed stack and
// writes <dir>/status ("clean", "drift" or "failed") and, on drift, <dir>/issue.md: the resources
// that differ from their last deploy and which of their properties, never a value (the preview's
// JSON masks secrets, and this report names properties only). The CLI prints the digest and then
// fails with "no changes were expected" when there are changes (pulumi/pulumi v3.248.0
// pkg/cmd/pulumi/operations/preview.go, backenderr.NoChangesExpectedError); any other failure is
// not drift. The drift workflow (scripts/ci/drift-*.sh) opens, updates or closes one issue per stack.

import * as fs from "fs";
import * as path from "path";
import { errorLines } from "./preview/failure";
import { escapeHtml } from "./preview/markdown";
import { changedProperties, parsePreview, parseUrn, PreviewDigest, resourceChanges } from "./preview/previewJson";

const USAGE = "usage: npm run drift-report -- --stack <name> --preview <preview.json> --stderr <file> --exit-code <n> --out <dir>";
const NO_CHANGES_EXPECTED = /no changes were expected/;

/** Finds the stack's drift issue again (one open issue per stack). */
export function driftMarker(stack: string): string {
    return `<!-- minimarket-drift:${stack} -->`;
}

export type DriftStatus = "clean" | "drift" | "failed";

export interface DriftedResource {
    name: string;
    type: string;
    what: string;
}

/** What differs, per resource, from the ops the preview lists for it (a refresh's and the program's). */
export function driftedResources(digest: PreviewDigest): DriftedResource[] {
    const ops = new Map<string, Set<string>>();
    for (const s of digest.steps ?? []) ops.set(s.urn, (ops.get(s.urn) ?? new Set()).add(s.op));
    return resourceChanges(digest).map((c) => {
        const seen = ops.get(c.urn)!;
        const props = changedProperties(c)
            .map((p) => `\`${escapeHtml(p)}\``)
            .join(", ");
        let what: string;
        if (seen.has("delete") && seen.has("create")) what = "gone: removed outside Pulumi; the next `pulumi up` creates it again";
        else if (c.change === "create") what = "declared by the program but not in the stack: a deploy that did not finish, or a change not deployed yet";
        else if (c.change === "delete") what = "in the stack but gone or no longer declared: the next `pulumi up` deletes it from the stack";
        else what = `${c.change === "replace" ? "differs, and the next `pulumi up` replaces it" : "differs"}${props ? `: ${props}` : ""}`;
        const urn = parseUrn(c.urn);
        return { name: urn.name, type: urn.type, what };
    });
}

export function issueBody(stack: string, resources: DriftedResource[], run: { url?: string; at: string }): string {
    const where = run.url ? `, [workflow run](${run.url})` : "";
    return [
        driftMarker(stack),
        `\`pulumi preview --refresh --expect-no-changes --stack ${stack}\` found that **${escapeHtml(stack)}** differs from its last deploy (checked ${run.at}${where}):`,
        "",
        "| resource | type | what differs |",
        "|---|---|---|",
        ...resources.map((r) => `| \`${escapeHtml(r.name)}\` | ${escapeHtml(r.type)} | ${r.what} |`),
        "",
        `The next \`pulumi up --stack ${stack}\` puts these back as the program declares them. To keep a change made by hand, make it in the program or the stack's config instead. The values are not shown here: \`pulumi preview --refresh --diff --stack ${stack}\` shows them to whoever can read the stack.`,
        "",
        "<sub>Opened and updated by the drift workflow (.github/workflows/drift.yml, docs/pull-request-previews.md); it closes this issue when the stack matches again.</sub>",
        "",
    ].join("\n");
}

export interface DriftInput {
    stack: string;
    previewText: string;
    stderr: string;
    exitCode: number;
    previewFile: string;
}

/** clean (exit 0), drift (the digest with changes, then "no changes were expected"), or failed. */
export function classify(input: DriftInput): { status: DriftStatus; resources: DriftedResource[]; reason?: string[] } {
    if (input.exitCode === 0) return { status: "clean", resources: [] };
    let digest: PreviewDigest | undefined;
    try {
        digest = parsePreview(input.previewText, { stack: input.stack, file: input.previewFile });
    } catch {
        digest = undefined;
    }
    const resources = digest ? driftedResources(digest) : [];
    if (resources.length > 0 && NO_CHANGES_EXPECTED.test(input.stderr)) return { status: "drift", resources };
    return { status: "failed", resources: [], reason: errorLines(input.stderr, []) };
}

export function parseArgs(argv: string[]): { stack: string; preview: string; stderr: string; exitCode: number; out: string } {
    const opts: Record<string, string> = {};
    for (let i = 0; i < argv.length; i += 2) {
        const [flag, value] = [argv[i], argv[i + 1]];
        if (!["--stack", "--preview", "--stderr", "--exit-code", "--out"].includes(flag)) throw new Error(`unknown argument ${flag}; ${USAGE}`);
        if (value === undefined) throw new Error(`${flag} needs a value; ${USAGE}`);
        opts[flag.slice(2)] = value;
    }
    for (const k of ["stack", "preview", "stderr", "exit-code", "out"]) if (opts[k] === undefined) throw new Error(`--${k} is required; ${USAGE}`);
    if (!/^\d+$/.test(opts["exit-code"])) throw new Error(`--exit-code must be the preview's exit status, got ${opts["exit-code"]}`);
    return { stack: opts.stack, preview: opts.preview, stderr: opts.stderr, exitCode: Number(opts["exit-code"]), out: opts.out };
}

export function main(argv: string[], env: NodeJS.ProcessEnv): number {
    const opts = parseArgs(argv);
    const read = (f: string) => (fs.existsSync(f) ? fs.readFileSync(f, "utf8") : "");
    const result = classify({
        stack: opts.stack,
        previewText: read(opts.preview),
        stderr: read(opts.stderr),
        exitCode: opts.exitCode,
        previewFile: opts.preview,
    });
    fs.mkdirSync(opts.out, { recursive: true });
    fs.writeFileSync(path.join(opts.out, "status"), result.status + "\n");
    if (result.status === "drift") {
        const url = env.GITHUB_RUN_ID
            ? `${env.GITHUB_SERVER_URL ?? "https://github.com"}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}`
            : undefined;
        fs.writeFileSync(
            path.join(opts.out, "issue.md"),
            issueBody(opts.stack, result.resources, { url, at: new Date().toISOString().replace(/\.\d+Z$/, "Z") }),
        );
        console.error(`drift-report: ${opts.stack}: ${result.resources.length} resources differ from the last deploy`);
    } else if (result.status === "clean") {
        console.error(`drift-report: ${opts.stack}: no drift`);
    } else {
        console.error(`drift-report: ${opts.stack}: the preview failed, so drift is unknown:\n${result.reason!.join("\n")}`);
    }
    return result.status === "failed" ? 1 : 0;
}

if (require.main === module) {
    try {
        process.exit(main(process.argv.slice(2), process.env));
    } catch (e) {
        console.error(`drift-report: ${(e as Error).message}`);
        process.exit(2);
    }
}
