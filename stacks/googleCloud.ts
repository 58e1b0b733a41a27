import * as command from "@pulumi/command";
import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { GcpConfig, GcpStackConfig, stackCommand } from "../config";
import { RedisConnection } from "../components/data/connections";
import { RedisContainer } from "../components/data/redis";
import { DockerPlatform } from "../components/docker/platform";
import { ENDPOINTS, hostPort } from "../facts/endpoints";
import { defaultImages } from "../facts/images";
import { serviceSpec } from "../facts/services";
import { GcpApis } from "../components/gcp/apis";
import { DataDiskSnapshots } from "../components/backup/diskSnapshots";
import { CloudSqlPostgres } from "../components/gcp/cloudSql";
import { CloudSqlRoles, MONITOR_MEMBERSHIPS } from "../components/gcp/cloudSqlRoles";
import { dnsCheckCommand, nextSteps } from "../components/gcp/dnsGate";
import { DockerHostVm } from "../components/gcp/dockerHostVm";
import { Memorystore } from "../components/gcp/memorystore";
import { GcpNetwork } from "../components/gcp/network";
import { CaddyProxy } from "../components/proxy";
import { CaddySite } from "../renderers/caddyfile";
import { StackOutputs } from "./outputs";
import { StackSecrets } from "../components/secrets";
import { declareWorkloads } from "./workloads";
import { dockerHubCredentials } from "./dockerHub";

/** Public host names and where the proxy sends them. */
export function publicSites(domain: string, maintenance?: string): Array<CaddySite & { host: string }> {
    const dashboard = serviceSpec("dashboard");
    return [
        { host: domain, upstream: `${dashboard.name}:${dashboard.port}`, maintenance },
        { host: `grafana.${domain}`, upstream: hostPort(ENDPOINTS.grafana) },
    ];
}

/**
 * Prod on Google Cloud: Cloud SQL, a Compute Engine VM as the Docker host for the apps (and
 * Redis, unless Memorystore), Caddy in front with automatic HTTPS, in a dedicated VPC that is
 * open only on 80/443 (and SSH from the deploy ranges).
 */
