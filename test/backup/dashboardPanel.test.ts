import { expect } from "chai";
import { BACKUP_PANEL_TITLE, backupPanel } from "../../renderers/observability/dashboards/backups";
import { BACKUP_METRICS as METRIC } from "../../facts/telemetry";
import { listPanels } from "../../renderers/observability/dashboards";
import { buildDashboard } from "../../renderers/observability/dashboards/common";
import { renderStackFiles } from "../../renderers/observability";
import { metricNames, promtoolCheckRules } from "../observability/promql";
import { requireBinaries } from "../support/processes";

function panelModel(options = {}) {
    const model = buildDashboard({ uid: "t", title: "t", description: "t", tags: [], from: "now-6h", refresh: "30s" }, [backupPanel(options)]);
    return { summary: listPanels(model)[0], raw: (model.panels ?? [])[0] as any };
}

describe("backups panel", () => {
    it("shows backup and drill age, size and durations from the backup container's metrics", () => {
        const { summary } = panelModel();
        expect(summary.title).to.equal(BACKUP_PANEL_TITLE);
        expect(summary.targets.map((t) => t.refId)).to.deep.equal(["A", "B", "C", "D", "E"]);
        const used = new Set(summary.targets.flatMap((t) => metricNames(t.expr)));
        expect([...used].sort()).to.deep.equal(
            [METRIC.lastSuccess, METRIC.drillLastSuccess, METRIC.lastSize, METRIC.lastDuration, METRIC.drillDuration].sort(),
        );
    });

    it("colours the ages at the alert thresholds, and the size in bytes", () => {
        const { raw } = panelModel({ staleAfterHours: 8 });
        const byRef = Object.fromEntries(raw.fieldConfig.overrides.map((o: any) => [o.matcher.options, o.properties]));
        const steps = byRef.A.find((p: any) => p.id === "thresholds").value.steps;
        expect(steps.map((s: any) => s.value)).to.deep.equal([null, 8 * 3600 * 0.9, 8 * 3600]);
        expect(byRef.C).to.deep.equal([{ id: "unit", value: "bytes" }]);
    });

    it("its queries are valid PromQL (promtool)", function () {
        requireBinaries(this, ["promtool"]);
        const { summary } = panelModel();
        const r = promtoolCheckRules(summary.targets.map((t, i) => ({ record: `backup_panel_${i}`, expr: t.expr })));
        expect(r.status, r.output).to.equal(0);
    });
});

describe("Backups panel where backups run", () => {
    const systemOverview = (files: Record<string, string>) =>
        JSON.parse(files["grafana/etc/grafana/dashboards/minimarket-system-overview.json"]) as { panels: Array<{ title: string; description?: string }> };

    it("is on the system dashboard of a stack with the backup container, with the alerts' thresholds", () => {
        const { files } = renderStackFiles({ environment: "staging", backups: { intervalHours: 6, drillIntervalHours: 24 } });
        const panel = systemOverview(files).panels.find((p) => p.title === BACKUP_PANEL_TITLE);
        expect(panel, "Backups panel").to.not.equal(undefined);
        expect(panel!.description).to.include("BackupStale at 8h").and.include("RestoreDrillStale at 50h");
        expect(files["prometheus/etc/prometheus/rules/backups.yml"]).to.include("BackupStale");
    });

    it("is absent, like the backup alerts, where nothing is backed up by the stack (prod: Cloud SQL)", () => {
        const { files } = renderStackFiles({ environment: "prod" });
        expect(systemOverview(files).panels.map((p) => p.title)).to.not.include(BACKUP_PANEL_TITLE);
        expect(files).to.not.have.property("prometheus/etc/prometheus/rules/backups.yml");
    });
});
