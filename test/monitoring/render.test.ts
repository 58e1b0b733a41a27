/** Structure of the rendered monitoring files: pure, no external tools. */
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import YAML from "yaml";
import {
    ALERT_NAMES,
    alertmanagerCommand,
    alertRules,
    DEFAULT_RUNBOOK_BASE_URL,
    fillSecretPlaceholders,
    prometheusFlags,
    RECEIVERS,
    RECORDING_RULE_GROUPS,
    renderAlertmanagerConfig,
    renderMonitoring,
    renderMonitoringFiles,
    renderPrometheusConfig,
    SECRET_PLACEHOLDERS,
    toYaml,
} from "../../renderers/observability";
import { SPEC_ALERTS, stagingInput, TRICKY_SLACK_URL } from "./fixtures";

const REPO_ROOT = path.resolve(__dirname, "../..");

/** Every key anywhere in a parsed document, to spot deprecated syntax. */
function allKeys(value: unknown, into: string[] = []): string[] {
    if (Array.isArray(value)) value.forEach((v) => allKeys(v, into));
    else if (value && typeof value === "object") {
        for (const [k, v] of Object.entries(value)) {
            into.push(k);
            allKeys(v, into);
        }
    }
    return into;
}

describe("monitoring render: alert rules", () => {
    const rules = alertRules();

    it("defines exactly the 16 alerts of the SPEC, LogShippingStopped and Watchdog", () => {
        expect([...ALERT_NAMES].sort()).to.deep.equal(Object.keys(SPEC_ALERTS).sort());
        expect(rules).to.have.length(18);
    });

    for (const [name, spec] of Object.entries(SPEC_ALERTS)) {
        it(`${name}: severity ${spec.severity}, for ${spec.for ?? "(none)"}`, () => {
            const rule = rules.find((r) => r.alert === name);
            expect(rule, name).to.not.equal(undefined);
            expect(rule!.labels.severity).to.equal(spec.severity);
            expect(rule!.for).to.equal(spec.for);
        });
    }

    it("every alert has severity, summary, description and a runbook_url into docs/runbooks", () => {
        for (const rule of rules) {
            expect(rule.labels.severity, rule.alert).to.be.a("string").and.not.empty;
            expect(rule.annotations.summary, rule.alert).to.be.a("string").and.not.empty;
            expect(rule.annotations.description, rule.alert).to.be.a("string").and.not.empty;
            expect(rule.annotations.runbook_url).to.equal(`${DEFAULT_RUNBOOK_BASE_URL}/docs/runbooks/${rule.alert}.md`);
        }
    });

    it("every runbook link resolves to a runbook page in the repository", () => {
        const missing = rules
            .map((r) => r.annotations.runbook_url.slice(DEFAULT_RUNBOOK_BASE_URL.length + 1))
            .filter((rel) => !fs.existsSync(path.join(REPO_ROOT, rel)));
        expect(missing, "runbook pages missing").to.deep.equal([]);
    });

    it("runbook pages are real pages: a title and the sections an on-call person needs", () => {
        for (const name of ALERT_NAMES) {
            const text = fs.readFileSync(path.join(REPO_ROOT, "docs/runbooks", `${name}.md`), "utf8");
            expect(text, name).to.match(new RegExp(`^# ${name}`));
            for (const section of ["## What it means", "## What to check", "## What to do", "## Escalation"]) {
                expect(text, `${name}: ${section}`).to.contain(section);
            }
        }
    });

    it("uses the runbook base URL given", () => {
        const custom = alertRules({ runbookBaseUrl: "https://git.example.org/infra/-/blob/main/" });
        expect(custom[0].annotations.runbook_url).to.equal(`https://git.example.org/infra/-/blob/main/docs/runbooks/${custom[0].alert}.md`);
    });

    it("database alerts carry category=database (the DatabaseDown inhibition keys on it)", () => {
        expect(rules.find((r) => r.alert === "DatabaseDown")!.labels.category).to.equal("database");
    });

    it("Watchdog always fires: vector(1), no for", () => {
        const watchdog = rules.find((r) => r.alert === "Watchdog")!;
        expect(watchdog.expr).to.equal("vector(1)");
        expect(watchdog.labels.severity).to.equal("none");
    });

    it("keeps the recording rule names the dashboards use", () => {
        const names = RECORDING_RULE_GROUPS.flatMap((g) => g.rules.map((r) => r.record));
        expect(names).to.deep.equal([
            "service:http_requests:rate5m",
            "service:http_errors:ratio_rate5m",
            "service:http_request_duration_seconds:p95_5m",
            "service:http_request_duration_seconds:p99_5m",
        ]);
    });
});

