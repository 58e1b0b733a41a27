/**
 * promtool unit-test cases, as data. The threshold cases of every alert (just over fires when
 * its `for` elapses, just under never) are generated in threshold-cases.ts from the SPEC's table;
 * the cases here cover what thresholds do not: which series count, label shapes, absent
 * exporters, and histories that once fooled the rules. Rules are evaluated every minute; series
 * are sampled every minute unless a case says otherwise.
 */

export interface InputSeries {
    series: string;
    values: string;
}

export interface AlertCase {
    alert: string;
    name: string;
    series: InputSeries[];
    /** Evaluation time at which `expect` is checked, e.g. "15m". */
    at: string;
    /** Labels (without alertname) of the alerts expected to fire at `at`; [] = none. */
    expect: Array<Record<string, string>>;
    /** Optional earlier time at which the alert must not fire yet (proves the `for`). */
    notYetAt?: string;
    /** More times at which no alert of this name may fire. */
    silentAt?: string[];
    /** Sample spacing of the input series; default "1m". */
    interval?: string;
}

export interface ExprCase {
    interval?: string;
    name: string;
    series: InputSeries[];
    at: string;
    expr: string;
    expect: Array<{ labels: string; value: number }>;
}

import {
    app,
    cadvisorContainer as container,
    counter,
    crashLoop,
    filesystem,
    gauge,
    lokiLines,
    THRESHOLD_CASES,
    RECORDING_THRESHOLD_CASES,
} from "./threshold-cases";

const ALLOY = `job="alloy",instance="alloy:12345"`;
const appLabels = (service: string) => `job="apps",instance="${service}:8000",service="${service}"`;
const every = (from: number, to: number, step = 1) => Array.from({ length: Math.floor((to - from) / step) + 1 }, (_, i) => `${from + i * step}m`);

/** OCR timeouts at minutes 10..19, the counter scraped every 13 s: no window starts on a sample. */
function ocrTimeoutsUnaligned(timeouts: number, minutes: number): string {
    const values: number[] = [];
    for (let s = 0; s <= minutes * 60; s += 13) values.push(Math.max(0, Math.min(timeouts, Math.floor(s / 60) - 9)));
    return values.join(" ");
}

/** A crash loop whose first restart happened when the history starts: that run lasts until the second restart. */
function restartedLongAgo(loop: InputSeries[]): InputSeries[] {
    const [, first, ...rest] = loop;
    const secondStart = rest[0].values.split(" ").findIndex((v) => v !== "_");
    const values = first.values.split(" ").map((_, i) => (i < secondStart ? "1700000000" : "_"));
    return [{ series: first.series, values: values.join(" ") }, ...rest];
}

// ---- cases ------------------------------------------------------------------------------------

