// The environment of each changed container, as a reviewer needs it: plain variables old -> new,
// secret variables by name with a fingerprint of the new value.
//
// Fingerprint: HMAC-SHA256 keyed with PREVIEW_FINGERPRINT_KEY (a random repository secret that only
// the workflow has), first 12 hex digits. A plain hash of a low-entropy value (a short password, a
// 4-digit PIN) could be brute-forced from a public comment; without the key it cannot. The same
// value gives the same fingerprint in every comment made with the same key, so a reviewer can tell
// "rotated" from "set back to the old value".

import { createHmac, randomBytes } from "crypto";
import { ResourceChange } from "./previewJson";
import { SecretClassifier } from "./secretNames";
import { isUnavailable, StackValues } from "./secretValues";

export const CONTAINER_TYPE = "docker:index/container:Container";
const MIN_KEY_LENGTH = 32;

export type Fingerprint = (value: string) => string;

export function fingerprinter(key: string | Buffer): Fingerprint {
    if (key.length < MIN_KEY_LENGTH) throw new Error(`the fingerprint key must be at least ${MIN_KEY_LENGTH} characters (e.g. \`openssl rand -hex 32\`)`);
    return (value) => createHmac("sha256", key).update(value, "utf8").digest("hex").slice(0, 12);
}

/** A key for this run only: fingerprints then compare within one comment, not across comments. */
export function oneOffFingerprinter(): Fingerprint {
    return fingerprinter(randomBytes(32));
}

export interface VariableChange {
    name: string;
    change: "added" | "removed" | "changed";
    secret: boolean;
    /** Plain variables only. */
    old?: string;
    new?: string;
    /** Secret variables only: fingerprint of the new value. */
    fingerprint?: string;
}

export type ContainerEnv =
    | { container: string; urn: string; status: "changes"; variables: VariableChange[] }
    /** The new list depends on a value known only at deploy (e.g. a regenerated password). */
    | { container: string; urn: string; status: "unknown" }
    /** Values not supplied (no state export / plan): only the fact that `envs` changes is known. */
    | { container: string; urn: string; status: "masked" };

/** "NAME=value" strings (docker provider `envs`) to a map; the value may itself contain "=". */
export function parseEnvList(list: unknown): Map<string, string> {
    const env = new Map<string, string>();
    if (list === undefined || list === null) return env;
    if (!Array.isArray(list)) throw new Error("envs: expected a list of NAME=value strings");
    for (const item of list) {
        if (typeof item !== "string") throw new Error("envs: expected a list of NAME=value strings");
        const i = item.indexOf("=");
        if (i <= 0) env.set(item, "");
        else env.set(item.slice(0, i), item.slice(i + 1));
    }
    return env;
}

interface Pending {
    change: ResourceChange;
    old?: Map<string, string>;
    new?: Map<string, string>;
    status?: "unknown" | "masked";
}

/**
 * Environment changes of every container in `changes` whose `envs` differ. Secret variables are
 * classified across the whole stack first, so a plain variable repeating a secret value is hidden.
 */
export function containerEnvChanges(changes: ResourceChange[], values: StackValues, classifier: SecretClassifier, fp: Fingerprint): ContainerEnv[] {
    const pending: Pending[] = [];
    for (const change of changes) {
        if (change.type !== CONTAINER_TYPE || change.change === "delete") continue;
        const oldRaw = change.change === "create" ? undefined : values.oldInput(change.urn, "envs");
        const newRaw = values.newInput(change.urn, "envs");
        if (isUnavailable(oldRaw) || isUnavailable(newRaw)) {
            const envsInDiff = [...change.diffReasons, ...change.replaceReasons, ...Object.keys(change.detailedDiff)].some((k) => k.startsWith("envs"));
            if (envsInDiff || change.change === "create") {
                const masked = [oldRaw, newRaw].some((v) => isUnavailable(v) && v.unavailable === "masked");
                pending.push({ change, status: masked ? "masked" : "unknown" });
            }
            continue;
        }
        pending.push({ change, old: parseEnvList(oldRaw), new: parseEnvList(newRaw) });
    }
    // Pass 1: what the names say; their values become known secrets for pass 2.
    for (const p of pending) {
        for (const [name, value] of [...(p.old ?? []), ...(p.new ?? [])]) {
            if (classifier.isSecret(name, [])) classifier.learn([value]);
        }
    }
    const result: ContainerEnv[] = [];
    for (const p of pending) {
        const container = p.change.name;
        const urn = p.change.urn;
        if (p.status) {
            result.push({ container, urn, status: p.status });
            continue;
        }
        const names = [...new Set([...p.old!.keys(), ...p.new!.keys()])].sort();
        const variables: VariableChange[] = [];
        for (const name of names) {
            const o = p.old!.get(name);
            const n = p.new!.get(name);
            if (o === n) continue;
            const change = o === undefined ? "added" : n === undefined ? "removed" : "changed";
            if (classifier.isSecret(name, [o, n])) {
                variables.push({ name, change, secret: true, fingerprint: n === undefined ? undefined : fp(n) });
            } else {
                variables.push({ name, change, secret: false, old: o, new: n });
            }
        }
        if (variables.length > 0) result.push({ container, urn, status: "changes", variables });
    }
    return result;
}
