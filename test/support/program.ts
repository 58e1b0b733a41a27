// Runs the Pulumi program under mocks, with stack config set the way the CLI sets it, and
// records what it registers. Mocks stand in for the providers: they return the computed values
// a provider would (generated passwords, image ids), so the program's flows can be followed.

import * as crypto from "crypto";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { readStackFile, StackFile, stackFilePath } from "../../config";
import { readBack, UnknownTypeError } from "./providers";

/** The read-back state of a resource type the provider facts describe; other types keep their inputs. */
function providerState(type: string, inputs: Record<string, unknown>): Record<string, unknown> {
    try {
        return readBack(type, inputs);
    } catch (e) {
        if (e instanceof UnknownTypeError) return { ...inputs };
        throw e;
    }
}

/** How the engine marks a secret value: `{ [SIG_KEY]: SECRET_SIG, value }`. */
export const SIG_KEY = "4dabf18193072939515e22adb298388d";
export const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

export interface Registered {
    type: string;
    name: string;
    /** Inputs as the engine receives them; secret values are wrapped `{ [sig]: SECRET_SIG, value }`. */
    inputs: Record<string, unknown>;
    provider: string;
    /** URNs this resource waits for (dependsOn and inputs from other resources). */
    dependencies: string[];
    parent: string;
    urn: string;
    /** `deleteBeforeReplaceDefined`: whether the program set deleteBeforeReplace at all (false overrides the provider's choice). */
    options: {
        deleteBeforeReplace: boolean;
        deleteBeforeReplaceDefined: boolean;
        retainOnDelete: boolean;
        protect: boolean;
        ignoreChanges: string[];
        replaceOnChanges: string[];
    };
}

interface RegisterRequest {
    getType(): string;
    getName(): string;
    getParent(): string;
    getDependenciesList(): string[];
    getDeletebeforereplace(): boolean | undefined;
    getDeletebeforereplacedefined(): boolean | undefined;
    getRetainondelete(): boolean | undefined;
    getProtect(): boolean | undefined;
    getIgnorechangesList(): string[];
    getReplaceonchangesList(): string[];
}

export interface ProgramRun {
    resources: Registered[];
    outputs: Record<string, unknown>;
    error?: Error;
    /** Every generated value the mocks handed out (the plaintext of generated secrets). */
    generated: string[];
}

export interface StackSettings {
    stack?: string;
    /** Keys without the `minimarket:` prefix; objects and lists are stored as JSON, like `--path`. */
    config?: Record<string, unknown>;
    /** Keys set with `--secret`. */
    secretKeys?: string[];
    /** Other namespaces, e.g. `{ "gcp:project": "p" }`. */
    rawConfig?: Record<string, string>;
    /** Start from the committed Pulumi.<stack>.yaml, as `pulumi up --stack <stack>` does (default true). */
    useStackFile?: boolean;
    /**
     * Runs on the fresh copy of the program's modules before the program: a test changes a module's
     * exported value there to see what a deployed older version declared (blast-radius tests).
     */
    patch?: () => void;
}

/** The committed config of a stack, as the CLI hands it to the program. */
export function stackFileConfig(stack: string): StackFile {
    return readStackFile(stackFilePath(stack, path.join(__dirname, "..", "..")));
}

function hash(text: string, length = 16): string {
    return crypto.createHash("sha256").update(text).digest("hex").slice(0, length);
}

/**
 * A generated password as random.RandomPassword would make it: deterministic for its name, length
 * and keepers, and full of the punctuation that broke the old deploys, to prove it survives.
 */
export function mockPassword(name: string, inputs: Record<string, unknown>): string {
    const seed = hash(`${name}:${JSON.stringify(inputs.keepers ?? {})}`, 24);
    const length = Number(inputs.length ?? 32);
    const special = inputs.special ? "&?!)($'\" " : "";
    return (special + seed + "Aa0").padEnd(length, "x").slice(0, Math.max(length, special.length + 3));
}

/** What Google computes for the resources the prod stack declares. */
export const MOCK_CLOUD = {
    project: "minimarket-prod-4711",
    sqlPrivateIp: "10.77.0.3",
    vmAddress: "34.95.10.20",
    redisHost: "10.77.1.4",
    redisAuth: "memorystore-auth-9f8e7d6c5b4a",
    redisCa: "-----BEGIN CERTIFICATE-----\nMIIBmockca\n-----END CERTIFICATE-----",
    instanceId: "4815162342",
};

