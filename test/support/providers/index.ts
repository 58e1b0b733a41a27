// Provider facts for tests: how each resource type the program declares applies a change, and how
// the provider reads a resource back. See PROVIDERS.md (one directory up) for the sources.

import { commandRules, commandSource } from "./command";
import { dockerRules, dockerSource } from "./docker";
import { DaemonFacts, readBackContainer } from "./dockerReadBack";
import { gcpRules, gcpSource } from "./gcp";
import { plan, Plan, PlanOptions } from "./plan";
import { randomRules, randomSource } from "./random";
import { ResourceRule } from "./types";

export { plan, pathContains, UnknownFieldError } from "./plan";
export type { Plan, PlanAction, PlanOptions, FieldChange } from "./plan";
export type { ChangeKind, FieldRule, ResourceRule, ProviderSource } from "./types";
export { parseCpus, nanoToDecimal, parseGoDuration, formatGoDuration, settledSwap, updateMemory, readBackContainer } from "./dockerReadBack";
export type { DaemonFacts } from "./dockerReadBack";
export { streams as commandLogStreams } from "./command";

export const sources = [dockerSource, gcpSource, commandSource, randomSource];

export const rules: ReadonlyMap<string, ResourceRule> = new Map([...dockerRules, ...gcpRules, ...commandRules, ...randomRules].map((r) => [r.token, r]));

export class UnknownTypeError extends Error {
    constructor(readonly type: string) {
        super(`resource type ${type} is not described in test/support/providers`);
    }
}

export function ruleFor(type: string): ResourceRule {
    const r = rules.get(type);
    if (!r) throw new UnknownTypeError(type);
    return r;
}

type Obj = Record<string, unknown>;

/**
 * The state a provider holds after creating a resource from `inputs` (Create ends in Read for the
 * SDKv2 providers here) or after a refresh. Types without a special read keep their inputs.
 */
export function readBack(type: string, inputs: Obj, daemon?: DaemonFacts): Obj {
    ruleFor(type);
    if (type === "docker:index/container:Container") return readBackContainer(inputs, daemon);
    return { ...inputs };
}

/** Classifies going from `oldInputs` (created, then read back) to `newInputs`, with the resource's options. */
export function planFromInputs(type: string, oldInputs: Obj, newInputs: Obj, daemon?: DaemonFacts, options?: PlanOptions): Plan {
    return plan(ruleFor(type), readBack(type, oldInputs, daemon), newInputs, options);
}

/** Same, with an explicit old state (e.g. after an update, when no Read ran). */
export function planFromState(type: string, oldState: Obj, newInputs: Obj, options?: PlanOptions): Plan {
    return plan(ruleFor(type), oldState, newInputs, options);
}
