// The Prometheus files of a stack, as deployed (renderStackFiles): `promtool check config` must
// accept prometheus.yml, find its rule files where the container has them, and load every rule
// defined: a rule file that parses but holds no groups would load silently with no alerts.

import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import YAML from "yaml";
import { BACKUP_METRICS as METRIC } from "../../facts/telemetry";
import { BACKUP_ALERT_NAMES, backupAlertRules } from "../../renderers/observability/backupRules";
import { ALERT_DEFS } from "../../renderers/observability/alertDefinitions";
import { ALERT_NAMES, alertRuleGroups, RECORDING_RULE_GROUPS, runbookUrl } from "../../renderers/observability/rules";
import { filesOf, renderStackFiles } from "../../renderers/observability/stackFiles";
import { makeTempDir, requireBinaries, run, writeFiles } from "../support/processes";

/** `promtool check config` output: rule file path → number of rules it loaded. */
function rulesFound(output: string): Record<string, number> {
    const found: Record<string, number> = {};
    for (const m of output.matchAll(/^Checking (\S+)\n\s+SUCCESS: (\d+) rules found$/gm)) found[path.basename(m[1])] = Number(m[2]);
    return found;
}

describe("unit: rule files loaded by promtool", function () {
    let promtool: string;
    let dir: string;

    before(function () {
        promtool = requireBinaries(this, ["promtool"]).promtool;
        dir = makeTempDir("minimarket-rulefiles");
    });
    after(() => dir && fs.rmSync(dir, { recursive: true, force: true }));

    /** Writes the prometheus container's files of a stack and runs `promtool check config` on them. */
    function check(name: string, backups?: { intervalHours: number; drillIntervalHours: number }, runbookBaseUrl?: string) {
        const root = path.join(dir, name);
        const files = filesOf(renderStackFiles({ environment: name, backups, runbookBaseUrl }).files, "prometheus");
        writeFiles(root, files);
        const r = run(promtool, ["check", "config", path.join(root, "etc/prometheus/prometheus.yml")]);
        expect(r.code, r.output).to.equal(0);
        return { output: r.stdout, files };
    }

    const recordingRules = () => RECORDING_RULE_GROUPS.flatMap((g) => g.rules).length;

    it("a stack with backups loads every recording rule, every alert and the backup alerts", () => {
        const { output } = check("staging", { intervalHours: 24, drillIntervalHours: 24 });
        expect(output).to.contain("SUCCESS: 3 rule files found");
        expect(rulesFound(output)).to.deep.equal({
            "recording.yml": recordingRules(),
            "alerts.yml": ALERT_NAMES.length,
            "backups.yml": BACKUP_ALERT_NAMES.length,
        });
    });

    it("a stack without backups has no backup rule file (its alerts would fire on metrics that cannot exist)", () => {
        const { output, files } = check("prod");
        expect(Object.keys(files).filter((f) => f.includes("/rules/"))).to.have.length(2);
        expect(rulesFound(output)).to.deep.equal({ "recording.yml": recordingRules(), "alerts.yml": ALERT_NAMES.length });
    });

    it("every alert of every rule file links to its runbook under the stack's runbook base", () => {
        const base = "https://git.example.org/ops/minimarket/-/blob/main";
        const { files } = check("staging-runbooks", { intervalHours: 24, drillIntervalHours: 24 }, base);
        const rules = Object.entries(files)
            .filter(([f]) => f.includes("/rules/"))
            .flatMap(([, text]) => (YAML.parse(text).groups as any[]).flatMap((g) => g.rules))
            .filter((r) => r.alert);
        expect(rules.map((r) => r.annotations.runbook_url)).to.deep.equal(rules.map((r) => `${base}/docs/runbooks/${r.alert}.md`));
        expect(rules).to.have.length(ALERT_NAMES.length + BACKUP_ALERT_NAMES.length);
    });

    it("the backup alerts follow the stack's schedule", () => {
        const { files } = check("staging-6h", { intervalHours: 6, drillIntervalHours: 12 });
        const rules = YAML.parse(files["/etc/prometheus/rules/backups.yml"]).groups[0].rules;
        // One interval plus 2h for a slow run; two missed drills plus 2h.
        expect(rules.find((r: any) => r.alert === "BackupStale").expr).to.contain(`> ${8 * 3600}\n`);
        expect(rules.find((r: any) => r.alert === "RestoreDrillStale").expr).to.contain(`> ${26 * 3600}\n`);
    });
});

describe("unit: alert rule groups and runbook links", () => {
    it("groups the alerts by concern, one group per concern, in definition order", () => {
        const groups = alertRuleGroups();
        const concerns = [...new Set(ALERT_DEFS.map((d) => d.group))];
        expect(groups.map((g) => g.name)).to.deep.equal(concerns);
        for (const g of groups) {
            expect(
                g.rules.map((r) => r.alert),
                g.name,
            ).to.deep.equal(ALERT_DEFS.filter((d) => d.group === g.name).map((d) => d.alert));
        }
    });

    it("drops any number of trailing slashes from the runbook base", () => {
        for (const base of ["https://git.example.org/infra", "https://git.example.org/infra/", "https://git.example.org/infra//"]) {
            expect(runbookUrl("ServiceDown", base), base).to.equal("https://git.example.org/infra/docs/runbooks/ServiceDown.md");
        }
    });
});

describe("unit: backup alerts read what the backup container writes", () => {
    it("every backup metric the alerts and the panel read is a gauge the container's metrics.sh publishes", () => {
        const script = fs.readFileSync(path.join(__dirname, "../../components/backup/scripts/metrics.sh"), "utf8");
        const published = new Set([...script.matchAll(/^\s*gauge (\w+) "/gm)].map((m) => m[1]));
        expect(published.size, "gauges found in metrics.sh").to.be.greaterThan(5);
        for (const [key, metric] of Object.entries(METRIC)) expect([...published], key).to.include(metric);
        const read = backupAlertRules().flatMap((r) => [...r.expr.matchAll(/\b(minimarket_backup_\w+|restore_drill_\w+)/g)].map((m) => m[1]));
        expect(read).to.have.length.greaterThan(3);
        for (const metric of read) expect(Object.values(METRIC), metric).to.include(metric);
    });
});
