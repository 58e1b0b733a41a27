// What a Slack notification says, rendered by Alertmanager's own template engine (`amtool template
// render`, Alertmanager 0.25) from the title and text of the rendered config, for alerts shaped as
// Prometheus sends them: the rule's labels and annotations plus the stack's external labels.

import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { backupAlertRules } from "../../renderers/observability/backupRules";
import { renderAlertmanagerConfig, SECRET_PLACEHOLDERS } from "../../renderers/observability/alertmanager";
import { renderPrometheusConfig } from "../../renderers/observability/prometheus";
import { AlertRule, alertRules } from "../../renderers/observability/rules";
import { stagingInput } from "../monitoring/fixtures";
import { makeTempDir, requireBinaries, run } from "../support/processes";

type Labels = Record<string, string>;
type Obj = Record<string, any>;

interface SentAlert {
    labels: Labels;
    annotations: Labels;
    status: "firing" | "resolved";
}

/** Labels every alert of every series carries: prometheus.yml's external labels. */
function externalLabels(environment: string): Labels {
    const input = stagingInput({ environment });
    const config = renderPrometheusConfig({
        environment,
        scrapeInterval: "15s",
        exporterScrapeInterval: "30s",
        evaluationInterval: "15s",
        alertmanagers: input.alertmanagers,
        ruleFiles: [],
        targets: input.targets,
    }) as Obj;
    return config.global.external_labels;
}

/** An alert of `rule` as Prometheus sends it: series labels, rule labels, alertname, external labels. */
function sent(rule: AlertRule, series: Labels, external: Labels, status: SentAlert["status"] = "firing"): SentAlert {
    const annotations = { ...rule.annotations, summary: `summary of ${rule.alert}`, description: `description of ${rule.alert}` };
    return { labels: { ...series, ...rule.labels, alertname: rule.alert, ...external }, annotations, status };
}

/** Labels shared by every alert, with the same value (Alertmanager's CommonLabels). */
function common(maps: Labels[]): Labels {
    return Object.fromEntries(Object.entries(maps[0]).filter(([k, v]) => maps.every((m) => m[k] === v)));
}

/** template.Data of one notification for a group of alerts (github.com/prometheus/alertmanager/template). */
function notificationData(receiver: string, groupBy: string[], alerts: SentAlert[]): Obj {
    const labels = common(alerts.map((a) => a.labels));
    return {
        receiver,
        status: alerts.some((a) => a.status === "firing") ? "firing" : "resolved",
        alerts: alerts.map((a, i) => ({
            status: a.status,
            labels: a.labels,
            annotations: a.annotations,
            startsAt: "2026-11-24T08:00:00Z",
            endsAt: a.status === "firing" ? "0001-01-01T00:00:00Z" : "2026-11-24T08:30:00Z",
            generatorURL: "http://prometheus:9090/graph",
            fingerprint: `f${i}`,
        })),
        groupLabels: Object.fromEntries(groupBy.filter((l) => l in labels).map((l) => [l, labels[l]])),
        commonLabels: labels,
        commonAnnotations: common(alerts.map((a) => a.annotations)),
        externalURL: "http://alertmanager:9093",
    };
}

