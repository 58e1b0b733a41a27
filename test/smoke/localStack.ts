/**
 * A stack on 127.0.0.1 for the smoke checks: the real PostgreSQL, Redis, exporters, Prometheus
 * and Alertmanager (the fire drill's helpers), the real demo stand-in for each app (python3),
 * and small HTTP stand-ins for the images that are not installed here (Grafana, Loki, cAdvisor).
 * `hosts` maps the stack's service-network addresses (prometheus:9090, …) to the local ones.
 */
import * as fs from "fs";
import * as path from "path";
import YAML from "yaml";
import { standInCommand, standInEnv } from "../../components/apps/standin";
import { renderMonitoringFiles } from "../../renderers/observability";
import { SmokeEndpoints, stackEndpoints } from "../../scripts/smoke/endpoints";
import {
    allocatePorts,
    deployedServices,
    DRILL_BINARIES,
    localise,
    LocalServices,
    Redis,
    startAlertmanager,
    startPostgres,
    startPrometheus,
    startStaticMetrics,
    StaticServer,
} from "../drill/stack";
import { freePort, makeTempDir, ProcessGroup, waitFor, writeFiles } from "../support/processes";
import { GrafanaStandIn, LokiStandIn, startGrafanaStandIn, startLokiStandIn } from "./standIns";

export const SMOKE_BINARIES = [...DRILL_BINARIES, "python3"];
export const ENVIRONMENT = "smoke";
/** Grafana's admin password in this stack: characters that need care in headers and URLs. */
export const GRAFANA_PASSWORD = "Gf&pa$$?w!rd)#%/:@x-smoke-admin";

export class LocalStack {
    readonly procs = new ProcessGroup();
    readonly dir = makeTempDir("minimarket-smoke");
    /** service-network host:port → 127.0.0.1:port */
    readonly hosts: Record<string, string> = {};
    readonly appPorts: Record<string, number> = {};
    endpoints!: SmokeEndpoints;
    grafana!: GrafanaStandIn;
    loki!: LokiStandIn;
    prometheusUrl = "";
    alertmanagerUrl = "";
    prometheusConfig = "";
    alertmanagerConfig = "";
    private readonly servers: StaticServer[] = [];
    private local!: LocalServices;

    constructor(private readonly bins: Record<string, string>) {}

