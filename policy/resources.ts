// How the pack reads resources. Properties arrive as the engine hands them to a policy: plain
// JSON with every secret already decrypted and unmarked, and, during a preview, values that are
// not known yet replaced by sentinels that throw UnknownValueError when read (@pulumi/policy
// v1.21.0 server.ts makeAnalyzeRpcFun: `unknownCheckingProxy(deserializeProperties(props, false))`;
// deserialize.ts deserializeProperty returns a secret's inner value when proxySecrets is false).
// A validateResource sees a resource's inputs as the provider's Check returned them; a
// validateStack sees every resource's outputs (pulumi/pulumi v3.248.0
// pkg/resource/deploy/step_generator.go: Analyze gets `inputs`, AnalyzeResources `v.Outputs`).

import { ResourceValidationArgs, ReportViolation } from "@pulumi/policy";
import { UnknownValueError } from "./sdk";
import { ENDPOINTS, LABELS, isProdStack } from "../facts/endpoints";

export const CONTAINER = "docker:index/container:Container";
export const REMOTE_IMAGE = "docker:index/remoteImage:RemoteImage";
export const RANDOM_PASSWORD = "random:index/randomPassword:RandomPassword";
export const COMMAND = "command:local:Command";
export const SQL_INSTANCE = "gcp:sql/databaseInstance:DatabaseInstance";
export const FIREWALL = "gcp:compute/firewall:Firewall";
export const MEMORYSTORE = "gcp:redis/instance:Instance";

export type Props = Record<string, any>;

/** The value `read` returns, or undefined while it is not known (a preview of a resource not created yet). */
export function known<T>(read: () => T): T | undefined {
    try {
        return read();
    } catch (e) {
        if (e instanceof UnknownValueError) return undefined;
        throw e;
    }
}

/** Whether reading the value throws because it is not known yet (it is, at `up`). */
export function isUnknown(read: () => unknown): boolean {
    try {
        read();
        return false;
    } catch (e) {
        if (e instanceof UnknownValueError) return true;
        throw e;
    }
}

/** The items of a list property that are known, each read with `pick`; an unknown item is left out. */
export function knownItems<T>(read: () => unknown, pick: (item: any) => T | undefined): T[] {
    const list = known(read);
    if (!Array.isArray(list)) return [];
    const items: T[] = [];
    for (let i = 0; i < list.length; i++) {
        const item = known(() => pick(list[i]));
        if (item !== undefined) items.push(item);
    }
    return items;
}

/** A validateResource for one resource type: others are "not applicable", as the SDK's validateResourceOfType does. */
export function forType(
    type: string,
    validate: (props: Props, args: ResourceValidationArgs, report: ReportViolation) => void,
): (args: ResourceValidationArgs, report: ReportViolation) => void {
    const fn = (args: ResourceValidationArgs, report: ReportViolation) =>
        // Stryker disable next-line ConditionalExpression,StringLiteral: the SDK (and evaluate.ts) never call a typed validation for another type.
        args.type === type ? validate(args.props, args, report) : args.notApplicable(`Policy only applies to resources of type '${type}'`);
    // The SDK skips other types without a call when a validation carries its type (policy.ts getPulumiType).
    return Object.assign(fn, { __pulumiType: type });
}

/** The stack named in a URN: urn:pulumi:<stack>::<project>::<type>::<name>. */
export function stackOf(urn: string): string {
    return urn.slice("urn:pulumi:".length).split("::")[0];
}

/** A finding with what is wrong, why it matters and how to fix it, in the one message a policy may give. */
export function finding(what: string, why: string, fix: string): string {
    return `${what}. Why: ${why}. Fix: ${fix}.`;
}

/** What the program says about a container through its labels (facts/endpoints.ts LABELS). */
export interface ContainerView {
    /** `com.minimarket.service`, else its hostname or first network alias: what it runs. */
    service: string;
    role?: string;
    environment?: string;
    isProd: boolean;
}

function label(props: Props, name: string): string | undefined {
    return knownItems(
        () => props.labels,
        (l) => (l.label === name ? (l.value as string) : undefined),
    )[0];
}

export function containerView(props: Props, urn: string): ContainerView {
    const aliases = knownItems(
        () => props.networksAdvanced,
        (n) => n.aliases?.[0] as string | undefined,
    );
    const service = label(props, LABELS.service) ?? known(() => props.hostname as string | undefined) ?? aliases[0] ?? "";
    const environment = label(props, LABELS.environment);
    return { service, role: label(props, LABELS.role), environment, isProd: isProdStack(environment, stackOf(urn)) };
}

/** PostgreSQL and Redis: the services that hold the data. */
export const DATA_SERVICES: readonly string[] = [ENDPOINTS.postgres.host, ENDPOINTS.redis.host];
/** The exporters: they answer anyone who asks with what they know about the host and the data services. */
export const EXPORTERS: readonly string[] = [
    ENDPOINTS.nodeExporter.host,
    ENDPOINTS.cadvisor.host,
    ENDPOINTS.postgresExporter.host,
    ENDPOINTS.redisExporter.host,
];
/** Ports inside a container that only the data services and exporters listen on (cAdvisor's 8080 is the dashboard's too). */
export const DATA_AND_EXPORTER_PORTS: readonly number[] = [
    ENDPOINTS.postgres.port,
    ENDPOINTS.redis.port,
    ENDPOINTS.nodeExporter.port,
    ENDPOINTS.postgresExporter.port,
    ENDPOINTS.redisExporter.port,
];

/** A container that runs until stopped, not a one-off task (docker provider: rm, attach, must_run). */
export function isLongRunning(props: Props): boolean {
    return !(props.rm === true || props.attach === true || props.mustRun === false);
}

export interface PortMapping {
    internal: number;
    external?: number;
    ip?: string;
    protocol?: string;
}

/** The container's known port mappings (none when `ports` is absent). */
export function portsOf(props: Props): PortMapping[] {
    return knownItems(
        () => props.ports,
        (p) => ({ internal: p.internal, external: p.external, ip: p.ip, protocol: p.protocol }) as PortMapping,
    );
}

/** A host address only the host itself reaches (operator access through an SSH tunnel). */
export function isLoopback(ip: string | undefined): boolean {
    // Stryker disable next-line ConditionalExpression: undefined reads as the text "undefined", which matches none of them either.
    return ip !== undefined && (/^127\./.test(ip) || ip === "::1" || ip === "localhost");
}

/** How a mapping reads in a message: 0.0.0.0:5432->5432/tcp. */
export function showPort(p: PortMapping): string {
    return `${p.ip || "0.0.0.0"}:${p.external ?? "(any)"}->${p.internal}/${p.protocol ?? "tcp"}`;
}