describe("monitoring render: prometheus.yml", () => {
    const input = stagingInput();
    const base = {
        environment: "staging",
        scrapeInterval: "15s",
        exporterScrapeInterval: "30s",
        evaluationInterval: "15s",
        alertmanagers: ["alertmanager:9093"],
        ruleFiles: ["/etc/prometheus/rules/alerts.yml"],
        targets: input.targets,
    };
    const config = renderPrometheusConfig(base) as any;
    const job = (name: string) => config.scrape_configs.find((j: any) => j.job_name === name);

    it("sets intervals and the environment external label", () => {
        expect(config.global).to.deep.equal({
            scrape_interval: "15s",
            evaluation_interval: "15s",
            external_labels: { environment: "staging" },
        });
        expect(config.alerting.alertmanagers[0].static_configs[0].targets).to.deep.equal(["alertmanager:9093"]);
        expect(config.rule_files).to.deep.equal(["/etc/prometheus/rules/alerts.yml"]);
    });

    it("scrapes the four services with a service label on /metrics", () => {
        const apps = job("apps");
        expect(apps.metrics_path).to.equal("/metrics");
        expect(apps.static_configs).to.deep.equal(input.targets.apps.map((a) => ({ targets: [a.address], labels: { service: a.service } })));
    });

    it("scrapes every exporter at the exporter interval, the rest at the default", () => {
        for (const name of ["node-exporter", "cadvisor", "postgres-exporter", "redis-exporter"]) {
            expect(job(name).scrape_interval, name).to.equal("30s");
        }
        for (const name of ["prometheus", "alertmanager", "loki", "grafana"]) {
            expect(job(name), name).to.not.equal(undefined);
            expect(job(name).scrape_interval, name).to.equal(undefined);
        }
        expect(job("postgres-exporter").static_configs[0].targets).to.deep.equal(["postgres-exporter:9187"]);
    });

    it("omits the loki and grafana jobs when they are not deployed", () => {
        const targets = { ...input.targets, loki: undefined, grafana: undefined };
        const names = (renderPrometheusConfig({ ...base, targets }) as any).scrape_configs.map((j: any) => j.job_name);
        expect(names).to.not.include("loki");
        expect(names).to.not.include("grafana");
        expect(names).to.include("prometheus");
    });

    it("rejects a service listed twice and malformed durations", () => {
        const apps = [input.targets.apps[0], input.targets.apps[0]];
        expect(() => renderPrometheusConfig({ ...base, targets: { ...input.targets, apps } })).to.throw(/twice/);
        expect(() => renderPrometheusConfig({ ...base, scrapeInterval: "15 seconds" })).to.throw(/duration/);
    });

    it("passes retention, storage and lifecycle as command-line flags", () => {
        expect(prometheusFlags({ retention: "30d" })).to.deep.equal([
            "--config.file=/etc/prometheus/prometheus.yml",
            "--storage.tsdb.path=/prometheus",
            "--storage.tsdb.retention.time=30d",
            "--web.enable-lifecycle",
        ]);
        expect(prometheusFlags({ retention: "7d", listenAddress: "127.0.0.1:9999" })).to.include.members([
            "--storage.tsdb.retention.time=7d",
            "--web.listen-address=127.0.0.1:9999",
        ]);
        expect(() => prometheusFlags({ retention: "a week" })).to.throw(/retention/);
    });
});

