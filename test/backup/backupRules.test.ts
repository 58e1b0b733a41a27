/**
 * `promtool test rules` for the backup alerts: each fires just over its threshold once its `for`
 * has elapsed, not a minute earlier, and stays silent just under the threshold. Rule files come
 * from the same renderer the stack deploys.
 */
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { BACKUP_ALERT_NAMES, BACKUP_RULES_FILE, backupAlertRules, renderBackupRuleFile, staleThresholds } from "../../renderers/observability/backupRules";
import { toYaml } from "../../renderers/observability";
import { makeTempDir, requireBinaries, run } from "../support/processes";

const SERIES_LABELS = `job="node-exporter",instance="node-exporter:9100",database="inventario_retail"`;
const FROM_SERIES = { job: "node-exporter", instance: "node-exporter:9100", database: "inventario_retail" };
const severity = (s: string) => ({ severity: s, category: "backup", service: "postgres" });

interface Case {
    alert: string;
    name: string;
    series: Array<{ series: string; values: string }>;
    /** Minute at which `expect` is checked; `notYetAt`: earlier minute where nothing fires yet. */
    at: number;
    notYetAt?: number;
    expect: Array<Record<string, string>>;
    options?: { staleAfterHours?: number; drillStaleAfterHours?: number };
}

const s = (metric: string, values: string) => ({ series: `${metric}{${SERIES_LABELS}}`, values });
const other = { series: `up{job="node-exporter",instance="node-exporter:9100"}`, values: "1x200" };

const CASES: Case[] = [
    // Last good backup at t=0: older than 26h from minute 1561, firing 15m later.
    {
        alert: "BackupStale",
        name: "26h + 1m old, 15m later",
        series: [s("minimarket_backup_last_success_timestamp_seconds", "0x1600")],
        notYetAt: 1575,
        at: 1576,
        expect: [{ ...FROM_SERIES, ...severity("critical") }],
    },
    // A new backup exactly 26h after the previous one: the age never exceeds 26h.
    {
        alert: "BackupStale",
        name: "never more than 26h old",
        series: [s("minimarket_backup_last_success_timestamp_seconds", "0x1559 93540x100")],
        at: 1600,
        expect: [],
    },
    // Absence counts once Prometheus has scraped for 5 minutes (a fresh one has not scraped yet).
    { alert: "BackupStale", name: "no backup metrics at all", series: [other], notYetAt: 19, at: 20, expect: [severity("critical")] },
    {
        alert: "BackupStale",
        name: "threshold follows the schedule (6h backups: 8h)",
        options: { staleAfterHours: 8 },
        series: [s("minimarket_backup_last_success_timestamp_seconds", "0x600")],
        notYetAt: 495,
        at: 496,
        expect: [{ ...FROM_SERIES, ...severity("critical") }],
    },
    {
        alert: "BackupFailed",
        name: "last attempt failed",
        series: [s("minimarket_backup_last_status", "1x10 0x30")],
        notYetAt: 15,
        at: 16,
        expect: [{ ...FROM_SERIES, ...severity("high") }],
    },
    { alert: "BackupFailed", name: "last attempt succeeded", series: [s("minimarket_backup_last_status", "1x60")], at: 30, expect: [] },
    { alert: "BackupFailed", name: "a failure followed by a success", series: [s("minimarket_backup_last_status", "0x3 1x60")], at: 30, expect: [] },
    {
        alert: "RestoreDrillFailed",
        name: "last drill failed",
        series: [s("restore_drill_last_status", "1x10 0x30")],
        notYetAt: 15,
        at: 16,
        expect: [{ ...FROM_SERIES, ...severity("high") }],
    },
    { alert: "RestoreDrillFailed", name: "last drill succeeded", series: [s("restore_drill_last_status", "1x60")], at: 30, expect: [] },
    // Last successful drill at t=0: older than 50h from minute 3001, firing 30m later.
    {
        alert: "RestoreDrillStale",
        name: "50h + 1m old, 30m later",
        series: [s("restore_drill_last_success_timestamp_seconds", "0x3100")],
        notYetAt: 3030,
        at: 3031,
        expect: [{ ...FROM_SERIES, ...severity("medium") }],
    },
    {
        alert: "RestoreDrillStale",
        name: "daily drills",
        series: [s("restore_drill_last_success_timestamp_seconds", "0x1439 86400x1439 172800x300")],
        at: 3100,
        expect: [],
    },
    { alert: "RestoreDrillStale", name: "no drill metrics at all", series: [other], notYetAt: 34, at: 35, expect: [severity("medium")] },
];

