// The values behind a changed property, as a reviewer reads them: old → new for plain values,
// image references as repository and tag, lists summarised, secrets as a fingerprint only, values
// known only at deploy said so. Inputs come from the steps' oldState/newState (apitype.ResourceV3
// `inputs`, secrets masked as "[secret]" by the engine) and, for secrets, from the state export and
// plan (secretValues.ts), which are never printed, only fingerprinted.

import { parseImageRef } from "../../facts/images";
import { Fingerprint } from "./envDiff";
import { code } from "./markdown";
import { changedProperties, ResourceChange, topLevelKey } from "./previewJson";
import { SecretClassifier } from "./secretNames";
import { isUnavailable, StackValues, UNKNOWN_STRING } from "./secretValues";

const REMOTE_IMAGE = "docker:index/remoteImage:RemoteImage";
/** Shown in their own sections of the comment. */
const ELSEWHERE: Record<string, string> = { envs: "(see the container environment)", uploads: "(see the generated config files)" };
const MASKED = "[secret]";
/** Leaf paths shown per property; the rest is counted. */
const MAX_PATHS = 4;
/** A list shown whole up to this many characters; longer ones are summarised. */
const MAX_LIST = 80;

export interface ValueContext {
    values: StackValues;
    classifier: SecretClassifier;
    fingerprint: Fingerprint;
    /** Image ID or repo digest → the reference it was pulled as, from every image in the preview. */
    imageRefs: Map<string, string>;
    /** References of the images this preview pulls new, to pair an unknown new ID with. */
    newImages: string[];
}

/** Image IDs and digests of every RemoteImage in the preview, and the references created anew. */
export function imageContext(changes: ResourceChange[]): Pick<ValueContext, "imageRefs" | "newImages"> {
    const imageRefs = new Map<string, string>();
    const newImages: string[] = [];
    for (const c of changes.filter((x) => x.type === REMOTE_IMAGE)) {
        for (const state of [c.oldState, c.newState]) {
            const name = state?.inputs?.name ?? state?.outputs?.name;
            if (typeof name !== "string") continue;
            for (const id of [state?.outputs?.imageId, state?.outputs?.repoDigest])
                if (typeof id === "string" && id !== UNKNOWN_STRING) imageRefs.set(id, name);
        }
        const created = c.newState?.inputs?.name;
        if (c.change !== "delete" && typeof created === "string") newImages.push(created);
    }
    return { imageRefs, newImages };
}

/** "repository 1.4.2 → 1.5.0" when only the tag (or digest) moves, else both references whole. */
export function imageTransition(oldRef: string | undefined, newRef: string | undefined): string {
    const [a, b] = [oldRef && parseImageRef(oldRef), newRef && parseImageRef(newRef)];
    const version = (r: { tag?: string; digest?: string }) => r.tag ?? (r.digest ? `@${r.digest.slice(0, 19)}…` : "(no tag)");
    if (a && b && a.repository === b.repository && a.registry === b.registry) {
        return `${[a.registry, a.repository].filter(Boolean).join("/")} ${code(version(a))} → ${code(version(b))}`;
    }
    return `${oldRef ? code(oldRef) : "(none)"} → ${newRef ? code(newRef) : "(none)"}`;
}

const repositoryOf = (ref: string) => {
    const r = parseImageRef(ref);
    return r ? `${r.registry ?? ""}/${r.repository}` : ref;
};

function containerImage(c: ResourceChange, ctx: ValueContext): string | undefined {
    const [oldId, newId] = [c.oldState?.inputs?.image, c.newState?.inputs?.image];
    const oldRef = typeof oldId === "string" ? (ctx.imageRefs.get(oldId) ?? (parseImageRef(oldId) ? oldId : undefined)) : undefined;
    let newRef = typeof newId === "string" ? (ctx.imageRefs.get(newId) ?? (newId !== UNKNOWN_STRING && parseImageRef(newId) ? newId : undefined)) : undefined;
    // The new image is pulled by this same deploy, so its ID is not known yet: the pull of the same repository is it.
    if (!newRef && oldRef) newRef = ctx.newImages.find((ref) => repositoryOf(ref) === repositoryOf(oldRef));
    return oldRef || newRef ? imageTransition(oldRef, newRef) : undefined;
}

/** The value at `path` (`ports[0].external`, `healthcheck.interval`) of `obj`. */
function at(obj: unknown, path: string): unknown {
    let v: unknown = obj;
    for (const part of path.match(/[^.[\]]+/g) ?? []) {
        if (v === null || typeof v !== "object") return undefined;
        v = (v as Record<string, unknown>)[part];
    }
    return v;
}

function isPort(v: unknown): v is { internal: number; external?: number; ip?: string; protocol?: string } {
    return typeof v === "object" && v !== null && "internal" in v;
}

