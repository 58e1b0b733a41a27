/**
 * Alertmanager configuration: severity routing to Slack, a dead man's switch for the
 * Watchdog alert, and inhibitions. Pure: no Pulumi resources.
 *
 * Only syntax accepted by Alertmanager 0.25 and 0.28: `matchers` / `source_matchers` /
 * `target_matchers` (not the deprecated `match` / `source_match`), quoted matcher values.
 */
import YAML from "yaml";

export interface SlackChannels {
    critical: string;
    high: string;
    medium: string;
    /** Everything else, and a copy of every critical alert. */
    general: string;
}

export const DEFAULT_CHANNELS: SlackChannels = {
    critical: "#minimarket-alerts-critical",
    high: "#minimarket-alerts-high",
    medium: "#minimarket-alerts-medium",
    general: "#minimarket-alerts",
};

export const RECEIVERS = {
    critical: "slack-critical",
    high: "slack-high",
    medium: "slack-medium",
    general: "slack-general",
    deadMansSwitch: "deadmans-switch",
} as const;

/**
 * Valid-URL stand-ins for secrets. Render with a placeholder (e.g. for a plain-text
 * preview, or to keep the secret out of a non-secret output), then call
 * fillSecretPlaceholders() on the YAML text where the real value is available.
 * `.invalid` can never resolve, so a forgotten placeholder cannot leak alerts anywhere.
 */
export const SECRET_PLACEHOLDERS = {
    slackWebhookUrl: "https://slack-webhook-url.invalid/minimarket-placeholder",
    deadMansSwitchUrl: "https://deadmans-switch-url.invalid/minimarket-placeholder",
} as const;

export interface AlertmanagerConfigInput {
    /** Slack incoming-webhook URL (secret), or SECRET_PLACEHOLDERS.slackWebhookUrl. */
    slackWebhookUrl?: string;
    /** Alternative to slackWebhookUrl: path, inside the container, of a file holding the URL. */
    slackWebhookUrlFile?: string;
    /** Channel names; defaults DEFAULT_CHANNELS. */
    channels?: Partial<SlackChannels>;
    /**
     * Heartbeat URL (healthchecks.io, Dead Man's Snitch, ...) that receives the Watchdog alert
     * about every minute. Without it the Watchdog still routes to its own receiver, silently.
     */
    deadMansSwitchUrl?: string;
}

export interface RenderedAlertmanagerConfig {
    /** alertmanager.yml as plain data (serialise with toYaml). */
    config: Record<string, unknown>;
    /** False when no Slack webhook is configured: alerts route, but nobody is notified. */
    notificationsEnabled: boolean;
}

const GROUP_BY = ["alertname", "severity", "service"];

const SLACK_TITLE =
    '[{{ .Status | toUpper }}{{ if eq .Status "firing" }}:{{ .Alerts.Firing | len }}{{ end }}] ' +
    "{{ .CommonLabels.alertname }}{{ if .CommonLabels.service }} ({{ .CommonLabels.service }}){{ end }}" +
    "{{ if .CommonLabels.environment }} [{{ .CommonLabels.environment }}]{{ end }}";

const SLACK_TEXT = [
    "{{ range .Alerts }}*{{ .Annotations.summary }}*",
    "{{ .Annotations.description }}",
    "Severity: {{ .Labels.severity }} | Runbook: {{ .Annotations.runbook_url }}",
    "{{ end }}",
].join("\n");

function slackReceiver(name: string, channel: string, enabled: boolean): Record<string, unknown> {
    if (!enabled) return { name };
    return {
        name,
        slack_configs: [{ channel, send_resolved: true, title: SLACK_TITLE, text: SLACK_TEXT }],
    };
}

function deadMansSwitchReceiver(url: string | undefined): Record<string, unknown> {
    if (!url) return { name: RECEIVERS.deadMansSwitch };
    return { name: RECEIVERS.deadMansSwitch, webhook_configs: [{ url, send_resolved: false }] };
}

function slackGlobal(input: AlertmanagerConfigInput): Record<string, unknown> {
    if (input.slackWebhookUrl && input.slackWebhookUrlFile) {
        throw new Error("alertmanager: set slackWebhookUrl or slackWebhookUrlFile, not both");
    }
    if (input.slackWebhookUrl) return { slack_api_url: input.slackWebhookUrl };
    if (input.slackWebhookUrlFile) return { slack_api_url_file: input.slackWebhookUrlFile };
    return {};
}

