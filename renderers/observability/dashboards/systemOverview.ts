// Dashboard 1: is everything up, how busy is it, how many requests fail, how fast it answers.
import * as dashboard from "@grafana/grafana-foundation-sdk/dashboard";
import * as common from "@grafana/grafana-foundation-sdk/common";
import * as stat from "@grafana/grafana-foundation-sdk/stat";
import * as timeseries from "@grafana/grafana-foundation-sdk/timeseries";
import * as units from "@grafana/grafana-foundation-sdk/units";
import { APP_UP_SELECTOR, COLORS, RULES, buildDashboard, dashedThresholds, lastValue, multiTooltip, tableLegend, thresholds, withBasics } from "./common";
import { BackupPanelOptions, backupPanel } from "./backups";

export const SYSTEM_OVERVIEW_UID = "minimarket-system-overview";

const upDownMapping: dashboard.ValueMapping = {
    type: dashboard.MappingType.ValueToText,
    options: {
        "0": { text: "DOWN", color: COLORS.bad, index: 0 },
        "1": { text: "UP", color: COLORS.ok, index: 1 },
    },
};

function serviceStatus() {
    return withBasics(new stat.PanelBuilder(), {
        title: "Service status",
        description: "Scrape target of each service (down if any instance is down), PostgreSQL and Redis exporters.",
        queries: [
            { expr: `min by (service) (${APP_UP_SELECTOR})`, legend: "{{service}}", instant: true },
            { expr: "min(pg_up)", legend: "postgres", instant: true },
            { expr: "min(redis_up)", legend: "redis", instant: true },
        ],
        width: 24,
        height: 4,
    })
        .mappings([upDownMapping])
        .thresholds(thresholds(COLORS.bad, [1, COLORS.ok]))
        .colorMode(common.BigValueColorMode.Background)
        .graphMode(common.BigValueGraphMode.None)
        .reduceOptions(lastValue());
}

function requestRate() {
    return withBasics(new timeseries.PanelBuilder(), {
        title: "Request rate",
        queries: [{ expr: `sum by (service) (${RULES.requestRate})`, legend: "{{service}}" }],
        width: 12,
    })
        .unit(units.RequestsPerSecond)
        .legend(tableLegend())
        .tooltip(multiTooltip());
}

function errorRate() {
    return withBasics(new timeseries.PanelBuilder(), {
        title: "Error rate",
        description: "Share of failed requests over 5 minutes. The HighErrorRate alert fires above 5%.",
        queries: [{ expr: `100 * max by (service) (${RULES.errorRatio})`, legend: "{{service}}" }],
        width: 12,
    })
        .unit(units.Percent)
        .min(0)
        .thresholds(thresholds(COLORS.ok, [1, COLORS.warn], [5, COLORS.bad]))
        .thresholdsStyle(dashedThresholds())
        .legend(tableLegend())
        .tooltip(multiTooltip());
}

function latencyP95() {
    return withBasics(new timeseries.PanelBuilder(), {
        title: "P95 latency",
        description: "The HighLatency alert fires above 500 ms for 10 minutes.",
        queries: [{ expr: `max by (service) (${RULES.p95})`, legend: "{{service}}" }],
        width: 12,
    })
        .unit(units.Seconds)
        .min(0)
        .thresholds(thresholds(COLORS.ok, [0.5, COLORS.bad]))
        .thresholdsStyle(dashedThresholds())
        .legend(tableLegend())
        .tooltip(multiTooltip());
}

function uptime7d() {
    return withBasics(new stat.PanelBuilder(), {
        title: "Uptime, last 7 days",
        description: "Share of successful scrapes over 7 days. Target: 99.9%.",
        queries: [
            {
                expr: `100 * avg by (service) (avg_over_time(${APP_UP_SELECTOR}[7d]))`,
                legend: "{{service}}",
                instant: true,
            },
        ],
        width: 12,
    })
        .unit(units.Percent)
        .decimals(3)
        .thresholds(thresholds(COLORS.bad, [99, COLORS.warn], [99.9, COLORS.ok]))
        .colorMode(common.BigValueColorMode.Value)
        .graphMode(common.BigValueGraphMode.None)
        .reduceOptions(lastValue());
}

export function systemOverviewDashboard(backups: BackupPanelOptions | null = {}): dashboard.Dashboard {
    return buildDashboard(
        {
            uid: SYSTEM_OVERVIEW_UID,
            title: "MiniMarket - System overview",
            description: "Health, traffic, errors and latency of the four MiniMarket services.",
            tags: ["system", "overview"],
            from: "now-6h",
            refresh: "30s",
        },
        [serviceStatus(), requestRate(), errorRate(), latencyP95(), uptime7d(), ...(backups ? [backupPanel(backups)] : [])],
    );
}
