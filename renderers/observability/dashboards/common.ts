// Shared pieces of the MiniMarket dashboards: datasource, metric names, query and
// threshold helpers, and the final dashboard assembly.
import * as cog from "@grafana/grafana-foundation-sdk/cog";
import * as common from "@grafana/grafana-foundation-sdk/common";
import * as dashboard from "@grafana/grafana-foundation-sdk/dashboard";
import * as gauge from "@grafana/grafana-foundation-sdk/gauge";
import * as units from "@grafana/grafana-foundation-sdk/units";
import { DataqueryBuilder } from "@grafana/grafana-foundation-sdk/prometheus";
import { serviceNames } from "../../../facts/services";
import { CADVISOR_SERVICE_LABEL, DATASOURCE_UIDS, DEFAULT_TIMEZONE, INTERVALS, RECORDING_RULES } from "../../../facts/telemetry";

export const PROMETHEUS: common.DataSourceRef = { type: "prometheus", uid: DATASOURCE_UIDS.prometheus };

export const APP_SERVICES = serviceNames;
/** Selector for the app services' scrape targets (each job carries label `service`). */
export const APP_UP_SELECTOR = `up{service=~"${APP_SERVICES.join("|")}"}`;

/** Recording rules defined with the Prometheus rules; all carry label `service`. */
export const RULES = RECORDING_RULES;

/**
 * Exporters are scraped every 30s (SPEC). As a query's min step this makes Grafana's
 * $__rate_interval at least 4 x 30s, so rate() always sees enough samples.
 */
export const EXPORTER_SCRAPE_INTERVAL = INTERVALS.exporterScrape;

/** Cloud Monitoring's series are scraped once a minute (cloudrun): the min step of their queries. */
export const CLOUD_MONITORING_INTERVAL = INTERVALS.cloudMonitoringScrape;

export { CADVISOR_SERVICE_LABEL };

export const COLORS = { ok: "green", warn: "orange", bad: "red", neutral: "blue" } as const;

export interface Query {
    expr: string;
    legend?: string;
    /** Instant queries for single-value panels (stat, gauge, pie). */
    instant?: boolean;
    /** Minimum step, e.g. "1h" so that each bar of a per-hour chart is one hour. */
    interval?: string;
}

/** Prometheus targets with refIds A, B, C... on the fixed `prometheus` datasource. */
export function promQueries(queries: Query[]): DataqueryBuilder[] {
    return queries.map((q, i) => {
        const target = new DataqueryBuilder()
            .datasource(PROMETHEUS)
            .refId(String.fromCharCode(65 + i))
            .expr(q.expr)
            .legendFormat(q.legend ?? "__auto");
        if (q.instant) target.instant();
        else target.range();
        if (q.interval) target.interval(q.interval);
        return target;
    });
}

/** Absolute colour steps: the base colour, then [from value, colour] pairs in ascending order. */
export function thresholds(base: string, ...steps: Array<[number, string]>): dashboard.ThresholdsConfigBuilder {
    for (let i = 1; i < steps.length; i++) {
        if (steps[i][0] <= steps[i - 1][0]) throw new Error("threshold steps must ascend");
    }
    return new dashboard.ThresholdsConfigBuilder()
        .mode(dashboard.ThresholdsMode.Absolute)
        .steps([{ value: null, color: base }, ...steps.map(([value, color]) => ({ value, color }))]);
}

/** Draw the thresholds of a time series as dashed lines. */
export function dashedThresholds(): common.GraphThresholdsStyleConfigBuilder {
    return new common.GraphThresholdsStyleConfigBuilder().mode(common.GraphThresholdsStyleMode.Dashed);
}

export function lastValue(): common.ReduceDataOptionsBuilder {
    return new common.ReduceDataOptionsBuilder().calcs(["lastNotNull"]).values(false);
}

export function tableLegend(): common.VizLegendOptionsBuilder {
    return new common.VizLegendOptionsBuilder()
        .displayMode(common.LegendDisplayMode.Table)
        .placement(common.LegendPlacement.Bottom)
        .showLegend(true)
        .calcs(["mean", "max", "lastNotNull"]);
}

export function multiTooltip(): common.VizTooltipOptionsBuilder {
    return new common.VizTooltipOptionsBuilder().mode(common.TooltipDisplayMode.Multi).sort(common.SortOrder.Descending);
}

/** The methods every panel builder of the SDK shares. */
interface PanelLike<T> extends cog.Builder<dashboard.Panel> {
    title(title: string): T;
    description(description: string): T;
    datasource(datasource: common.DataSourceRef): T;
    targets(targets: cog.Builder<cog.Dataquery>[]): T;
    span(w: number): T;
    height(h: number): T;
}

export interface PanelBasics {
    title: string;
    description?: string;
    queries: Query[];
    /** Grid width out of 24. */
    width: number;
    height?: number;
}

export function withBasics<T extends PanelLike<T>>(panel: T, basics: PanelBasics): T {
    panel
        .title(basics.title)
        .datasource(PROMETHEUS)
        .targets(promQueries(basics.queries))
        .span(basics.width)
        .height(basics.height ?? 8);
    if (basics.description) panel.description(basics.description);
    return panel;
}

export interface DashboardMeta {
    uid: string;
    title: string;
    description: string;
    tags: string[];
    /** Default time range start, e.g. "now-6h". */
    from: string;
    refresh: string;
}

/** Panels are laid out left to right in the order given; widths of a row should add up to 24. */
export function buildDashboard(meta: DashboardMeta, panels: cog.Builder<dashboard.Panel>[]): dashboard.Dashboard {
    const builder = new dashboard.DashboardBuilder(meta.title)
        .uid(meta.uid)
        .description(meta.description)
        .tags(["minimarket", ...meta.tags])
        // dashboards() sets the stack's own time zone.
        .timezone(DEFAULT_TIMEZONE)
        .time({ from: meta.from, to: "now" })
        .refresh(meta.refresh)
        .tooltip(dashboard.DashboardCursorSync.Crosshair)
        // Provisioned from code: edits in the UI could not be saved anyway.
        .readonly()
        .annotations([])
        .variables([]);
    for (const panel of panels) builder.withPanel(panel);
    const model = builder.build();
    // Stable panel ids keep links (viewPanel=N) valid across deploys.
    (model.panels ?? []).forEach((panel, i) => {
        panel.id = i + 1;
    });
    return model;
}

/** cAdvisor: CPU used as a percentage of the container's CPU limit (no limit, no series). */
export function cpuPercentOfLimit(selector: string, by: string): string {
    return (
        `100 * sum by (${by}) (rate(container_cpu_usage_seconds_total{${selector}}[$__rate_interval]))` +
        ` / sum by (${by}) (container_spec_cpu_quota{${selector}} / container_spec_cpu_period{${selector}})`
    );
}

/** cAdvisor: working set as a percentage of the memory limit; a limit of 0 means "none". */
export function memoryPercentOfLimit(selector: string, by: string): string {
    return `100 * sum by (${by}) (container_memory_working_set_bytes{${selector}})` + ` / sum by (${by}) (container_spec_memory_limit_bytes{${selector}} > 0)`;
}

/** A 0–100 % gauge of the last value, coloured `base` below the first step. */
export function percentGauge(basics: PanelBasics, base: string, ...steps: Array<[number, string]>): gauge.PanelBuilder {
    return withBasics(new gauge.PanelBuilder(), basics)
        .unit(units.Percent)
        .min(0)
        .max(100)
        .thresholds(thresholds(base, ...steps))
        .reduceOptions(lastValue());
}
