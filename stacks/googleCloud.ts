import * as command from "@pulumi/command";
import { GcpStackConfig } from "../config";
import { ENDPOINTS, hostPort } from "../facts/endpoints";
import { serviceSpec } from "../facts/services";
import { dnsCheckCommand, nextSteps } from "../components/gcp/dnsGate";
import { CaddyProxy } from "../components/proxy";
import { CaddySite } from "../renderers/caddyfile";
import { StackOutputs } from "./outputs";
import { declareWorkloads } from "./workloads";
import { gcpFoundation } from "./gcpFoundation";

/** Public host names and where the proxy sends them. */
export function publicSites(domain: string): Array<CaddySite & { host: string }> {
    const dashboard = serviceSpec("dashboard");
    return [
        { host: domain, upstream: `${dashboard.name}:${dashboard.port}` },
        { host: `grafana.${domain}`, upstream: hostPort(ENDPOINTS.grafana) },
    ];
}

/**
 * Prod on Google Cloud with `gcp.runtime: vm`: Cloud SQL, a Compute Engine VM as the Docker host
 * for the apps (and Redis, unless Memorystore), Caddy in front with automatic HTTPS, in a dedicated
 * VPC that is open only on 80/443 (and SSH from the deploy ranges).
 */
export function deployOnGcp(config: GcpStackConfig): StackOutputs {
    const g = config.gcp;
    const { secrets, vm, platform, postgres, connections, redis, memorystoreCa } = gcpFoundation(config);

    const sites = publicSites(g.domain);
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
        nextSteps: dnsRecords.apply((records) => nextSteps(g.dnsReady, records)),
        dockerHost: vm.dockerHost,
        cloudSqlConnectionName: postgres.connectionName,
        cloudSqlPrivateIp: postgres.privateIpAddress,
        redisMode: g.redis.mode,
        ...(memorystoreCa ? { memorystoreCaCertificates: memorystoreCa } : {}),
    };
}
