// The deploy figures, computed from the declared resources rather than assumed: how long a fresh
// deploy waits for health probes along its longest chain of gates, and how long each service is
// unavailable when its image is bumped or a secret it reads is rotated. Pure: it reads the inputs,
// options and dependencies of the resources as the engine receives them.
import { parseSeconds, probeWaitSeconds } from "./health";

/** One declared resource, in plain data (secret inputs unwrapped). */
export interface DeclaredResource {
    type: string;
    name: string;
    inputs: Record<string, unknown>;
    /** The `deleteBeforeReplace` resource option when the program set it, either way. */
    deleteBeforeReplace?: boolean;
    /** Whether the container's environment is secret (it reads a generated credential). */
    secretEnv?: boolean;
    /** `type/name` of the resources it waits for. */
    dependsOn: string[];
}

export const CONTAINER_TYPE = "docker:index/container:Container";
export const COMMAND_TYPE = "command:local:Command";

export type Replacement = "create-before-delete" | "delete-before-replace";

export interface ContainerFacts {
    key: string;
    service: string;
    role: string;
    replacement: Replacement;
    /** Why side-by-side replacement cannot work for this container (a fixed name, a host port). */
    blockers: string[];
    /** Seconds between "ready" and "seen healthy" while starting; 0 when nothing waits for its health. */
    probeWait: number;
    /** Seconds the provider waits for healthy before it fails the deploy. */
    waitTimeout: number;
    /** Seconds between SIGTERM and SIGKILL when it is removed. */
    stopGrace: number;
    secretEnv: boolean;
}

const keyOf = (r: Pick<DeclaredResource, "type" | "name">) => `${r.type}/${r.name}`;

function label(inputs: Record<string, unknown>, name: string): string {
    const labels = (inputs.labels as Array<{ label: string; value: string }> | undefined) ?? [];
    return labels.find((l) => l.label === name)?.value ?? "";
}

/**
 * What replacing a container means. The docker provider asks for delete-first on every container
 * (pulumi-docker provider/resources.go:114); an explicit `deleteBeforeReplace: false` overrides it.
 */
export function containerFacts(r: DeclaredResource): ContainerFacts {
    const i = r.inputs;
    const replacement: Replacement = (r.deleteBeforeReplace ?? true) ? "delete-before-replace" : "create-before-delete";
    const ports = (i.ports as Array<{ external?: number }> | undefined) ?? [];
    const blockers = [
        ...(typeof i.name === "string" ? [`fixed name ${i.name}`] : []),
        ...ports.filter((p) => p.external !== undefined).map((p) => `host port ${p.external}`),
    ];
    const hc = i.healthcheck as { interval?: string; startInterval?: string } | undefined;
    const probeWait =
        i.wait === true && hc ? probeWaitSeconds({ interval: parseSeconds(hc.interval ?? "30s"), startInterval: parseSeconds(hc.startInterval ?? "0s") }) : 0;
    return {
        key: keyOf(r),
        service: label(i, "com.minimarket.service") || r.name,
        role: label(i, "com.minimarket.role"),
        replacement,
        blockers,
        probeWait,
        waitTimeout: typeof i.waitTimeout === "number" ? i.waitTimeout : 60,
        stopGrace: typeof i.destroyGraceSeconds === "number" ? i.destroyGraceSeconds : 0,
        secretEnv: r.secretEnv === true,
    };
}

/** A readiness gate's poll period: a `sleep N` inside a retry loop of a command; 0 for other steps. */
function gatePoll(r: DeclaredResource): number {
    const create = typeof r.inputs.create === "string" ? r.inputs.create : "";
    const m = /for i in [^;]*; do .*; sleep (\d+(?:\.\d+)?); done/.exec(create);
    return m ? Number(m[1]) : 0;
}

export interface CriticalPath {
    /** Seconds of probe wait along the longest chain of health gates. */
    probeWait: number;
    /** The gates on that chain, in start order, with their waits. */
    gates: Array<{ key: string; probeWait: number }>;
}

