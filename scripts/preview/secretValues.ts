// Where the environment values of the containers come from.
//
// `pulumi preview --json` masks every secret as "[secret]" (see previewJson.ts), and the program
// passes each container's `envs` as one secret list, so the preview alone cannot say which variable
// changed. Two files written only by the workflow (or by a person locally), kept in a private
// temporary directory and deleted after use, supply the values:
//   - old values: `pulumi stack export --show-secrets --file <state.json>` (apitype.UntypedDeployment
//     with `deployment.resources[]` as apitype.ResourceV3);
//   - new values: `pulumi preview --save-plan <plan.json> --show-secrets` (apitype.DeploymentPlanV1:
//     `resourcePlans[urn].goal.inputDiff` holds the inputs that are added, updated or deleted).
// With --show-secrets a secret is written as {"4dabf18193072939515e22adb298388d":
// "1b47061264138c4ac30d75fd1eb44270", "plaintext": "<JSON of the value>"} (apitype.SecretV1); a value
// known only after deploy is the string plugin.UnknownStringValue.
// These values are only ever read by envDiff.ts, which prints secret ones as fingerprints.

import * as fs from "fs";
import { isCredentialVar, looksLikeCredential } from "../../facts/credentials";

export const SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d";
export const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
export const UNKNOWN_STRING = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** A value that is not available: masked by Pulumi (no --show-secrets) or not known until deploy. */
export type Unavailable = { unavailable: "masked" | "unknown" };
export const MASKED: Unavailable = { unavailable: "masked" };
export const UNKNOWN: Unavailable = { unavailable: "unknown" };

export function isUnavailable(v: unknown): v is Unavailable {
    return v === MASKED || v === UNKNOWN;
}

function isObject(v: unknown): v is Record<string, unknown> {
    return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Strips secret envelopes; any masked or unknown part makes the whole value unavailable. */
export function reveal(v: unknown): unknown {
    if (v === "[secret]") return MASKED;
    if (v === UNKNOWN_STRING) return UNKNOWN;
    if (Array.isArray(v)) {
        const items = v.map(reveal);
        return items.find(isUnavailable) ?? items;
    }
    if (isObject(v)) {
        if (v[SECRET_SIG_KEY] === SECRET_SIG) {
            return typeof v.plaintext === "string" ? reveal(JSON.parse(v.plaintext)) : MASKED;
        }
        const entries = Object.entries(v).map(([k, x]) => [k, reveal(x)] as const);
        return entries.find(([, x]) => isUnavailable(x))?.[1] ?? Object.fromEntries(entries);
    }
    return v;
}

interface StateResource {
    urn: string;
    type: string;
    inputs?: Record<string, unknown>;
    outputs?: Record<string, unknown>;
}

interface ResourcePlan {
    goal?: { type?: string; inputDiff?: { adds?: Record<string, unknown>; updates?: Record<string, unknown>; deletes?: string[] } };
    state?: Record<string, unknown>;
}

/** Environment values of one stack, from the optional state export and plan. */
export class StackValues {
    private readonly state = new Map<string, StateResource>();
    private readonly plans = new Map<string, ResourcePlan>();
    readonly hasState: boolean;
    readonly hasPlan: boolean;

    constructor(stateExport?: unknown, plan?: unknown) {
        this.hasState = stateExport !== undefined;
        this.hasPlan = plan !== undefined;
        if (stateExport !== undefined) {
            const d = isObject(stateExport) && isObject(stateExport.deployment) ? stateExport.deployment : undefined;
            if (!d || !Array.isArray(d.resources)) throw new Error("state: expected the output of `pulumi stack export` ({deployment: {resources: [...]}})");
            for (const r of d.resources as StateResource[]) this.state.set(r.urn, r);
        }
        if (plan !== undefined) {
            // `pulumi preview --save-plan` writes DeploymentPlanV1; accept the versioned wrapper too.
            const p = isObject(plan) && isObject(plan.plan) ? plan.plan : plan;
            if (!isObject(p) || !isObject(p.resourcePlans ?? {}))
                throw new Error("plan: expected the file of `pulumi preview --save-plan` ({resourcePlans: {...}})");
            for (const [urn, rp] of Object.entries((p.resourcePlans ?? {}) as Record<string, ResourcePlan>)) this.plans.set(urn, rp);
        }
    }

    static fromFiles(stateFile?: string, planFile?: string): StackValues {
        const read = (f?: string) => (f === undefined ? undefined : (JSON.parse(fs.readFileSync(f, "utf8")) as unknown));
        return new StackValues(read(stateFile), read(planFile));
    }

    /** The input as it is now; undefined when the resource does not exist yet. */
    oldInput(urn: string, key: string): unknown {
        if (!this.hasState) return MASKED;
        const r = this.state.get(urn);
        if (!r) return undefined;
        return reveal(r.inputs?.[key]);
    }

    /** The input after this change, from the plan's input diff against the current inputs. */
    newInput(urn: string, key: string): unknown {
        if (!this.hasPlan) return MASKED;
        const diff = this.plans.get(urn)?.goal?.inputDiff;
        if (diff?.deletes?.includes(key)) return undefined;
        if (diff?.updates && key in diff.updates) return reveal(diff.updates[key]);
        if (diff?.adds && key in diff.adds) return reveal(diff.adds[key]);
        return this.oldInput(urn, key);
    }

    /**
     * The credentials among the values marked secret in the state export and the plan, for
     * redaction and the final check: a secret that is a string as a whole, and inside a secret
     * list or map the values of credential names (`DATABASE_URL=…`, `password: …`) or that look like
     * one. Not every value of a secret list: an app's whole environment is one secret, and its
     * TZ or LOG_LEVEL may rightly appear in the comment.
     */
    credentialValues(): string[] {
        const found = new Set<string>();
        const collect = (v: unknown, key: string, inSecret: boolean): void => {
            if (isObject(v) && v[SECRET_SIG_KEY] === SECRET_SIG) {
                const inner = typeof v.plaintext === "string" ? (JSON.parse(v.plaintext) as unknown) : undefined;
                if (typeof inner === "string") found.add(inner);
                else collect(inner, key, true);
            } else if (typeof v === "string" && inSecret) {
                const assignment = /^([A-Za-z_][A-Za-z0-9_]*)=([\s\S]*)$/.exec(v);
                if (assignment && (isCredentialVar(assignment[1]) || looksLikeCredential(assignment[2]))) found.add(assignment[2]);
                else if (!assignment && (isCredentialVar(key.toUpperCase()) || looksLikeCredential(v))) found.add(v);
            } else if (Array.isArray(v)) {
                for (const x of v) collect(x, key, inSecret);
            } else if (isObject(v)) {
                for (const [k, x] of Object.entries(v)) collect(x, k, inSecret);
            }
        };
        for (const r of this.state.values()) collect({ inputs: r.inputs, outputs: r.outputs }, "", false);
        for (const p of this.plans.values()) collect({ goal: p.goal, state: p.state }, "", false);
        return [...found];
    }

    /** Generated passwords (RandomPassword results), old and new: never to appear in any output. */
    generatedSecrets(): string[] {
        const found: string[] = [];
        const add = (v: unknown) => {
            const r = reveal(v);
            if (typeof r === "string") found.push(r);
        };
        for (const r of this.state.values()) if (r.type === "random:index/randomPassword:RandomPassword") add(r.outputs?.result);
        for (const p of this.plans.values()) if (p.goal?.type === "random:index/randomPassword:RandomPassword") add(p.state?.result);
        return found;
    }
}
