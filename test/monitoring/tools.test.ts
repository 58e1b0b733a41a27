/**
 * The rendered files checked by the real tools: promtool check config/rules, amtool
 * check-config and routing, and the inhibitions in a running Alertmanager. Runs with and
 * without a Slack webhook URL.
 */
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { renderMonitoringFiles, MonitoringInput } from "../../renderers/observability";
import { stagingInput, TRICKY_SLACK_URL } from "./fixtures";
import {
    httpJson,
    makeTempDir,
    ProcessGroup,
    requireBinaries,
    run,
    slackMessages,
    startAlertmanager,
    startWebhookReceiver,
    waitFor,
    WebhookReceiver,
    writeFiles,
} from "../support/processes";

const PROM_CONFIG = "prometheus/etc/prometheus/prometheus.yml";
const AM_CONFIG = "alertmanager/etc/alertmanager/alertmanager.yml";

/** Writes the rendered files under dir and points rule_files at the written copies. */
function writeRendered(dir: string, input: MonitoringInput): Record<string, string> {
    const files = renderMonitoringFiles(input);
    // Written as rendered: rule_files are relative to prometheus.yml, as in the container.
    writeFiles(dir, files);
    return files;
}

/** Routing expectations: labels → receivers, in order. */
const ROUTES: Array<{ labels: string[]; receivers: string }> = [
    { labels: ["alertname=RedisDown", "severity=critical", "service=redis"], receivers: "slack-critical,slack-general" },
    { labels: ["alertname=HighLatency", "severity=high", "service=dashboard"], receivers: "slack-high" },
    { labels: ["alertname=SlowRequests", "severity=medium", "service=dashboard"], receivers: "slack-medium" },
    { labels: ["alertname=SomethingNew", "severity=low"], receivers: "slack-general" },
    { labels: ["alertname=SomethingNew"], receivers: "slack-general" },
    { labels: ["alertname=Watchdog", "severity=none"], receivers: "deadmans-switch" },
];

const VARIANTS: Array<{ name: string; input: () => Promise<Partial<MonitoringInput>> | Partial<MonitoringInput> }> = [
    { name: "without Slack webhook", input: () => ({}) },
    { name: "with Slack webhook", input: () => ({ slackWebhookUrl: TRICKY_SLACK_URL, deadMansSwitchUrl: "https://hc-ping.com/0000" }) },
];

for (const variant of VARIANTS) {
    describe(`monitoring files checked by promtool/amtool (${variant.name})`, function () {
        let bins: Record<string, string>;
        let dir: string;

        before(async function () {
            bins = requireBinaries(this, ["promtool", "amtool"]);
            dir = makeTempDir("minimarket-check");
            writeRendered(dir, stagingInput(await variant.input()));
        });
        after(() => dir && fs.rmSync(dir, { recursive: true, force: true }));

        it("promtool check config accepts prometheus.yml and finds both rule files", () => {
            const r = run(bins.promtool, ["check", "config", path.join(dir, PROM_CONFIG)]);
            expect(r.code, r.output).to.equal(0);
            expect(r.output).to.contain("SUCCESS: 2 rule files found");
        });

        it("promtool check rules accepts both rule files (18 alerts, 4 recording rules)", () => {
            const rulesDir = path.join(dir, "prometheus/etc/prometheus/rules");
            const r = run(bins.promtool, ["check", "rules", path.join(rulesDir, "recording.yml"), path.join(rulesDir, "alerts.yml")]);
            expect(r.code, r.output).to.equal(0);
            expect(r.output).to.contain("SUCCESS: 4 rules found");
            expect(r.output).to.contain("SUCCESS: 18 rules found");
        });

        it("amtool check-config accepts alertmanager.yml", () => {
            const r = run(bins.amtool, ["check-config", path.join(dir, AM_CONFIG)]);
            expect(r.code, r.output).to.equal(0);
            expect(r.output).to.contain("2 inhibit rules");
        });

        for (const route of ROUTES) {
            it(`routes {${route.labels.join(", ")}} to ${route.receivers}`, () => {
                const r = run(bins.amtool, [
                    "config",
                    "routes",
                    "test",
                    `--config.file=${path.join(dir, AM_CONFIG)}`,
                    `--verify.receivers=${route.receivers}`,
                    ...route.labels,
                ]);
                expect(r.code, r.output).to.equal(0);
                expect(r.stdout.trim()).to.equal(route.receivers);
            });
        }
    });
}

/** Alerts posted to Alertmanager for the inhibition checks. */
function alert(labels: Record<string, string>) {
    return { labels: { environment: "test", ...labels }, annotations: { summary: "test" }, startsAt: new Date().toISOString() };
}

const INHIBITION_ALERTS = [
    alert({ alertname: "ServiceDown", severity: "critical", service: "agente-negocio" }),
    alert({ alertname: "HighLatency", severity: "high", service: "agente-negocio" }),
    alert({ alertname: "SlowRequests", severity: "medium", service: "agente-negocio" }),
    alert({ alertname: "HighErrorRate", severity: "critical", service: "agente-negocio" }),
    alert({ alertname: "HighLatency", severity: "high", service: "ml-service" }),
    alert({ alertname: "DatabaseDown", severity: "critical", service: "postgres", category: "database" }),
    alert({ alertname: "PostgresConnectionsHigh", severity: "high", service: "postgres", category: "database" }),
    alert({ alertname: "CacheHitRateLow", severity: "high", service: "redis", category: "cache" }),
    alert({ alertname: "Watchdog", severity: "none" }),
];

