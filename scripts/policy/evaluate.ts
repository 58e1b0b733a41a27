// Runs the policy pack over resources recorded under mocks, handing each policy what the engine
// would. The calls mirror @pulumi/policy v1.21.0 server.ts:
//   - makeAnalyzeRpcFun: per resource, per resource policy (skipped when "disabled", "remediate"
//     reported as "mandatory", skipped without a call when the validation names another type via
//     getPulumiType), props = unknownCheckingProxy(deserializeProperties(inputs, false));
//   - makeAnalyzeStackRpcFun: once per stack policy with every resource, props from its outputs,
//     parent and dependencies resolved to the other resources;
//   - makeReportViolationFun: a string message becomes "<description>\n<message>";
//   - UnknownValueError becomes an advisory "can't run policy … during preview"; NotApplicableError
//     means the policy does not apply.
// deserializeProperties is the SDK's own (its deserialize.js; the module declares no types), fed
// the JSON the engine's MarshalProperties(KeepSecrets) sends: secrets as
// {"4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value}, which it
// unwraps. The pulumi/pulumi engine (v3.248.0 pkg/resource/deploy/step_generator.go) analyses a
// resource's inputs and, at the end, every resource's outputs.

import {
    EnforcementLevel,
    Policies,
    PolicyResource,
    PolicyResourceOptions,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationPolicy,
} from "@pulumi/policy";
import { unknownCheckingProxy, UnknownValueError } from "../../policy/sdk";

// Exported by the SDK's JavaScript (policy.js, deserialize.js) but marked @internal, so its
// declarations leave them out.
const { getPulumiType, isResourcePolicy, isStackPolicy } = require("@pulumi/policy") as {
    getPulumiType(o: unknown): string | undefined;
    isResourcePolicy(p: unknown): p is ResourceValidationPolicy;
    isStackPolicy(p: unknown): p is StackValidationPolicy;
};
const { deserializeProperties } = require("@pulumi/policy/deserialize") as {
    deserializeProperties(struct: { toJavaScript(): unknown }, proxySecrets: boolean): Record<string, unknown>;
};

/** A resource as the harness recorded it (test/support/program.ts Registered). */
export interface RecordedResource {
    type: string;
    name: string;
    /** URN of the parent, as the engine (here the mock monitor) made it; "" for none. */
    parent: string;
    inputs: Record<string, unknown>;
    outputs: Record<string, unknown>;
    /** URNs it depends on. */
    dependencies: string[];
    options: { protect: boolean; ignoreChanges: string[]; deleteBeforeReplace: boolean; deleteBeforeReplaceDefined: boolean };
}

export interface Violation {
    policy: string;
    level: Exclude<EnforcementLevel, "disabled" | "remediate">;
    urn?: string;
    message: string;
}

/** The URN the engine gives a resource (the mock monitor's newUrn, @pulumi/pulumi runtime/mocks.js). */
export function urnOf(stack: string, project: string, r: Pick<RecordedResource, "type" | "name" | "parent">): string {
    const type = r.parent ? `${r.parent.split("::")[2].split("$").pop()}$${r.type}` : r.type;
    return `urn:pulumi:${stack}::${project}::${type}::${r.name}`;
}

class NotApplicable extends Error {}

/** Properties as a policy receives them: JSON from the engine, secrets unwrapped, unknowns guarded. */
export function engineProps(values: Record<string, unknown>): Record<string, any> {
    const json = JSON.parse(JSON.stringify(values ?? {}));
    return unknownCheckingProxy(deserializeProperties({ toJavaScript: () => json }, false));
}

function options(r: RecordedResource): PolicyResourceOptions {
    const opts: PolicyResourceOptions = {
        protect: r.options.protect,
        ignoreChanges: r.options.ignoreChanges,
        aliases: [],
        customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
        additionalSecretOutputs: [],
    };
    if (r.options.deleteBeforeReplaceDefined) opts.deleteBeforeReplace = r.options.deleteBeforeReplace;
    if (r.parent) opts.parent = r.parent;
    return opts;
}

function isTypeOf(type: string, resourceClass: unknown): boolean {
    const t = getPulumiType(resourceClass);
    if (t) return type === t;
    const isInstance = (resourceClass as { isInstance?: (o: unknown) => boolean }).isInstance;
    return typeof isInstance === "function" && isInstance({ __pulumiType: type }) === true;
}