/** A plain value in a line: numbers and text as code, ports as ip:external→internal, lists summarised. */
export function show(v: unknown): string {
    if (v === undefined || v === null) return "(unset)";
    if (v === UNKNOWN_STRING) return "(known after deploy)";
    if (isPort(v)) return code(`${v.ip ?? "0.0.0.0"}:${v.external ?? "*"}→${v.internal}/${v.protocol ?? "tcp"}`);
    if (Array.isArray(v)) {
        const whole = v
            .map((x) => (isPort(x) ? `${x.ip ?? "0.0.0.0"}:${x.external ?? "*"}→${x.internal}` : typeof x === "object" ? JSON.stringify(x) : String(x)))
            .join(", ");
        return whole.length <= MAX_LIST ? code(`[${whole}]`) : `${v.length} items`;
    }
    if (typeof v === "object") return code(JSON.stringify(v));
    return code(String(v));
}

/** old → new for a list, saying what was added and removed when the lists are long. */
function listChange(a: unknown[], b: unknown[]): string {
    const text = `${show(a)} → ${show(b)}`;
    if (!text.includes(" items")) return text;
    const key = (x: unknown) => JSON.stringify(x);
    const added = b.filter((x) => !a.map(key).includes(key(x))).length;
    const removed = a.filter((x) => !b.map(key).includes(key(x))).length;
    return `${a.length} items → ${b.length} items (+${added} −${removed})`;
}

function transition(a: unknown, b: unknown): string {
    if (Array.isArray(a) && Array.isArray(b)) return listChange(a, b);
    return `${show(a)} → ${show(b)}`;
}

/** A secret property: hidden, with the fingerprint of its new value when the plan has it. */
function secretChange(c: ResourceChange, key: string, ctx: ValueContext): string {
    if (c.change === "delete") return "secret (value hidden)";
    const next = ctx.values.newInput(c.urn, key);
    if (next === undefined) return "secret, removed";
    if (isUnavailable(next)) return next.unavailable === "unknown" ? "secret, known after deploy" : "secret (value hidden)";
    const text = typeof next === "string" ? next : JSON.stringify(next);
    // Known from here on, so the final check refuses it anywhere else in the comment.
    ctx.classifier.learn([text]);
    return `secret, new value fingerprint <code>${ctx.fingerprint(text)}</code>`;
}

/** What changes in one top-level property: "" when nothing can be said beyond its name. */
export function valueChange(c: ResourceChange, key: string, ctx: ValueContext): string {
    if (key in ELSEWHERE) return ELSEWHERE[key];
    if (key === "image" && c.type !== REMOTE_IMAGE) {
        const image = containerImage(c, ctx);
        if (image) return image;
    }
    const [oldInputs, newInputs] = [c.oldState?.inputs ?? {}, c.newState?.inputs ?? {}];
    const [a, b] = [c.change === "create" ? undefined : oldInputs[key], c.change === "delete" ? undefined : newInputs[key]];
    if (a === MASKED || b === MASKED) return secretChange(c, key, ctx);
    const plain = [a, b].map((v) => (v === undefined ? undefined : typeof v === "string" ? v : JSON.stringify(v)));
    if (ctx.classifier.isSecret(key, plain)) return "looks like a credential (value hidden)";
    if (c.type === REMOTE_IMAGE && key === "name") return imageTransition(typeof a === "string" ? a : undefined, typeof b === "string" ? b : undefined);
    const paths = Object.keys(c.detailedDiff).filter((p) => topLevelKey(p) === key && p !== key);
    if (paths.length === 0 || c.change === "create" || c.change === "delete") return transition(a, b);
    const known = paths.filter((p) => at(oldInputs, p) !== undefined || at(newInputs, p) !== undefined);
    const shown = known.slice(0, MAX_PATHS).map((p) => `${p.slice(key.length).replace(/^\./, "")} ${transition(at(oldInputs, p), at(newInputs, p))}`);
    return shown.join(", ") + (known.length > MAX_PATHS ? `, and ${known.length - MAX_PATHS} more` : "");
}

/** Every changed property of a resource with its values, replace reasons first. */
export function propertyChanges(c: ResourceChange, ctx: ValueContext): Array<{ key: string; forces: boolean; change: string }> {
    // A pulled image is created or deleted whole: its reference says which.
    const pulled = (c.change === "create" ? c.newState : c.change === "delete" ? c.oldState : undefined)?.inputs?.name;
    if (c.type === REMOTE_IMAGE && typeof pulled === "string") return [{ key: "name", forces: false, change: code(pulled) }];
    const forcing = new Set(c.replaceReasons);
    return changedProperties(c).map((key) => ({ key, forces: forcing.has(key), change: valueChange(c, key, ctx) }));
}