/** The values a provider would compute for a resource, beyond its inputs. */
export function computedState(type: string, name: string, inputs: Record<string, unknown>): Record<string, unknown> {
    const M = MOCK_CLOUD;
    switch (type) {
        case "random:index/randomPassword:RandomPassword":
            return { result: mockPassword(name, inputs) };
        case "docker:index/remoteImage:RemoteImage":
            return { imageId: `sha256:${hash(String(inputs.name), 64)}`, repoDigest: `${inputs.name}@sha256:${hash(String(inputs.name), 64)}` };
        case "command:local:Command":
            return { stdout: "", stderr: "" };
        case "gcp:sql/databaseInstance:DatabaseInstance":
            return { privateIpAddress: M.sqlPrivateIp, connectionName: `${M.project}:southamerica-east1:${inputs.name}`, publicIpAddress: "" };
        case "gcp:compute/address:Address":
            return { address: M.vmAddress };
        case "gcp:compute/instance:Instance":
            return { instanceId: M.instanceId };
        case "gcp:compute/disk:Disk":
            return { selfLink: `https://www.googleapis.com/compute/v1/projects/${M.project}/zones/${inputs.zone}/disks/${inputs.name}` };
        case "gcp:serviceaccount/account:Account":
            return { email: `${inputs.accountId}@${M.project}.iam.gserviceaccount.com` };
        case "gcp:redis/instance:Instance":
            return { host: M.redisHost, port: 6378, authString: M.redisAuth, serverCaCerts: [{ cert: M.redisCa }] };
        default:
            return {};
    }
}

export interface MockedRun<T> {
    resources: Registered[];
    /** Resources by `type/name`. */
    byKey: Map<string, Registered>;
    result?: T;
    error?: Error;
    /** Every generated password the mocks handed out. */
    generated: string[];
}

/** Declares resources with `declare` under mocks for `stack`, and waits until every registration arrived. */
export async function underMocks<T>(stack: string, declare: () => T, configure: () => void = () => undefined): Promise<MockedRun<T>> {
    const resources: Registered[] = [];
    const generated: string[] = [];
    await pulumi.runtime.setMocks(
        {
            newResource(args: pulumi.runtime.MockResourceArgs): { id: string; state: Record<string, unknown> } {
                const inputs = args.inputs as Record<string, unknown>;
                const req = requests.get(`${args.type}::${args.name}`);
                resources.push({
                    type: args.type,
                    name: args.name,
                    inputs,
                    provider: args.provider ?? "",
                    dependencies: req?.dependencies ?? [],
                    options: req?.options ?? {
                        deleteBeforeReplace: false,
                        deleteBeforeReplaceDefined: false,
                        retainOnDelete: false,
                        protect: false,
                        ignoreChanges: [],
                        replaceOnChanges: [],
                    },
                    parent: req?.parent ?? "",
                    urn: `${req?.parent ?? ""}$${args.type}::${args.name}`,
                });
                const computed = computedState(args.type, args.name, inputs);
                if (typeof computed.result === "string") generated.push(computed.result);
                // State as the provider reads it back after create (e.g. cpus "1" → "1.0"), per test/support/providers.
                return { id: `${args.name}-id`, state: { ...providerState(args.type, inputs), ...computed } };
            },
            call(args: pulumi.runtime.MockCallArgs): Record<string, unknown> {
                return args.inputs;
            },
        },
        "minimarket",
        stack,
        false,
    );
    // The mocks' newResource does not see dependencies or options; the monitor's request has them.
    const requests = new Map<string, Pick<Registered, "dependencies" | "parent" | "options">>();
    const monitor = pulumi.runtime.getMonitor() as unknown as { registerResource(req: RegisterRequest, cb: unknown): unknown };
    const register = monitor.registerResource.bind(monitor);
    monitor.registerResource = (req, cb) => {
        requests.set(`${req.getType()}::${req.getName()}`, {
            dependencies: req.getDependenciesList(),
            parent: req.getParent(),
            options: {
                deleteBeforeReplace: req.getDeletebeforereplace() ?? false,
                deleteBeforeReplaceDefined: req.getDeletebeforereplacedefined() ?? false,
                retainOnDelete: req.getRetainondelete() ?? false,
                protect: req.getProtect() ?? false,
                ignoreChanges: req.getIgnorechangesList() ?? [],
                replaceOnChanges: req.getReplaceonchangesList() ?? [],
            },
        });
        return register(req, cb);
    };
    configure();
    let result: T | undefined;
    let error: Error | undefined;
    try {
        result = declare();
    } catch (e) {
        error = e as Error;
    }
    await settle();
    return { resources, byKey: new Map(resources.map((r) => [`${r.type}/${r.name}`, r])), result, error, generated };
}

