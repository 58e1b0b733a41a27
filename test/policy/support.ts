// What the policy tests share: the program's own resources for both stacks (run once per mocha
// process), resources made from them with one thing changed, and the pack evaluated the way
// `npm run policy` evaluates it.

import { Policies } from "@pulumi/policy";
import { policies } from "../../policy/policies";
import { evaluate, RecordedResource, Violation } from "../../scripts/policy/evaluate";
import { ProgramRun, runProgram, SECRET_SIG, SIG_KEY } from "../support/program";

const runs = new Map<string, Promise<ProgramRun>>();
/** The runs one after the other: the Pulumi runtime's config and mocks are global. */
let last: Promise<unknown> = Promise.resolve();

/** The program under mocks for a stack with its committed config; one run per stack and process. */
export function programRun(stack: "staging" | "prod"): Promise<ProgramRun> {
    if (!runs.has(stack)) {
        const run = last.then(() => runProgram({ stack }));
        last = run.catch(() => undefined);
        runs.set(
            stack,
            run.then((r) => {
                if (r.error) throw r.error;
                return r;
            }),
        );
    }
    return runs.get(stack)!;
}

/** A resource of a run, by type and name. */
export async function recorded(stack: "staging" | "prod", type: string, name: string): Promise<RecordedResource> {
    const r = (await programRun(stack)).resources.find((x) => x.type === type && x.name === name);
    if (!r) throw new Error(`${stack} has no ${type} ${name}`);
    return r as RecordedResource;
}

type Props = Record<string, any>;

/** A copy of `r` with `change` applied to its inputs and outputs alike (a fresh object each time). */
export function changed(r: RecordedResource, change: (props: Props) => void, name = r.name): RecordedResource {
    const copy = (p: Props) => {
        const c = JSON.parse(JSON.stringify(p)) as Props;
        change(c);
        return c;
    };
    return { ...r, name, inputs: copy(r.inputs), outputs: copy(r.outputs), dependencies: [...r.dependencies] };
}

/** A resource made from scratch, inputs and outputs the same. */
export function made(type: string, name: string, props: Props, parent = ""): RecordedResource {
    return {
        type,
        name,
        parent,
        inputs: props,
        outputs: props,
        dependencies: [],
        options: { protect: false, ignoreChanges: [], deleteBeforeReplace: false, deleteBeforeReplaceDefined: false },
    };
}

/** A value wrapped the way the engine marks a secret. */
export function secret(value: unknown): Props {
    return { [SIG_KEY]: SECRET_SIG, value };
}

/** An input not known until deploy (the engine's unknown string, pulumi/pulumi sdk plugin.UnknownStringValue). */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export function policyNamed(name: string): Policies[number] {
    const p = policies.find((x) => x.name === name);
    if (!p) throw new Error(`no policy ${name}`);
    return p;
}

/** The violations one policy reports over `resources` on `stack`. */
export function violationsOf(policy: string, resources: RecordedResource[], stack = "staging"): Violation[] {
    return evaluate([policyNamed(policy)], resources, stack);
}
