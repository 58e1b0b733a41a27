/**
 * Recording rules and alert rules of MiniMarket, as data, plus rendering to rule files.
 * Pure: no Pulumi resources.
 */
import { AppRuntime } from "../../facts/services";
import { DEFAULT_RUNBOOK_BASE_URL, RECORDING_RULES } from "../../facts/telemetry";
import { AlertDef, ALERT_DEFS, Severity } from "./alertDefinitions";
import { toYaml } from "./yaml";

/** Where runbook links point by default: the repository's docs/runbooks/<AlertName>.md. */
export { DEFAULT_RUNBOOK_BASE_URL };

export interface RecordingRule {
    record: string;
    expr: string;
}

export interface AlertRule {
    alert: string;
    expr: string;
    /** Omitted: fires on the first evaluation (Watchdog). */
    for?: string;
    labels: { severity: Severity; [name: string]: string };
    annotations: { summary: string; description: string; runbook_url: string; [name: string]: string };
}

export interface RuleGroup<R> {
    name: string;
    rules: R[];
}

// Recording rule names are a contract with the Grafana dashboards: they live in the facts.
export const RECORD = RECORDING_RULES;

const requestRate = "sum by (service) (rate(http_requests_total[5m]))";
const latencyBuckets = "sum by (service, le) (rate(http_request_duration_seconds_bucket[5m]))";

export const RECORDING_RULE_GROUPS: RuleGroup<RecordingRule>[] = [
    {
        name: "minimarket-recording",
        rules: [
            { record: RECORD.requestRate, expr: requestRate },
            {
                // A service with no error series yet gets 0, not "no data"; an idle service
                // (no requests) gets no ratio instead of NaN.
                record: RECORD.errorRatio,
                expr: `(sum by (service) (rate(http_errors_total[5m])) or ${requestRate} * 0)\n` + `/ (${requestRate} > 0)`,
            },
            { record: RECORD.p95, expr: `histogram_quantile(0.95, ${latencyBuckets})` },
            { record: RECORD.p99, expr: `histogram_quantile(0.99, ${latencyBuckets})` },
        ],
    },
];

/** Names of all alerts, in definition order (16 of the SPEC + Watchdog). */
export const ALERT_NAMES: readonly string[] = ALERT_DEFS.map((d) => d.alert);

export interface RuleOptions {
    /** Base of runbook links; default DEFAULT_RUNBOOK_BASE_URL. */
    runbookBaseUrl?: string;
    /** Where the apps run; on Cloud Run an alert takes its `onCloudRun` measure. Default docker. */
    runtime?: AppRuntime;
}

export function runbookUrl(alert: string, base: string = DEFAULT_RUNBOOK_BASE_URL): string {
    return `${base.replace(/\/+$/, "")}/docs/runbooks/${alert}.md`;
}

function toAlertRule(def: AlertDef, base: string, runtime: AppRuntime): AlertRule {
    const variant = runtime === "cloudrun" ? def.onCloudRun : undefined;
    return {
        alert: def.alert,
        expr: variant?.expr ?? def.expr,
        ...(def.for ? { for: def.for } : {}),
        labels: { severity: def.severity, ...def.labels },
        annotations: { summary: def.summary, description: variant?.description ?? def.description, runbook_url: runbookUrl(def.alert, base) },
    };
}

/** Alert rule groups, in a stable order. */
export function alertRuleGroups(options: RuleOptions = {}): RuleGroup<AlertRule>[] {
    const base = options.runbookBaseUrl ?? DEFAULT_RUNBOOK_BASE_URL;
    const groups: RuleGroup<AlertRule>[] = [];
    for (const def of ALERT_DEFS) {
        let group = groups.find((g) => g.name === def.group);
        if (!group) groups.push((group = { name: def.group, rules: [] }));
        group.rules.push(toAlertRule(def, base, options.runtime ?? "docker"));
    }
    return groups;
}

/** All alert rules, flat. */
export function alertRules(options: RuleOptions = {}): AlertRule[] {
    return alertRuleGroups(options).flatMap((g) => g.rules);
}

export const RECORDING_RULES_FILE = "recording.yml";
export const ALERT_RULES_FILE = "alerts.yml";

/** Rule files by file name (placed in /etc/prometheus/rules/). */
export function renderRuleFiles(options: RuleOptions = {}): Record<string, string> {
    return {
        [RECORDING_RULES_FILE]: toYaml({ groups: RECORDING_RULE_GROUPS }),
        [ALERT_RULES_FILE]: toYaml({ groups: alertRuleGroups(options) }),
    };
}
