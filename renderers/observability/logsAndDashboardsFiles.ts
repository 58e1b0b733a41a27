// Every observability config file as text, keyed by where it lands in its container.
import { AppRuntime } from "../../facts/services";
import { AlloyConfigInput, renderAlloyConfig } from "./alloy";
import { dashboards } from "./dashboards";
import { BackupPanelOptions } from "./dashboards/backups";
import { DASHBOARDS_DIR, PROVISIONING_DIR, renderDashboardProvider, renderDatasources } from "./grafana";
import { LOKI_CONFIG_PATH, renderLokiConfig } from "./loki";

export const ALLOY_CONFIG_PATH = "/etc/alloy/config.alloy";

export interface ObservabilityFilesInput {
    /** Stack environment, e.g. "staging" or "prod"; becomes the logs' `environment` label. */
    environment: string;
    prometheusUrl?: string;
    lokiUrl?: string;
    alertmanagerUrl?: string;
    /** Prometheus scrape interval (Grafana's $__rate_interval depends on it); default 15s. */
    scrapeInterval?: string;
    /** Docker socket inside the Alloy container; default /var/run/docker.sock. */
    dockerSocketPath?: string;
    /** The Backups panel's thresholds, where the backup container runs; omitted: no panel. */
    backups?: BackupPanelOptions;
    /** Where the apps run: the dashboards take their CPU and memory from cAdvisor or Cloud Monitoring. */
    runtime?: AppRuntime;
    /** Cloud Run's logs arrive through Pub/Sub (cloudrun only). */
    cloudRunLogs?: AlloyConfigInput["cloudRunLogs"];
    /** The time zone the dashboards show (config `timezone`); default DEFAULT_TIMEZONE. */
    timezone?: string;
}

export type ObservabilityContainer = "grafana" | "loki" | "alloy";

/** File key: the container name followed by the absolute path inside it. */
function at(container: ObservabilityContainer, path: string): string {
    return `${container}${path}`;
}

/** Splits a key of renderObservabilityFiles() into its container and in-container path. */
export function splitFileKey(key: string): { container: ObservabilityContainer; path: string } {
    const m = /^(grafana|loki|alloy)(\/.+)$/.exec(key);
    if (!m) throw new Error(`not an observability file key: ${key}`);
    return { container: m[1] as ObservabilityContainer, path: m[2] };
}

export function renderObservabilityFiles(input: ObservabilityFilesInput): Record<string, string> {
    const files: Record<string, string> = {
        [at("grafana", `${PROVISIONING_DIR}/datasources/datasources.yml`)]: renderDatasources(input),
        [at("grafana", `${PROVISIONING_DIR}/dashboards/minimarket.yml`)]: renderDashboardProvider(),
        [at("loki", LOKI_CONFIG_PATH)]: renderLokiConfig(),
        [at("alloy", ALLOY_CONFIG_PATH)]: renderAlloyConfig(input),
    };
    for (const d of dashboards(input.backups ?? null, input.runtime, input.timezone)) {
        files[at("grafana", `${DASHBOARDS_DIR}/${d.uid}.json`)] = d.json;
    }
    return files;
}
