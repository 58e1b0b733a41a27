import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { AppTier, DataEndpoints } from "../components/apps/appTier";
import { RedisContainer } from "../components/data/redis";
import { DockerPlatform } from "../components/docker/platform";
import { ObservabilityStack } from "../components/observability/observabilityStack";
import { GcpApis } from "../components/gcp/apis";
import { CloudSqlPostgres } from "../components/gcp/cloudSql";
import { DockerHostVm } from "../components/gcp/dockerHostVm";
import { Memorystore } from "../components/gcp/memorystore";
import { GcpNetwork } from "../components/gcp/network";
import { CaddyProxy } from "../components/proxy/caddy";
import { CaddySite } from "../components/proxy/caddyfile";
import { StackSecrets } from "../components/secrets";
import { StackConfig } from "./config";
import { GcpConfig } from "./gcpConfig";
import { defaultImages } from "./images";
import { observabilityOutputs, StackOutputs, stackOutputs } from "./outputs";

export interface GcpExtras {
    /** Secret `minimarket:registryPassword`, for gcp.registry. */
    registryPassword?: pulumi.Output<string>;
}

/** Public host names and where the proxy sends them. */
export function publicSites(domain: string): CaddySite[] {
    return [
        { host: domain, upstream: "dashboard:8080" },
        { host: `grafana.${domain}`, upstream: "grafana:3000" },
    ];
}

/**
 * Prod on Google Cloud: Cloud SQL, a Compute Engine VM as the Docker host for the apps (and
 * Redis, unless Memorystore), Caddy in front with automatic HTTPS, in a dedicated VPC that is
 * open only on 80/443 (and SSH from the deploy ranges).
 */
export function deployOnGcp(config: StackConfig, g: GcpConfig, extras: GcpExtras = {}): StackOutputs {
    const env = config.environment;
    const registryAuth = registryCredentials(g, extras);
    const secrets = new StackSecrets("secrets", { overrides: config.secretOverrides, rotations: config.rotations });

    const provider = gcpProvider(g, env);
    const onGcp: pulumi.ComponentResourceOptions = { providers: [provider] };

    const network = new GcpNetwork("network", { environment: env, region: g.region, cidr: g.networkCidr, sshSourceRanges: g.sshSourceRanges }, onGcp);
    const postgres = new CloudSqlPostgres(
        "postgres",
        {
            environment: env,
            region: g.region,
            zone: g.zone,
            network,
            settings: g.cloudSql,
            appPassword: secrets.values.postgresPassword,
            monitorPassword: secrets.values.postgresMonitorPassword,
        },
        onGcp,
    );
    const vm = new DockerHostVm(
        "docker-host",
        {
            environment: env,
            project: g.project,
            region: g.region,
            zone: g.zone,
            network,
            machineType: g.machineType,
            image: g.vmImage,
            bootDiskGb: g.bootDiskGb,
            dataDiskGb: g.dataDiskGb,
            sshUser: g.sshUser,
            sshPublicKey: g.sshPublicKey,
            sshOpts: config.dockerSshOpts,
        },
        onGcp,
    );
    const platform = new DockerPlatform("host", {
        environment: env,
        host: vm.dockerHost,
        sshOpts: config.dockerSshOpts,
        dependsOn: [vm.ready],
        // The databases are off the host: release steps on the data network must reach them.
        dataNetworkInternal: false,
        registryAuth,
    });

    const redis = deployRedis(config, g, { platform, network, secrets }, onGcp);
    // AppTier builds REDIS_URL from secrets.values.redisPassword: with Memorystore, that is Google's AUTH string.
    const appSecrets = g.redis.mode === "memorystore" ? withRedisPassword(secrets, redis.password) : secrets;
    const data: DataEndpoints = {
        postgres: postgres.endpoint,
        postgresParams: postgres.postgresParams,
        redis: redis.endpoint,
        ready: [...postgres.ready, ...redis.ready],
    };
    // Only the proxy is published: it fronts the dashboard (and Grafana) over HTTPS.
    const apps = new AppTier("apps", { platform, config, secrets: appSecrets, data, publish: {} });
    const sites = publicSites(g.domain);
    const grafanaUrl = `https://grafana.${g.domain}`;
    const observability = new ObservabilityStack("observability", {
        platform,
        config,
        secrets: appSecrets,
        postgres: { endpoint: postgres.monitorEndpoint, sslmode: "require" },
        redis: redis.endpoint,
        operatorIp: "127.0.0.1",
        // People reach Grafana through the proxy; on the host it answers on loopback only.
        grafana: { ip: "127.0.0.1", rootUrl: grafanaUrl },
        dataReady: data.ready,
    });
    new CaddyProxy("proxy", { platform, sites, email: g.acmeEmail, dependsOn: [apps.services.dashboard.container, observability.grafana.container] });

    return {
        ...stackOutputs(config, appSecrets, `https://${g.domain}`, apps),
        ...observabilityOutputs(config, observability, grafanaUrl),
        publicUrls: sites.map((s) => `https://${s.host}`),
        vmAddress: vm.publicIp,
        /** The A records to create at the domain's DNS provider. */
        dnsRecords: vm.publicIp.apply((ip) => Object.fromEntries(sites.map((s) => [s.host, ip]))),
        dockerHost: vm.dockerHost,
        cloudSqlConnectionName: postgres.connectionName,
        cloudSqlPrivateIp: postgres.privateIpAddress,
        redisMode: g.redis.mode,
        ...(redis.caCertificates ? { memorystoreCaCertificates: redis.caCertificates } : {}),
    };
}

