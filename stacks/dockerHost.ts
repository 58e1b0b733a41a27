import * as pulumi from "@pulumi/pulumi";
import { PostgresBackup } from "../components/backup/backupContainer";
import { PostgresContainer } from "../components/data/postgres";
import { RedisContainer } from "../components/data/redis";
import { DockerPlatform } from "../components/docker/platform";
import { DockerStackConfig } from "../config";
import { ENDPOINTS, hostPort } from "../facts/endpoints";
import { defaultImages } from "../facts/images";
import { serviceSpec } from "../facts/services";
import { CaddyProxy } from "../components/proxy";
import { CaddySite } from "../renderers/caddyfile";
import { publishedUrl, stagingDockerHost, StackOutputs } from "./outputs";
import { StackSecrets } from "../components/secrets";
import { declareWorkloads } from "./workloads";
import { dockerHubCredentials } from "./dockerHub";

/** Staging: one Docker host (local or over ssh://) with PostgreSQL and Redis as containers. */
export function deployOnDockerHost(config: DockerStackConfig): StackOutputs {
    // One daemon address for the provider and every docker CLI step; a bad DOCKER_HOST fails here, before any resource.
    const host = stagingDockerHost(config);
    const secrets = new StackSecrets("secrets", { overrides: config.secretOverrides, rotations: config.rotations });
    const s = secrets.values;
    const platform = new DockerPlatform("host", {
        environment: config.environment,
        host,
        sshOpts: config.dockerSshOpts,
        dockerHub: dockerHubCredentials(config),
    });
    const postgres = new PostgresContainer("postgres", {
        platform,
        image: defaultImages.postgres,
        memoryMb: config.postgresMemoryMb,
        appPassword: s.postgresPassword,
        adminPassword: s.postgresAdminPassword,
        monitorPassword: s.postgresMonitorPassword,
        backupPassword: s.postgresBackupPassword,
    });
    if (config.backup.enabled) {
        new PostgresBackup("postgres-backup", {
            platform,
            image: defaultImages.postgres,
            settings: config.backup,
            endpoint: postgres.app,
            password: s.postgresBackupPassword,
            offsiteCredentials: config.backupOffsiteCredentials === undefined ? undefined : pulumi.secret(config.backupOffsiteCredentials),
            dependsOn: [postgres.rolesReady],
        });
    }
    const redis = new RedisContainer("redis", {
        platform,
        image: defaultImages.redis,
        memoryMb: config.redisMemoryMb,
        password: s.redisPassword,
    });
    const { outputs } = declareWorkloads(config, {
        platform,
        secrets,
        postgres: { app: postgres.app, monitor: postgres.monitor },
        redis: redis.connection,
        dashboardUrl: publishedUrl(host, config.hostPorts.dashboard),
        // Not published itself: the proxy holds Grafana's host port.
        grafana: { url: publishedUrl(host, config.hostPorts.grafana) },
    });
    // People reach the dashboard and Grafana through the proxy, on the same host ports as before,
    // so a new dashboard container can start beside the old one (no host port of its own).
    const entry = stagingEntry(config.hostPorts, config.maintenance.enabled ? config.maintenance.message : undefined);
    new CaddyProxy("proxy", { platform, sites: entry.map((e) => e.site), ports: entry.map((e) => e.port) });
    return outputs;
}

/**
 * The staging proxy's plain-HTTP sites, each on its own port, published on the configured host port.
 * In maintenance the dashboard's site answers 503 with the message; Grafana stays reachable.
 */
export function stagingEntry(
    hostPorts: { dashboard: number; grafana: number },
    maintenance?: string,
): Array<{ site: CaddySite; port: { internal: number; external: number; ip: string } }> {
    const dashboard = serviceSpec("dashboard");
    const grafana = ENDPOINTS.grafana;
    return [
        {
            site: { port: dashboard.port, upstream: `${dashboard.name}:${dashboard.port}`, maintenance },
            port: { internal: dashboard.port, external: hostPorts.dashboard, ip: "0.0.0.0" },
        },
        { site: { port: grafana.port, upstream: hostPort(grafana) }, port: { internal: grafana.port, external: hostPorts.grafana, ip: "0.0.0.0" } },
    ];
}
