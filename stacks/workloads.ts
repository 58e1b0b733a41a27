// The workloads every platform runs the same way: the four apps, the observability stack and the
// stack outputs. A platform builds the host and the data services and hands over what they need:
// the Docker platform, the connections, and where people reach the UIs. Each secret below is
// passed to exactly the components that consume it (see the catalog in facts/secrets.ts).

import * as pulumi from "@pulumi/pulumi";
import { AppTier } from "../components/apps/appTier";
import { scheduledBackups, StackConfig } from "../config";
import { PostgresConnection, RedisConnection } from "../components/data/connections";
import { DockerPlatform } from "../components/docker/platform";
import { ObservabilityStack, ObservabilityStackArgs } from "../components/observability/stack";
import { observabilityOutputs, StackOutputs, stackOutputs } from "./outputs";
import { StackSecrets } from "../components/secrets";

export interface Infrastructure {
    platform: DockerPlatform;
    secrets: StackSecrets;
    postgres: { app: PostgresConnection; monitor: PostgresConnection };
    redis: RedisConnection;
    dashboardUrl: string;
    /** Grafana: where people open it, and the host address it is published on (none: only the proxy reaches it). */
    grafana: { url: string; ip?: string };
}

export interface Workloads {
    apps: AppTier;
    observability: ObservabilityStack;
    outputs: StackOutputs;
}

export function declareWorkloads(config: StackConfig, infra: Infrastructure): Workloads {
    const s = infra.secrets.values;
    const apps = new AppTier("apps", {
        platform: infra.platform,
        settings: {
            environment: config.environment,
            logLevel: config.logLevel,
            timezone: config.timezone,
            corsOrigins: config.corsOrigins,
            dashboardForceHttps: config.dashboardForceHttps,
        },
        services: config.services,
        postgres: infra.postgres.app,
        redis: infra.redis,
        credentials: {
            jwt: {
                "agente-deposito": s.jwtSecretDeposito,
                "agente-negocio": s.jwtSecretNegocio,
                "ml-service": s.jwtSecretMl,
                dashboard: s.jwtSecretDashboard,
            },
            dashboardApiKey: s.dashboardApiKey,
            dashboardUiApiKey: s.dashboardUiApiKey,
        },
    });
    const observability = declareObservability(config, infra);
    const outputs = {
        // The Redis password in use: Google's AUTH string on Memorystore, the generated one otherwise.
        ...stackOutputs(
            config,
            { ...s, redisPassword: infra.redis.password },
            infra.dashboardUrl,
            Object.values(apps.services)
                .filter((a) => a.isStandIn)
                .map((a) => a.name),
        ),
        ...observabilityOutputs(config, observability, infra.grafana.url),
    };
    return { apps, observability, outputs };
}

/** Metrics, alerting, logs and dashboards on the platform's Docker host; `cloudRun` when the apps run there instead. */
export function declareObservability(
    config: StackConfig,
    infra: Omit<Infrastructure, "dashboardUrl">,
    cloudRun?: ObservabilityStackArgs["cloudRun"],
): ObservabilityStack {
    const s = infra.secrets.values;
    return new ObservabilityStack("observability", {
        platform: infra.platform,
        environment: config.environment,
        metricsRetention: config.metricsRetention,
        backups: scheduledBackups(config),
        slackWebhookUrl: config.slackWebhookUrl === undefined ? undefined : pulumi.secret(config.slackWebhookUrl),
        deadMansSwitchUrl: config.deadMansSwitchUrl === undefined ? undefined : pulumi.secret(config.deadMansSwitchUrl),
        runbookBaseUrl: config.runbookBaseUrl,
        timezone: config.timezone,
        postgres: infra.postgres.monitor,
        redis: infra.redis,
        operator: { ip: "127.0.0.1", prometheusPort: config.hostPorts.prometheus, alertmanagerPort: config.hostPorts.alertmanager },
        grafana: {
            ip: infra.grafana.ip,
            port: config.hostPorts.grafana,
            rootUrl: infra.grafana.url,
            adminPassword: s.grafanaAdminPassword,
            secretKey: s.grafanaSecretKey,
        },
        cloudRun,
    });
}
