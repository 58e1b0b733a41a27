// The validated stack configuration as the program uses it: defaults applied, values typed, and
// the platform's own settings present exactly when that platform is chosen.

import { z } from "zod";
import { SecretName, secretNames } from "../facts/secrets";
import { ServiceName, serviceNames } from "../facts/services";
import { DEFAULT_RUNBOOK_BASE_URL, DEFAULT_TIMEZONE } from "../facts/telemetry";
import { MAINTENANCE } from "../facts/endpoints";
import { always, record } from "./fields";
import { BackupConfig, defaultBackupConfig } from "./backupSchema";
import { GcpConfig } from "./gcpSchema";
import { crossFieldRules, ParseContext } from "./rules";
import { isProdStack } from "../facts/endpoints";
import { releaseStep } from "./releaseStep";
import { HostPorts, hostPortDefaults, serviceSchema, topLevelKeys, topLevelShape } from "./schema";

/** The schema of the whole `minimarket:*` namespace for one stack. */
export function stackSchema(ctx: ParseContext) {
    return record(topLevelShape, (k, _, hint) => `unknown key; remove it with \`{config} rm ${k}\`${hint} (known keys: ${[...topLevelKeys].sort().join(", ")})`)
        .superRefine((values, rctx) => crossFieldRules(values as Record<string, unknown>, ctx, rctx), always)
        .transform((v) => toStackConfig(v as RawValues, ctx));
}

type RawValues = z.output<z.ZodObject<typeof topLevelShape>>;

/** One service's settings with defaults applied (AppTier takes exactly this shape). */
function serviceConfigOf(s: NonNullable<z.output<typeof serviceSchema>>, secretEnv: Record<string, string> | undefined) {
    return {
        /** Image reference; undefined means the demo stand-in runs in its place. */
        image: s.image,
        memoryMb: s.memoryMb ?? 512,
        /** CPU limit in cores; CPUHigh measures use against it. */
        cpus: (s.cpus as number | undefined) ?? 1,
        env: s.env ?? {},
        /** From `secretEnv.<service>.<VAR>`. */
        secretEnv: secretEnv ?? {},
        // A stand-in has nothing to migrate.
        migrationCommand: releaseStep(s.image, s.migrationCommand),
    };
}
export type ServiceConfig = ReturnType<typeof serviceConfigOf>;

/** The drill requires a migration version when unset only if some app runs a release step: stand-ins have none. */
function withMigrationDefault(backup: BackupConfig, services: Record<string, ServiceConfig>): CommonConfig["backup"] {
    const migrates = Object.values(services).some((s) => s.migrationCommand !== undefined);
    return { ...backup, requireMigrationVersion: backup.requireMigrationVersion ?? migrates };
}

interface CommonConfig {
    stack: string;
    environment: string;
    isProd: boolean;
    /** Docker daemon address; undefined means DOCKER_HOST or the default socket (components/docker/daemon.ts resolveDockerHost). */
    dockerHost?: string;
    dockerSshOpts: string[];
    /** Docker Hub account for pulls by the provider and the docker CLI steps; the token is a secret config value. */
    dockerHub?: { username: string; token: string };
    allowUnpinnedImages: boolean;
    logLevel: string;
    timezone: string;
    corsOrigins: string[];
    dashboardForceHttps: boolean;
    services: Record<ServiceName, ServiceConfig>;
    hostPorts: HostPorts;
    /** While enabled, the proxy answers the dashboard with 503 and the message. */
    maintenance: { enabled: boolean; message: string };
    secretOverrides: Partial<Record<SecretName, string>>;
    rotations: Record<SecretName, number>;
    slackWebhookUrl?: string;
    /** Heartbeat URL that receives the Watchdog alert (secret). */
    deadMansSwitchUrl?: string;
    /** Base of the alerts' runbook links. */
    runbookBaseUrl: string;
    /** Password or key of the private registry of `gcp.registry`. */
    registryPassword?: string;
    postgresMemoryMb: number;
    redisMemoryMb: number;
    /** How long Prometheus keeps samples. */
    metricsRetention: string;
    backup: Omit<BackupConfig, "requireMigrationVersion"> & { requireMigrationVersion: boolean };
    /** Credentials of the bucket that receives backup copies. */
    backupOffsiteCredentials?: string;
}