    async start(): Promise<void> {
        const b = this.bins;
        // The data services and exporters as staging deploys them (the fire drill's helpers).
        fs.chmodSync(this.dir, 0o755);
        const ports = await allocatePorts();
        const deployed = await deployedServices();
        this.local = localise(deployed, b, ports, this.dir);
        await startPostgres(this.procs, b, deployed, this.dir, ports.postgres);
        await new Redis(this.procs, this.local.redis, ports.redis).start();
        for (const [name, l] of [
            ["postgres-exporter", this.local.postgresExporter],
            ["node-exporter", this.local.nodeExporter],
        ] as const) {
            this.procs.start(name, l.bin, l.args, { env: l.env });
        }
        this.startRedisExporter();
        const pgExporter = ports.postgresExporter;
        const nodeExporter = ports.nodeExporter;
        const promPort = ports.prometheus;

        const dashboardPort = await this.startApps();
        const cadvisor = await startStaticMetrics("# cAdvisor stand-in: no containers\n");
        this.servers.push(cadvisor);
        // The deployed stack has an `alloy` job (log shipping is watched): a stand-in serves its metrics.
        const alloy = await startStaticMetrics('# Alloy stand-in\nloki_write_sent_entries_total{host="loki:3100",tenant=""} 1\n');
        this.servers.push(alloy);
        this.grafana = await startGrafanaStandIn("admin", GRAFANA_PASSWORD);
        this.endpoints = stackEndpoints({
            environment: ENVIRONMENT,
            dashboardUrl: `http://127.0.0.1:${dashboardPort}`,
            grafanaUrl: `http://127.0.0.1:${this.grafana.port}`,
        });
        this.loki = await startLokiStandIn();
        this.loki.logAll(this.endpoints);

        const amPort = await freePort();
        const files = renderMonitoringFiles({
            environment: ENVIRONMENT,
            scrapeInterval: "1s",
            exporterScrapeInterval: "1s",
            evaluationInterval: "1s",
            alertmanagers: [`127.0.0.1:${amPort}`],
            targets: {
                apps: Object.entries(this.appPorts).map(([service, port]) => ({ service, address: `127.0.0.1:${port}` })),
                nodeExporter: `127.0.0.1:${nodeExporter}`,
                cadvisor: cadvisor.address,
                postgresExporter: `127.0.0.1:${pgExporter}`,
                redisExporter: this.redisExporterAddress(),
                prometheus: `127.0.0.1:${promPort}`,
                alertmanager: `127.0.0.1:${amPort}`,
                loki: `127.0.0.1:${this.loki.port}`,
                grafana: `127.0.0.1:${this.grafana.port}`,
                alloy: alloy.address,
            },
        });
        writeFiles(this.dir, files);
        this.prometheusConfig = path.join(this.dir, "prometheus/etc/prometheus/prometheus.yml");
        this.alertmanagerConfig = path.join(this.dir, "alertmanager/etc/alertmanager/alertmanager.yml");
        // rule_files are relative to prometheus.yml, so the rendered tree runs as it is.
        this.alertmanagerUrl = await startAlertmanager(this.procs, b["prometheus-alertmanager"], path.join(this.dir, "alertmanager"), "alertmanager", amPort);
        this.prometheusUrl = await startPrometheus(this.procs, b.prometheus, path.join(this.dir, "prometheus"), promPort);

        const local = (u: string) => u.replace(/^http:\/\//, "");
        const i = this.endpoints.internal;
        Object.assign(this.hosts, {
            [local(i.prometheus)]: `127.0.0.1:${promPort}`,
            [local(i.alertmanager)]: `127.0.0.1:${amPort}`,
            [local(i.grafana)]: `127.0.0.1:${this.grafana.port}`,
            [local(i.loki)]: `127.0.0.1:${this.loki.port}`,
        });
        for (const [service, base] of Object.entries(i.apps)) this.hosts[local(base)] = `127.0.0.1:${this.appPorts[service]}`;
    }

    /** The four apps, each the real demo stand-in; returns the dashboard's port. */
    private async startApps(): Promise<number> {
        for (const service of Object.keys(stackEndpoints({ environment: ENVIRONMENT, dashboardUrl: "", grafanaUrl: "" }).internal.apps)) {
            this.appPorts[service] = await freePort();
            await this.startApp(service);
        }
        return this.appPorts.dashboard;
    }

    async startApp(service: string): Promise<void> {
        const port = this.appPorts[service];
        const [, ...args] = standInCommand(); // "python" in the image, python3 here
        this.procs.start(`app-${service}`, this.bins.python3, args, { env: { PATH: process.env.PATH, ...standInEnv(service, port) } });
        await waitFor(
            `stand-in ${service}`,
            async () => ((await fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(2000) })).ok ? true : undefined),
            60_000,
            200,
        );
    }

    stopApp(service: string): Promise<void> {
        return this.procs.stop(`app-${service}`);
    }

    /** As deployed: the password in the environment, never in `ps`. */
    startRedisExporter(): void {
        const l = this.local.redisExporter;
        this.procs.start("redis-exporter", l.bin, l.args, { env: l.env });
    }

    private redisExporterAddress(): string {
        const args = this.local.redisExporter.args;
        return args[args.indexOf("-web.listen-address") + 1];
    }

    stopRedisExporter(): Promise<void> {
        return this.procs.stop("redis-exporter");
    }

    editPrometheusConfig(edit: (config: Record<string, unknown>) => Record<string, unknown>): void {
        fs.writeFileSync(this.prometheusConfig, YAML.stringify(edit(YAML.parse(fs.readFileSync(this.prometheusConfig, "utf8")))));
    }

    editAlertmanagerConfig(edit: (config: Record<string, any>) => Record<string, unknown>): void {
        fs.writeFileSync(this.alertmanagerConfig, YAML.stringify(edit(YAML.parse(fs.readFileSync(this.alertmanagerConfig, "utf8")))));
    }

    /** POST /-/reload; both servers answer 200 only when the new file loaded. */
    async reload(url: string): Promise<void> {
        const r = await fetch(`${url}/-/reload`, { method: "POST", signal: AbortSignal.timeout(10_000) });
        if (!r.ok) throw new Error(`reload ${url}: HTTP ${r.status} ${await r.text()}`);
    }

    async stop(): Promise<void> {
        await this.procs.stopAll();
        for (const s of this.servers) await s.close();
        await this.grafana?.close();
        await this.loki?.close();
        fs.rmSync(this.dir, { recursive: true, force: true });
    }
}
