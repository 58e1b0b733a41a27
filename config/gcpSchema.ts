// The `minimarket:gcp` settings of the Google Cloud (prod) platform, as a schema: types, defaults
// and the message that fixes each problem. Like the rest of the config, every problem is reported
// at once, under its full key (`gcp.cloudSql.tier`).

import { z } from "zod";
import { parseCidr } from "./cidr";
import { checkRanges, rangeDefaults } from "./gcpRanges";
import { always, boolean, documented, HHMM, integer, oneOf, problem, record, show, stringList, text } from "./fields";
import { cloudRunSchema, GcpRuntime, toCloudRunConfig } from "./cloudRunSchema";
import { cloudRunGcpRules } from "./cloudRunRules";

export type RedisMode = "container" | "memorystore";
export type MemorystoreTier = "BASIC" | "STANDARD_HA";
export type CloudSqlEdition = "ENTERPRISE" | "ENTERPRISE_PLUS";

export const gcpDefaults = {
    // São Paulo: the closest Google Cloud region to Argentina.
    region: "southamerica-east1",
    zoneSuffix: "a",
    ...rangeDefaults,
    runtime: "vm" as GcpRuntime,
    machineType: "e2-standard-4",
    /** On cloudrun the VM keeps only the observability stack (and Caddy for Grafana). */
    opsMachineType: "e2-standard-2",
    vmImage: "debian-cloud/debian-13",
    bootDiskGb: 20,
    dataDiskGb: 100,
    sshUser: "deploy",
    cloudSql: {
        tier: "db-custom-2-7680",
        databaseVersion: "POSTGRES_17",
        highAvailability: true,
        backupRetentionDays: 14,
        // 05:00 UTC = 02:00 in Buenos Aires, the quietest hour for shops.
        backupStartTime: "05:00",
        pointInTimeRecovery: true,
        transactionLogRetentionDays: 7,
        // Sunday 06:00 UTC = 03:00 in Buenos Aires.
        maintenanceWindow: { day: 7, hour: 6 },
        diskSizeGb: 20,
        deletionProtection: true,
    },
    redis: { mode: "container" as RedisMode, memorystoreTier: "BASIC" as MemorystoreTier, memorySizeGb: 1 },
} as const;

const PROJECT = /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/;
const REGION = /^[a-z]{2,}-[a-z]+[0-9]{1,2}$/;
const MACHINE_TYPE = /^[a-z][a-z0-9]*-[a-z0-9-]+$/;
const IMAGE = /^[a-z][a-z0-9-]*\/[a-z][a-z0-9-]*$/;
const HOSTNAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
const LINUX_USER = /^[a-z_][a-z0-9_-]{0,31}$/;
const SSH_PUBLIC_KEY =
    /^(ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp(256|384|521)|sk-ssh-ed25519@openssh\.com|sk-ecdsa-sha2-nistp256@openssh\.com) [A-Za-z0-9+/]+={0,2}( \S.*)?$/;
const SQL_TIER = /^db-(custom-\d+-\d+|perf-optimized-N-\d+|f1-micro|g1-small)$/;
const POSTGRES_VERSION = /^POSTGRES_(\d+)$/;
/** Oldest major that still gets the SPEC's "current" treatment (and PG15+ public-schema rules). */
const MIN_POSTGRES_MAJOR = 15;
/** Prefixes shorter than this are the internet in all but name. */
const MIN_SSH_PREFIX = 8;
/** ENTERPRISE keeps at most 7 days of transaction logs; ENTERPRISE_PLUS up to 35. */
const MAX_LOG_DAYS: Record<CloudSqlEdition, number> = { ENTERPRISE: 7, ENTERPRISE_PLUS: 35 };

const unknownField = (_: string, known: string[]) => `unknown field; the fields are ${known.join(", ")}`;

/** A required string; a missing value names the command that sets it. */
function required(pattern: RegExp, what: string, opts: { echo?: boolean } = {}) {
    return z
        .string({
            error: (iss) =>
                iss.input === undefined ? `is required: ${what}; run \`{config} set --path '{key}' <value>\`` : `expected a string, got ${show(iss.input)}`,
        })
        .refine((v) => pattern.test(v), {
            // Some values must never be repeated: a private key pasted where the public one belongs.
            error: (iss) => (opts.echo === false ? `is not ${what} (the value is not shown: it may be secret)` : `${show(iss.input)} is not ${what}`),
        });
}