describe("monitoring render: alertmanager.yml", () => {
    it("without a Slack webhook: receivers exist but send nothing, notifications reported off", () => {
        const { config, notificationsEnabled } = renderAlertmanagerConfig({});
        const c = config as any;
        expect(notificationsEnabled).to.equal(false);
        expect(c.global.slack_api_url).to.equal(undefined);
        expect(c.receivers.map((r: any) => r.name)).to.have.members(Object.values(RECEIVERS));
        for (const r of c.receivers) expect(r.slack_configs, r.name).to.equal(undefined);
    });

    it("with a Slack webhook: one channel per receiver, resolved messages on", () => {
        const { config, notificationsEnabled } = renderAlertmanagerConfig({ slackWebhookUrl: TRICKY_SLACK_URL });
        const c = config as any;
        expect(notificationsEnabled).to.equal(true);
        expect(c.global.slack_api_url).to.equal(TRICKY_SLACK_URL);
        const channels = Object.fromEntries(c.receivers.filter((r: any) => r.slack_configs).map((r: any) => [r.name, r.slack_configs[0].channel]));
        expect(channels).to.deep.equal({
            "slack-critical": "#minimarket-alerts-critical",
            "slack-high": "#minimarket-alerts-high",
            "slack-medium": "#minimarket-alerts-medium",
            "slack-general": "#minimarket-alerts",
        });
        for (const r of c.receivers.filter((r: any) => r.slack_configs)) {
            expect(r.slack_configs[0].send_resolved, r.name).to.equal(true);
        }
    });

    it("the secret survives YAML rendering unchanged, also via the placeholder", () => {
        const direct = toYaml(renderAlertmanagerConfig({ slackWebhookUrl: TRICKY_SLACK_URL }).config);
        expect(YAML.parse(direct).global.slack_api_url).to.equal(TRICKY_SLACK_URL);
        const withPlaceholder = toYaml(renderAlertmanagerConfig({ slackWebhookUrl: SECRET_PLACEHOLDERS.slackWebhookUrl }).config);
        expect(withPlaceholder).to.not.contain("hooks.slack.com");
        const filled = fillSecretPlaceholders(withPlaceholder, { slackWebhookUrl: TRICKY_SLACK_URL });
        expect(YAML.parse(filled)).to.deep.equal(YAML.parse(direct));
    });

    it("can read the webhook from a file instead", () => {
        const { config, notificationsEnabled } = renderAlertmanagerConfig({ slackWebhookUrlFile: "/run/secrets/slack" });
        expect((config as any).global.slack_api_url_file).to.equal("/run/secrets/slack");
        expect(notificationsEnabled).to.equal(true);
        expect(() => renderAlertmanagerConfig({ slackWebhookUrl: "https://x", slackWebhookUrlFile: "/f" })).to.throw();
    });

    it("routes the Watchdog first, to the dead man's switch only", () => {
        const c = renderAlertmanagerConfig({ deadMansSwitchUrl: "https://hc-ping.com/uuid" }).config as any;
        const first = c.route.routes[0];
        expect(first.matchers).to.deep.equal(['alertname="Watchdog"']);
        expect(first.receiver).to.equal("deadmans-switch");
        expect(first.continue).to.not.equal(true);
        const receiver = c.receivers.find((r: any) => r.name === "deadmans-switch");
        expect(receiver.webhook_configs[0].url).to.equal("https://hc-ping.com/uuid");
        expect(receiver.slack_configs).to.equal(undefined);
    });

    it("runs a single instance: config and storage flags, clustering off", () => {
        expect(alertmanagerCommand()).to.deep.equal([
            "--config.file=/etc/alertmanager/alertmanager.yml",
            "--storage.path=/alertmanager",
            "--cluster.listen-address=",
        ]);
    });

    it("groups by alertname, severity, service and uses no deprecated match syntax", () => {
        const c = renderAlertmanagerConfig({ slackWebhookUrl: "https://hooks.slack.com/x" }).config as any;
        expect(c.route.group_by).to.deep.equal(["alertname", "severity", "service"]);
        const keys = allKeys(c);
        for (const deprecated of ["match", "match_re", "source_match", "source_match_re", "target_match", "target_match_re"]) {
            expect(keys, deprecated).to.not.include(deprecated);
        }
    });
});

describe("monitoring render: renderMonitoringFiles", () => {
    it("lays files out as <container>/<path inside the container>", () => {
        const files = renderMonitoringFiles(stagingInput());
        expect(Object.keys(files).sort()).to.deep.equal([
            "alertmanager/etc/alertmanager/alertmanager.yml",
            "prometheus/etc/prometheus/prometheus.yml",
            "prometheus/etc/prometheus/rules/alerts.yml",
            "prometheus/etc/prometheus/rules/recording.yml",
        ]);
        const prometheus = YAML.parse(files["prometheus/etc/prometheus/prometheus.yml"]);
        // Relative to prometheus.yml (/etc/prometheus), so they resolve in the container and in a rendered tree alike.
        expect(prometheus.rule_files).to.deep.equal(["rules/recording.yml", "rules/alerts.yml"]);
        expect(prometheus.global.scrape_interval).to.equal("15s");
    });

    it("reports whether notifications are on", () => {
        expect(renderMonitoring(stagingInput()).notificationsEnabled).to.equal(false);
        expect(renderMonitoring(stagingInput({ slackWebhookUrl: TRICKY_SLACK_URL })).notificationsEnabled).to.equal(true);
    });
});
