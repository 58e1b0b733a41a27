/**
 * Threshold cases generated from the SPEC's alert table: for every alert with a threshold, one
 * history just over it (fires exactly when its `for` has elapsed, not one evaluation earlier) and
 * one just under it (never fires). The thresholds and `for` durations here are the tests' own
 * copy of the SPEC, not read from the product: moving a threshold or a `for` in
 * renderers/observability/alertDefinitions.ts makes one of these cases fail.
 *
 * Timing follows the deployed Prometheus 3 (promtool from `npm run upstream-tools`), where a range
 * selector is left-open: `[5m]` at t holds the samples after t-5m, not the one at t-5m (2.x took it
 * too, so its windows held one sample more). Every history begins at 0 and is sampled every
 * minute unless it says otherwise.
 */
import { SPEC_ALERTS } from "./fixtures";
import type { AlertCase, ExprCase, InputSeries } from "./rule-cases";

/** How far from the threshold "just over" and "just under" are, relative to it. */
export const MARGIN = 0.02;

export interface Threshold {
    value: number;
    /** "above": fires over `value`; "below": fires under it. */
    fires: "above" | "below";
    /** Whole-number quantities (counts) step by 1 instead of MARGIN: just over = value + 1, just under = value. */
    whole?: boolean;
}

/** The SPEC's "fires when" column, as numbers (the unit is that of the probe below). */
export const SPEC_THRESHOLDS: Record<string, Threshold> = {
    HighErrorRate: { value: 0.05, fires: "above" },
    DiskSpaceCritical: { value: 0.1, fires: "below" },
    HighLatency: { value: 0.5, fires: "above" },
    MemoryPressure: { value: 0.85, fires: "above" },
    CPUHigh: { value: 0.8, fires: "above" },
    StockCritico: { value: 0, fires: "above", whole: true },
    OCRTimeoutSpike: { value: 10, fires: "above", whole: true },
    CacheHitRateLow: { value: 0.7, fires: "below" },
    SlowRequests: { value: 2, fires: "above" },
    InflacionAnomaly: { value: 5, fires: "above" },
    MLModelDrift: { value: 0.15, fires: "above" },
    LogVolumeSpike: { value: 3, fires: "above" },
    DeploymentIssue: { value: 5, fires: "above", whole: true },
};

interface Probe {
    /** Input series whose watched quantity is `value`, covering `minutes` minutes from 0. */
    series(value: number, minutes: number): InputSeries[];
    /** First evaluation (minute) at which a firing history meets the condition. */
    trueFrom(value: number): number;
    /** Labels of the alert it fires (without alertname, severity and category). */
    labels: Record<string, string>;
    /** Sample spacing of the series, default "1m". */
    interval?: string;
}

// ---- series builders ------------------------------------------------------------------------

const round = (n: number) => Number(n.toPrecision(12));
/** A counter growing by `perMinute` per sample, for `samples` samples after 0. */
export const counter = (perMinute: number, samples: number) => `0+${round(perMinute)}x${samples}`;
export const gauge = (value: number, samples: number) => `${round(value)}x${samples}`;

const appLabels = (service: string) => `job="apps",instance="${service}:8000",service="${service}"`;
export const app = (metric: string, service: string, extra = "") => `${metric}{${appLabels(service)}${extra ? "," + extra : ""}}`;

/** A Docker container as cAdvisor v0.54 labels it (name, id, image, every Docker label). */
export function cadvisorContainer(name: string, service: string, role = "app"): string {
    return (
        `job="cadvisor",instance="cadvisor:8080",id="/system.slice/docker-${name}.scope",name="${name}",image="minimarket/${service}:1.0",` +
        `container_label_com_minimarket_role="${role}",container_label_com_minimarket_service="${service}"`
    );
}

/** Buckets of the apps' latency histograms (prometheus_client's defaults, seconds). */
export const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];

/**
 * A latency histogram (1000 requests a minute) whose `quantile` is exactly `seconds` by
 * histogram_quantile's linear interpolation: part of the requests below the bucket holding
 * `seconds`, part in it, the rest above it.
 */
