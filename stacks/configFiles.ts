// Every config file the stack delivers to upstream images, rendered by pure functions from the
// validated stack config. The deployment and `npm run render` both call renderStackFiles, so what
// is rendered for review is what is deployed (with secrets replaced by visible placeholders).

import { renderMonitoring, ScrapeTargets, SECRET_PLACEHOLDERS } from "../components/monitoring/render";
import { renderObservabilityFiles } from "../components/observability/render";
import { StackConfig } from "./config";
import { services } from "./services";

/** DNS names and ports of the observability containers on the service network. */
export const observabilityEndpoints = {
    prometheus: { host: "prometheus", port: 9090 },
    alertmanager: { host: "alertmanager", port: 9093 },
    nodeExporter: { host: "node-exporter", port: 9100 },
    cadvisor: { host: "cadvisor", port: 8080 },
    postgresExporter: { host: "postgres-exporter", port: 9187 },
    redisExporter: { host: "redis-exporter", port: 9121 },
    grafana: { host: "grafana", port: 3000 },
    loki: { host: "loki", port: 3100 },
    alloy: { host: "alloy", port: 12345 },
} as const;

const at = (e: { host: string; port: number }) => `${e.host}:${e.port}`;

export function scrapeTargets(): ScrapeTargets {
    const e = observabilityEndpoints;
    return {
        apps: services.map((s) => ({ service: s.name, address: `${s.name}:${s.port}` })),
        nodeExporter: at(e.nodeExporter),
        cadvisor: at(e.cadvisor),
        postgresExporter: at(e.postgresExporter),
        redisExporter: at(e.redisExporter),
        prometheus: at(e.prometheus),
        alertmanager: at(e.alertmanager),
        loki: at(e.loki),
        grafana: at(e.grafana),
    };
}

export interface StackFiles {
    /** Content by `<container>/<absolute path inside it>`. */
    files: Record<string, string>;
    notificationsEnabled: boolean;
}

/** Placeholder shown instead of a secret in rendered files meant for people. */
export const RENDER_PLACEHOLDERS = SECRET_PLACEHOLDERS;

/**
 * Renders every file. `slackWebhookUrl` is the real secret when deploying and the placeholder
 * when rendering for review; notifications are on whenever a webhook is configured.
 */
export function renderStackFiles(config: StackConfig, secrets: { slackWebhookUrl?: string }): StackFiles {
    const e = observabilityEndpoints;
    const monitoring = renderMonitoring({
        environment: config.environment,
        targets: scrapeTargets(),
        alertmanagers: [at(e.alertmanager)],
        ...(secrets.slackWebhookUrl ? { slackWebhookUrl: secrets.slackWebhookUrl } : {}),
    });
    const observability = renderObservabilityFiles({
        environment: config.environment,
        prometheusUrl: `http://${at(e.prometheus)}`,
        lokiUrl: `http://${at(e.loki)}`,
        alertmanagerUrl: `http://${at(e.alertmanager)}`,
    });
    return { files: { ...monitoring.files, ...observability }, notificationsEnabled: monitoring.notificationsEnabled };
}

/** The files of one container, as paths inside it. */
export function filesOf(files: Record<string, string>, container: string): Record<string, string> {
    const prefix = `${container}/`;
    return Object.fromEntries(
        Object.entries(files)
            .filter(([k]) => k.startsWith(prefix))
            .map(([k, v]) => [k.slice(container.length), v]),
    );
}
