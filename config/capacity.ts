// The capacity model of prod on Cloud Run, as pure arithmetic on the validated settings: what
// request rate each service and the whole system can take, what the instances can open against
// Cloud SQL and Memorystore, how many subnet addresses they hold, and what each runtime costs at
// its minimum. docs/scaling.md explains it; config validation refuses what it says cannot work.

import {
    CLOUD_RUN,
    CLOUD_SQL_DEFAULT_CONNECTIONS_FLOOR,
    MEMORYSTORE_MAX_CLIENTS,
    METRICS_SIDECAR,
    POSTGRES_RESERVED_CONNECTIONS,
    PRICES,
    SECONDS_PER_MONTH,
    SUBNET_RESERVED_ADDRESSES,
} from "../facts/googleCloud";
import { ServiceName, serviceNames } from "../facts/services";
import { LATENCY_P95_SECONDS } from "../facts/telemetry";
import { CloudRunConfig } from "./cloudRunSchema";

/** Clients on the ops VM that hold a database connection: postgres-exporter, and the roles check while it runs. */
export const OPS_DATABASE_CONNECTIONS = 2;
/** redis_exporter's one connection. */
export const OPS_REDIS_CLIENTS = 1;

/** What the request, connection and address figures depend on. */
export type ModelInput = Pick<CapacityInput, "services" | "cloudRun" | "cloudSqlTier" | "subnetPrefix">;

export interface CapacityInput {
    /** Each service's container limits (for the cost), and whether it has a release step (a migration job). */
    services: Record<ServiceName, { cpus: number; memoryMb: number; migrates: boolean }>;
    cloudRun: CloudRunConfig;
    cloudSqlTier: string;
    redis: { mode: "container" | "memorystore"; tier: string; memorySizeGb: number };
    /** Prefix length of the subnet Cloud Run's Direct VPC egress draws from (gcp.networkCidr). */
    subnetPrefix: number;
    /** The VM on each runtime: the Docker host on vm, the ops VM on cloudrun. */
    vmMachineType: string;
    opsMachineType: string;
    diskGb: number;
}

export interface ServiceCapacity {
    /** Requests per second one instance takes when each holds its slot for the P95 latency. */
    perInstance: number;
    /** At minInstances (no scale-out) and at maxInstances. */
    atMin: number;
    atMax: number;
    databaseConnections: number;
    redisClients: number;
    /** Subnet addresses while a new revision rolls out beside the old one. */
    addresses: number;
}

export interface CostItem {
    item: string;
    usdPerMonth: number;
}

const roundUp = (n: number, block: number) => Math.ceil(n / block) * block;
const cents = (n: number) => Math.round(n * 100) / 100;

/** Memory of a Cloud SQL tier in MB (db-custom-<vCPUs>-<MB>, the shared-core tiers; Enterprise Plus has 8 GB per vCPU). */
export function tierMemoryMb(tier: string): number {
    // Stryker disable next-line Regex: gcp.cloudSql.tier's own pattern has anchored the tier already
    const custom = /^db-custom-\d+-(\d+)$/.exec(tier);
    if (custom) return Number(custom[1]);
    // Stryker disable next-line Regex: as above
    const perf = /^db-perf-optimized-N-(\d+)$/.exec(tier);
    if (perf) return Number(perf[1]) * 8192;
    return tier === "db-g1-small" ? 1700 : 614;
}

/** The connections Cloud SQL accepts: the flag when set, else the smallest default Google documents for the tier's memory. */
export function databaseConnectionLimit(tier: string, flag: number | undefined): { limit: number; source: "flag" | "default" } {
    if (flag !== undefined) return { limit: flag, source: "flag" };
    const memory = tierMemoryMb(tier);
    const row = [...CLOUD_SQL_DEFAULT_CONNECTIONS_FLOOR].reverse().find((r) => memory >= r.fromMemoryMb);
    // Stryker disable next-line OptionalChaining,LogicalOperator: the table starts at 0 MB, so a row always matches
    return { limit: row?.connections ?? 0, source: "default" };
}

function serviceCapacity(input: ModelInput, name: ServiceName): ServiceCapacity {
    const s = input.cloudRun.services[name];
    const perInstance = s.concurrency / LATENCY_P95_SECONDS;
    const revision = roundUp(CLOUD_RUN.ipsPerInstance * s.maxInstances, CLOUD_RUN.ipBlock);
    return {
        perInstance,
        atMin: perInstance * s.minInstances,
        atMax: perInstance * s.maxInstances,
        databaseConnections: s.maxInstances * s.poolSize,
        redisClients: s.maxInstances * s.poolSize,
        addresses: 2 * revision,
    };
}

