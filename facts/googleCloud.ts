// What Google Cloud allows and charges, as the capacity model and the config rules read it. Each
// figure names its source; prices are list prices in US dollars, read in December 2026 from the
// stored copies of Google's pages named below (docs/scaling.md shows the table and its gaps).

/** Cloud Run's CPU and memory rules for a container (cloud.google.com/run/docs/configuring/services/cpu). */
export const CLOUD_RUN = {
    /** Whole CPUs a service may have; below 1 needs request-based billing, which the metrics sidecar cannot run under. */
    cpus: [1, 2, 4, 6, 8] as const,
    /** Memory range in MiB per CPU count ("vCPU and memory table"). */
    memoryMb: { 1: [512, 4096], 2: [512, 8192], 4: [2048, 16384], 6: [4096, 24576], 8: [4096, 32768] } as Record<number, readonly [number, number]>,
    /** Requests one instance takes at once: 1 to 1000 (Cloud Run's own default is 80). */
    maxConcurrency: 1000,
    /**
     * Direct VPC egress (cloud.google.com/run/docs/configuring/vpc-direct-vpc, "IP address allocation"):
     * addresses are reserved 16 at a time, a revision in steady state holds 2 per instance, and the
     * subnet must be a /26 or larger.
     */
    ipBlock: 16,
    ipsPerInstance: 2,
    largestSubnetPrefix: 26,
    /** Startup probes: initial delay and period at most 240 s; the timeout stays below the period (provider schema text, see health.ts). */
    startupProbeMaxSeconds: 240,
} as const;

/** The metrics sidecar beside each app container (a Prometheus agent): its limits, billed with the instance. */
export const METRICS_SIDECAR = { cpus: 0.5, memoryMb: 256 } as const;

/** Cloud Run names (services, jobs) are RFC 1035 labels of at most 63 characters. */
export const CLOUD_RUN_MAX_NAME_LENGTH = 63;

/** Addresses Google keeps in every subnet's primary range: network, gateway, second-to-last, broadcast. */
export const SUBNET_RESERVED_ADDRESSES = 4;

/**
 * Cloud SQL for PostgreSQL's default max_connections grows with the instance's memory
 * (cloud.google.com/sql/docs/postgres/quotas, "Maximum concurrent connections"). The model takes
 * the smallest default Google documents for each memory class, so it never promises more than the
 * instance gives; `gcp.cloudRun.databaseMaxConnections` sets the flag and replaces this floor.
 */
export const CLOUD_SQL_DEFAULT_CONNECTIONS_FLOOR: ReadonlyArray<{ fromMemoryMb: number; connections: number }> = [
    { fromMemoryMb: 0, connections: 25 },
    { fromMemoryMb: 1700, connections: 50 },
    { fromMemoryMb: 3840, connections: 100 },
];

/** PostgreSQL's superuser_reserved_connections default: slots ordinary roles never get. */
export const POSTGRES_RESERVED_CONNECTIONS = 3;

/** Memorystore for Redis, Basic and Standard tier, Redis 7: 65,000 connected clients per instance (memorystore/docs/redis/quotas). */
export const MEMORYSTORE_MAX_CLIENTS = 65_000;

/** Seconds in the 730-hour month Google's calculators bill by. */
export const SECONDS_PER_MONTH = 730 * 3600;

/**
 * List prices for southamerica-east1 (São Paulo), US dollars.
 * - Cloud Run: São Paulo is a Tier 2 region (cloud.google.com/run/docs/locations). Instance-based
 *   billing (CPU always allocated, which the metrics sidecar needs): Tier 1 is $0.000018 per
 *   vCPU-second (cloud.google.com/run/pricing, stored copy); the Tier 2 rates below are the page's
 *   Tier 2 row, which that copy cut off: check them on the live page. The free tier is left out.
 * - Compute Engine, disks, static address, Memorystore: docs/prod-costs.md (this repository's list
 *   prices for the same region). E2 machines are priced per vCPU and GB, so e2-standard-N scales
 *   linearly from e2-standard-4.
 * - External Application Load Balancer: one forwarding rule, $0.025 an hour (cloud.google.com/vpc/network-pricing).
 */
export const PRICES = {
    read: "2026-12",
    region: "southamerica-east1",
    cloudRun: { vcpuSecond: 0.0000252, gibSecond: 0.0000028 },
    machineMonthly: {
        "e2-medium": 38.75,
        "e2-standard-2": 77.5,
        "e2-standard-4": 155,
        "e2-standard-8": 310,
        "e2-standard-16": 620,
    } as Record<string, number>,
    pdBalancedGbMonth: 0.15,
    staticAddressMonth: 3.65,
    forwardingRuleMonth: 18.25,
    /** 1 GB instances; larger ones cost less per GB, so scaling by GB is an upper bound. */
    memorystorePerGbMonth: { BASIC: 55, STANDARD_HA: 100 } as Record<string, number>,
} as const;