describe("unit: Slack notifications rendered by amtool", function () {
    const config = () => renderAlertmanagerConfig({ slackWebhookUrl: SECRET_PLACEHOLDERS.slackWebhookUrl }).config as Obj;
    let amtool: string;
    let dir: string;
    let count = 0;

    before(function () {
        amtool = requireBinaries(this, ["amtool"]).amtool;
        dir = makeTempDir("minimarket-slack");
    });
    after(() => dir && fs.rmSync(dir, { recursive: true, force: true }));

    /** Renders one Go template of the config with amtool, over `data`. */
    function render(template: string, data: Obj): string {
        const file = path.join(dir, `data-${count++}.json`);
        fs.writeFileSync(file, JSON.stringify(data));
        // No template files: the glob matches nothing, the text is the whole template.
        const r = run(amtool, ["template", "render", `--template.glob=${path.join(dir, "*.tmpl")}`, `--template.data=${file}`, `--template.text=${template}`]);
        expect(r.code, r.output).to.equal(0);
        return r.stdout;
    }

    /** The Slack receiver's title and text for a notification of `alerts` to `receiver`. */
    function message(receiver: string, alerts: SentAlert[]): { title: string; text: string; channel: string } {
        const c = config();
        const slack = (c.receivers as Obj[]).find((r) => r.name === receiver)!.slack_configs[0];
        const data = notificationData(receiver, c.route.group_by, alerts);
        return { title: render(slack.title, data), text: render(slack.text, data), channel: slack.channel };
    }

    const rule = (name: string): AlertRule => [...alertRules(), ...backupAlertRules()].find((r) => r.alert === name)!;
    const staging = () => externalLabels("staging");

    it("a firing alert: status and count, alert name, service and stack in the title", () => {
        const m = message("slack-critical", [sent(rule("HighErrorRate"), { service: "agente-negocio" }, staging())]);
        expect(m.channel).to.equal("#minimarket-alerts-critical");
        expect(m.title).to.equal("[FIRING:1] HighErrorRate (agente-negocio) [staging]");
    });

    it("the text of every alert: summary, description, severity and its runbook link", () => {
        const high = rule("HighLatency");
        const m = message("slack-high", [sent(high, { service: "dashboard" }, staging())]);
        expect(m.text.split("\n")).to.deep.equal([
            "*summary of HighLatency*",
            "description of HighLatency",
            `Severity: high | Runbook: ${high.annotations.runbook_url}`,
            "",
        ]);
    });

    it("a group of several alerts counts the firing ones and lists each", () => {
        const disk = rule("DiskSpaceCritical");
        const alerts = [
            sent(disk, { instance: "node-exporter:9100", mountpoint: "/" }, staging()),
            sent(disk, { instance: "node-exporter:9100", mountpoint: "/var/lib/docker" }, staging()),
            sent(disk, { instance: "node-exporter:9100", mountpoint: "/srv" }, staging(), "resolved"),
        ];
        const m = message("slack-general", alerts);
        // No common service: no "(service)" part.
        expect(m.title).to.equal("[FIRING:2] DiskSpaceCritical [staging]");
        expect(m.text.match(/^\*summary of DiskSpaceCritical\*$/gm)).to.have.length(3);
        expect(m.text.match(/^Severity: critical \| Runbook: \S+\/docs\/runbooks\/DiskSpaceCritical\.md$/gm)).to.have.length(3);
    });

    it("a resolved notification says so, without a count", () => {
        const m = message("slack-medium", [sent(rule("RestoreDrillStale"), {}, staging(), "resolved")]);
        expect(m.title).to.equal("[RESOLVED] RestoreDrillStale (postgres) [staging]");
    });

    it("names the stack from the environment external label that Prometheus adds to every alert", () => {
        const prod = message("slack-high", [sent(rule("CacheHitRateLow"), {}, externalLabels("prod"))]);
        expect(prod.title).to.equal("[FIRING:1] CacheHitRateLow (redis) [prod]");
        // An alert without it (sent by something else) gets no empty brackets.
        expect(message("slack-high", [sent(rule("CacheHitRateLow"), {}, {})]).title).to.equal("[FIRING:1] CacheHitRateLow (redis)");
    });

    it("every alert that reaches Slack renders with its own severity and runbook in every Slack receiver", () => {
        const receivers = (config().receivers as Obj[]).filter((r) => r.slack_configs).map((r) => r.name);
        expect(receivers).to.have.length(4);
        const rules = [...alertRules(), ...backupAlertRules()].filter((r) => r.alert !== "Watchdog");
        for (const receiver of receivers) {
            const m = message(
                receiver,
                rules.map((r) => sent(r, { service: "s" }, staging())),
            );
            const lines = m.text.split("\n").filter((l) => l.startsWith("Severity: "));
            expect(lines, receiver).to.deep.equal(rules.map((r) => `Severity: ${r.labels.severity} | Runbook: ${r.annotations.runbook_url}`));
        }
    });
});
