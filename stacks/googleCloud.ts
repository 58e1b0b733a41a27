import { GcpStackConfig, stackCommand } from "../config";
import { nextSteps } from "../components/gcp/dnsGate";
import { deployOnCloudRun } from "./cloudRun";
import { StackOutputs } from "./outputs";
import { declareWorkloads } from "./workloads";
import { caddyOnceDnsResolves, gcpFoundation, publicSites } from "./gcpFoundation";

export { publicSites };

/** Prod on Google Cloud: the apps on the VM's Docker (`gcp.runtime: vm`) or on Cloud Run (`cloudrun`). */
export function deployOnGcp(config: GcpStackConfig): StackOutputs {
    return config.gcp.runtime === "cloudrun" ? deployOnCloudRun(config) : deployOnVm(config);
}

/**
 * Prod on Google Cloud with `gcp.runtime: vm`: Cloud SQL, a Compute Engine VM as the Docker host
 * for the apps (and Redis, unless Memorystore), Caddy in front with automatic HTTPS, in a dedicated
 * VPC that is open only on 80/443 (and SSH from the deploy ranges).
 */
function deployOnVm(config: GcpStackConfig): StackOutputs {
    const g = config.gcp;
    const { secrets, vm, platform, postgres, connections, redis, memorystoreCa } = gcpFoundation(config);

    const sites = publicSites(g.domain, config.maintenance.enabled ? config.maintenance.message : undefined);
    const grafanaUrl = `https://grafana.${g.domain}`;
    const { outputs } = declareWorkloads(config, {
        platform,
        secrets,
        postgres: connections,
        redis,
        // Only the proxy is published: it fronts the dashboard (and Grafana) over HTTPS.
        dashboardUrl: `https://${g.domain}`,
        // People reach Grafana through the proxy; on the host it answers on loopback only.
        grafana: { url: grafanaUrl, ip: "127.0.0.1" },
    });
    const dnsRecords = vm.publicIp.apply((ip) => Object.fromEntries(sites.map((site) => [site.host, ip])));
    if (g.dnsReady) caddyOnceDnsResolves(vm, platform, sites, g.acmeEmail);

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