export type DockerStackConfig = CommonConfig & { platform: "docker" };
export type GcpStackConfig = CommonConfig & { platform: "gcp"; gcp: GcpConfig };
/** The validated config: the platform decides which settings exist, so prod's are typed without `!`. */
export type StackConfig = DockerStackConfig | GcpStackConfig;
export type Platform = StackConfig["platform"];

function toStackConfig(v: RawValues, ctx: ParseContext): StackConfig {
    const environment = v.environment ?? ctx.stack;
    const isProd = isProdStack(environment, ctx.stack);
    const services = Object.fromEntries(
        serviceNames.map((name) => [
            name,
            serviceConfigOf(
                (v.services?.[name] ?? {}) as NonNullable<z.output<typeof serviceSchema>>,
                v.secretEnv?.[name] as Record<string, string> | undefined,
            ),
        ]),
    ) as Record<ServiceName, ServiceConfig>;
    const secretOverrides: Partial<Record<SecretName, string>> = {};
    for (const name of secretNames) if (v[name] !== undefined) secretOverrides[name] = v[name];
    const rotations = Object.fromEntries(secretNames.map((n) => [n, (v.rotations?.[n] as number | undefined) ?? 0])) as Record<SecretName, number>;
    const common: CommonConfig = {
        stack: ctx.stack,
        environment,
        isProd,
        dockerHost: v.dockerHost,
        dockerSshOpts: v.dockerSshOpts ?? [],
        dockerHub: v.dockerHubUsername !== undefined && v.dockerHubToken !== undefined ? { username: v.dockerHubUsername, token: v.dockerHubToken } : undefined,
        allowUnpinnedImages: v.allowUnpinnedImages ?? false,
        logLevel: v.logLevel ?? "INFO",
        timezone: v.timezone ?? DEFAULT_TIMEZONE,
        // On gcp the dashboard's own address; prod elsewhere must set it (crossFieldRules).
        corsOrigins: v.corsOrigins ?? (v.platform === "gcp" ? [`https://${(v.gcp as GcpConfig).domain}`] : ["http://localhost:8080"]),
        dashboardForceHttps: v.dashboardForceHttps ?? isProd,
        services,
        hostPorts: { ...hostPortDefaults, ...(v.hostPorts as Partial<HostPorts> | undefined) },
        maintenance: { enabled: v.maintenance?.enabled ?? false, message: v.maintenance?.message ?? MAINTENANCE.defaultMessage },
        secretOverrides,
        rotations,
        slackWebhookUrl: v.slackWebhookUrl,
        deadMansSwitchUrl: v.deadMansSwitchUrl,
        runbookBaseUrl: (v.runbookBaseUrl ?? DEFAULT_RUNBOOK_BASE_URL).replace(/\/+$/, ""),
        registryPassword: v.registryPassword,
        postgresMemoryMb: v.postgresMemoryMb ?? 1024,
        redisMemoryMb: v.redisMemoryMb ?? 768,
        metricsRetention: v.metricsRetention ?? (isProd ? "30d" : "7d"),
        backup: withMigrationDefault(v.backup ?? defaultBackupConfig(), services),
        backupOffsiteCredentials: v.backupOffsiteCredentials,
    };
    // crossFieldRules has made sure gcp settings exist when the platform is gcp.
    return v.platform === "gcp" ? { ...common, platform: "gcp", gcp: v.gcp as GcpConfig } : { ...common, platform: "docker" };
}

/** The backup schedule of a stack that runs the backup container (the Docker platform), if any. */
export function scheduledBackups(config: StackConfig): { intervalHours: number; drillIntervalHours: number } | undefined {
    return config.platform === "docker" && config.backup.enabled ? config.backup : undefined;
}
