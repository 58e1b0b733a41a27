// What prod on Google Cloud has on either runtime: the project's provider, the VPC, Cloud SQL, the
// VM with Docker (the apps' host on `vm`, the ops VM on `cloudrun`), Redis, and the stack's secrets.
// googleCloud.ts (vm) and cloudRun.ts (cloudrun) build the rest on it.

import * as command from "@pulumi/command";
import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { GcpConfig, GcpStackConfig } from "../config";
import { PostgresConnection, RedisConnection } from "../components/data/connections";
import { RedisContainer } from "../components/data/redis";
import { DockerPlatform } from "../components/docker/platform";
import { defaultImages } from "../facts/images";
import { ENDPOINTS, hostPort } from "../facts/endpoints";
import { serviceSpec } from "../facts/services";
import { dnsCheckCommand } from "../components/gcp/dnsGate";
import { CaddyProxy } from "../components/proxy";
import { CaddySite } from "../renderers/caddyfile";
import { GcpApis } from "../components/gcp/apis";
import { DataDiskSnapshots } from "../components/backup/diskSnapshots";
import { CloudSqlPostgres } from "../components/gcp/cloudSql";
import { CloudSqlRoles, MONITOR_MEMBERSHIPS } from "../components/gcp/cloudSqlRoles";
import { DockerHostVm } from "../components/gcp/dockerHostVm";
import { Memorystore } from "../components/gcp/memorystore";
import { GcpNetwork } from "../components/gcp/network";
import { StackSecrets } from "../components/secrets";
import { dockerHubCredentials } from "./dockerHub";

/** What the ops VM's identity needs on cloudrun besides a Docker host's: reading Cloud Monitoring (stackdriver_exporter). */
const OPS_VM_ROLES = ["roles/monitoring.viewer"];

export interface GcpFoundation {
    /** The project's provider: `provider` of a resource, `providers` (onGcp) of a component. */
    provider: gcp.Provider;
    onGcp: pulumi.ComponentResourceOptions;
    secrets: StackSecrets;
    network: GcpNetwork;
    postgres: CloudSqlPostgres;
    /** The application and monitoring roles, each ready once the roles check has run. */
    connections: { app: PostgresConnection; monitor: PostgresConnection };
    vm: DockerHostVm;
    platform: DockerPlatform;
    redis: RedisConnection;
    /** Memorystore's server CA, when Redis is Memorystore. */
    memorystoreCa?: pulumi.Output<string>;
}

export function gcpFoundation(config: GcpStackConfig): GcpFoundation {
    const g = config.gcp;
    const env = config.environment;
    const cloudRun = g.runtime === "cloudrun";
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
            metricsPort: cloudRun ? config.hostPorts.prometheus : undefined,
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
            settings: {
                ...g.cloudSql,
                finalBackupRetentionDays: config.backup.cloudSqlFinalBackupRetentionDays,
                maxConnections: g.cloudRun.databaseMaxConnections,
            },
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
            extraRoles: cloudRun ? OPS_VM_ROLES : undefined,
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
    const withRoles = (c: PostgresConnection): PostgresConnection => ({ ...c, ready: [...c.ready, roles.step] });

    if (g.redis.mode === "memorystore") {
        const store = new Memorystore(
            "redis",
            { environment: env, region: g.region, zone: g.zone, network, tier: g.redis.memorystoreTier, memorySizeGb: g.redis.memorySizeGb },
            onGcp,
        );
        return {
            provider,
            onGcp,
            secrets,
            network,
            postgres,
            vm,
            platform,
            connections: connections(),
            redis: store.connection,
            memorystoreCa: store.caCertificates,
        };
    }
    const redis = new RedisContainer("redis", { platform, image: defaultImages.redis, memoryMb: config.redisMemoryMb, password: s.redisPassword }).connection;
    return { provider, onGcp, secrets, network, postgres, vm, platform, connections: connections(), redis };

    function connections() {
        return { app: withRoles(postgres.app), monitor: withRoles(postgres.monitor) };
    }
}

/**
 * An explicit provider for the configured project, so `minimarket:gcp.project` is the one source
 * of truth. It depends on the APIs being enabled, and everything created through it waits for that.
 */
function gcpProvider(g: GcpConfig, environment: string): gcp.Provider {
    const scope = { project: g.project, region: g.region, zone: g.zone };
    const bootstrap = new gcp.Provider("gcp-apis", scope);
    const apis = new GcpApis("apis", { memorystore: g.redis.mode === "memorystore", cloudRun: g.runtime === "cloudrun" }, { providers: [bootstrap] });
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

/** Public host names and where the proxy sends them. */
export function publicSites(domain: string, maintenance?: string): Array<CaddySite & { host: string }> {
    const dashboard = serviceSpec("dashboard");
    return [
        { host: domain, upstream: `${dashboard.name}:${dashboard.port}`, maintenance },
        { host: `grafana.${domain}`, upstream: hostPort(ENDPOINTS.grafana) },
    ];
}

/**
 * Caddy on the VM for `sites`. It asks for certificates as it starts: only once every name
 * resolves to the VM. It resolves its upstreams' aliases per request, so it waits for none of them.
 */
export function caddyOnceDnsResolves(vm: DockerHostVm, platform: DockerPlatform, sites: Array<CaddySite & { host: string }>, email?: string): CaddyProxy {
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
    return new CaddyProxy("proxy", { platform, sites, email, dependsOn: [dns] });
}
