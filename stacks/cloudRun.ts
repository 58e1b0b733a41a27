// Prod on Google Cloud with `gcp.runtime: cloudrun`: the four apps as Cloud Run services (the
// dashboard behind an HTTPS load balancer, the others internal), beside the same Cloud SQL and
// Memorystore, and the observability stack on a small ops VM that is the Docker host of nothing
// else. docs/scaling.md says when to choose it and what it costs.

import * as pulumi from "@pulumi/pulumi";
import { capacityReport, GcpStackConfig, stackCommand } from "../config";
import { cloudRunLogsName, cloudRunServiceName, resourcePrefix } from "../facts/endpoints";
import { serviceNames } from "../facts/services";
import { nextSteps } from "../components/gcp/dnsGate";
import { DashboardLoadBalancer } from "../components/gcp/loadBalancer";
import { CloudRunLogExport } from "../components/gcp/logExport";
import { declareCloudRunApps } from "./cloudRunApps";
import { caddyOnceDnsResolves, gcpFoundation, publicSites } from "./gcpFoundation";
import { observabilityOutputs, StackOutputs, stackOutputs } from "./outputs";
import { declareObservability } from "./workloads";

export function deployOnCloudRun(config: GcpStackConfig): StackOutputs {
    const g = config.gcp;
    const env = config.environment;
    const f = gcpFoundation(config);
    const { vm, platform } = f;

    // The apps' agents remote-write to the ops VM's Prometheus by a private name, as they reach Cloud SQL.
    const ops = f.network.privateName(vm, "ops", vm.internalIp);
    const remoteWriteUrl = `http://${ops.host}:${config.hostPorts.prometheus}/api/v1/write`;
    const { apps } = declareCloudRunApps(config, f, remoteWriteUrl);

    const lb = new DashboardLoadBalancer(
        "dashboard-lb",
        { environment: env, region: g.region, domain: g.domain, cloudRunService: apps.dashboard.service.name },
        f.onGcp,
    );
    const logs = new CloudRunLogExport(
        "cloud-run-logs",
        {
            environment: env,
            services: serviceNames.map((n) => cloudRunServiceName(env, n)),
            reader: pulumi.interpolate`serviceAccount:${vm.serviceAccount.email}`,
        },
        f.onGcp,
    );

    // Grafana stays on the ops VM, behind Caddy; the dashboard's address is the load balancer's.
    const grafanaSites = publicSites(g.domain).filter((site) => site.host !== g.domain);
    const grafanaUrl = `https://grafana.${g.domain}`;
    const observability = declareObservability(
        config,
        { platform, secrets: f.secrets, postgres: f.connections, redis: f.redis, grafana: { url: grafanaUrl, ip: "127.0.0.1" } },
        // The subscription is named, not read from the resource: Alloy's file is rendered as text.
        // Alloy pulls from the subscription: it starts once the subscription exists and the VM may read it.
        { projectId: g.project, logSubscription: cloudRunLogsName(env), privateIp: vm.internalIp, servicePrefix: `${resourcePrefix(env)}-`, ready: [logs] },
    );

    const dnsRecords = pulumi.all([lb.ip, vm.publicIp]).apply(([lbIp, vmIp]) => ({
        [g.domain]: lbIp,
        ...Object.fromEntries(grafanaSites.map((site) => [site.host, vmIp])),
    }));
    if (g.dnsReady) caddyOnceDnsResolves(vm, platform, grafanaSites, g.acmeEmail);

    const s = f.secrets.values;
    return {
        ...stackOutputs(config, { ...s, redisPassword: f.redis.password }, `https://${g.domain}`, []),
        ...observabilityOutputs(config, observability, grafanaUrl),
        runtime: "cloudrun",
        publicUrls: [`https://${g.domain}`, grafanaUrl],
        dnsRecords,
        nextSteps: dnsRecords.apply((records) => [
            ...nextSteps(g.dnsReady, records, stackCommand(config.stack)),
            `The dashboard's certificate is Google's: it is issued once ${g.domain} resolves to the load balancer (${records[g.domain]}), usually within the hour.`,
        ]),
        /** Each service's own URL (internal ingress), its latest ready revision, and what serves. */
        cloudRunServices: pulumi.all(
            Object.fromEntries(
                serviceNames.map((n) => [
                    n,
                    pulumi.all([apps[n].uri, apps[n].service.latestReadyRevision]).apply(([url, latestReady]) => ({
                        url,
                        latestReady,
                        serving: g.cloudRun.services[n].serveRevision ?? "latest ready revision",
                    })),
                ]),
            ),
        ),
        capacity: capacityReport(config),
        vmAddress: vm.publicIp,
        dockerHost: vm.dockerHost,
        cloudSqlConnectionName: f.postgres.connectionName,
        cloudSqlPrivateIp: f.postgres.privateIpAddress,
        redisMode: g.redis.mode,
        ...(f.memorystoreCa ? { memorystoreCaCertificates: f.memorystoreCa } : {}),
    };
}