function levelOf(declared: EnforcementLevel | undefined): Violation["level"] | undefined {
    // PolicyPack's default is "advisory" (policy.ts defaultEnforcementLevel); index.ts sets none.
    const level = declared ?? "advisory";
    if (level === "disabled") return undefined;
    return level === "remediate" ? "mandatory" : level;
}

function reporter(policy: { name: string; description: string }, level: Violation["level"], found: Violation[], defaultUrn?: string): ReportViolation {
    return (message: string, urn?: string) => {
        found.push({ policy: policy.name, level, urn: urn ?? defaultUrn, message: message ? `${policy.description}\n${message}` : policy.description });
    };
}

/** What the SDK reports when a policy reads a value that is not known yet. */
function cannotRun(name: string, e: Error): string {
    return `can't run policy '${name}' during preview: ${e.message}`;
}

export function evaluate(policies: Policies, resources: RecordedResource[], stack: string, project = "minimarket"): Violation[] {
    const found: Violation[] = [];
    const urns = resources.map((r) => urnOf(stack, project, r));
    for (const policy of policies) {
        const level = levelOf(policy.enforcementLevel);
        if (!level) continue;
        if (isResourcePolicy(policy) && policy.validateResource) {
            const validations = Array.isArray(policy.validateResource) ? policy.validateResource : [policy.validateResource];
            resources.forEach((r, i) => {
                for (const validate of validations) {
                    const only = getPulumiType(validate);
                    if (only && only !== r.type) continue;
                    const props = engineProps(r.inputs);
                    const args: ResourceValidationArgs = {
                        type: r.type,
                        props,
                        urn: urns[i],
                        name: r.name,
                        opts: options(r),
                        stackTags: new Map(),
                        isType: (c: unknown) => isTypeOf(r.type, c),
                        asType: (c: unknown) => (isTypeOf(r.type, c) ? props : undefined) as any,
                        getConfig: <T extends object>() => ({}) as T,
                        notApplicable: (reason?: string): never => {
                            throw new NotApplicable(reason);
                        },
                    };
                    try {
                        validate(args, reporter(policy, level, found, urns[i]));
                    } catch (e) {
                        if (e instanceof NotApplicable) continue;
                        if (e instanceof UnknownValueError)
                            found.push({ policy: policy.name, level: "advisory", urn: urns[i], message: cannotRun(policy.name, e) });
                        else throw new Error(`Error validating resource with policy '${policy.name}': ${(e as Error).stack}`);
                    }
                }
            });
        }
        if (isStackPolicy(policy)) {
            const only = getPulumiType(policy.validateStack);
            if (only && !resources.some((r) => r.type === only)) continue;
            const stackResources: PolicyResource[] = resources.map((r, i) => {
                const props = engineProps(r.outputs);
                return {
                    type: r.type,
                    props,
                    urn: urns[i],
                    name: r.name,
                    opts: options(r),
                    dependencies: [],
                    propertyDependencies: {},
                    isType: (c: unknown) => isTypeOf(r.type, c),
                    asType: (c: unknown) => (isTypeOf(r.type, c) ? props : undefined) as any,
                };
            });
            const byUrn = new Map(stackResources.map((r) => [r.urn, r]));
            resources.forEach((r, i) => {
                const parent = byUrn.get(r.parent);
                if (parent) stackResources[i].parent = parent;
                stackResources[i].dependencies = r.dependencies.map((d) => byUrn.get(d)).filter((d): d is PolicyResource => d !== undefined);
            });
            try {
                policy.validateStack(
                    {
                        resources: stackResources,
                        getConfig: <T extends object>() => ({}) as T,
                        stackTags: new Map(),
                        notApplicable: (reason?: string): never => {
                            throw new NotApplicable(reason);
                        },
                    },
                    reporter(policy, level, found),
                );
            } catch (e) {
                if (e instanceof NotApplicable) continue;
                if (e instanceof UnknownValueError) found.push({ policy: policy.name, level: "advisory", message: cannotRun(policy.name, e) });
                else throw new Error(`Error validating stack with policy '${policy.name}': ${(e as Error).stack}`);
            }
        }
    }
    return found;
}