function routes(): Array<Record<string, unknown>> {
    const critical = { matchers: ['severity="critical"'], group_wait: "0s", group_interval: "1m", repeat_interval: "30m" };
    return [
        // First, and without `continue`, so the heartbeat never reaches a Slack channel.
        {
            receiver: RECEIVERS.deadMansSwitch,
            matchers: ['alertname="Watchdog"'],
            group_wait: "0s",
            group_interval: "30s",
            repeat_interval: "1m",
        },
        // `continue` lets the next route send the same critical alert to the general channel.
        { receiver: RECEIVERS.critical, ...critical, continue: true },
        { receiver: RECEIVERS.general, ...critical },
        { receiver: RECEIVERS.high, matchers: ['severity="high"'], group_wait: "30s", group_interval: "5m", repeat_interval: "1h" },
        { receiver: RECEIVERS.medium, matchers: ['severity="medium"'], group_wait: "5m", group_interval: "5m", repeat_interval: "4h" },
    ];
}

const INHIBIT_RULES = [
    // A down service explains its own latency, errors and resource alerts.
    { source_matchers: ['alertname="ServiceDown"'], target_matchers: ['severity=~"high|medium"'], equal: ["service"] },
    // With PostgreSQL down, the other database alerts are noise.
    { source_matchers: ['alertname="DatabaseDown"'], target_matchers: ['category="database"', 'alertname!="DatabaseDown"'] },
];

/** Renders alertmanager.yml as plain data plus whether notifications are on. */
export function renderAlertmanagerConfig(input: AlertmanagerConfigInput = {}): RenderedAlertmanagerConfig {
    const channels = { ...DEFAULT_CHANNELS, ...input.channels };
    const enabled = Boolean(input.slackWebhookUrl || input.slackWebhookUrlFile);
    const config = {
        global: { resolve_timeout: "5m", ...slackGlobal(input) },
        route: {
            receiver: RECEIVERS.general,
            group_by: GROUP_BY,
            group_wait: "30s",
            group_interval: "5m",
            repeat_interval: "4h",
            routes: routes(),
        },
        inhibit_rules: INHIBIT_RULES,
        receivers: [
            slackReceiver(RECEIVERS.critical, channels.critical, enabled),
            slackReceiver(RECEIVERS.high, channels.high, enabled),
            slackReceiver(RECEIVERS.medium, channels.medium, enabled),
            slackReceiver(RECEIVERS.general, channels.general, enabled),
            deadMansSwitchReceiver(input.deadMansSwitchUrl),
        ],
    };
    return { config, notificationsEnabled: enabled };
}

/**
 * Replaces placeholder scalars in rendered YAML with real values. Works on the parsed
 * document, so any characters in the secret stay correctly quoted.
 */
export function fillSecretPlaceholders(yamlText: string, values: { slackWebhookUrl?: string; deadMansSwitchUrl?: string }): string {
    const replacements = new Map<string, string>();
    if (values.slackWebhookUrl) replacements.set(SECRET_PLACEHOLDERS.slackWebhookUrl, values.slackWebhookUrl);
    if (values.deadMansSwitchUrl) replacements.set(SECRET_PLACEHOLDERS.deadMansSwitchUrl, values.deadMansSwitchUrl);
    const doc = YAML.parseDocument(yamlText);
    YAML.visit(doc, {
        Scalar(_key, node) {
            // Stryker disable next-line ConditionalExpression: the keys are strings, so has() is false for any other value; typeof only narrows the type.
            if (typeof node.value === "string" && replacements.has(node.value)) {
                node.value = replacements.get(node.value);
                node.type = undefined; // let the serializer choose safe quoting
            }
        },
    });
    return doc.toString({ lineWidth: 0 });
}

export const ALERTMANAGER_CONFIG_FILE = "/etc/alertmanager/alertmanager.yml";
export const ALERTMANAGER_STORAGE_PATH = "/alertmanager";

/**
 * The command of the deployed Alertmanager container: its config file, its storage on the
 * volume mounted at ALERTMANAGER_STORAGE_PATH, and clustering off (an empty
 * `--cluster.listen-address`): one instance needs no gossip port, and Alertmanager's default
 * (0.0.0.0:9094) would listen for peers that never come. The tests run the real binary with
 * exactly this command, paths and port moved for the local run.
 */
export function alertmanagerCommand(): string[] {
    return [`--config.file=${ALERTMANAGER_CONFIG_FILE}`, `--storage.path=${ALERTMANAGER_STORAGE_PATH}`, "--cluster.listen-address="];
}