export async function runProgram(settings: StackSettings = {}): Promise<ProgramRun> {
    const stack = settings.stack ?? "staging";
    const configure = () => {
        const fromFile = settings.useStackFile === false ? {} : stackFileConfig(stack).values;
        const values: Record<string, string> = { ...fromFile, ...settings.rawConfig };
        for (const [k, v] of Object.entries(settings.config ?? {})) {
            values[`minimarket:${k}`] = typeof v === "string" ? v : JSON.stringify(v);
        }
        pulumi.runtime.setAllConfig(
            values,
            (settings.secretKeys ?? []).map((k) => `minimarket:${k}`),
        );
        // A fresh copy of the program for every run, like a new `pulumi up`.
        for (const id of Object.keys(require.cache)) {
            if (!id.includes("node_modules") && !id.includes("/test/")) delete require.cache[id];
        }
        settings.patch?.();
    };
    let outputs: Record<string, unknown> = {};
    const run = await underMocks(stack, () => (require("../../index") as () => Record<string, unknown>)(), configure);
    let error = run.error;
    if (!error) {
        try {
            outputs = await resolveDeep(run.result);
        } catch (e) {
            error = e as Error;
        }
    }
    return { resources: run.resources, outputs, error, generated: run.generated };
}

/**
 * Waits until every outstanding registration has reached the mocks: the SDK counts them, as
 * `pulumi up` does before it exits. (waitForRPCs is exported by the SDK's runtime but not typed.)
 */
async function settle(): Promise<void> {
    const settings = require("@pulumi/pulumi/runtime/settings") as { waitForRPCs(): Promise<void> };
    await settings.waitForRPCs();
}

/** Resolves Outputs in the program's exports, keeping secretness visible as the engine's wrapper. */
async function resolveDeep(value: unknown): Promise<Record<string, unknown>> {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries((value ?? {}) as Record<string, unknown>)) {
        out[k] = await resolveOne(v);
    }
    return out;
}

async function resolveOne(v: unknown): Promise<unknown> {
    if (pulumi.Output.isInstance(v)) {
        const secret = await pulumi.isSecret(v);
        const resolved = await new Promise((resolve) => (v as pulumi.Output<unknown>).apply((x) => resolve(x)));
        return secret ? { [SIG_KEY]: SECRET_SIG, value: resolved } : resolved;
    }
    return v;
}

export function isSecretWrapper(v: unknown): v is { value: unknown } {
    return typeof v === "object" && v !== null && (v as Record<string, unknown>)[SIG_KEY] === SECRET_SIG;
}

/** Removes secret wrappers, for reading values. */
export function unwrap(v: unknown): unknown {
    if (isSecretWrapper(v)) return unwrap(v.value);
    if (Array.isArray(v)) return v.map(unwrap);
    if (typeof v === "object" && v !== null) {
        return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, unwrap(x)]));
    }
    return v;
}

/** Paths at which `needle` occurs in plain text, outside any secret wrapper. */
export function plainOccurrences(v: unknown, needle: string, path = ""): string[] {
    if (isSecretWrapper(v)) return [];
    if (typeof v === "string") return v.includes(needle) ? [path || "(value)"] : [];
    if (Array.isArray(v)) return v.flatMap((x, i) => plainOccurrences(x, needle, `${path}[${i}]`));
    if (typeof v === "object" && v !== null) {
        return Object.entries(v).flatMap(([k, x]) => plainOccurrences(x, needle, path ? `${path}.${k}` : k));
    }
    return [];
}

export function byType(run: ProgramRun, type: string): Registered[] {
    return run.resources.filter((r) => r.type === type);
}

export function named(run: ProgramRun, type: string, name: string): Registered {
    const found = run.resources.find((r) => r.type === type && r.name === name);
    if (!found) throw new Error(`no ${type} named ${name}; registered: ${run.resources.map((r) => `${r.type}/${r.name}`).join(", ")}`);
    return found;
}

/** `KEY=value` lines of a container as a map. */
export function containerEnv(container: Registered): Record<string, string> {
    const list = (unwrap(container.inputs.envs) ?? []) as string[];
    return Object.fromEntries(list.map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]));
}

/** The resource a URN names, by its type and name. */
export function resourceOf(run: ProgramRun, urn: string): Registered | undefined {
    const [type, name] = urn.slice(urn.lastIndexOf("::", urn.lastIndexOf("::") - 1) + 2).split("::");
    return run.resources.find((r) => r.type === type.split("$").pop() && r.name === name);
}

/** `type/name` of everything `resource` waits for. */
export function dependenciesOf(run: ProgramRun, resource: Registered): string[] {
    return resource.dependencies.map((u) => {
        const r = resourceOf(run, u);
        return r ? `${r.type}/${r.name}` : u;
    });
}
