/**
 * Metrics and alerting as code: renders every Prometheus and Alertmanager file of the
 * stack from one input. Pure functions, no Pulumi resources; a component writes the
 * returned files into the containers.
 */
import * as path from "path";
import { AppRuntime } from "../../facts/services";
import { INTERVALS } from "../../facts/telemetry";
import { ALERTMANAGER_CONFIG_FILE, renderAlertmanagerConfig, SlackChannels } from "./alertmanager";
import { PROMETHEUS_CONFIG_FILE, PROMETHEUS_RULES_DIR, renderPrometheusConfig, ScrapeTargets } from "./prometheus";
import { renderRuleFiles } from "./rules";
import { toYaml } from "./yaml";

export interface MonitoringInput {
    /** Stack name; becomes external_labels.environment on every alert and series sent out. */
    environment: string;
    /** What Prometheus scrapes, as host:port reachable from the Prometheus container. */
    targets: ScrapeTargets;
    /** Alertmanager host:port as seen from Prometheus, e.g. "alertmanager:9093". */
    alertmanagers: string[];
    /** Default scrape interval. Default INTERVALS.scrape. */
    scrapeInterval?: string;
    /** Scrape interval of node-exporter, cAdvisor, postgres- and redis-exporter. Default "30s". */
    exporterScrapeInterval?: string;
    /** Rule evaluation interval. Default "15s". */
    evaluationInterval?: string;
    /** Base of runbook links: <runbookBaseUrl>/docs/runbooks/<Alert>.md. Default: the repository. */
    runbookBaseUrl?: string;
    /**
     * Slack incoming-webhook URL (secret). Omitted: alerts still route, receivers send nothing,
     * notificationsEnabled is false. May be SECRET_PLACEHOLDERS.slackWebhookUrl, to be filled
     * later with fillSecretPlaceholders().
     */
    slackWebhookUrl?: string;
    /** Instead of slackWebhookUrl: file inside the Alertmanager container holding the URL. */
    slackWebhookUrlFile?: string;
    /** Slack channel overrides. */
    channels?: Partial<SlackChannels>;
    /** More rule files by name, e.g. the backup alerts of a stack that runs the backup container. */
    extraRuleFiles?: Record<string, string>;
    /** Heartbeat URL that receives the always-firing Watchdog alert. */
    deadMansSwitchUrl?: string;
    /** Where the apps run: the rules take each alert's measure for it. Default docker. */
    runtime?: AppRuntime;
}

export interface RenderedMonitoring {
    /**
     * File contents keyed by "<container>/<absolute path inside it>", e.g.
     * "prometheus/etc/prometheus/prometheus.yml".
     */
    files: Record<string, string>;
    notificationsEnabled: boolean;
}

/** Renders all files plus whether Slack notifications are on. */
export function renderMonitoring(input: MonitoringInput): RenderedMonitoring {
    const ruleFiles = { ...renderRuleFiles({ runbookBaseUrl: input.runbookBaseUrl, runtime: input.runtime }), ...input.extraRuleFiles };
    // Relative to prometheus.yml's directory (how Prometheus resolves rule_files): the same config
    // finds its rules in the container and in a rendered tree (`promtool check config rendered/...`).
    const rulePaths = Object.keys(ruleFiles).map((name) => path.posix.relative(path.posix.dirname(PROMETHEUS_CONFIG_FILE), `${PROMETHEUS_RULES_DIR}/${name}`));
    const prometheus = renderPrometheusConfig({
        environment: input.environment,
        scrapeInterval: input.scrapeInterval ?? INTERVALS.scrape,
        exporterScrapeInterval: input.exporterScrapeInterval ?? INTERVALS.exporterScrape,
        evaluationInterval: input.evaluationInterval ?? INTERVALS.evaluation,
        alertmanagers: input.alertmanagers,
        ruleFiles: rulePaths,
        targets: input.targets,
    });
    const alertmanager = renderAlertmanagerConfig({
        slackWebhookUrl: input.slackWebhookUrl,
        slackWebhookUrlFile: input.slackWebhookUrlFile,
        channels: input.channels,
        deadMansSwitchUrl: input.deadMansSwitchUrl,
    });

    const files: Record<string, string> = {
        [`prometheus${PROMETHEUS_CONFIG_FILE}`]: toYaml(prometheus),
        [`alertmanager${ALERTMANAGER_CONFIG_FILE}`]: toYaml(alertmanager.config),
    };
    for (const [name, content] of Object.entries(ruleFiles)) {
        files[`prometheus${PROMETHEUS_RULES_DIR}/${name}`] = content;
    }
    return { files, notificationsEnabled: alertmanager.notificationsEnabled };
}

/** The files only: path "<container>/<path inside it>" → content. */
export function renderMonitoringFiles(input: MonitoringInput): Record<string, string> {
    return renderMonitoring(input).files;
}
