// Where each alert goes, how often it is repeated, what silences what, and how the secrets get in.
// A small evaluator of Alertmanager's routing tree (first matching child; `continue` goes on) reads
// the rendered config; amtool checks the same file for real in test/monitoring/tools.test.ts.

import { expect } from "chai";
import { parse } from "yaml";
import { alertmanagerCommand, fillSecretPlaceholders, renderAlertmanagerConfig, SECRET_PLACEHOLDERS } from "../../renderers/observability/alertmanager";
import { toYaml } from "../../renderers/observability/yaml";

type Obj = Record<string, any>;
type Labels = Record<string, string>;

function matches(matcher: string, labels: Labels): boolean {
    const m = /^(\w+)(=~|!=|=)"(.*)"$/.exec(matcher);
    if (!m) throw new Error(`matcher ${matcher}`);
    const value = labels[m[1]] ?? "";
    if (m[2] === "=") return value === m[3];
    if (m[2] === "!=") return value !== m[3];
    return new RegExp(`^(?:${m[3]})$`).test(value);
}

/** The routes (with inherited timing) an alert is sent to. */
function route(config: Obj, labels: Labels): Obj[] {
    const root = config.route;
    const found: Obj[] = [];
    for (const child of root.routes as Obj[]) {
        if (!(child.matchers as string[]).every((m) => matches(m, labels))) continue;
        found.push({ ...root, routes: undefined, ...child });
        if (!child.continue) break;
    }
    return found.length > 0 ? found : [root];
}

function inhibited(config: Obj, source: Labels, target: Labels): boolean {
    return (config.inhibit_rules as Obj[]).some(
        (r) =>
            (r.source_matchers as string[]).every((m) => matches(m, source)) &&
            (r.target_matchers as string[]).every((m) => matches(m, target)) &&
            ((r.equal as string[] | undefined) ?? []).every((l) => source[l] === target[l]),
    );
}

describe("unit: alertmanager routing", () => {
    const config = renderAlertmanagerConfig({ slackWebhookUrl: SECRET_PLACEHOLDERS.slackWebhookUrl }).config as Obj;

    it("sends critical alerts at once to the critical and the general channel, every 30 minutes", () => {
        const sent = route(config, { alertname: "ServiceDown", severity: "critical", service: "dashboard" });
        expect(sent.map((r) => r.receiver)).to.deep.equal(["slack-critical", "slack-general"]);
        for (const r of sent) expect(r).to.deep.include({ group_wait: "0s", group_interval: "1m", repeat_interval: "30m" });
    });

    it("sends high and medium alerts to their channels, less often", () => {
        expect(route(config, { alertname: "HighLatency", severity: "high" })).to.have.length(1);
        expect(route(config, { alertname: "HighLatency", severity: "high" })[0]).to.deep.include({
            receiver: "slack-high",
            group_wait: "30s",
            group_interval: "5m",
            repeat_interval: "1h",
        });
        expect(route(config, { alertname: "DiskFilling", severity: "medium" })[0]).to.deep.include({
            receiver: "slack-medium",
            group_wait: "5m",
            group_interval: "5m",
            repeat_interval: "4h",
        });
    });

    it("sends anything else to the general channel, grouped by alert, severity and service", () => {
        const [r] = route(config, { alertname: "Other", severity: "info" });
        expect(r).to.deep.include({ receiver: "slack-general", group_wait: "30s", group_interval: "5m", repeat_interval: "4h" });
        expect(config.route.group_by).to.deep.equal(["alertname", "severity", "service"]);
        expect(config.global.resolve_timeout).to.equal("5m");
    });

    it("sends the Watchdog heartbeat only to the dead man's switch, every minute", () => {
        const sent = route(config, { alertname: "Watchdog", severity: "critical" });
        expect(sent).to.have.length(1);
        expect(sent[0]).to.deep.include({ receiver: "deadmans-switch", group_wait: "0s", group_interval: "30s", repeat_interval: "1m" });
    });

    it("lets a down service silence its own high and medium alerts, and a down database the other database alerts", () => {
        const down = { alertname: "ServiceDown", severity: "critical", service: "dashboard" };
        expect(inhibited(config, down, { alertname: "HighLatency", severity: "high", service: "dashboard" })).to.be.true;
        expect(inhibited(config, down, { alertname: "HighLatency", severity: "medium", service: "dashboard" })).to.be.true;
        expect(inhibited(config, down, { alertname: "HighLatency", severity: "high", service: "ml-service" })).to.be.false;
        expect(inhibited(config, down, { alertname: "Other", severity: "critical", service: "dashboard" })).to.be.false;
        const db = { alertname: "DatabaseDown", severity: "critical", category: "database" };
        expect(inhibited(config, db, { alertname: "SlowQueries", severity: "high", category: "database" })).to.be.true;
        expect(inhibited(config, db, { alertname: "DatabaseDown", severity: "critical", category: "database" })).to.be.false;
        expect(inhibited(config, db, { alertname: "HighLatency", severity: "high", category: "app" })).to.be.false;
    });

    it("silences nothing on behalf of any other alert: only ServiceDown and DatabaseDown explain away others", () => {
        const errors = { alertname: "HighErrorRate", severity: "critical", service: "dashboard", category: "application" };
        expect(inhibited(config, errors, { alertname: "HighLatency", severity: "high", service: "dashboard" })).to.be.false;
        const redis = { alertname: "RedisDown", severity: "critical", service: "redis", category: "cache" };
        expect(inhibited(config, redis, { alertname: "SlowQueries", severity: "high", category: "database" })).to.be.false;
    });
});