describe("backup alert rules: promtool test rules", function () {
    let promtool: string;
    let dir: string;

    before(function () {
        promtool = requireBinaries(this, ["promtool"]).promtool;
        dir = makeTempDir("backup-rules");
    });
    after(() => dir && fs.rmSync(dir, { recursive: true, force: true }));

    /** Rule file without annotations (cases check labels), next to the test file. */
    function promtoolTest(name: string, options: Case["options"], tests: unknown[], withAnnotations = false): void {
        const sub = path.join(dir, name.replace(/[^A-Za-z0-9]+/g, "_"));
        fs.mkdirSync(sub, { recursive: true });
        const rules = backupAlertRules(options).map(({ annotations, ...rule }) => (withAnnotations ? { ...rule, annotations } : rule));
        fs.writeFileSync(path.join(sub, BACKUP_RULES_FILE), toYaml({ groups: [{ name: "minimarket-backups", rules }] }));
        fs.writeFileSync(path.join(sub, "test.yml"), toYaml({ rule_files: [BACKUP_RULES_FILE], evaluation_interval: "1m", tests }));
        const result = run(promtool, ["test", "rules", "test.yml"], { cwd: sub });
        expect(result.code, `${name}:\n${result.output}`).to.equal(0);
    }

    it("promtool accepts the rendered file", () => {
        const file = path.join(dir, "check", BACKUP_RULES_FILE);
        fs.mkdirSync(path.dirname(file), { recursive: true });
        fs.writeFileSync(file, renderBackupRuleFile()[BACKUP_RULES_FILE]);
        const r = run(promtool, ["check", "rules", file]);
        expect(r.code, r.output).to.equal(0);
        expect(r.output).to.match(/4 rules found/);
    });

    it("has a firing and a silent case for every alert", () => {
        for (const alert of BACKUP_ALERT_NAMES) {
            expect(
                CASES.some((c) => c.alert === alert && c.expect.length > 0),
                `${alert} firing`,
            ).to.equal(true);
            expect(
                CASES.some((c) => c.alert === alert && c.expect.length === 0),
                `${alert} silent`,
            ).to.equal(true);
        }
    });

    for (const c of CASES) {
        it(`${c.alert}: ${c.name}`, () => {
            const checks = [{ eval_time: `${c.at}m`, alertname: c.alert, exp_alerts: c.expect.map((labels) => ({ exp_labels: labels })) }];
            if (c.notYetAt !== undefined) checks.unshift({ eval_time: `${c.notYetAt}m`, alertname: c.alert, exp_alerts: [] });
            promtoolTest(`${c.alert}-${c.name}`, c.options, [{ interval: "1m", input_series: c.series, alert_rule_test: checks }]);
        });
    }

    it("annotations carry the thresholds and the runbook link", () => {
        const base = "https://github.com/minimarket/minimarket-infra/blob/main/docs/runbooks";
        promtoolTest(
            "annotations",
            undefined,
            [
                {
                    interval: "1m",
                    input_series: [s("minimarket_backup_last_status", "0x10")],
                    alert_rule_test: [
                        {
                            eval_time: "5m",
                            alertname: "BackupFailed",
                            exp_alerts: [
                                {
                                    exp_labels: { ...FROM_SERIES, ...severity("high") },
                                    exp_annotations: {
                                        summary: "The last PostgreSQL backup attempt failed",
                                        description: backupAlertRules()[1].annotations.description,
                                        runbook_url: `${base}/BackupFailed.md`,
                                    },
                                },
                            ],
                        },
                    ],
                },
            ],
            true,
        );
        expect(backupAlertRules({ staleAfterHours: 8 })[0].annotations.summary).to.equal("No good PostgreSQL backup in the last 8h");
    });

    it("thresholds follow the schedule", () => {
        expect(staleThresholds(24, 24)).to.deep.equal({ staleAfterHours: 26, drillStaleAfterHours: 50 });
        expect(staleThresholds(6, 24).staleAfterHours).to.equal(8);
    });

    it("every alert has a runbook in docs/runbooks", () => {
        for (const alert of BACKUP_ALERT_NAMES) {
            const file = path.join(__dirname, "..", "..", "docs", "runbooks", `${alert}.md`);
            expect(fs.existsSync(file), file).to.equal(true);
            const text = fs.readFileSync(file, "utf8");
            expect(text).to.match(new RegExp(`^# ${alert}\\n`));
            for (const section of ["## What it means", "## What to check", "## What to do", "## Escalation"]) {
                expect(text, `${alert}: ${section}`).to.contain(section);
            }
        }
    });
});
