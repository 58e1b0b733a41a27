/**
 * Prometheus configuration (prometheus.yml) and command-line flags.
 * Pure: no Pulumi resources, only plain data.
 */

import { parsePrometheusDuration } from "../../facts/prometheusDuration";
import { INTERVALS, JOBS } from "../../facts/telemetry";

/** Scrape job names are facts: alert rules and dashboards refer to them. */
export { JOBS };

/** One application service to scrape; `service` becomes the `service` label of its series. */
export interface AppTarget {
    service: string;
    /** host:port serving /metrics */
    address: string;
}

/** Addresses (host:port) of everything Prometheus scrapes. */
export interface ScrapeTargets {
    /** Empty where the apps push their series instead (Cloud Run: each instance's agent remote-writes). */
    apps: AppTarget[];
    nodeExporter: string;
    cadvisor: string;
    postgresExporter: string;
    redisExporter: string;
    prometheus: string;
    alertmanager: string;
    /** Omitted: no `loki` job (LogVolumeSpike then never fires). */
    loki?: string;
    /** Omitted: no `grafana` job. */
    grafana?: string;
    /** Alloy's HTTP server (/metrics); omitted: no `alloy` job (LogShippingStopped then fires). */
    alloy?: string;
    /** stackdriver_exporter: Cloud Run's CPU and memory from Cloud Monitoring (cloudrun only). */
    cloudMonitoring?: string;
}

export interface PrometheusConfigInput {
    /** Value of external_labels.environment, e.g. "staging" or "prod". */
    environment: string;
    /** Default scrape interval, e.g. "15s". */
    scrapeInterval: string;
    /** Scrape interval of the exporter jobs (node, cAdvisor, postgres, redis), e.g. "30s". */
    exporterScrapeInterval: string;
    /** Rule evaluation interval, e.g. "15s". */
    evaluationInterval: string;
    /** Alertmanager addresses, host:port. */
    alertmanagers: string[];
    /** Rule file paths as seen inside the Prometheus container. */
    ruleFiles: string[];
    targets: ScrapeTargets;
}

function checkDuration(name: string, value: string): string {
    if (parsePrometheusDuration(value) === undefined) throw new Error(`${name}: "${value}" is not a Prometheus duration (e.g. 15s, 1m, 30d)`);
    return value;
}

function staticJob(jobName: string, address: string, scrapeInterval?: string): Record<string, unknown> {
    return {
        job_name: jobName,
        ...(scrapeInterval ? { scrape_interval: scrapeInterval } : {}),
        metrics_path: "/metrics",
        static_configs: [{ targets: [address] }],
    };
}

/** All application services in one job; each target carries its `service` label. */
function appsJob(apps: AppTarget[]): Record<string, unknown> {
    const seen = new Set<string>();
    for (const app of apps) {
        if (seen.has(app.service)) throw new Error(`apps: service "${app.service}" listed twice`);
        seen.add(app.service);
    }
    return {
        job_name: JOBS.apps,
        metrics_path: "/metrics",
        static_configs: apps.map((app) => ({ targets: [app.address], labels: { service: app.service } })),
    };
}

/** Renders prometheus.yml as a plain object (serialise with toYaml). */
export function renderPrometheusConfig(input: PrometheusConfigInput): Record<string, unknown> {
    const t = input.targets;
    const exporterInterval = checkDuration("exporterScrapeInterval", input.exporterScrapeInterval);
    const jobs: Array<Record<string, unknown>> = [
        ...(t.apps.length > 0 ? [appsJob(t.apps)] : []),
        staticJob(JOBS.nodeExporter, t.nodeExporter, exporterInterval),
        staticJob(JOBS.cadvisor, t.cadvisor, exporterInterval),
        staticJob(JOBS.postgresExporter, t.postgresExporter, exporterInterval),
        staticJob(JOBS.redisExporter, t.redisExporter, exporterInterval),
        staticJob(JOBS.prometheus, t.prometheus),
        staticJob(JOBS.alertmanager, t.alertmanager),
    ];
    if (t.loki) jobs.push(staticJob(JOBS.loki, t.loki));
    if (t.grafana) jobs.push(staticJob(JOBS.grafana, t.grafana));
    if (t.alloy) jobs.push(staticJob(JOBS.alloy, t.alloy));
    if (t.cloudMonitoring) jobs.push(staticJob(JOBS.cloudMonitoring, t.cloudMonitoring, INTERVALS.cloudMonitoringScrape));

    return {
        global: {
            scrape_interval: checkDuration("scrapeInterval", input.scrapeInterval),
            evaluation_interval: checkDuration("evaluationInterval", input.evaluationInterval),
            external_labels: { environment: input.environment },
        },
        alerting: {
            alertmanagers: [{ static_configs: [{ targets: input.alertmanagers }] }],
        },
        rule_files: input.ruleFiles,
        scrape_configs: jobs,
    };
}

export interface PrometheusFlagsInput {
    /** TSDB retention, e.g. "30d" (prod) or "7d" (staging). */
    retention: string;
    /** Default /etc/prometheus/prometheus.yml */
    configFile?: string;
    /** Default /prometheus (the volume mount of the official image). */
    storagePath?: string;
    /** e.g. ":9090" (default of Prometheus when omitted) or "127.0.0.1:19090". */
    listenAddress?: string;
    /** Accept samples on /api/v1/write: the Cloud Run apps' agents push theirs (cloudrun only). */
    remoteWriteReceiver?: boolean;
}

export const PROMETHEUS_CONFIG_FILE = "/etc/prometheus/prometheus.yml";
export const PROMETHEUS_RULES_DIR = "/etc/prometheus/rules";
export const PROMETHEUS_STORAGE_PATH = "/prometheus";

/**
 * Command-line args of the Prometheus container. Retention is a flag, not a config
 * setting. Only flags accepted by both Prometheus 2.x and 3.x (no console flags).
 */
export function prometheusFlags(input: PrometheusFlagsInput): string[] {
    const flags = [
        `--config.file=${input.configFile ?? PROMETHEUS_CONFIG_FILE}`,
        `--storage.tsdb.path=${input.storagePath ?? PROMETHEUS_STORAGE_PATH}`,
        `--storage.tsdb.retention.time=${checkDuration("retention", input.retention)}`,
        // Lets a config change be applied with POST /-/reload instead of a restart.
        "--web.enable-lifecycle",
    ];
    if (input.listenAddress) flags.push(`--web.listen-address=${input.listenAddress}`);
    // prometheus/prometheus v3.5.5 cmd/prometheus/main.go:406.
    if (input.remoteWriteReceiver) flags.push("--web.enable-remote-write-receiver");
    return flags;
}
