// The alert rules where the apps run on Cloud Run: one definition per alert (alertDefinitions.ts),
// only the measure differs where cAdvisor cannot see the apps. promtool evaluates the Cloud Run
// measures on series as stackdriver_exporter and the apps' agents write them.
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { ALERT_RULES_FILE, alertRuleGroups, RECORDING_RULE_GROUPS, RECORDING_RULES_FILE, renderRuleFiles, toYaml } from "../../renderers/observability";
import { ALERT_DEFS } from "../../renderers/observability/alertDefinitions";
import { makeTempDir, requireBinaries, run, writeFiles } from "../support/processes";

const RUNTIMES = { docker: alertRuleGroups(), cloudrun: alertRuleGroups({ runtime: "cloudrun" }) };

describe("alert rules on Cloud Run: the same definitions, Cloud Run's measures", () => {
    it("renders every alert on both runtimes with the same name, duration, severity, labels, summary and runbook", () => {
        const flat = (groups: typeof RUNTIMES.docker) => groups.flatMap((g) => g.rules.map((r) => ({ group: g.name, ...r })));
        const docker = flat(RUNTIMES.docker);
        const cloudrun = flat(RUNTIMES.cloudrun);
        expect(cloudrun.map((r) => r.alert)).to.deep.equal(docker.map((r) => r.alert));
        const differ: string[] = [];
        docker.forEach((d, i) => {
            const c = cloudrun[i];
            expect({ ...c, expr: "", annotations: { ...c.annotations, description: "" } }, d.alert).to.deep.equal({
                ...d,
                expr: "",
                annotations: { ...d.annotations, description: "" },
            });
            if (c.expr !== d.expr) differ.push(d.alert);
        });
        // Only what cAdvisor measured on the Docker host is measured differently.
        expect(differ).to.deep.equal(["MemoryPressure", "CPUHigh", "DeploymentIssue"]);
        expect(ALERT_DEFS.filter((d) => d.onCloudRun).map((d) => d.alert)).to.deep.equal(differ);
        for (const alert of differ) {
            const c = cloudrun.find((r) => r.alert === alert)!;
            expect(c.expr, alert).not.to.match(/(^|[^a-z_])container_(memory|cpu|spec)_|container_label_/);
        }
    });

    it("keeps each threshold in one place: the Cloud Run measure fires at the same share", () => {
        const threshold = (groups: typeof RUNTIMES.docker, alert: string) =>
            /> ([0-9.]+)$/.exec(groups.flatMap((g) => g.rules).find((r) => r.alert === alert)!.expr)![1];
        for (const alert of ["MemoryPressure", "CPUHigh", "DeploymentIssue"])
            expect(threshold(RUNTIMES.cloudrun, alert), alert).to.equal(threshold(RUNTIMES.docker, alert));
    });
});

/** A Cloud Monitoring distribution as stackdriver_exporter exports it: that minute's histogram, cumulative buckets. */
function utilization(metric: "memory" | "cpu", service: string, counts: Record<string, number>): Array<{ series: string; values: string }> {
    const name = `stackdriver_cloud_run_revision_run_googleapis_com_container_${metric}_utilizations_bucket`;
    return Object.entries(counts).map(([le, n]) => ({
        series: `${name}{service_name="minimarket-prod-${service}",revision_name="minimarket-prod-${service}-00001-abc",location="southamerica-east1",project_id="p",unit="10^2.%",le="${le}"}`,
        values: `${n}x30`,
    }));
}

/** `up` of one Cloud Run instance, as its agent writes it: 1 from `from` to `to` minutes, then stale. */
function instance(id: number, from: number, to: number, total = 30): { series: string; values: string } {
    const values = Array.from({ length: total + 1 }, (_, m) => (m < from ? "_" : m <= to ? "1" : m === to + 1 ? "stale" : "_"));
    return { series: `up{job="apps",instance="127.0.0.1:8080",service="dashboard",environment="prod",cloud_run_instance="i${id}"}`, values: values.join(" ") };
}

interface Case {
    alert: string;
    name: string;
    series: Array<{ series: string; values: string }>;
    at: string;
    notYetAt?: string;
    expect: Array<Record<string, string>>;
}

const HOT = { "0.5": 0, "0.8": 0, "0.9": 10, "1": 10, "+Inf": 10 };
const COOL = { "0.5": 8, "0.8": 10, "0.9": 10, "1": 10, "+Inf": 10 };