const maintenanceWindowSchema = record({ day: integer(1, 7).optional(), hour: integer(0, 23).optional() }, unknownField);

const cloudSqlSchema = record(
    {
        tier: text({ pattern: SQL_TIER, what: "a Cloud SQL tier such as db-custom-2-7680 (vCPUs, MB of memory) or db-perf-optimized-N-2" }).optional(),
        databaseVersion: z
            .string({ error: (iss) => `expected a string, got ${show(iss.input)}` })
            .refine((v) => Number(POSTGRES_VERSION.exec(v)?.[1] ?? 0) >= MIN_POSTGRES_MAJOR, {
                error: (iss) =>
                    `${show(iss.input)} is not a supported PostgreSQL version; use POSTGRES_${MIN_POSTGRES_MAJOR} or later (default ${gcpDefaults.cloudSql.databaseVersion})`,
            })
            .optional(),
        highAvailability: boolean().optional(),
        backupRetentionDays: integer(1, 365).optional(),
        backupStartTime: text({ pattern: HHMM, what: "a UTC time as HH:MM, e.g. 05:00" }).optional(),
        pointInTimeRecovery: boolean().optional(),
        transactionLogRetentionDays: integer(1, 35).optional(),
        maintenanceWindow: maintenanceWindowSchema.optional(),
        diskSizeGb: integer(10, 65536).optional(),
        deletionProtection: boolean().optional(),
    },
    unknownField,
).superRefine((s, ctx) => {
    if (!s) return;
    const tier = typeof s.tier === "string" ? s.tier : gcpDefaults.cloudSql.tier;
    const edition = editionOf(tier);
    const backups = typeof s.backupRetentionDays === "number" ? s.backupRetentionDays : gcpDefaults.cloudSql.backupRetentionDays;
    // Absent, or not a whole number (which integer() has reported).
    if (!Number.isInteger(s.transactionLogRetentionDays)) return;
    const logs = s.transactionLogRetentionDays as number;
    if (logs > MAX_LOG_DAYS[edition]) {
        problem(ctx, ["transactionLogRetentionDays"], `expected a whole number from 1 to ${MAX_LOG_DAYS[edition]}, got ${logs} (the most ${edition} keeps)`);
    } else if (logs >= backups) {
        problem(
            ctx,
            ["transactionLogRetentionDays"],
            `must be less than backupRetentionDays (${backups}): point-in-time recovery replays logs on top of a kept backup`,
        );
    }
}, always);

const redisSchema = record(
    {
        mode: oneOf(["container", "memorystore"] as const).optional(),
        memorystoreTier: oneOf(["BASIC", "STANDARD_HA"] as const).optional(),
        memorySizeGb: integer(1, 300).optional(),
    },
    unknownField,
);

const registrySchema = record(
    {
        server: required(/^[a-z0-9.-]+(:\d+)?$/, "the registry host, e.g. southamerica-east1-docker.pkg.dev"),
        // Only with a key (registryPassword); without one, the deployer's gcloud credential helper answers.
        username: text({ pattern: /^\S+$/, what: "a registry user, e.g. _json_key_base64 for a service-account key" }).optional(),
    },
    unknownField,
);