/** alertname/service → inhibited? */
const EXPECTED_INHIBITED: Record<string, boolean> = {
    "ServiceDown/agente-negocio": false,
    "HighLatency/agente-negocio": true, // high, same service as ServiceDown
    "SlowRequests/agente-negocio": true, // medium, same service
    "HighErrorRate/agente-negocio": false, // critical is never silenced by ServiceDown
    "HighLatency/ml-service": false, // other service
    "DatabaseDown/postgres": false, // does not silence itself
    "PostgresConnectionsHigh/postgres": true, // category=database
    "CacheHitRateLow/redis": false,
    "Watchdog/undefined": false,
};

for (const withSlack of [false, true]) {
    describe(`Alertmanager inhibitions and delivery, running (${withSlack ? "with" : "without"} Slack webhook)`, function () {
        this.timeout(90_000);
        const procs = new ProcessGroup();
        let dir: string;
        let receiver: WebhookReceiver;
        let amUrl: string;

        before(async function () {
            const bins = requireBinaries(this, ["prometheus-alertmanager"]);
            receiver = await startWebhookReceiver();
            dir = makeTempDir("minimarket-am");
            const input = stagingInput(withSlack ? { slackWebhookUrl: `${receiver.url}/slack`, deadMansSwitchUrl: `${receiver.url}/heartbeat` } : {});
            writeFiles(dir, renderMonitoringFiles(input));
            amUrl = await startAlertmanager(procs, bins["prometheus-alertmanager"], path.join(dir, "alertmanager"));
            await httpJson(`${amUrl}/api/v2/alerts`, { method: "POST", body: INHIBITION_ALERTS });
        });

        after(async () => {
            await procs.stopAll();
            await receiver?.close();
            if (dir) fs.rmSync(dir, { recursive: true, force: true });
        });

        it("runs the deployed command: its config file, storage on the volume, clustering off", async () => {
            const status = await httpJson(`${amUrl}/api/v2/status`);
            // An empty --cluster.listen-address: no gossip, no peers to wait for.
            expect(status.cluster.status).to.equal("disabled");
            expect(status.config.original).to.contain("deadmans-switch");
            // The volume of the container is mounted at /alertmanager (see the stack test).
            expect(fs.existsSync(path.join(dir, "alertmanager", "alertmanager")), "storage on the volume").to.equal(true);
        });

        it("ServiceDown silences high/medium alerts of its service; DatabaseDown silences category=database", async () => {
            const alerts: any[] = await waitFor(
                "all alerts listed",
                async () => {
                    const list = await httpJson(`${amUrl}/api/v2/alerts`);
                    return list.length === INHIBITION_ALERTS.length ? list : undefined;
                },
                60_000,
            );
            const inhibited = Object.fromEntries(alerts.map((a) => [`${a.labels.alertname}/${a.labels.service}`, a.status.inhibitedBy.length > 0]));
            expect(inhibited).to.deep.equal(EXPECTED_INHIBITED);
        });

        if (withSlack) {
            it("delivers critical alerts to the critical and the general channel, Watchdog only to the heartbeat", async () => {
                await waitFor(
                    "critical alerts in both channels",
                    () => {
                        const critical = slackMessages(receiver, "#minimarket-alerts-critical").length;
                        const general = slackMessages(receiver, "#minimarket-alerts").length;
                        // ServiceDown, HighErrorRate and DatabaseDown are separate groups (group_by service/alertname).
                        return critical >= 3 && general >= 3 ? true : undefined;
                    },
                    20_000,
                );
                await waitFor("heartbeat", () => (receiver.messages.some((m) => m.path === "/heartbeat") ? true : undefined), 20_000);
                const slackTexts = receiver.messages.filter((m) => m.path.startsWith("/slack")).map((m) => JSON.stringify(m.body));
                expect(
                    slackTexts.filter((t) => t.includes("Watchdog")),
                    "Watchdog in Slack",
                ).to.deep.equal([]);
                const heartbeat = receiver.messages.find((m) => m.path === "/heartbeat")!;
                expect(heartbeat.body.alerts.map((a: any) => a.labels.alertname)).to.deep.equal(["Watchdog"]);
            });
        } else {
            it("sends nothing anywhere without a webhook URL", async () => {
                // Waits for the dispatch itself (critical groups flush at once: group_wait 0s), not for a
                // fixed time: on a busy machine a short sleep would pass before Alertmanager did anything.
                const receivers = await waitFor(
                    "the critical and Watchdog groups dispatched",
                    async () => {
                        const groups: Array<{ receiver: { name: string } }> = await httpJson(`${amUrl}/api/v2/alerts/groups`);
                        const names = new Set(groups.map((g) => g.receiver.name));
                        return ["slack-critical", "slack-general", "deadmans-switch"].every((n) => names.has(n)) ? names : undefined;
                    },
                    30_000,
                );
                // The receivers they reach have no integration at all, so nothing can be sent later either.
                const loaded = parse((await httpJson(`${amUrl}/api/v2/status`)).config.original) as { receivers: Array<Record<string, unknown>> };
                for (const r of loaded.receivers.filter((x) => receivers.has(String(x.name)))) {
                    expect(
                        Object.keys(r).filter((k) => k.endsWith("_configs")),
                        String(r.name),
                    ).to.deep.equal([]);
                }
                expect(receiver.messages).to.deep.equal([]);
            });
        }
    });
}