const CASES: Case[] = [
    {
        alert: "MemoryPressure",
        name: "the busiest instances above 85 % of their memory for 5 minutes",
        series: utilization("memory", "ml-service", HOT),
        at: "6m",
        notYetAt: "4m",
        expect: [{ service: "ml-service", name: "minimarket-prod-ml-service", severity: "high", category: "infrastructure" }],
    },
    { alert: "MemoryPressure", name: "under 80 %", series: utilization("memory", "ml-service", COOL), at: "20m", expect: [] },
    {
        alert: "CPUHigh",
        name: "the busiest instances above 80 % of their CPU for 10 minutes",
        series: utilization("cpu", "dashboard", HOT),
        at: "11m",
        notYetAt: "9m",
        expect: [{ service: "dashboard", name: "minimarket-prod-dashboard", severity: "high", category: "infrastructure" }],
    },
    { alert: "CPUHigh", name: "under 80 %", series: utilization("cpu", "dashboard", COOL), at: "20m", expect: [] },
    {
        alert: "DeploymentIssue",
        name: "seven instances that started and stopped within minutes: a crash loop",
        series: [1, 2, 3, 4, 5, 6, 7].map((i) => instance(i, 12, 13)),
        at: "20m",
        notYetAt: "18m",
        expect: [{ service: "dashboard", name: "dashboard", severity: "medium", category: "deployment" }],
    },
    {
        alert: "DeploymentIssue",
        name: "seven instances still serving (a scale-out)",
        series: [1, 2, 3, 4, 5, 6, 7].map((i) => instance(i, 12, 30)),
        at: "20m",
        expect: [],
    },
    { alert: "DeploymentIssue", name: "seven old instances scaled in", series: [1, 2, 3, 4, 5, 6, 7].map((i) => instance(i, 0, 20)), at: "26m", expect: [] },
    { alert: "DeploymentIssue", name: "five short-lived instances", series: [1, 2, 3, 4, 5].map((i) => instance(i, 12, 13)), at: "20m", expect: [] },
];

describe("alert rules on Cloud Run: promtool test rules", function () {
    let promtool: string;
    let dir: string;

    before(function () {
        promtool = requireBinaries(this, ["promtool"]).promtool;
        dir = makeTempDir("minimarket-cloudrun-rules");
        const groups = RUNTIMES.cloudrun.map((g) => ({ name: g.name, rules: g.rules.map(({ annotations: _annotations, ...rule }) => rule) }));
        writeFiles(dir, { [RECORDING_RULES_FILE]: toYaml({ groups: RECORDING_RULE_GROUPS }), [ALERT_RULES_FILE]: toYaml({ groups }) });
    });

    after(() => {
        if (dir) fs.rmSync(dir, { recursive: true, force: true });
    });

    it("passes promtool check rules as rendered", () => {
        const full = makeTempDir("minimarket-cloudrun-full");
        try {
            writeFiles(full, renderRuleFiles({ runtime: "cloudrun" }));
            const result = run(promtool, ["check", "rules", RECORDING_RULES_FILE, ALERT_RULES_FILE], { cwd: full });
            expect(result.code, result.output).to.equal(0);
        } finally {
            fs.rmSync(full, { recursive: true, force: true });
        }
    });

    for (const c of CASES) {
        it(`${c.alert}: ${c.name}`, () => {
            const checks = [
                ...(c.notYetAt ? [{ eval_time: c.notYetAt, alertname: c.alert, exp_alerts: [] }] : []),
                { eval_time: c.at, alertname: c.alert, exp_alerts: c.expect.map((labels) => ({ exp_labels: labels })) },
            ];
            const file = path.join(dir, `${c.alert}-${c.name.replace(/[^A-Za-z0-9]+/g, "_")}.test.yml`);
            fs.writeFileSync(
                file,
                toYaml({
                    rule_files: [RECORDING_RULES_FILE, ALERT_RULES_FILE],
                    evaluation_interval: "1m",
                    tests: [{ name: c.name, interval: "1m", input_series: c.series, alert_rule_test: checks }],
                }),
            );
            const result = run(promtool, ["test", "rules", path.basename(file)], { cwd: dir });
            expect(result.code, `promtool test rules ${file}:\n${result.output}`).to.equal(0);
        });
    }
});