export const gcpShape = {
    project: required(PROJECT, "a Google Cloud project id (6-30 lowercase letters, digits, dashes)"),
    region: z.string().optional(),
    zone: z.string().optional(),
    networkCidr: z.string().optional(),
    privateServicesRange: z.string().optional(),
    dockerAddressPool: z.string().optional(),
    machineType: text({ pattern: MACHINE_TYPE, what: "a Compute Engine machine type such as e2-standard-4" }).optional(),
    vmImage: text({ pattern: IMAGE, what: "an image as <project>/<family>, such as debian-cloud/debian-13" }).optional(),
    bootDiskGb: integer(10, 2000).optional(),
    dataDiskGb: integer(10, 65536).optional(),
    sshSourceRanges: stringList().optional(),
    allowSshFromAnywhere: boolean().optional(),
    sshUser: text({ pattern: LINUX_USER, what: "a Linux user name (lowercase letters, digits, _ and -)" }).optional(),
    sshPublicKey: required(SSH_PUBLIC_KEY, "an OpenSSH public key line such as `ssh-ed25519 AAAA… deploy@ci`", { echo: false }),
    domain: required(
        HOSTNAME,
        "the public DNS name of the dashboard, e.g. minimarket.example.com.ar (its A record and grafana.<domain> must point at vmAddress)",
    ),
    acmeEmail: text({ pattern: EMAIL, what: "an e-mail address for the Let's Encrypt account" }).optional(),
    dnsReady: boolean().optional(),
    cloudSql: cloudSqlSchema.optional(),
    redis: redisSchema.optional(),
    registry: registrySchema.optional(),
    runtime: documented(oneOf(["vm", "cloudrun"] as const), {
        description:
            "where prod runs the apps: `vm` (Docker on the VM) or `cloudrun` (Cloud Run services behind an HTTPS load balancer; the VM keeps the observability stack, see [scaling.md](scaling.md))",
        default: "`vm`",
    }),
    cloudRun: documented(cloudRunSchema, { description: "per-service scaling on `cloudrun`: `gcp.cloudRun.<service>.<field>`" }),
};

export const gcpSchema = record(gcpShape, (_, known) => `unknown field; the fields of gcp are ${known.join(", ")}`)
    .superRefine((g, ctx) => gcpRules(g ?? {}, ctx), always)
    .transform((g) => toGcpConfig(g as GcpValues));
type GcpValues = z.output<z.ZodObject<typeof gcpShape>>;

function editionOf(tier: string): CloudSqlEdition {
    return tier.startsWith("db-perf-optimized-") ? "ENTERPRISE_PLUS" : "ENTERPRISE";
}

function gcpRules(g: Record<string, unknown>, ctx: z.RefinementCtx): void {
    const region = typeof g.region === "string" ? g.region : gcpDefaults.region;
    if (!REGION.test(region)) {
        const zoneLike = /^([a-z]{2,}-[a-z]+[0-9]{1,2})-[a-z]$/.exec(region);
        problem(
            ctx,
            ["region"],
            zoneLike
                ? `${show(region)} is a zone; set the region ${zoneLike[1]} here and the zone with gcp.zone`
                : `${show(region)} is not a Google Cloud region; for example ${gcpDefaults.region} (São Paulo)`,
        );
    } else if (typeof g.zone === "string" && !new RegExp(`^${region}-[a-z]$`).test(g.zone)) {
        // `region` matched REGION (letters, digits, dashes): nothing in it needs escaping.
        problem(ctx, ["zone"], `${show(g.zone)} is not a zone of region ${region}; for example ${region}-a`);
    }
    checkRanges(ctx, g);
    // boolean() has turned "true" into true by now.
    checkSshSourceRanges(ctx, g.sshSourceRanges, g.allowSshFromAnywhere === true);
    cloudRunGcpRules(g, ctx);
}

function checkSshSourceRanges(ctx: z.RefinementCtx, ranges: unknown, allowAnywhere: boolean): void {
    if (ranges !== undefined && !Array.isArray(ranges)) return; // the list's own schema reports it
    const list = (ranges ?? []) as unknown[];
    if (list.length === 0) {
        // Deploys reach Docker over ssh://, so an empty list (no SSH at all) cannot deploy.
        problem(
            ctx,
            ["sshSourceRanges"],
            "no address may reach SSH, but deploys drive Docker over ssh://; list the CIDRs you deploy from " +
                "with `{config} set --path 'gcp.sshSourceRanges[0]' 203.0.113.7/32`",
        );
    }
    list.forEach((range, i) => {
        const cidr = typeof range === "string" ? parseCidr(range) : undefined;
        if (!cidr) {
            problem(ctx, ["sshSourceRanges", i], `${show(range)} is not an IPv4 CIDR such as 203.0.113.7/32`);
        } else if (cidr.prefix < MIN_SSH_PREFIX && !allowAnywhere) {
            problem(
                ctx,
                ["sshSourceRanges", i],
                `${String(range)} opens SSH to (nearly) the whole internet; list the addresses you deploy from, ` +
                    "or if you really mean it, also set `{config} set --path gcp.allowSshFromAnywhere true`",
            );
        }
    });
}

