// Every config file the stack delivers to upstream images, rendered by pure functions from a few
// plain settings. The deployment and `npm run render` both call renderStackFiles, so what is
// rendered for review is what is deployed (with secrets replaced by visible placeholders).

import { CLOUD_MONITORING_EXPORTER, ENDPOINTS, hostPort, httpUrl } from "../../facts/endpoints";
import { services } from "../../facts/services";
import { renderBackupRuleFile, staleThresholds } from "./backupRules";
import { renderObservabilityFiles } from "./logsAndDashboardsFiles";
import { renderMonitoring } from "./monitoringFiles";
import { ScrapeTargets } from "./prometheus";

/** What the stack's Prometheus scrapes. On Cloud Run the apps push instead, and Cloud Monitoring has their CPU and memory. */
export function scrapeTargets(cloudRun = false): ScrapeTargets {
    const e = ENDPOINTS;
    return {
        apps: cloudRun ? [] : services.map((s) => ({ service: s.name, address: `${s.name}:${s.port}` })),
        nodeExporter: hostPort(e.nodeExporter),
        cadvisor: hostPort(e.cadvisor),
        postgresExporter: hostPort(e.postgresExporter),
        redisExporter: hostPort(e.redisExporter),
        prometheus: hostPort(e.prometheus),
        alertmanager: hostPort(e.alertmanager),
        loki: hostPort(e.loki),
        grafana: hostPort(e.grafana),
        alloy: hostPort(e.alloy),
        ...(cloudRun ? { cloudMonitoring: hostPort(CLOUD_MONITORING_EXPORTER) } : {}),
    };
}

/** What the observability stack needs to know when the apps run on Cloud Run. */
export interface CloudRunTelemetry {
    /** Project whose Pub/Sub subscription carries the Cloud Run logs. */
    projectId: string;
    /** The subscription Alloy pulls them from. */
    logSubscription: string;
}

export interface StackFilesInput {
    /** Stack environment: external label of every series and alert, label of every log line. */
    environment: string;
    /** The real secret when deploying, a placeholder when rendering for review; unset: notifications off. */
    slackWebhookUrl?: string;
    /** The heartbeat URL of the Watchdog: the real secret when deploying, a placeholder when rendering for review. */
    deadMansSwitchUrl?: string;
    /** Base of the runbook links; default DEFAULT_RUNBOOK_BASE_URL. */
    runbookBaseUrl?: string;
    /** The backup container's schedule, when the stack runs one: its alerts go with it. */
    backups?: { intervalHours: number; drillIntervalHours: number };
    /** The apps run on Cloud Run: their series arrive by remote write, their logs through Pub/Sub. */
    cloudRun?: CloudRunTelemetry;
    /** The stack's time zone (config `timezone`): the dashboards show time in it. */
    timezone?: string;
}

export interface StackFiles {
    /** Content by `<container>/<absolute path inside it>`. */
    files: Record<string, string>;
    notificationsEnabled: boolean;
}

/** Renders every file; notifications are on whenever a webhook is given. */
export function renderStackFiles(input: StackFilesInput): StackFiles {
    const e = ENDPOINTS;
    const thresholds = input.backups ? staleThresholds(input.backups.intervalHours, input.backups.drillIntervalHours) : undefined;
    // Without Cloud Run each renderer keeps its default, the Docker host's measures.
    const runtime = input.cloudRun ? "cloudrun" : undefined;
    const monitoring = renderMonitoring({
        environment: input.environment,
        runtime,
        targets: scrapeTargets(input.cloudRun !== undefined),
        alertmanagers: [hostPort(e.alertmanager)],
        ...(input.slackWebhookUrl ? { slackWebhookUrl: input.slackWebhookUrl } : {}),
        ...(input.deadMansSwitchUrl ? { deadMansSwitchUrl: input.deadMansSwitchUrl } : {}),
        runbookBaseUrl: input.runbookBaseUrl,
        // Only where backups run: elsewhere BackupStale would fire on metrics that cannot exist.
        extraRuleFiles: thresholds ? renderBackupRuleFile({ ...thresholds, runbookBaseUrl: input.runbookBaseUrl }) : {},
    });
    const observability = renderObservabilityFiles({
        environment: input.environment,
        prometheusUrl: httpUrl(e.prometheus),
        lokiUrl: httpUrl(e.loki),
        alertmanagerUrl: httpUrl(e.alertmanager),
        // The panel, like the alerts, only where backups run, and with the alerts' thresholds.
        backups: thresholds,
        runtime,
        cloudRunLogs: input.cloudRun && { projectId: input.cloudRun.projectId, subscription: input.cloudRun.logSubscription },
        timezone: input.timezone,
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
