// What `pulumi up` would do going from one program run to the next: each resource whose inputs
// differ, classified by the provider facts in test/support/providers. Blast-radius tests compare
// these scopes with tables written out by hand.
import { ProgramRun, Registered, unwrap } from "./program";
import { planFromInputs, PlanAction } from "./providers";

const SHORT: Record<string, string> = {
    "docker:index/container:Container": "container",
    "command:local:Command": "command",
    "random:index/randomPassword:RandomPassword": "password",
    "gcp:sql/user:User": "sqlUser",
};

/** `container/postgres`, `command/postgres-roles`, …: the names the scope tables use. */
export const short = (r: Registered) => `${SHORT[r.type] ?? r.type}/${r.name}`;

export type Scope = Record<string, PlanAction>;

/** Added and removed resources count as replaced. */
export function scopeOf(before: ProgramRun, after: ProgramRun): Scope {
    const key = (r: Registered) => `${r.type}::${r.name}`;
    const old = new Map(before.resources.map((r) => [key(r), r]));
    const scope: Scope = {};
    for (const r of after.resources) {
        const o = old.get(key(r));
        if (!o) {
            scope[short(r)] = "replace";
            continue;
        }
        if (r.type.startsWith("minimarket:") || r.type.startsWith("pulumi:providers:")) continue;
        // The engine keeps the old value of an ignored field (`ignoreChanges`) before it diffs.
        const inputs = { ...(unwrap(r.inputs) as Record<string, unknown>) };
        const oldInputs = unwrap(o.inputs) as Record<string, unknown>;
        for (const field of r.options.ignoreChanges) inputs[field] = oldInputs[field];
        // replaceOnChanges turns a diff under those paths into a replacement (the healthcheck).
        const plan = planFromInputs(r.type, oldInputs, inputs, undefined, { replaceOnChanges: r.options.replaceOnChanges });
        if (plan.action !== "same") scope[short(r)] = plan.action;
    }
    for (const r of before.resources) if (!after.resources.some((a) => key(a) === key(r))) scope[short(r)] = "replace";
    return scope;
}
