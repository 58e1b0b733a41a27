// The four MiniMarket dashboards as Grafana JSON, plus a flat view of their panels.
import * as dashboard from "@grafana/grafana-foundation-sdk/dashboard";
import { AppRuntime } from "../../../facts/services";
import { businessKpisDashboard } from "./businessKpis";
import { mlServiceDashboard } from "./mlService";
import { performanceDashboard } from "./performance";
import { BackupPanelOptions } from "./backups";
import { DEFAULT_TIMEZONE } from "../../../facts/telemetry";
import { systemOverviewDashboard } from "./systemOverview";

export { BUSINESS_KPIS_UID } from "./businessKpis";
export { ML_SERVICE_UID } from "./mlService";
export { PERFORMANCE_UID } from "./performance";
export { SYSTEM_OVERVIEW_UID } from "./systemOverview";

export interface RenderedDashboard {
    uid: string;
    title: string;
    model: dashboard.Dashboard;
    /** File content for Grafana's file provisioning. */
    json: string;
}

/**
 * The dashboards of a stack. `backups`: the Backups panel's thresholds where the backup container
 * runs (the default: every panel there is), or null where it does not (the panel would only say
 * "no data"). `timezone`: the stack's time zone (config `timezone`), in which they show time.
 */
// Stryker disable next-line StringLiteral: equivalent, every runtime but "cloudrun" renders the Docker measures
export function dashboards(backups: BackupPanelOptions | null = {}, runtime: AppRuntime = "docker", timezone: string = DEFAULT_TIMEZONE): RenderedDashboard[] {
    return [systemOverviewDashboard(backups), businessKpisDashboard(), performanceDashboard(runtime), mlServiceDashboard(runtime)].map((model) => {
        if (!model.uid) throw new Error(`dashboard "${model.title}" has no uid`);
        model.timezone = timezone;
        return { uid: model.uid, title: model.title ?? model.uid, model, json: JSON.stringify(model, null, 2) + "\n" };
    });
}

export interface PanelSummary {
    id: number;
    title: string;
    type: string;
    unit?: string;
    /** [{value: null, color: base}, {value, color}...] when the panel has thresholds. */
    thresholds?: dashboard.Threshold[];
    targets: Array<{ refId?: string; expr: string; interval?: string; datasource?: { type?: string; uid?: string } }>;
    gridPos?: dashboard.GridPos;
}

function isPanel(p: dashboard.Panel | dashboard.RowPanel): p is dashboard.Panel {
    return p.type !== "row";
}

/** Flat list of a dashboard's panels with what matters for review and tests. */
export function listPanels(model: dashboard.Dashboard): PanelSummary[] {
    return (model.panels ?? []).filter(isPanel).map((p) => ({
        id: p.id ?? 0,
        title: p.title ?? "",
        type: p.type,
        unit: p.fieldConfig?.defaults?.unit,
        thresholds: p.fieldConfig?.defaults?.thresholds?.steps,
        targets: (p.targets ?? []).map((t) => {
            const target = t as {
                refId?: string;
                expr?: string;
                interval?: string;
                datasource?: { type?: string; uid?: string };
            };
            return { refId: target.refId, expr: target.expr ?? "", interval: target.interval, datasource: target.datasource };
        }),
        gridPos: p.gridPos,
    }));
}
