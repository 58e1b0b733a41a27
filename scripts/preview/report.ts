// Builds the whole comment for a set of stacks: preview JSON + (optional) state export and plan for
// the environment values + rendered config files of base and head.

import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { buildComment, StackReport } from "./comment";
import { containerEnvChanges, Fingerprint } from "./envDiff";
import { parsePreview, resourceChanges } from "./previewJson";
import { diffTrees, renderCheckout, renderRevision } from "./renderDiff";
import { assertNoSecrets, operatorSecretNames, SecretClassifier } from "./secretNames";
import { StackValues } from "./secretValues";

export interface StackFiles {
    stack: string;
    preview: string;
    /** `pulumi stack export --show-secrets` output: old environment values. */
    state?: string;
    /** `pulumi preview --save-plan <file> --show-secrets` output: new environment values. */
    plan?: string;
}

export interface ReportOptions {
    stacks: StackFiles[];
    /** The repository checkout (the head); its working tree is rendered as the head. */
    repoDir: string;
    /** Git revision to compare with; without it, config files are not compared. */
    base?: string;
    fingerprint: Fingerprint;
    oneOffKey?: boolean;
    /** Already rendered trees per stack (tests, or renders made elsewhere) instead of rendering here. */
    trees?: Record<string, { base: string; head: string }>;
}

function renderDiffs(repoDir: string, base: string | undefined, stack: string): Pick<StackReport, "files" | "renderNote"> {
    if (base === undefined) return { files: [], renderNote: "no base revision given (--base)" };
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "preview-render-"));
    try {
        const old = renderRevision(repoDir, base, stack, path.join(tmp, "base"));
        const now = renderCheckout(repoDir, stack, path.join(tmp, "head"));
        if (now.failure) return { files: [], renderNote: `rendering the head failed: ${now.failure}` };
        // A base that cannot render this stack (e.g. the stack is new) compares against nothing.
        const files = diffTrees(old.dir, now.dir);
        return { files, renderNote: old.failure ? `the base could not render this stack, so every file shows as added (${old.failure})` : undefined };
    } finally {
        fs.rmSync(tmp, { recursive: true, force: true });
    }
}

export function buildReport(opts: ReportOptions): { body: string; hasChanges: boolean } {
    const reports: StackReport[] = [];
    const secrets: string[] = [];
    for (const s of opts.stacks) {
        const digest = parsePreview(fs.readFileSync(s.preview, "utf8"));
        const changes = resourceChanges(digest);
        const values = StackValues.fromFiles(s.state, s.plan);
        const classifier = new SecretClassifier(operatorSecretNames(path.join(opts.repoDir, `Pulumi.${s.stack}.yaml`)), values.generatedSecrets());
        const env = containerEnvChanges(changes, values, classifier, opts.fingerprint);
        const trees = opts.trees?.[s.stack];
        const files = trees ? { files: diffTrees(trees.base, trees.head) } : renderDiffs(opts.repoDir, opts.base, s.stack);
        reports.push({ stack: s.stack, changes, env, ...files });
        secrets.push(...classifier.knownSecrets());
    }
    const result = buildComment({ stacks: reports, base: opts.base, oneOffKey: opts.oneOffKey });
    assertNoSecrets(result.body, secrets);
    return result;
}
