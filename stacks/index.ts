import * as pulumi from "@pulumi/pulumi";
import { AppTier } from "../components/apps/appTier";
import { PostgresContainer } from "../components/data/postgres";
import { RedisContainer } from "../components/data/redis";
import { DockerPlatform } from "../components/docker/platform";
import { StackSecrets } from "../components/secrets";
import { StackConfig } from "./config";
import { defaultImages } from "./images";

export interface StackOutputs {
    environment: string;
    dashboardUrl: pulumi.Output<string> | string;
    /** Services running the demo stand-in instead of their real image. */
    standIns: string[];
    images: Record<string, string>;
    secrets: pulumi.Output<Record<string, string>>;
}

/** Declares the whole stack for a validated config. */
export function deploy(config: StackConfig): StackOutputs {
    switch (config.platform) {
        case "docker":
            return deployOnDockerHost(config);
        case "gcp":
            throw new Error("minimarket:platform gcp is not available yet; set `pulumi config set platform docker`");
    }
}

/** Staging: one Docker host (local or over ssh://) running data services, apps and observability. */
function deployOnDockerHost(config: StackConfig): StackOutputs {
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
    return summary(config, secrets, `http://localhost:${config.hostPorts.dashboard}`, apps);
}

function summary(config: StackConfig, secrets: StackSecrets, dashboardUrl: StackOutputs["dashboardUrl"], apps: AppTier): StackOutputs {
    return {
        environment: config.environment,
        dashboardUrl,
        standIns: Object.values(apps.services)
            .filter((s) => s.isStandIn)
            .map((s) => s.url.replace(/^http:\/\/([^:]+).*$/, "$1")),
        images: Object.fromEntries(
            Object.entries(config.services).map(([name, s]) => [name, s.image ?? `${defaultImages.standIn} (demo stand-in)`]),
        ),
        // Exported only as a secret: `pulumi stack output secrets --show-secrets` reveals them.
        secrets: pulumi.secret(pulumi.all(secrets.values)),
    };
}
