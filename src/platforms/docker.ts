import * as pulumi from "@pulumi/pulumi";
import { PostgresBackup } from "../backup/backupContainer";
import { PostgresContainer } from "../data/postgres";
import { RedisContainer } from "../data/redis";
import { DockerPlatform } from "../docker/platform";
import { DockerStackConfig } from "../config";
import { defaultImages } from "../facts/images";
import { publishedUrl, stagingDockerHost, StackOutputs } from "../outputs";
import { StackSecrets } from "../secrets/stackSecrets";
import { declareWorkloads } from "../workloads";

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
        dockerHub: config.dockerHub && { username: config.dockerHub.username, token: pulumi.secret(config.dockerHub.token) },
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
    return declareWorkloads(config, {
        platform,
        secrets,
        postgres: { app: postgres.app, monitor: postgres.monitor },
        redis: redis.connection,
        dashboardPort: { port: config.hostPorts.dashboard, ip: "0.0.0.0" },
        dashboardUrl: publishedUrl(host, config.hostPorts.dashboard),
        grafana: { url: publishedUrl(host, config.hostPorts.grafana), ip: "0.0.0.0" },
    }).outputs;
}