function vmCost(machineType: string, diskGb: number): CostItem[] {
    return [
        { item: `Compute Engine ${machineType}`, usdPerMonth: PRICES.machineMonthly[machineType] ?? NaN },
        { item: `${diskGb} GB pd-balanced (boot and data disks)`, usdPerMonth: diskGb * PRICES.pdBalancedGbMonth },
        { item: "static external address", usdPerMonth: PRICES.staticAddressMonth },
    ];
}

function cloudRunInstancesCost(input: CapacityInput): CostItem[] {
    return serviceNames.map((name) => {
        const min = input.cloudRun.services[name].minInstances;
        const { cpus, memoryMb } = input.services[name];
        const perInstance =
            (cpus + METRICS_SIDECAR.cpus) * PRICES.cloudRun.vcpuSecond + ((memoryMb + METRICS_SIDECAR.memoryMb) / 1024) * PRICES.cloudRun.gibSecond;
        return {
            item: `${name}: ${min} × (${cpus} + ${METRICS_SIDECAR.cpus} vCPU, ${memoryMb} + ${METRICS_SIDECAR.memoryMb} MiB)`,
            usdPerMonth: min * perInstance * SECONDS_PER_MONTH,
        };
    });
}

function memorystoreCost(input: CapacityInput): CostItem[] {
    const perGb = PRICES.memorystorePerGbMonth[input.redis.tier];
    return [{ item: `Memorystore ${input.redis.tier} ${input.redis.memorySizeGb} GB`, usdPerMonth: perGb * input.redis.memorySizeGb }];
}

/** Monthly cost of each runtime at its minimum. Cloud SQL is left out: the same instance serves both. */
export function costFloors(input: CapacityInput): Record<"vm" | "cloudrun", { items: CostItem[]; total: number }> {
    const vmItems = [...vmCost(input.vmMachineType, input.diskGb), ...(input.redis.mode === "memorystore" ? memorystoreCost(input) : [])];
    const cloudRunItems = [
        ...cloudRunInstancesCost(input),
        ...vmCost(input.opsMachineType, input.diskGb).map((c) => ({ ...c, item: `ops VM: ${c.item}` })),
        // HTTPS and the HTTP redirect: two forwarding rules, and the load balancer's own address.
        { item: "load balancer: 2 forwarding rules", usdPerMonth: 2 * PRICES.forwardingRuleMonth },
        { item: "load balancer address", usdPerMonth: PRICES.staticAddressMonth },
        // Cloud Run needs Memorystore (its instances cannot share a Redis container).
        ...memorystoreCost(input),
    ];
    const total = (items: CostItem[]) => cents(items.reduce((sum, i) => sum + i.usdPerMonth, 0));
    const rounded = (items: CostItem[]) => items.map((i) => ({ ...i, usdPerMonth: cents(i.usdPerMonth) }));
    return { vm: { items: rounded(vmItems), total: total(vmItems) }, cloudrun: { items: rounded(cloudRunItems), total: total(cloudRunItems) } };
}

export interface CapacityReport {
    services: Record<ServiceName, ServiceCapacity>;
    /** Every user request reaches each service at most once: the slowest service bounds the system. */
    system: { atMin: number; atMax: number };
    database: { connections: number; limit: number; available: number; limitSource: "flag" | "default" };
    redis: { clients: number; limit: number };
    subnet: { addresses: number; usable: number };
}

export function capacityModel(input: ModelInput): CapacityReport {
    const services = Object.fromEntries(serviceNames.map((n) => [n, serviceCapacity(input, n)])) as Record<ServiceName, ServiceCapacity>;
    const all = serviceNames.map((n) => services[n]);
    const migrating = serviceNames.filter((n) => input.services[n].migrates);
    // Release jobs run one task each, all four during a deploy, each with the service's pool.
    const jobConnections = migrating.reduce((sum, n) => sum + input.cloudRun.services[n].poolSize, 0);
    const { limit, source } = databaseConnectionLimit(input.cloudSqlTier, input.cloudRun.databaseMaxConnections);
    const sum = (f: (s: ServiceCapacity) => number) => all.reduce((total, s) => total + f(s), 0);
    return {
        services,
        system: { atMin: Math.min(...all.map((s) => s.atMin)), atMax: Math.min(...all.map((s) => s.atMax)) },
        database: {
            connections: sum((s) => s.databaseConnections) + jobConnections + OPS_DATABASE_CONNECTIONS,
            limit,
            available: limit - POSTGRES_RESERVED_CONNECTIONS,
            limitSource: source,
        },
        redis: { clients: sum((s) => s.redisClients) + OPS_REDIS_CLIENTS, limit: MEMORYSTORE_MAX_CLIENTS },
        subnet: {
            addresses: sum((s) => s.addresses) + migrating.length * CLOUD_RUN.ipBlock,
            // The ops VM holds one more.
            usable: 2 ** (32 - input.subnetPrefix) - SUBNET_RESERVED_ADDRESSES - 1,
        },
    };
}
