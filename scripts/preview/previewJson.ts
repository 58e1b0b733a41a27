// Types and parsing for the output of `pulumi preview --json`.
//
// The shape is the engine's preview digest: `PreviewDigest`, `PreviewStep`, `PropertyDiff` in
// pulumi/pulumi pkg/display/json.go (formerly `previewDigest` in pkg/backend/display/json.go, written
// by ShowPreviewDigest / getPreviewMetadataStep), with `oldState`/`newState` as `apitype.ResourceV3`
// (sdk/go/common/apitype/core.go) and the step ops of pkg/resource/deploy/step.go. That code always
// masks secret values as the string "[secret]" in `oldState`/`newState`, even with --show-secrets,
// so this file never sees a secret value from the CLI; see secretValues.ts for where values come from.

/** One property difference: kind is add, add-replace, delete, delete-replace, update or update-replace. */
export interface PropertyDiff {
    kind: string;
    inputDiff: boolean;
}

/** The parts of apitype.ResourceV3 this module reads. */
export interface ResourceState {
    urn: string;
    type: string;
    custom?: boolean;
    id?: string;
    inputs?: Record<string, unknown>;
    outputs?: Record<string, unknown>;
    parent?: string;
    protect?: boolean;
    retainOnDelete?: boolean;
}

export interface PreviewStep {
    op: string;
    urn: string;
    provider?: string;
    oldState?: ResourceState;
    newState?: ResourceState;
    diffReasons?: string[];
    replaceReasons?: string[];
    detailedDiff?: Record<string, PropertyDiff> | null;
}

export interface PreviewDiagnostic {
    urn?: string;
    message?: string;
    severity?: string;
}

export interface PreviewDigest {
    config?: Record<string, string>;
    steps?: PreviewStep[];
    diagnostics?: PreviewDiagnostic[];
    duration?: number;
    changeSummary?: Record<string, number>;
    maybeCorrupt?: boolean;
}

/** What happens to one resource, folding the several steps of a replacement into one. */
export type Change = "create" | "update" | "replace" | "delete";

export interface ResourceChange {
    urn: string;
    /** The resource's own type token, e.g. docker:index/container:Container. */
    type: string;
    name: string;
    /** Types of the enclosing components, outermost first. */
    parents: string[];
    change: Change;
    /** Properties that differ; for a replacement, those that force it come first. */
    diffReasons: string[];
    replaceReasons: string[];
    detailedDiff: Record<string, PropertyDiff>;
    oldState?: ResourceState;
    newState?: ResourceState;
}

export interface ParsedUrn {
    stack: string;
    project: string;
    type: string;
    parents: string[];
    name: string;
}

/** urn:pulumi:<stack>::<project>::<parent types joined by $>$<type>::<name> */
export function parseUrn(urn: string): ParsedUrn {
    const prefix = "urn:pulumi:";
    if (!urn.startsWith(prefix)) throw new Error(`not a Pulumi URN: ${urn}`);
    const parts = urn.slice(prefix.length).split("::");
    if (parts.length < 4) throw new Error(`not a Pulumi URN: ${urn}`);
    const [stack, project, qualifiedType, ...nameParts] = parts;
    const types = qualifiedType.split("$");
    return { stack, project, type: types[types.length - 1], parents: types.slice(0, -1), name: nameParts.join("::") };
}

function isObject(v: unknown): v is Record<string, unknown> {
    return typeof v === "object" && v !== null && !Array.isArray(v);
}

const ROOT_STACK = "pulumi:pulumi:Stack";
const HOW = "run `pulumi preview --stack <name> --json > <file>`";

/**
 * Parses and checks the digest; a wrong file fails here, not later. Every preview lists the stack
 * itself (ShowPreviewDigest keeps the root stack's step, pkg/backend/display/json.go) and ends with
 * a changeSummary, so a file without them (the human-readable preview, `{}`, another command's
 * JSON) is refused; with `stack`, so is a preview of another stack.
 */