/**
 * An explicit provider for the configured project, so `minimarket:gcp.project` is the one source
 * of truth. It depends on the APIs being enabled, and everything created through it waits for that.
 */
function gcpProvider(g: GcpConfig, environment: string): gcp.Provider {
    const scope = { project: g.project, region: g.region, zone: g.zone };
    const bootstrap = new gcp.Provider("gcp-apis", scope);
    const apis = new GcpApis("apis", { memorystore: g.redis.mode === "memorystore" }, { providers: [bootstrap] });
    return new gcp.Provider(
        "gcp",
        { ...scope, defaultLabels: { app: "minimarket", environment, "managed-by": "pulumi" } },
        { dependsOn: apis.services },
    );
}

interface RedisDeployment {
    endpoint: DataEndpoints["redis"];
    password: pulumi.Output<string>;
    ready: pulumi.Resource[];
    caCertificates?: pulumi.Output<string>;
}

function deployRedis(
    config: StackConfig,
    g: GcpConfig,
    deps: { platform: DockerPlatform; network: GcpNetwork; secrets: StackSecrets },
    onGcp: pulumi.ComponentResourceOptions,
): RedisDeployment {
    if (g.redis.mode === "memorystore") {
        const store = new Memorystore(
            "redis",
            { environment: config.environment, region: g.region, zone: g.zone, network: deps.network, tier: g.redis.memorystoreTier, memorySizeGb: g.redis.memorySizeGb },
            onGcp,
        );
        return { endpoint: store.endpoint, password: store.authString, ready: store.ready, caCertificates: store.caCertificates };
    }
    const redis = new RedisContainer("redis", {
        platform: deps.platform,
        image: defaultImages.redis,
        memoryMb: config.redisMemoryMb,
        password: deps.secrets.values.redisPassword,
    });
    return { endpoint: redis.endpoint, password: deps.secrets.values.redisPassword, ready: [redis.container] };
}

/** The same secrets, with Redis's password taken from elsewhere (Memorystore generates its own). */
function withRedisPassword(secrets: StackSecrets, password: pulumi.Output<string>): StackSecrets {
    const values = { ...secrets.values, redisPassword: pulumi.secret(password) };
    return Object.assign(Object.create(secrets) as StackSecrets, { values });
}

/** parseConfig has made sure a configured registry comes with its password. */
function registryCredentials(g: GcpConfig, extras: GcpExtras) {
    if (!g.registry || !extras.registryPassword) return undefined;
    return [{ address: g.registry.server, username: g.registry.username, password: pulumi.secret(extras.registryPassword) }];
}