const SPECIAL_CASES: AlertCase[] = [
    // ServiceDown: up == 0 for 2m; infrastructure targets get service = job.
    {
        alert: "ServiceDown",
        name: "an app and an exporter down for 2m fire, with service labels",
        series: [
            { series: `up{${appLabels("agente-deposito")}}`, values: "0x5" },
            { series: `up{job="redis-exporter",instance="redis-exporter:9121"}`, values: "0x5" },
            { series: `up{${appLabels("dashboard")}}`, values: "1x5" },
        ],
        at: "2m",
        notYetAt: "1m",
        expect: [
            { job: "apps", instance: "agente-deposito:8000", service: "agente-deposito", severity: "critical", category: "availability" },
            { job: "redis-exporter", instance: "redis-exporter:9121", service: "redis-exporter", severity: "critical", category: "availability" },
        ],
    },
    {
        alert: "ServiceDown",
        name: "a target down for two scrapes (1m) does not fire",
        series: [{ series: `up{${appLabels("agente-deposito")}}`, values: "1 1 1 0 0 1" }],
        at: "5m",
        expect: [],
    },

    // HighErrorRate: a service without error series is at 0%, not "no data".
    {
        alert: "HighErrorRate",
        name: "a service without error series does not fire",
        series: [{ series: app("http_requests_total", "dashboard"), values: counter(100, 20) }],
        at: "15m",
        expect: [],
    },

    // DatabaseDown / RedisDown: the value 0, or no value at all, for 1m.
    ...(["DatabaseDown", "RedisDown"] as const).flatMap((alert): AlertCase[] => {
        const [metric, job, port, service, category] =
            alert === "DatabaseDown" ? ["pg_up", "postgres-exporter", 9187, "postgres", "database"] : ["redis_up", "redis-exporter", 9121, "redis", "cache"];
        const labels = `job="${job}",instance="${job}:${port}"`;
        return [
            {
                alert,
                name: `${metric} 0 for 1m fires, not before`,
                series: [{ series: `${metric}{${labels}}`, values: "0x5" }],
                at: "1m",
                notYetAt: "0m",
                expect: [{ job, instance: `${job}:${port}`, service, severity: "critical", category }],
            },
            {
                alert,
                // Absence counts once Prometheus has scraped for 5 minutes: pending at 5, firing at 6.
                name: `no ${metric} at all (exporter gone) fires, once Prometheus has scraped for 5m`,
                series: [{ series: `up{${labels}}`, values: "0x10" }],
                at: "6m",
                notYetAt: "5m",
                expect: [{ service, severity: "critical", category }],
            },
            { alert, name: `${metric} 1 does not fire`, series: [{ series: `${metric}{${labels}}`, values: "1x5" }], at: "5m", expect: [] },
        ];
    }),

    // DiskSpaceCritical: which filesystems count.
    {
        alert: "DiskSpaceCritical",
        name: "Docker's data on its own disk (/var/lib/docker) fires; tmpfs, overlay and mounts below /var/lib/docker are ignored",
        series: [
            ...filesystem("/var/lib/docker", "ext4", "/dev/sdb1", 0.05, 10),
            ...filesystem("/run", "tmpfs", "tmpfs", 0.01, 10),
            // Filtered by its type alone: no mount point rule covers /dev/shm.
            ...filesystem("/dev/shm", "tmpfs", "tmpfs", 0.01, 10),
            ...filesystem("/var/lib/docker/overlay2/abc/merged", "overlay", "overlay", 0.01, 10),
            ...filesystem("/var/lib/docker/volumes/x/_data", "ext4", "/dev/sdc1", 0.01, 10),
        ],
        at: "5m",
        expect: [
            {
                job: "node-exporter",
                instance: "node-exporter:9100",
                mountpoint: "/var/lib/docker",
                fstype: "ext4",
                device: "/dev/sdb1",
                severity: "critical",
                category: "infrastructure",
            },
        ],
    },

    // MemoryPressure / CPUHigh: app containers with a limit only.
    {
        alert: "MemoryPressure",
        name: "no-limit, data and observability containers are ignored",
        series: [
            { series: `container_memory_working_set_bytes{${container("minimarket-dashboard", "dashboard")}}`, values: gauge(500, 10) },
            { series: `container_spec_memory_limit_bytes{${container("minimarket-dashboard", "dashboard")}}`, values: gauge(0, 10) },
            { series: `container_memory_working_set_bytes{${container("minimarket-redis", "redis", "data")}}`, values: gauge(99, 10) },
            { series: `container_spec_memory_limit_bytes{${container("minimarket-redis", "redis", "data")}}`, values: gauge(100, 10) },
            { series: `container_memory_working_set_bytes{${container("minimarket-prometheus", "prometheus", "observability")}}`, values: gauge(99, 10) },
            { series: `container_spec_memory_limit_bytes{${container("minimarket-prometheus", "prometheus", "observability")}}`, values: gauge(100, 10) },
        ],
        at: "10m",
        expect: [],
    },
    {
        alert: "CPUHigh",
        name: "a container without quota and a data container do not fire",
        series: [
            { series: `container_cpu_usage_seconds_total{${container("minimarket-dashboard", "dashboard")},cpu="total"}`, values: counter(3 * 60, 20) },
            { series: `container_spec_cpu_period{${container("minimarket-dashboard", "dashboard")}}`, values: gauge(100000, 20) },
            { series: `container_cpu_usage_seconds_total{${container("minimarket-postgres", "postgres", "data")},cpu="total"}`, values: counter(0.5 * 60, 20) },
            { series: `container_spec_cpu_quota{${container("minimarket-postgres", "postgres", "data")}}`, values: gauge(50000, 20) },
            { series: `container_spec_cpu_period{${container("minimarket-postgres", "postgres", "data")}}`, values: gauge(100000, 20) },
        ],
        at: "20m",
        expect: [],
    },

    // DeploymentIssue, on series shaped as cAdvisor exports them (see crashLoop).
    {
        alert: "DeploymentIssue",
        name: "a data container in a crash loop (a restart every 30s) fires",
        series: crashLoop(container("minimarket-redis", "redis", "data"), 40, 10, 40),
        interval: "30s",
        at: "20m",
        expect: [{ name: "minimarket-redis", service: "redis", severity: "medium", category: "deployment" }],
    },
    {
        alert: "DeploymentIssue",
        name: "a container restarted 30 times long ago and stable since does not fire",
        series: crashLoop(container("minimarket-redis", "redis", "data"), 30, 1, 60),
        interval: "30s",
        at: "60m",
        silentAt: every(35, 55, 5),
        expect: [],
    },
    {
        // The run that started before the window is no restart inside it.
        alert: "DeploymentIssue",
        name: "a container restarted once 30 minutes ago, then 5 times in a minute and a half, does not fire",
        series: restartedLongAgo(crashLoop(container("minimarket-redis", "redis", "data"), 6, 30, 50)),
        interval: "30s",
        at: "50m",
        silentAt: every(32, 45),
        expect: [],
    },
    {
        alert: "DeploymentIssue",
        name: "a container scraped for an hour without a restart does not fire",
        series: [{ series: `container_start_time_seconds{${container("minimarket-dashboard", "dashboard")}}`, values: gauge(1_700_000_000, 60) }],
        at: "60m",
        expect: [],
    },

    // OCRTimeoutSpike: exactly 10 timeouts, as a live Prometheus sees them (windows between samples).
    {
        alert: "OCRTimeoutSpike",
        name: "exactly 10 timeouts scraped every 13s never fire",
        series: [{ series: app("ocr_timeout_events_total", "agente-negocio"), values: ocrTimeoutsUnaligned(10, 90) }],
        interval: "13s",
        at: "90m",
        silentAt: every(20, 85),
        expect: [],
    },
    {
        alert: "OCRTimeoutSpike",
        name: "11 timeouts scraped every 13s fire",
        series: [{ series: app("ocr_timeout_events_total", "agente-negocio"), values: ocrTimeoutsUnaligned(11, 90) }],
        interval: "13s",
        at: "30m",
        expect: [{ service: "agente-negocio", severity: "high", category: "ml" }],
    },

    // CacheHitRateLow: an idle Redis has no meaningful ratio.
    {
        alert: "CacheHitRateLow",
        name: "an idle Redis (0.05 lookups/s, all misses) does not fire",
        series: [
            { series: `redis_keyspace_hits_total{job="redis-exporter",instance="redis-exporter:9121"}`, values: counter(0, 30) },
            { series: `redis_keyspace_misses_total{job="redis-exporter",instance="redis-exporter:9121"}`, values: counter(3, 30) },
        ],
        at: "30m",
        expect: [],
    },

    // InflacionAnomaly: the difference counts both ways.
    {
        alert: "InflacionAnomaly",
        name: "5.1 points below the baseline fires",
        series: [
            { series: app("ml_inflacion_calculada_percent", "ml-service"), values: gauge(0, 40) },
            { series: app("ml_inflacion_baseline_percent", "ml-service"), values: gauge(5.1, 40) },
        ],
        at: "30m",
        expect: [{ job: "apps", instance: "ml-service:8000", service: "ml-service", severity: "medium", category: "ml" }],
    },

    // LogVolumeSpike: the 1 line/s floor, and a fresh stack.
    {
        alert: "LogVolumeSpike",
        name: "9x to 1.02 lines/s (just over the floor) fires",
        series: [lokiLines(9, 80, 100, 1.02 / 9)],
        at: "95m",
        expect: [{ severity: "medium", category: "logging" }],
    },
    {
        alert: "LogVolumeSpike",
        name: "9x to 0.98 lines/s (just under the floor) does not fire",
        series: [lokiLines(9, 80, 100, 0.98 / 9)],
        at: "100m",
        silentAt: every(85, 99),
        expect: [],
    },
    {
        alert: "LogVolumeSpike",
        name: "a freshly deployed stack logging steadily never fires (the norm needs its hour)",
        series: [lokiLines(1, 200, 150)],
        at: "150m",
        silentAt: every(0, 149),
        expect: [],
    },

    // LogShippingStopped: Alloy not scraped, silent for 10 minutes, or dropping entries.
    {
        alert: "LogShippingStopped",
        name: "Alloy up and sending does not fire",
        series: [
            { series: `up{${ALLOY}}`, values: gauge(1, 40) },
            { series: `loki_write_sent_entries_total{${ALLOY},host="loki:3100",tenant=""}`, values: counter(30, 40) },
            { series: `loki_write_dropped_entries_total{${ALLOY},host="loki:3100",tenant="",reason="ingester_error"}`, values: gauge(0, 40) },
        ],
        at: "40m",
        silentAt: every(5, 35, 5),
        expect: [],
    },
    {
        alert: "LogShippingStopped",
        name: "nothing sent from minute 10 fires once 10m of silence have held for 5m",
        series: [
            { series: `up{${ALLOY}}`, values: gauge(1, 40) },
            { series: `loki_write_sent_entries_total{${ALLOY},host="loki:3100",tenant=""}`, values: `0+30x10 300x30` },
        ],
        // The last send is seen at minute 10. increase over (t-10m, t] is 0 from minute 19, when
        // the window holds the samples 10 … 19 (Prometheus 3's ranges are left-open); pending
        // then, firing at 24.
        at: "24m",
        notYetAt: "23m",
        expect: [{ severity: "high", category: "logging", service: "alloy" }],
    },
    {
        alert: "LogShippingStopped",
        name: "entries dropped fire, while others are still sent",
        series: [
            { series: `up{${ALLOY}}`, values: gauge(1, 40) },
            { series: `loki_write_sent_entries_total{${ALLOY},host="loki:3100",tenant=""}`, values: counter(30, 40) },
            { series: `loki_write_dropped_entries_total{${ALLOY},host="loki:3100",tenant="",reason="ingester_error"}`, values: `0x10 0+5x30` },
        ],
        // The first drop is scraped at minute 12: pending then, firing at 17.
        at: "17m",
        notYetAt: "16m",
        expect: [{ severity: "high", category: "logging", service: "alloy" }],
    },
    {
        alert: "LogShippingStopped",
        // Absence counts once Prometheus has scraped for 5 minutes: pending at 5, firing at 10.
        name: "no Alloy target at all fires 5m after Prometheus has scraped for 5m",
        series: [{ series: `up{job="loki",instance="loki:3100"}`, values: gauge(1, 12) }],
        at: "10m",
        notYetAt: "9m",
        expect: [{ severity: "high", category: "logging", service: "alloy" }],
    },

    // Watchdog: always firing, no threshold.
    {
        alert: "Watchdog",
        name: "fires from the first evaluation",
        series: [],
        at: "0m",
        expect: [{ severity: "none", category: "meta" }],
    },
];