function toGcpConfig(g: GcpValues) {
    const d = gcpDefaults;
    const region = g.region ?? d.region;
    const sql = g.cloudSql ?? {};
    const tier = sql.tier ?? d.cloudSql.tier;
    const redis = g.redis ?? {};
    const runtime = g.runtime ?? d.runtime;
    return {
        project: g.project,
        region,
        zone: g.zone ?? `${region}-${d.zoneSuffix}`,
        /** Primary range of the VM subnet. */
        networkCidr: g.networkCidr ?? d.networkCidr,
        /** Pinned range of private services access (Cloud SQL, Memorystore). */
        privateServicesRange: g.privateServicesRange ?? d.privateServicesRange,
        /** Docker's default-address-pools on the VM: bridge networks never overlap the ranges above. */
        dockerAddressPool: g.dockerAddressPool ?? d.dockerAddressPool,
        /** Where the apps run; on cloudrun the VM is the ops VM (observability, Caddy for Grafana). */
        runtime,
        cloudRun: toCloudRunConfig(g.cloudRun),
        machineType: g.machineType ?? (runtime === "cloudrun" ? d.opsMachineType : d.machineType),
        /** Boot image of the Docker host (a Debian image: docker.io comes from Debian). */
        vmImage: g.vmImage ?? d.vmImage,
        bootDiskGb: g.bootDiskGb ?? d.bootDiskGb,
        /** Persistent disk holding Docker's data root (volumes, images); survives VM replacement. */
        dataDiskGb: g.dataDiskGb ?? d.dataDiskGb,
        /** Where SSH (the deploys' ssh:// Docker transport) may come from. */
        // Stryker disable next-line ArrayDeclaration: never reached, an absent list fails the parse (checkSshSourceRanges).
        sshSourceRanges: g.sshSourceRanges ?? [],
        allowSshFromAnywhere: g.allowSshFromAnywhere ?? false,
        sshUser: g.sshUser ?? d.sshUser,
        sshPublicKey: g.sshPublicKey,
        /** Public name of the dashboard; Grafana is served at grafana.<domain>. */
        domain: g.domain,
        /** Contact for the ACME (Let's Encrypt) account; optional. */
        acmeEmail: g.acmeEmail,
        /** The domain's A records point at the VM: only then does Caddy start (and ask for certificates). */
        dnsReady: g.dnsReady ?? false,
        cloudSql: {
            tier,
            /** Derived from the tier: custom and shared-core tiers exist only in ENTERPRISE. */
            edition: editionOf(tier),
            databaseVersion: sql.databaseVersion ?? d.cloudSql.databaseVersion,
            highAvailability: sql.highAvailability ?? d.cloudSql.highAvailability,
            backupRetentionDays: sql.backupRetentionDays ?? d.cloudSql.backupRetentionDays,
            backupStartTime: sql.backupStartTime ?? d.cloudSql.backupStartTime,
            pointInTimeRecovery: sql.pointInTimeRecovery ?? d.cloudSql.pointInTimeRecovery,
            transactionLogRetentionDays: sql.transactionLogRetentionDays ?? d.cloudSql.transactionLogRetentionDays,
            maintenanceWindow: {
                day: sql.maintenanceWindow?.day ?? d.cloudSql.maintenanceWindow.day,
                hour: sql.maintenanceWindow?.hour ?? d.cloudSql.maintenanceWindow.hour,
            },
            diskSizeGb: sql.diskSizeGb ?? d.cloudSql.diskSizeGb,
            deletionProtection: sql.deletionProtection ?? d.cloudSql.deletionProtection,
        },
        redis: {
            mode: redis.mode ?? d.redis.mode,
            memorystoreTier: redis.memorystoreTier ?? d.redis.memorystoreTier,
            memorySizeGb: redis.memorySizeGb ?? d.redis.memorySizeGb,
        },
        registry: g.registry ? { server: g.registry.server, username: g.registry.username } : undefined,
    };
}

export type GcpConfig = ReturnType<typeof toGcpConfig>;
export type CloudSqlConfig = GcpConfig["cloudSql"];
export type RedisConfig = GcpConfig["redis"];
export type RegistryConfig = NonNullable<GcpConfig["registry"]>;
export type { CloudRunConfig, CloudRunServiceConfig, GcpRuntime } from "./cloudRunSchema";