/** The chain of gates with the most probe wait: what a fresh deploy waits for on top of real start-up. */
export function criticalPath(resources: DeclaredResource[]): CriticalPath {
    const byKey = new Map(resources.map((r) => [keyOf(r), r]));
    const weight = (r: DeclaredResource) => (r.type === CONTAINER_TYPE ? containerFacts(r).probeWait : r.type === COMMAND_TYPE ? gatePoll(r) : 0);
    const memo = new Map<string, CriticalPath>();
    const visiting = new Set<string>();
    const longest = (key: string): CriticalPath => {
        const known = memo.get(key);
        if (known) return known;
        if (visiting.has(key)) throw new Error(`dependency cycle through ${key}`);
        visiting.add(key);
        const r = byKey.get(key)!;
        let best: CriticalPath = { probeWait: 0, gates: [] };
        for (const dep of new Set(r.dependsOn)) {
            if (!byKey.has(dep)) continue;
            const p = longest(dep);
            if (p.probeWait > best.probeWait) best = p;
        }
        const w = weight(r);
        const result = w > 0 ? { probeWait: best.probeWait + w, gates: [...best.gates, { key, probeWait: w }] } : best;
        visiting.delete(key);
        memo.set(key, result);
        return result;
    };
    let best: CriticalPath = { probeWait: 0, gates: [] };
    for (const key of byKey.keys()) {
        const p = longest(key);
        if (p.probeWait > best.probeWait) best = p;
    }
    return best;
}

export type StandardChange = "image bump" | "rotation";

export interface Unavailability {
    service: string;
    change: StandardChange;
    replacement: Replacement;
    /** Seconds with no instance serving: 0 side by side; else at least this: the new one's probe wait, plus its start-up. */
    seconds: number;
}

/**
 * Each container's unavailability for each standard change that replaces it: every container has
 * an image; a rotation replaces the ones whose environment carries a secret. Create-before-delete
 * keeps the old instance serving until the new one is healthy: 0 s. Delete-before-replace leaves a
 * gap of at least the new instance's probe wait. A container set to create-before-delete that
 * keeps a fixed name or host port would fail its replacement: that is an error, not a figure.
 */
export function unavailability(resources: DeclaredResource[]): Unavailability[] {
    const out: Unavailability[] = [];
    for (const r of resources.filter((x) => x.type === CONTAINER_TYPE)) {
        const c = containerFacts(r);
        if (c.replacement === "create-before-delete" && c.blockers.length > 0) {
            throw new Error(`${c.key} is replaced create-before-delete but has a ${c.blockers.join(" and a ")}: the new container could not start`);
        }
        const seconds = c.replacement === "create-before-delete" ? 0 : c.probeWait;
        const changes: StandardChange[] = c.secretEnv ? ["image bump", "rotation"] : ["image bump"];
        for (const change of changes) out.push({ service: c.service, change, replacement: c.replacement, seconds });
    }
    return out;
}

export interface DeployFigures {
    freshDeploy: CriticalPath;
    /** The docker provider checks health once a second (its wait loop), so each gate may add up to 1 s more. */
    providerPollSeconds: number;
    unavailability: Unavailability[];
}

export function deployFigures(resources: DeclaredResource[]): DeployFigures {
    const freshDeploy = criticalPath(resources);
    return { freshDeploy, providerPollSeconds: freshDeploy.gates.length, unavailability: unavailability(resources) };
}

/** docs/operations.md's table of unavailability per service: side-by-side ones first, then by name. */
export function unavailabilityTable(rows: Unavailability[]): string {
    const cell = (u: Unavailability | undefined) =>
        u === undefined
            ? "(no secret)"
            : u.replacement === "create-before-delete"
              ? `${u.seconds} s`
              : u.seconds > 0
                ? `≥ ${u.seconds} s`
                : "≥ start-up (no probe)";
    const rank = (service: string) => (rows.find((r) => r.service === service)!.replacement === "create-before-delete" ? 0 : 1);
    const services = [...new Set(rows.map((r) => r.service))].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
    const lines = services.map((service) => {
        const of = (change: StandardChange) => rows.find((r) => r.service === service && r.change === change);
        return `| \`${service}\` | ${of("image bump")!.replacement} | ${cell(of("image bump"))} | ${cell(of("rotation"))} |`;
    });
    return ["| service | replacement | image bump | rotation of a secret it reads |", "|---|---|---|---|", ...lines].join("\n");
}