export function deployOnGcp(config: GcpStackConfig): StackOutputs {
    const g = config.gcp;
    const env = config.environment;
    const secrets = new StackSecrets("secrets", { overrides: config.secretOverrides, rotations: config.rotations });
    const s = secrets.values;

    const provider = gcpProvider(g, env);
    const onGcp: pulumi.ComponentResourceOptions = { providers: [provider] };

    const network = new GcpNetwork(
        "network",
        {
            environment: env,
            project: g.project,
            region: g.region,
            cidr: g.networkCidr,
            privateServicesRange: g.privateServicesRange,
            sshSourceRanges: g.sshSourceRanges,
        },
        onGcp,
    );
    const postgres = new CloudSqlPostgres(
        "postgres",
        {
            environment: env,
            region: g.region,
            zone: g.zone,
            network,
            settings: { ...g.cloudSql, finalBackupRetentionDays: config.backup.cloudSqlFinalBackupRetentionDays },
            appPassword: s.postgresPassword,
            appGeneration: config.rotations.postgresPassword,
            monitorPassword: s.postgresMonitorPassword,
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
            dockerAddressPool: g.dockerAddressPool,
        },
        onGcp,
    );
    const snapshots = config.backup.diskSnapshots;
    if (snapshots.enabled) {
        new DataDiskSnapshots(
            "data-disk-snapshots",
            { environment: env, region: g.region, zone: g.zone, disk: vm.dataDisk, retentionDays: snapshots.retentionDays, startTime: snapshots.startTime },
            onGcp,
        );
    }
    const platform = new DockerPlatform("host", {
        environment: env,
        host: vm.dockerHost,
        sshOpts: config.dockerSshOpts,
        dependsOn: [vm.ready],
        // The databases are off the host: release steps on the data network must reach them.
        dataNetworkInternal: false,
        registryAuth: registryCredentials(config),
        dockerHub: dockerHubCredentials(config),
    });
    // The logins' real roles, checked (and the green login's session role set) before any client connects.
    const roles = new CloudSqlRoles("postgres-roles", {
        platform,
        image: defaultImages.postgres,
        app: postgres.app,
        monitor: postgres.monitor,
        triggers: [postgres.instance.name, MONITOR_MEMBERSHIPS.join(",")],
    });
    const withRoles = <T extends { ready: pulumi.Input<pulumi.Resource>[] }>(c: T): T => ({ ...c, ready: [...c.ready, roles.step] });

    let redis: RedisConnection;
    let memorystoreCa: pulumi.Output<string> | undefined;
    if (g.redis.mode === "memorystore") {
        const store = new Memorystore(
            "redis",
            { environment: env, region: g.region, zone: g.zone, network, tier: g.redis.memorystoreTier, memorySizeGb: g.redis.memorySizeGb },
            onGcp,
        );
        redis = store.connection;
        memorystoreCa = store.caCertificates;
    } else {
        redis = new RedisContainer("redis", { platform, image: defaultImages.redis, memoryMb: config.redisMemoryMb, password: s.redisPassword }).connection;
    }

    const sites = publicSites(g.domain, config.maintenance.enabled ? config.maintenance.message : undefined);
    const grafanaUrl = `https://grafana.${g.domain}`;
    const { outputs } = declareWorkloads(config, {
        platform,
        secrets,
        postgres: { app: withRoles(postgres.app), monitor: withRoles(postgres.monitor) },
        redis,
        // Only the proxy is published: it fronts the dashboard (and Grafana) over HTTPS.
        dashboardUrl: `https://${g.domain}`,
        // People reach Grafana through the proxy; on the host it answers on loopback only.
        grafana: { url: grafanaUrl, ip: "127.0.0.1" },
    });
    const dnsRecords = vm.publicIp.apply((ip) => Object.fromEntries(sites.map((site) => [site.host, ip])));
    if (g.dnsReady) {
        // Caddy asks for certificates as it starts: only once every name resolves to the VM.
        const dns = new command.local.Command(
            "dns-ready",
            {
                create: vm.publicIp.apply((ip) =>
                    dnsCheckCommand(
                        sites.map((site) => site.host),
                        ip,
                    ),
                ),
                triggers: [vm.publicIp],
            },
            { dependsOn: [vm.address] },
        );
        // It resolves the dashboard's and Grafana's aliases per request, so it waits for neither.
        new CaddyProxy("proxy", { platform, sites, email: g.acmeEmail, dependsOn: [dns] });
    }

    return {
        ...outputs,
        publicUrls: sites.map((site) => `https://${site.host}`),
        vmAddress: vm.publicIp,
        /** The A records to create at the domain's DNS provider. */
        dnsRecords,
        nextSteps: dnsRecords.apply((records) => nextSteps(g.dnsReady, records, stackCommand(config.stack))),
        dockerHost: vm.dockerHost,
        cloudSqlConnectionName: postgres.connectionName,
        cloudSqlPrivateIp: postgres.privateIpAddress,
        redisMode: g.redis.mode,
        ...(memorystoreCa ? { memorystoreCaCertificates: memorystoreCa } : {}),
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
    return new gcp.Provider("gcp", { ...scope, defaultLabels: { app: "minimarket", environment, "managed-by": "pulumi" } }, { dependsOn: apis.services });
}

/**
 * Pull credentials of `gcp.registry`. By default none are stored: the provider asks the deployer's
 * Docker credential helper (`gcloud auth configure-docker <server>`) for a short-lived token at
 * each run. A service-account key (registryPassword) is the fallback for where gcloud is not.
 */
function registryCredentials(config: GcpStackConfig) {
    const registry = config.gcp.registry;
    if (!registry) return undefined;
    if (config.registryPassword === undefined) return [{ address: registry.server }];
    return [{ address: registry.server, username: registry.username ?? "_json_key_base64", password: pulumi.secret(config.registryPassword) }];
}