export function latencyHistogram(service: string, quantile: number, seconds: number, minutes: number): InputSeries[] {
    const upper = LATENCY_BUCKETS.findIndex((le) => le >= seconds);
    const [a, b] = [upper > 0 ? LATENCY_BUCKETS[upper - 1] : 0, LATENCY_BUCKETS[upper]];
    const total = 1000;
    const x = (seconds - a) / (b - a);
    // inBucket requests in (a, b], below of them at or under a, the rest over b; then
    // a + (b - a) * (quantile * total - below) / inBucket = seconds.
    const inBucket = Math.min(((1 - quantile) * total) / (1 - x || 1), x > 0 ? (quantile * total) / x : Infinity);
    const below = quantile * total - x * inBucket;
    const les = [...LATENCY_BUCKETS.map(String), "+Inf"];
    return les.map((le, i) => {
        const bound = i < LATENCY_BUCKETS.length ? LATENCY_BUCKETS[i] : Infinity;
        const perMinute = bound < b ? (bound >= a ? below : 0) : bound === b ? below + inBucket : total;
        return { series: app("http_request_duration_seconds_bucket", service, `le="${le}"`), values: counter(perMinute, minutes) };
    });
}

/** Loki's line counter: 10 lines/s until minute `spikeAt`, then `ratio` times that. */
export function lokiLines(ratio: number, spikeAt: number, minutes: number, before = 10): InputSeries {
    const values: number[] = [0];
    for (let m = 1; m <= minutes; m++) values.push(round(values[m - 1] + 60 * (m <= spikeAt ? before : before * ratio)));
    return { series: `loki_distributor_lines_received_total{job="loki",instance="loki:3100",tenant="fake"}`, values: values.join(" ") };
}

/**
 * A container crash-looping the way cAdvisor shows it, sampled every 30 s (the exporter scrape):
 * the first run has no restart label; Docker's restart k is a new series with
 * container_label_restartcount="k" (same name and id), present only while that run lives.
 * `restarts` restarts, 30 s apart, from minute `from`.
 */
export function crashLoop(labels: string, restarts: number, from: number, minutes: number): InputSeries[] {
    const samples = minutes * 2 + 1;
    const firstRestart = from * 2;
    const created = 1_700_000_000;
    const run = (start: number, end: number) => Array.from({ length: samples }, (_, i) => (i >= start && i < end ? String(created) : "_")).join(" ");
    const series = [{ series: `container_start_time_seconds{${labels}}`, values: run(0, firstRestart) }];
    for (let k = 1; k <= restarts; k++) {
        const start = firstRestart + k - 1;
        series.push({
            series: `container_start_time_seconds{${labels},container_label_restartcount="${k}"}`,
            values: run(start, k === restarts ? samples : start + 1),
        });
    }
    return series;
}

const nodeFs = (mountpoint: string, fstype: string, device: string) =>
    `job="node-exporter",instance="node-exporter:9100",mountpoint="${mountpoint}",fstype="${fstype}",device="${device}"`;
export const filesystem = (mountpoint: string, fstype: string, device: string, availRatio: number, minutes: number): InputSeries[] => [
    { series: `node_filesystem_avail_bytes{${nodeFs(mountpoint, fstype, device)}}`, values: gauge(availRatio * 1e11, minutes) },
    { series: `node_filesystem_size_bytes{${nodeFs(mountpoint, fstype, device)}}`, values: gauge(1e11, minutes) },
];

// ---- one probe per alert: the watched quantity as input series ------------------------------

const ML = { job: "apps", instance: "ml-service:8000", service: "ml-service" };
const REDIS = `job="redis-exporter",instance="redis-exporter:9121"`;
const LOG_SPIKE_AT = 80;
/** OCR timeouts, one a minute from minute 1: n of them are all counted from minute n. */
const ocrTimeouts = (n: number, minutes: number) => Array.from({ length: minutes + 1 }, (_, m) => Math.min(m, n)).join(" ");

