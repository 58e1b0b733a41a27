// Dashboard 4: OCR speed and timeouts, model quality, ML service resources and errors.
import * as dashboard from "@grafana/grafana-foundation-sdk/dashboard";
import * as gauge from "@grafana/grafana-foundation-sdk/gauge";
import * as piechart from "@grafana/grafana-foundation-sdk/piechart";
import * as timeseries from "@grafana/grafana-foundation-sdk/timeseries";
import * as units from "@grafana/grafana-foundation-sdk/units";
import { AppRuntime } from "../../../facts/services";
import { cloudRunBusiest } from "../../cloudRunMeasures";
import {
    percentGauge,
    CADVISOR_SERVICE_LABEL,
    COLORS,
    EXPORTER_SCRAPE_INTERVAL,
    buildDashboard,
    CLOUD_MONITORING_INTERVAL,
    cpuPercentOfLimit,
    dashedThresholds,
    lastValue,
    memoryPercentOfLimit,
    multiTooltip,
    tableLegend,
    thresholds,
    withBasics,
} from "./common";

export const ML_SERVICE_UID = "minimarket-ml-service";

const ML_CONTAINER = `${CADVISOR_SERVICE_LABEL}="ml-service"`;

function ocrQuantile(q: number): string {
    return `histogram_quantile(${q}, sum by (le) (rate(ocr_processing_duration_seconds_bucket[$__rate_interval])))`;
}

function ocrProcessingTime() {
    return withBasics(new timeseries.PanelBuilder(), {
        title: "OCR processing time (P50 / P95 / P99)",
        queries: [
            { expr: ocrQuantile(0.5), legend: "P50" },
            { expr: ocrQuantile(0.95), legend: "P95" },
            { expr: ocrQuantile(0.99), legend: "P99" },
        ],
        width: 12,
    })
        .unit(units.Seconds)
        .min(0)
        .thresholds(thresholds(COLORS.ok, [5, COLORS.warn], [10, COLORS.bad]))
        .thresholdsStyle(dashedThresholds())
        .legend(tableLegend())
        .tooltip(multiTooltip());
}

function ocrTimeoutsPerHour() {
    return withBasics(new timeseries.PanelBuilder(), {
        title: "OCR timeouts per hour",
        description: "The OCRTimeoutSpike alert fires above 10 timeouts in an hour.",
        queries: [{ expr: "sum(increase(ocr_timeout_events_total[1h]))", legend: "timeouts / hour" }],
        width: 12,
    })
        .unit(units.Short)
        .min(0)
        .thresholds(thresholds(COLORS.ok, [10, COLORS.bad]))
        .thresholdsStyle(dashedThresholds());
}

function predictionAccuracy() {
    return percentGauge(
        {
            title: "Price prediction accuracy",
            queries: [{ expr: "avg(ml_prediction_accuracy_percent)", legend: "accuracy", instant: true }],
            width: 6,
        },
        COLORS.bad,
        [80, COLORS.warn],
        [90, COLORS.ok],
    );
}

function driftScore() {
    return (
        withBasics(new gauge.PanelBuilder(), {
            title: "Model drift score",
            description: "The MLModelDrift alert fires above 0.15. Values above the gauge's maximum pin at its end.",
            queries: [{ expr: "max(ml_model_drift_score)", legend: "drift", instant: true }],
            width: 6,
        })
            .unit(units.Number)
            .decimals(3)
            .min(0)
            // Narrow scale so the 0.10 / 0.15 bands are visible.
            .max(0.3)
            .thresholds(thresholds(COLORS.ok, [0.1, COLORS.warn], [0.15, COLORS.bad]))
            .reduceOptions(lastValue())
    );
}

function modelsInUse() {
    return withBasics(new piechart.PanelBuilder(), {
        title: "Models in use",
        description: "Instances reporting each model (ml_model_version_info).",
        queries: [{ expr: "count by (model_name) (ml_model_version_info)", legend: "{{model_name}}", instant: true }],
        width: 12,
    })
        .unit(units.Short)
        .pieType(piechart.PieChartType.Pie)
        .displayLabels([piechart.PieChartLabels.Name])
        .reduceOptions(lastValue());
}

/** On Cloud Run, Cloud Monitoring's busiest ml-service instance; on a Docker host, cAdvisor's container. */
function mlShares(runtime: AppRuntime) {
    if (runtime === "cloudrun") {
        const share = (r: "cpu" | "memory") => `100 * ${cloudRunBusiest(r, ["ml-service"])}`;
        return [
            { expr: share("cpu"), legend: "CPU", interval: CLOUD_MONITORING_INTERVAL },
            { expr: share("memory"), legend: "memory", interval: CLOUD_MONITORING_INTERVAL },
        ];
    }
    return [
        {
            expr: cpuPercentOfLimit(ML_CONTAINER, CADVISOR_SERVICE_LABEL),
            legend: "CPU",
            interval: EXPORTER_SCRAPE_INTERVAL,
        },
        {
            expr: memoryPercentOfLimit(ML_CONTAINER, CADVISOR_SERVICE_LABEL),
            legend: "memory",
            interval: EXPORTER_SCRAPE_INTERVAL,
        },
    ];
}

function mlResources(runtime: AppRuntime) {
    return withBasics(new timeseries.PanelBuilder(), {
        title: "ML service CPU and memory (% of limit)",
        description: "The CPUHigh alert fires above 80% CPU for 10 minutes; MemoryPressure above 85% memory for 5 minutes (at 100% it is OOM-killed).",
        queries: mlShares(runtime),
        width: 12,
    })
        .unit(units.Percent)
        .min(0)
        .legend(tableLegend())
        .tooltip(multiTooltip());
}

function predictionsAndCache() {
    const rate = (metric: string) => `sum(rate(${metric}[$__rate_interval]))`;
    return withBasics(new timeseries.PanelBuilder(), {
        title: "Predictions and cache",
        queries: [
            { expr: rate("ml_predictions_total"), legend: "predictions" },
            { expr: rate("ml_cache_hits_total"), legend: "cache hits" },
            { expr: rate("ml_cache_misses_total"), legend: "cache misses" },
        ],
        width: 12,
    })
        .unit(units.OpsPerSecond)
        .min(0)
        .legend(tableLegend())
        .tooltip(multiTooltip());
}

function errorsPerMinute() {
    const perMinute = (metric: string) => `sum(rate(${metric}[$__rate_interval])) * 60`;
    return withBasics(new timeseries.PanelBuilder(), {
        title: "Errors per minute",
        queries: [
            { expr: perMinute("ml_errors_total"), legend: "ML errors" },
            { expr: perMinute("ocr_errors_total"), legend: "OCR errors" },
        ],
        width: 24,
    })
        .unit(units.CountsPerMinute)
        .min(0)
        .legend(tableLegend())
        .tooltip(multiTooltip());
}

// Stryker disable next-line StringLiteral: equivalent, every runtime but "cloudrun" renders the Docker measures
export function mlServiceDashboard(runtime: AppRuntime = "docker"): dashboard.Dashboard {
    return buildDashboard(
        {
            uid: ML_SERVICE_UID,
            title: "MiniMarket - ML service",
            description: "OCR latency and timeouts, prediction accuracy and drift, ML service resources and errors.",
            tags: ["ml", "ocr", "predictions"],
            from: "now-6h",
            refresh: "1m",
        },
        [
            ocrProcessingTime(),
            ocrTimeoutsPerHour(),
            predictionAccuracy(),
            driftScore(),
            modelsInUse(),
            mlResources(runtime),
            predictionsAndCache(),
            errorsPerMinute(),
        ],
    );
}