describe("unit: alertmanager receivers and secrets", () => {
    const receiver = (config: Obj, name: string): Obj => (config.receivers as Obj[]).find((r) => r.name === name)!;

    it("posts to Slack with the summary, severity and runbook, and resolved notices", () => {
        const rendered = renderAlertmanagerConfig({ slackWebhookUrl: "https://hooks.slack.com/x", channels: { high: "#ops" } });
        const config = rendered.config as Obj;
        const notificationsEnabled = rendered.notificationsEnabled;
        expect(notificationsEnabled).to.be.true;
        expect(config.global.slack_api_url).to.equal("https://hooks.slack.com/x");
        const slack = receiver(config, "slack-high").slack_configs[0];
        expect(slack).to.deep.include({ channel: "#ops", send_resolved: true });
        expect(receiver(config, "slack-critical").slack_configs[0].channel).to.equal("#minimarket-alerts-critical");
        expect(slack.title).to.include("{{ .CommonLabels.alertname }}").and.include("{{ .Status | toUpper }}").and.include("{{ .CommonLabels.environment }}");
        for (const part of [
            "{{ range .Alerts }}",
            "{{ .Annotations.summary }}",
            "{{ .Annotations.description }}",
            "{{ .Labels.severity }}",
            "{{ .Annotations.runbook_url }}",
            "{{ end }}",
        ]) {
            expect(slack.text).to.include(part);
        }
        expect(slack.text.split("\n")).to.have.length(4);
    });

    it("reads the webhook from a file when told, never both, and routes silently without one", () => {
        const fromFile = renderAlertmanagerConfig({ slackWebhookUrlFile: "/run/secrets/slack" });
        expect(fromFile.notificationsEnabled).to.be.true;
        expect(fromFile.config.global).to.deep.equal({ resolve_timeout: "5m", slack_api_url_file: "/run/secrets/slack" });
        expect(() => renderAlertmanagerConfig({ slackWebhookUrl: "https://x", slackWebhookUrlFile: "/f" })).to.throw(/not both/);
        const silent = renderAlertmanagerConfig();
        expect(silent.notificationsEnabled).to.be.false;
        expect(silent.config.global).to.deep.equal({ resolve_timeout: "5m" });
        expect(receiver(silent.config, "slack-critical")).to.deep.equal({ name: "slack-critical" });
    });

    it("calls the dead man's switch URL without resolved notices, when there is one", () => {
        expect(receiver(renderAlertmanagerConfig().config, "deadmans-switch")).to.deep.equal({ name: "deadmans-switch" });
        expect(receiver(renderAlertmanagerConfig({ deadMansSwitchUrl: "https://hc.example/ping" }).config, "deadmans-switch")).to.deep.equal({
            name: "deadmans-switch",
            webhook_configs: [{ url: "https://hc.example/ping", send_resolved: false }],
        });
    });

    it("puts the real secrets in place of the placeholders, quoted safely, and only those given", () => {
        const text = toYaml(
            renderAlertmanagerConfig({ slackWebhookUrl: SECRET_PLACEHOLDERS.slackWebhookUrl, deadMansSwitchUrl: SECRET_PLACEHOLDERS.deadMansSwitchUrl }).config,
        );
        const slack = "https://hooks.slack.com/services/T0/B0/a: #b 'c\"";
        const filled = parse(fillSecretPlaceholders(text, { slackWebhookUrl: slack, deadMansSwitchUrl: "https://hc.example/p" }));
        expect(filled.global.slack_api_url).to.equal(slack);
        expect(receiver(filled, "deadmans-switch").webhook_configs[0].url).to.equal("https://hc.example/p");
        const partly = parse(fillSecretPlaceholders(text, { slackWebhookUrl: slack }));
        expect(receiver(partly, "deadmans-switch").webhook_configs[0].url).to.equal(SECRET_PLACEHOLDERS.deadMansSwitchUrl);
        const onlySwitch = parse(fillSecretPlaceholders(text, { deadMansSwitchUrl: "https://hc.example/p" }));
        expect(onlySwitch.global.slack_api_url).to.equal(SECRET_PLACEHOLDERS.slackWebhookUrl);
        expect(fillSecretPlaceholders("a: " + "x".repeat(200) + "\n", {})).to.equal("a: " + "x".repeat(200) + "\n");
    });

    it("runs one Alertmanager without clustering, its config and storage where the container has them", () => {
        expect(alertmanagerCommand()).to.deep.equal([
            "--config.file=/etc/alertmanager/alertmanager.yml",
            "--storage.path=/alertmanager",
            "--cluster.listen-address=",
        ]);
    });
});