export function parsePreview(text: string, expected?: { stack: string; file: string }): PreviewDigest {
    const file = expected?.file ?? "the preview";
    let data: unknown;
    try {
        data = JSON.parse(text);
    } catch (e) {
        throw new Error(`${file} is not JSON (${(e as Error).message}); it must be the output of \`pulumi preview --json\`: ${HOW}`);
    }
    if (!isObject(data)) throw new Error(`${file} must be a JSON object, the output of \`pulumi preview --json\`: ${HOW}`);
    const steps = data.steps ?? [];
    if (!Array.isArray(steps)) throw new Error(`${file}: \`steps\` must be a list`);
    steps.forEach((s, i) => {
        if (!isObject(s) || typeof s.op !== "string" || typeof s.urn !== "string") {
            throw new Error(`${file}: steps[${i}] needs string fields op and urn`);
        }
    });
    const root = (steps as PreviewStep[]).find((s) => s.urn.startsWith("urn:pulumi:") && parseUrn(s.urn).type === ROOT_STACK);
    if (!root || !isObject(data.changeSummary)) {
        throw new Error(
            `${file} is not the output of \`pulumi preview --json\`: it has no ${root ? "changeSummary" : "step for the stack itself (pulumi:pulumi:Stack)"}, which every preview has; ${HOW}`,
        );
    }
    const previewed = parseUrn(root.urn).stack;
    if (expected && previewed !== expected.stack)
        throw new Error(`${file} is a preview of stack ${previewed}, not ${expected.stack}; check the --stack before it`);
    return data as PreviewDigest;
}

const REPLACE_OPS = new Set(["replace", "create-replacement", "delete-replaced", "import-replacement"]);
const OP_CHANGE: Record<string, Change> = { create: "create", update: "update", delete: "delete", import: "create" };

/**
 * One entry per changed resource, in the order the engine reported them. "same", "read" and
 * "refresh" steps change nothing; the root stack resource is left out (its outputs are not resources).
 */
export function resourceChanges(digest: PreviewDigest): ResourceChange[] {
    const byUrn = new Map<string, ResourceChange>();
    for (const step of digest.steps ?? []) {
        const change: Change | undefined = REPLACE_OPS.has(step.op) ? "replace" : OP_CHANGE[step.op];
        if (!change) continue;
        const urn = parseUrn(step.urn);
        if (urn.type === "pulumi:pulumi:Stack") continue;
        const existing = byUrn.get(step.urn);
        const entry: ResourceChange = existing ?? {
            urn: step.urn,
            type: urn.type,
            name: urn.name,
            parents: urn.parents,
            change,
            diffReasons: [],
            replaceReasons: [],
            detailedDiff: {},
        };
        if (change === "replace") entry.change = "replace";
        for (const r of step.replaceReasons ?? []) if (!entry.replaceReasons.includes(r)) entry.replaceReasons.push(r);
        for (const r of step.diffReasons ?? []) if (!entry.diffReasons.includes(r)) entry.diffReasons.push(r);
        Object.assign(entry.detailedDiff, step.detailedDiff ?? {});
        entry.oldState = entry.oldState ?? step.oldState;
        entry.newState = step.newState ?? entry.newState;
        byUrn.set(step.urn, entry);
    }
    return [...byUrn.values()];
}

export type Counts = Record<Change, number>;

export function countChanges(changes: ResourceChange[]): Counts {
    const counts: Counts = { create: 0, update: 0, replace: 0, delete: 0 };
    for (const c of changes) counts[c.change]++;
    return counts;
}

/** The properties a reviewer should look at: replace reasons first, then the rest of the diff. */
export function changedProperties(c: ResourceChange): string[] {
    const keys = [...c.replaceReasons, ...c.diffReasons, ...Object.keys(c.detailedDiff).map(topLevelKey)];
    return [...new Set(keys)];
}

/** `envs[3]` or `ports[0].external` -> `envs` / `ports`. */
export function topLevelKey(path: string): string {
    const m = /^[^.[]+/.exec(path);
    return m ? m[0] : path;
}
