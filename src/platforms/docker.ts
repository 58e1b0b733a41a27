import * as pulumi from "@pulumi/pulumi";
import { PostgresBackup } from "../backup/backupContainer";
import { PostgresContainer } from "../data/postgres";
import { RedisContainer } from "../data/redis";
import { DockerPlatform } from "../docker/platform";
import { DockerStackConfig } from "../config";
import { defaultImages } from "../facts/images";
import { StackOutputs } from "../outputs";
import { StackSecrets } from "../secrets/stackSecrets";
import { declareWorkloads } from "../workloads";

/** Staging: one Docker host (local or over ssh://) with PostgreSQL and Redis as containers. */
export function deployOnDockerHost(config: DockerStackConfig): StackOutputs {
    const secrets = new StackSecrets("secrets", { overrides: config.secretOverrides, rotations: config.rotations });
    const s = secrets.values;
    const platform = new DockerPlatform("host", {
        environment: config.environment,
        host: config.dockerHost,
        sshOpts: config.dockerSshOpts,
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
        dashboardUrl: `http://localhost:${config.hostPorts.dashboard}`,
        grafana: { url: `http://localhost:${config.hostPorts.grafana}`, ip: "0.0.0.0" },
    }).outputs;
}
