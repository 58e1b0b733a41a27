import { AppTier } from "../components/apps/appTier";
import { PostgresContainer } from "../components/data/postgres";
import { RedisContainer } from "../components/data/redis";
import { DockerPlatform } from "../components/docker/platform";
import { ObservabilityStack } from "../components/observability/observabilityStack";
import { StackSecrets } from "../components/secrets";
import { StackConfig } from "./config";
import { defaultImages } from "./images";
import { observabilityOutputs, StackOutputs, stackOutputs } from "./outputs";

/** Staging: one Docker host (local or over ssh://) running data services, apps and observability. */
export function deployOnDockerHost(config: StackConfig): StackOutputs {
    const secrets = new StackSecrets("secrets", { overrides: config.secretOverrides, rotations: config.rotations });
    const platform = new DockerPlatform("host", {
        environment: config.environment,
        host: config.dockerHost,
        sshOpts: config.dockerSshOpts,
    });
    const postgres = new PostgresContainer("postgres", {
        platform,
        image: defaultImages.postgres,
        memoryMb: config.postgresMemoryMb,
        appPassword: secrets.values.postgresPassword,
        adminPassword: secrets.values.postgresAdminPassword,
        monitorPassword: secrets.values.postgresMonitorPassword,
    });
    const redis = new RedisContainer("redis", {
        platform,
        image: defaultImages.redis,
        memoryMb: config.redisMemoryMb,
        password: secrets.values.redisPassword,
    });
    const apps = new AppTier("apps", {
        platform,
        config,
        secrets,
        data: {
            postgres: postgres.endpoint,
            redis: redis.endpoint,
            ready: [postgres.rolesReady, redis.container],
        },
        publish: { dashboard: { port: config.hostPorts.dashboard, ip: "0.0.0.0" } },
    });
    const grafanaUrl = `http://localhost:${config.hostPorts.grafana}`;
    const observability = new ObservabilityStack("observability", {
        platform,
        config,
        secrets,
        postgres: { endpoint: postgres.monitorEndpoint, sslmode: "disable" },
        redis: redis.endpoint,
        operatorIp: "127.0.0.1",
        grafana: { ip: "0.0.0.0", rootUrl: grafanaUrl },
        dataReady: [postgres.rolesReady, redis.container],
    });
    return {
        ...stackOutputs(config, secrets, `http://localhost:${config.hostPorts.dashboard}`, apps),
        ...observabilityOutputs(config, observability, grafanaUrl),
    };
}

