// Builds the whole comment for a set of stacks: preview JSON + (optional) state export and plan for
// the environment and secret values + the engine's event log for the policy findings + rendered
// config files of base and head. A stack whose preview failed brings its error log instead.

import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { policies } from "../../policy/policies";
import { buildComment, CommentResult, StackReport } from "./comment";
import { containerEnvChanges, Fingerprint } from "./envDiff";
import { readFailure } from "./failure";
import { markingViolations, readPolicyEvents } from "./policyEvents";
import { parsePreview, resourceChanges } from "./previewJson";
import { diffTrees, renderCheckout, renderRevision } from "./renderDiff";
import { assertNoSecrets, operatorSecretNames, SecretClassifier } from "./secretNames";
import { StackValues } from "./secretValues";
import { imageContext, propertyChanges } from "./values";

export interface StackFiles {
    stack: string;
    /** `pulumi preview --json` output; absent when the preview failed. */
    preview?: string;
    /** The step that failed and its log, instead of a preview. */
    failed?: { step: string; log: string };
    /** `pulumi stack export --show-secrets` output: old environment values. */
    state?: string;
    /** `pulumi preview --save-plan <file> --show-secrets` output: new environment values. */
    plan?: string;
    /** `pulumi preview --event-log <file>` output: the policy pack's findings. */
    events?: string;
}

export interface ReportOptions {
    stacks: StackFiles[];
    /** The repository checkout (the head); its working tree is rendered as the head. */
    repoDir: string;
    /** Git revision to compare with. */
    base: string;
    fingerprint: Fingerprint;
    oneOffKey?: boolean;
    /** Already rendered trees per stack (tests, or renders made elsewhere) instead of rendering here. */
    trees?: Record<string, { base: string; head: string }>;
    /** Secrets of the workflow itself (passphrases, tokens): cut out of error lines, refused anywhere. */
    workflowSecrets?: string[];
}

function renderDiffs(repoDir: string, base: string, stack: string): Pick<StackReport, "files" | "renderNote"> {
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

function stackReport(s: StackFiles, opts: ReportOptions, values: StackValues, classifier: SecretClassifier): StackReport {
    const policy = readPolicyEvents(s.events);
    if (s.failed) {
        const failure = readFailure(s.failed.step, s.failed.log, classifier.knownSecrets());
        return { stack: s.stack, changes: [], env: [], files: [], failure, policy };
    }
    const digest = parsePreview(fs.readFileSync(s.preview!, "utf8"), { stack: s.stack, file: s.preview! });
    const changes = resourceChanges(digest);
    const env = containerEnvChanges(changes, values, classifier, opts.fingerprint);
    const ctx = { values, classifier, fingerprint: opts.fingerprint, ...imageContext(changes) };
    const shown = changes.map((c) => ({ ...c, properties: propertyChanges(c, ctx) }));
    policy.violations.push(...markingViolations(changes));
    const trees = opts.trees?.[s.stack];
    const files = trees ? { files: diffTrees(trees.base, trees.head) } : renderDiffs(opts.repoDir, opts.base, s.stack);
    return { stack: s.stack, changes: shown, env, policy, ...files };
}

export function buildReport(opts: ReportOptions): CommentResult {
    const reports: StackReport[] = [];
    const secrets: string[] = [];
    for (const s of opts.stacks) {
        const values = StackValues.fromFiles(s.state, s.plan);
        const known = [...values.generatedSecrets(), ...values.credentialValues(), ...(opts.workflowSecrets ?? [])];
        const classifier = new SecretClassifier(operatorSecretNames(path.join(opts.repoDir, `Pulumi.${s.stack}.yaml`)), known);
        reports.push(stackReport(s, opts, values, classifier));
        secrets.push(...classifier.knownSecrets());
    }
    const result = buildComment({ stacks: reports, base: opts.base, oneOffKey: opts.oneOffKey, policyCount: policies.length });
    assertNoSecrets(result.body, secrets);
    return result;
}