export const ALERT_CASES: AlertCase[] = [...THRESHOLD_CASES, ...SPECIAL_CASES];

/** Recording rules: values the dashboards and alerts rely on. */
export const RECORDING_CASES: ExprCase[] = [
    {
        name: "request rate is per second, summed over endpoints",
        series: [
            { series: app("http_requests_total", "agente-negocio", 'endpoint="/a"'), values: counter(60, 10) },
            { series: app("http_requests_total", "agente-negocio", 'endpoint="/b"'), values: counter(60, 10) },
            { series: app("http_errors_total", "agente-negocio"), values: counter(12, 10) },
            { series: app("http_requests_total", "dashboard"), values: counter(30, 10) },
        ],
        at: "10m",
        expr: "service:http_requests:rate5m",
        expect: [
            { labels: 'service:http_requests:rate5m{service="agente-negocio"}', value: 2 },
            { labels: 'service:http_requests:rate5m{service="dashboard"}', value: 0.5 },
        ],
    },
    {
        name: "error ratio is a fraction, 0 without errors, nothing for an idle service",
        series: [
            { series: app("http_requests_total", "agente-negocio"), values: counter(120, 10) },
            { series: app("http_errors_total", "agente-negocio"), values: counter(12, 10) },
            { series: app("http_requests_total", "dashboard"), values: counter(30, 10) },
            { series: app("http_requests_total", "ml-service"), values: counter(0, 10) },
        ],
        at: "10m",
        expr: "service:http_errors:ratio_rate5m",
        expect: [
            { labels: 'service:http_errors:ratio_rate5m{service="agente-negocio"}', value: 0.1 },
            { labels: 'service:http_errors:ratio_rate5m{service="dashboard"}', value: 0 },
        ],
    },
    ...(["p95", "p99"] as const).map((q): ExprCase => ({
        // 90% of requests in (0.25, 0.5], 10% in (0.5, 1]: P95 = 0.75, P99 = 0.95.
        name: `${q.toUpperCase()} in seconds, interpolated within its bucket`,
        series: Object.entries({ "0.25": 0, "0.5": 90, "1": 100, "+Inf": 100 }).map(([le, n]) => ({
            series: app("http_request_duration_seconds_bucket", "dashboard", `le="${le}"`),
            values: counter(n, 10),
        })),
        at: "10m",
        // round(): histogram_quantile's interpolation is not exact in floating point.
        expr: `round(service:http_request_duration_seconds:${q}_5m, 0.0001)`,
        expect: [{ labels: '{service="dashboard"}', value: q === "p95" ? 0.75 : 0.95 }],
    })),
    ...RECORDING_THRESHOLD_CASES,
];