export const PROBES: Record<string, Probe> = {
    HighErrorRate: {
        series: (ratio, m) => [
            { series: app("http_requests_total", "agente-negocio"), values: counter(1000, m) },
            { series: app("http_errors_total", "agente-negocio"), values: counter(1000 * ratio, m) },
        ],
        trueFrom: () => 1,
        labels: { service: "agente-negocio" },
    },
    DiskSpaceCritical: {
        series: (free, m) => filesystem("/", "ext4", "/dev/sda1", free, m),
        trueFrom: () => 0,
        labels: { job: "node-exporter", instance: "node-exporter:9100", mountpoint: "/", fstype: "ext4", device: "/dev/sda1" },
    },
    HighLatency: { series: (s, m) => latencyHistogram("dashboard", 0.95, s, m), trueFrom: () => 1, labels: { service: "dashboard" } },
    SlowRequests: { series: (s, m) => latencyHistogram("agente-negocio", 0.99, s, m), trueFrom: () => 1, labels: { service: "agente-negocio" } },
    MemoryPressure: {
        series: (used, m) => [
            { series: `container_memory_working_set_bytes{${cadvisorContainer("minimarket-ml-service", "ml-service")}}`, values: gauge(used * 2e9, m) },
            { series: `container_spec_memory_limit_bytes{${cadvisorContainer("minimarket-ml-service", "ml-service")}}`, values: gauge(2e9, m) },
        ],
        trueFrom: () => 0,
        labels: { service: "ml-service", name: "minimarket-ml-service" },
    },
    CPUHigh: {
        series: (used, m) => [
            // 0.5 CPU limit (quota/period); the counter is CPU seconds.
            {
                series: `container_cpu_usage_seconds_total{${cadvisorContainer("minimarket-agente-negocio", "agente-negocio")},cpu="total"}`,
                values: counter(used * 0.5 * 60, m),
            },
            { series: `container_spec_cpu_quota{${cadvisorContainer("minimarket-agente-negocio", "agente-negocio")}}`, values: gauge(50000, m) },
            { series: `container_spec_cpu_period{${cadvisorContainer("minimarket-agente-negocio", "agente-negocio")}}`, values: gauge(100000, m) },
        ],
        // rate() of a counter younger than its 5m window reads low: the usage is full from minute 5.
        trueFrom: () => 5,
        labels: { service: "agente-negocio", name: "minimarket-agente-negocio" },
    },
    StockCritico: {
        series: (n, m) => [{ series: app("negocio_stock_critico_productos", "agente-negocio"), values: gauge(n, m) }],
        trueFrom: () => 0,
        labels: { job: "apps", instance: "agente-negocio:8000", service: "agente-negocio" },
    },
    OCRTimeoutSpike: {
        series: (n, m) => [{ series: app("ocr_timeout_events_total", "agente-negocio"), values: ocrTimeouts(n, m) }],
        trueFrom: (n) => n,
        labels: { service: "agente-negocio" },
    },
    CacheHitRateLow: {
        series: (hit, m) => [
            { series: `redis_keyspace_hits_total{${REDIS}}`, values: counter(1000 * hit, m) },
            { series: `redis_keyspace_misses_total{${REDIS}}`, values: counter(1000 * (1 - hit), m) },
        ],
        trueFrom: () => 1,
        labels: { instance: "redis-exporter:9121", service: "redis" },
    },
    InflacionAnomaly: {
        series: (points, m) => [
            { series: app("ml_inflacion_calculada_percent", "ml-service"), values: gauge(4.5 + points, m) },
            { series: app("ml_inflacion_baseline_percent", "ml-service"), values: gauge(4.5, m) },
        ],
        trueFrom: () => 0,
        labels: ML,
    },
    MLModelDrift: { series: (d, m) => [{ series: app("ml_model_drift_score", "ml-service"), values: gauge(d, m) }], trueFrom: () => 0, labels: ML },
    // The 5m rate is all spike from 4 minutes after it starts: (t-5m, t] then holds the samples
    // t-4 … t, every step of them a spike step. The norm needs 75 minutes of data.
    LogVolumeSpike: { series: (ratio, m) => [lokiLines(ratio, LOG_SPIKE_AT, m)], trueFrom: () => LOG_SPIKE_AT + 4, labels: {} },
    // Restarts 30 s apart from minute 10: the n-th is scraped at 10 + (n-1)/2 min, seen at the next evaluation.
    DeploymentIssue: {
        series: (n, m) => crashLoop(cadvisorContainer("minimarket-agente-deposito", "agente-deposito"), n, 10, m),
        trueFrom: (n) => 10 + Math.ceil((n - 1) / 2),
        labels: { name: "minimarket-agente-deposito", service: "agente-deposito" },
        interval: "30s",
    },
};

