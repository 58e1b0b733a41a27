/**
 * `promtool test rules`: every alert fires just over its threshold once its `for` has elapsed
 * (not a minute earlier) and stays silent just under it. Threshold cases are generated from the
 * SPEC's table in threshold-cases.ts, the others live in rule-cases.ts; rule files come from the
 * same renderer the stack deploys.
 */
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import {
    ALERT_NAMES,
    ALERT_RULES_FILE,
    alertRuleGroups,
    RECORDING_RULE_GROUPS,
    RECORDING_RULES_FILE,
    renderRuleFiles,
    toYaml,
} from "../../renderers/observability";
import { makeTempDir, requireBinaries, run, writeFiles } from "../support/processes";
import { ALERT_CASES, AlertCase, ExprCase, RECORDING_CASES } from "./rule-cases";
import { THRESHOLD_CASES } from "./threshold-cases";

const RULE_FILES = [RECORDING_RULES_FILE, ALERT_RULES_FILE];

/**
 * promtool compares annotations too, and they are Go templates; threshold cases check labels
 * only, so they run against the same rules without annotations. Templates are covered by
 * the annotation test below against the unmodified files.
 */
function rulesWithoutAnnotations(): Record<string, string> {
    const groups = alertRuleGroups().map((g) => ({
        name: g.name,
        rules: g.rules.map(({ annotations: _annotations, ...rule }) => rule),
    }));
    return {
        [RECORDING_RULES_FILE]: toYaml({ groups: RECORDING_RULE_GROUPS }),
        [ALERT_RULES_FILE]: toYaml({ groups }),
    };
}

/**
 * promtool evaluates rule groups in random order unless told: recording rules first, so an alert
 * reading a recorded series sees this evaluation's value (timing cases are exact to the minute).
 */
const GROUP_EVAL_ORDER = [...RECORDING_RULE_GROUPS, ...alertRuleGroups()].map((g) => g.name);

function alertTestFile(c: AlertCase): string {
    const silent = [...(c.notYetAt ? [c.notYetAt] : []), ...(c.silentAt ?? [])];
    const checks = [
        ...silent.map((t) => ({ eval_time: t, alertname: c.alert, exp_alerts: [] as unknown[] })),
        { eval_time: c.at, alertname: c.alert, exp_alerts: c.expect.map((labels) => ({ exp_labels: labels })) },
    ];
    return toYaml({
        rule_files: RULE_FILES,
        evaluation_interval: "1m",
        group_eval_order: GROUP_EVAL_ORDER,
        tests: [
            {
                name: `${c.alert}: ${c.name}`,
                interval: c.interval ?? "1m",
                input_series: c.series,
                alert_rule_test: checks,
            },
        ],
    });
}

function exprTestFile(c: ExprCase): string {
    return toYaml({
        rule_files: RULE_FILES,
        evaluation_interval: "1m",
        tests: [
            {
                name: c.name,
                interval: c.interval ?? "1m",
                input_series: c.series,
                promql_expr_test: [{ expr: c.expr, eval_time: c.at, exp_samples: c.expect }],
            },
        ],
    });
}

describe("alert rules: promtool test rules", function () {
    let promtool: string;
    let dir: string;

    before(function () {
        promtool = requireBinaries(this, ["promtool"]).promtool;
        dir = makeTempDir("minimarket-rules");
        writeFiles(path.join(dir, "stripped"), rulesWithoutAnnotations());
        writeFiles(path.join(dir, "full"), renderRuleFiles());
    });

    after(() => {
        if (dir) fs.rmSync(dir, { recursive: true, force: true });
    });

    /** Writes the test file next to its rule files (promtool resolves them relatively) and runs it. */
    function promtoolTest(variant: "stripped" | "full", name: string, content: string): void {
        const file = path.join(dir, variant, `${name.replace(/[^A-Za-z0-9]+/g, "_")}.test.yml`);
        fs.writeFileSync(file, content);
        const result = run(promtool, ["test", "rules", path.basename(file)], { cwd: path.dirname(file) });
        expect(result.code, `promtool test rules ${file}:\n${result.output}`).to.equal(0);
    }

    it("generates a just-over and a just-under case from the SPEC for every alert with a threshold", () => {
        const generated = new Set(THRESHOLD_CASES.map((c) => c.alert));
        const withoutThreshold = ALERT_NAMES.filter((a) => !generated.has(a));
        // Down/up alerts and LogShippingStopped are binary (covered in rule-cases.ts); the Watchdog has no threshold.
        expect(withoutThreshold).to.deep.equal(["ServiceDown", "DatabaseDown", "RedisDown", "LogShippingStopped", "Watchdog"]);
        for (const c of THRESHOLD_CASES.filter((c) => c.expect.length > 0)) expect(c.notYetAt, c.name).to.be.a("string");
    });

    it("has a firing and a non-firing case for every alert (Watchdog: firing only)", () => {
        for (const alert of ALERT_NAMES) {
            const cases = ALERT_CASES.filter((c) => c.alert === alert);
            expect(
                cases.some((c) => c.expect.length > 0),
                `${alert} firing case`,
            ).to.equal(true);
            if (alert !== "Watchdog") {
                expect(
                    cases.some((c) => c.expect.length === 0),
                    `${alert} silent case`,
                ).to.equal(true);
            }
        }
    });

    for (const c of ALERT_CASES) {
        it(`${c.alert}: ${c.name}`, () => promtoolTest("stripped", `${c.alert}-${c.name}`, alertTestFile(c)));
    }

    for (const c of RECORDING_CASES) {
        it(`recording rules: ${c.name}`, () => promtoolTest("stripped", `rec-${c.name}`, exprTestFile(c)));
    }

    it("annotations render with label values and humanized numbers", () => {
        const base = "https://github.com/minimarket/minimarket-infra/blob/main/docs/runbooks";
        const content = toYaml({
            rule_files: RULE_FILES,
            evaluation_interval: "1m",
            tests: [
                {
                    interval: "1m",
                    input_series: [
                        { series: 'http_requests_total{job="apps",instance="a:8002",service="agente-negocio"}', values: "0+100x20" },
                        { series: 'http_errors_total{job="apps",instance="a:8002",service="agente-negocio"}', values: "0+6x20" },
                        { series: 'up{job="loki",instance="loki:3100"}', values: "0x5" },
                    ],
                    alert_rule_test: [
                        {
                            eval_time: "10m",
                            alertname: "HighErrorRate",
                            exp_alerts: [
                                {
                                    exp_labels: { service: "agente-negocio", severity: "critical", category: "application" },
                                    exp_annotations: {
                                        summary: "agente-negocio: 6% of requests fail",
                                        description:
                                            "More than 5% of the requests of agente-negocio failed over the last 5 minutes, for 5 minutes (currently 6%).",
                                        runbook_url: `${base}/HighErrorRate.md`,
                                    },
                                },
                            ],
                        },
                        {
                            eval_time: "3m",
                            alertname: "ServiceDown",
                            exp_alerts: [
                                {
                                    exp_labels: { job: "loki", instance: "loki:3100", service: "loki", severity: "critical", category: "availability" },
                                    exp_annotations: {
                                        summary: "loki is down",
                                        description: "Prometheus cannot scrape loki:3100 (job loki) for more than 2 minutes.",
                                        runbook_url: `${base}/ServiceDown.md`,
                                    },
                                },
                            ],
                        },
                    ],
                },
            ],
        });
        promtoolTest("full", "annotations", content);
    });
});
