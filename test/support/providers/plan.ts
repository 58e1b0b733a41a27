// Classifies a change of a resource the way the engine and the bridged provider would: the old
// side is the state as the provider read it back (see readBack), the new side the program's inputs.
// Secret values must be unwrapped before they are passed in. A field that the data in this directory
// does not describe is an error: a new field must be classified from source before a test passes.

import { ChangeKind, FieldRule, ResourceRule } from "./types";

export type PlanAction = "same" | "update" | "replace" | "ignored-change";

export interface FieldChange {
    /** Path in Pulumi names, e.g. `healthcheck.interval`, `ports[0].external`. */
    path: string;
    kind: ChangeKind;
    /** Upstream attribute and schema line, for the failure message. */
    ref: string;
}

export interface Plan {
    action: PlanAction;
    changes: FieldChange[];
    /** Fields whose diff comes back after every refresh, because Update never applies them. */
    recurring: string[];
}

export class UnknownFieldError extends Error {
    constructor(
        readonly type: string,
        readonly path: string,
    ) {
        super(`${type}: field "${path}" is not classified in test/support/providers; read the provider's source and add it`);
    }
}

const severity: Record<ChangeKind, number> = { "state-only": 0, ignored: 1, update: 2, replace: 3 };

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
    return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** SDKv2 reads an unset value as its zero value, so these are all "nothing". */
function isEmpty(v: unknown): boolean {
    return (
        v === undefined || v === null || v === "" || v === 0 || v === false || (Array.isArray(v) && v.length === 0) || (isObj(v) && Object.keys(v).length === 0)
    );
}

/** Stable text of a value: keys sorted, so maps and objects compare by content. */
export function canonical(v: unknown): string {
    if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
    if (isObj(v)) {
        return `{${Object.keys(v)
            .filter((k) => v[k] !== undefined)
            .sort()
            .map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`)
            .join(",")}}`;
    }
    return JSON.stringify(v ?? null);
}

/** A nested object with defaults filled and values normalized, for set comparison. */
function settle(rules: Record<string, FieldRule>, value: unknown): unknown {
    if (!isObj(value)) return value;
    const out: Obj = {};
    for (const [k, r] of Object.entries(rules)) {
        let v = value[k] ?? r.default;
        if (r.normalize && v !== undefined) v = r.normalize(v);
        if (r.fields && Array.isArray(v)) v = v.map((e) => settle(r.fields!, e));
        else if (r.fields) v = settle(r.fields, v);
        else if (r.set && Array.isArray(v)) v = [...v].map(canonical).sort();
        if (!isEmpty(v)) out[k] = v;
    }
    for (const k of Object.keys(value)) if (!(k in rules) && value[k] !== undefined) out[k] = value[k];
    return out;
}

class Differ {
    readonly changes: FieldChange[] = [];
    constructor(private readonly type: string) {}

    fields(rules: Record<string, FieldRule>, olds: Obj, news: Obj, prefix: string): void {
        const keys = new Set([...Object.keys(olds), ...Object.keys(news)]);
        for (const key of keys) {
            const path = prefix ? `${prefix}.${key}` : key;
            const r = rules[key];
            if (!r) {
                if (olds[key] === undefined && news[key] === undefined) continue;
                throw new UnknownFieldError(this.type, path);
            }
            this.value(r, olds[key], news[key], path);
        }
    }

    private record(r: FieldRule, path: string, kind: ChangeKind = r.change): void {
        this.changes.push({ path, kind, ref: `${r.tf} (line ${r.line})` });
    }

    private value(r: FieldRule, o: unknown, n: unknown, path: string): void {
        if (n === undefined && r.computed) return;
        if (n === undefined) n = r.default;
        if (o === undefined) o = r.default;
        if (r.normalize) {
            o = o === undefined ? o : r.normalize(o);
            n = n === undefined ? n : r.normalize(n);
        }
        if (isEmpty(o) && isEmpty(n)) return;
        if (r.fields) return this.nested(r, o, n, path);
        const same =
            r.set && Array.isArray(o) && Array.isArray(n)
                ? canonical([...o].map(canonical).sort()) === canonical([...n].map(canonical).sort())
                : canonical(o) === canonical(n);
        if (!same) this.record(r, path, isEmpty(n) && r.unsetIs ? r.unsetIs : r.change);
    }

    private nested(r: FieldRule, o: unknown, n: unknown, path: string): void {
        const rules = r.fields!;
        if (!Array.isArray(o) && !Array.isArray(n)) {
            return this.fields(rules, isObj(o) ? o : {}, isObj(n) ? n : {}, path);
        }
        let olds = Array.isArray(o) ? o : [];
        let news = Array.isArray(n) ? n : [];
        if (r.set) {
            // Elements of a set are matched by content; what is left over was changed.
            const key = (e: unknown) => canonical(settle(rules, e));
            const remaining = news.map(key);
            const unmatchedOld = olds.filter((e) => {
                const i = remaining.indexOf(key(e));
                if (i < 0) return true;
                remaining.splice(i, 1);
                return false;
            });
            news = news.filter((e) => remaining.includes(key(e)));
            olds = unmatchedOld;
            if (olds.length === 0 && news.length === 0) return;
        }
        const before = this.changes.length;
        if (olds.length !== news.length) this.record(r, path);
        const common = Math.min(olds.length, news.length);
        for (let i = 0; i < common; i++) {
            this.fields(rules, isObj(olds[i]) ? (olds[i] as Obj) : {}, isObj(news[i]) ? (news[i] as Obj) : {}, `${path}[${i}]`);
        }
        if (this.changes.length === before && canonical(olds) !== canonical(news)) this.record(r, path);
        // A ForceNew set or list replaces whatever changed inside it.
        if (r.change === "replace") {
            for (const c of this.changes.slice(before)) c.kind = "replace";
        }
    }
}

/** Resource options of the program that change how the engine treats the provider's diff. */
export interface PlanOptions {
    /**
     * `replaceOnChanges`: the engine turns a diff at or under any of these paths into a replacement
     * (pulumi/pulumi pkg/resource/deploy/step_generator.go applyReplaceOnChanges, which uses
     * PropertyPath.Contains: "healthcheck" covers "healthcheck.interval").
     */
    replaceOnChanges?: string[];
}

/** Whether property path `outer` is `inner` or an ancestor of it (`a` contains `a.b` and `a[0]`). */
export function pathContains(outer: string, inner: string): boolean {
    return inner === outer || inner.startsWith(`${outer}.`) || inner.startsWith(`${outer}[`);
}

export function plan(resource: ResourceRule, oldState: Obj, newInputs: Obj, options: PlanOptions = {}): Plan {
    const differ = new Differ(resource.token);
    differ.fields(resource.fields, oldState, newInputs, "");
    const changes = differ.changes;
    for (const c of changes) {
        if ((options.replaceOnChanges ?? []).some((p) => pathContains(p, c.path))) {
            c.kind = "replace";
            c.ref += " + replaceOnChanges";
        }
    }
    const top = changes.reduce<ChangeKind | undefined>((acc, c) => (acc === undefined || severity[c.kind] > severity[acc] ? c.kind : acc), undefined);
    const action: PlanAction = top === undefined ? "same" : top === "replace" ? "replace" : top === "ignored" ? "ignored-change" : "update";
    return { action, changes, recurring: changes.filter((c) => c.kind === "ignored").map((c) => c.path) };
}