// ---- generation ------------------------------------------------------------------------------

/** Minutes of a Prometheus duration such as "5m" or "1h". */
export function minutesOf(duration: string): number {
    const m = /^(\d+)(m|h)$/.exec(duration);
    if (!m) throw new Error(`unexpected duration ${duration}`);
    return Number(m[1]) * (m[2] === "h" ? 60 : 1);
}

export function justOver(t: Threshold): number {
    if (t.whole) return t.fires === "above" ? t.value + 1 : t.value - 1;
    return round(t.value * (t.fires === "above" ? 1 + MARGIN : 1 - MARGIN));
}

export function justUnder(t: Threshold): number {
    if (t.whole) return t.value;
    return round(t.value * (t.fires === "above" ? 1 - MARGIN : 1 + MARGIN));
}

/** The firing and the silent case of one alert, from the SPEC's threshold and `for`. */
export function thresholdCases(alert: string): AlertCase[] {
    const t = SPEC_THRESHOLDS[alert];
    const probe = PROBES[alert];
    const spec = SPEC_ALERTS[alert];
    const forMinutes = minutesOf(spec.for!);
    const over = justOver(t);
    const under = justUnder(t);
    const firesAt = probe.trueFrom(over) + forMinutes;
    const minutes = firesAt + 10;
    const base = { severity: spec.severity, category: CATEGORY[alert] };
    const word = t.fires === "above" ? "over" : "under";
    return [
        {
            alert,
            name: `just ${word} ${t.value} (${over}) fires once ${spec.for} has elapsed, not a minute earlier`,
            series: probe.series(over, minutes),
            interval: probe.interval,
            at: `${firesAt}m`,
            notYetAt: `${firesAt - 1}m`,
            expect: [{ ...probe.labels, ...base }],
        },
        {
            alert,
            name: `just ${t.fires === "above" ? "under" : "over"} ${t.value} (${under}) never fires`,
            series: probe.series(under, minutes),
            interval: probe.interval,
            at: `${minutes}m`,
            silentAt: Array.from({ length: 4 }, (_, i) => `${firesAt - 2 + i * 2}m`),
            expect: [],
        },
    ];
}

/** The `category` label of each alert (routing and inhibition rely on it). */
export const CATEGORY: Record<string, string> = {
    HighErrorRate: "application",
    HighLatency: "application",
    SlowRequests: "application",
    DiskSpaceCritical: "infrastructure",
    MemoryPressure: "infrastructure",
    CPUHigh: "infrastructure",
    DeploymentIssue: "deployment",
    StockCritico: "business",
    OCRTimeoutSpike: "ml",
    InflacionAnomaly: "ml",
    MLModelDrift: "ml",
    CacheHitRateLow: "cache",
    LogVolumeSpike: "logging",
};

export const THRESHOLD_CASES: AlertCase[] = Object.keys(SPEC_THRESHOLDS).flatMap(thresholdCases);

/**
 * Recording rules, from the same builders: each rule's value for a history built to have a
 * given value, just over and just under the alerts' thresholds that read them.
 */
export const RECORDING_THRESHOLD_CASES: ExprCase[] = [0.49, 0.51].map(round).flatMap((s) => [
    {
        name: `P95 of a history built for ${s}s is ${s}`,
        series: latencyHistogram("dashboard", 0.95, s, 10),
        at: "10m",
        expr: "round(service:http_request_duration_seconds:p95_5m, 0.000001)",
        expect: [{ labels: '{service="dashboard"}', value: s }],
    },
    {
        name: `P99 of a history built for ${round(s * 4)}s is ${round(s * 4)}`,
        series: latencyHistogram("dashboard", 0.99, round(s * 4), 10),
        at: "10m",
        expr: "round(service:http_request_duration_seconds:p99_5m, 0.000001)",
        expect: [{ labels: '{service="dashboard"}', value: round(s * 4) }],
    },
    {
        name: `error ratio of a history with ${round(s / 10)} of requests failing is ${round(s / 10)}`,
        series: PROBES.HighErrorRate.series(round(s / 10), 10),
        at: "10m",
        expr: "round(service:http_errors:ratio_rate5m, 0.000001)",
        expect: [{ labels: '{service="agente-negocio"}', value: round(s / 10) }],
    },
]);
