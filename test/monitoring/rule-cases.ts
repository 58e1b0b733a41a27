/**
 * promtool unit-test cases for every alert, as data. Each alert has a history that fires it
 * just over its threshold once its `for` has elapsed, and one just under (or at) the threshold
 * that never fires. Series are sampled every minute; rules are evaluated every minute.
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
}

export interface ExprCase {
    name: string;
    series: InputSeries[];
    at: string;
    expr: string;
    expect: Array<{ labels: string; value: number }>;
}

// ---- series builders --------------------------------------------------------------------------

/** Counter growing by `perMinute` each minute for `minutes` minutes. */
const counter = (perMinute: number, minutes = 90) => `0+${perMinute}x${minutes}`;
/** Gauge constant for `minutes` minutes. */
const gauge = (value: number, minutes = 90) => `${value}x${minutes}`;
/** Explicit sample list, one per minute. */
const samples = (values: number[]) => values.join(" ");

const appLabels = (service: string) => `job="apps",instance="${service}:8000",service="${service}"`;
const app = (metric: string, service: string, extra = "") => `${metric}{${appLabels(service)}${extra ? "," + extra : ""}}`;

/** Expected labels of an alert computed per service from the recording rules. */
const perService = (service: string, severity: string, category: string) => ({ service, severity, category });

/** Latency histogram: cumulative count per minute in each bucket (le → requests/minute). */
function histogram(service: string, bucketsPerMinute: Record<string, number>): InputSeries[] {
    return Object.entries(bucketsPerMinute).map(([le, perMinute]) => ({
        series: app("http_request_duration_seconds_bucket", service, `le="${le}"`),
        values: counter(perMinute, 40),
    }));
}

const cadvisor = `job="cadvisor",instance="cadvisor:8080"`;
/** A Docker container as cAdvisor labels it: every container has a service and a role label. */
function container(name: string, service: string, role = "app"): string {
    return (
        `${cadvisor},id="/system.slice/docker-${name}.scope",name="${name}",image="minimarket/${name}:1.0",` +
        `container_label_com_minimarket_role="${role}",container_label_com_minimarket_service="${service}"`
    );
}

const nodeFs = (mountpoint: string, fstype: string, device: string) =>
    `job="node-exporter",instance="node-exporter:9100",mountpoint="${mountpoint}",fstype="${fstype}",device="${device}"`;

/** Loki line counter: `before` lines/s for `spikeAt` minutes, then `after` lines/s. */
function lokiLines(before: number, after: number, spikeAt = 80, total = 100): InputSeries {
    const values: number[] = [0];
    for (let minute = 1; minute <= total; minute++) {
        values.push(values[minute - 1] + 60 * (minute <= spikeAt ? before : after));
    }
    return { series: `loki_distributor_lines_received_total{job="loki",instance="loki:3100",tenant="fake"}`, values: samples(values) };
}

/** container_start_time_seconds of a container that (re)starts every `everyMinutes`. */
function restarts(labels: string, everyMinutes: number, minutes = 30): InputSeries {
    const values = Array.from({ length: minutes + 1 }, (_, m) => 1_700_000_000 + 60 * Math.floor(m / everyMinutes) * everyMinutes);
    return { series: `container_start_time_seconds{${labels}}`, values: samples(values) };
}

// ---- cases ------------------------------------------------------------------------------------

export const ALERT_CASES: AlertCase[] = [
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

    // HighErrorRate: more than 5% of requests fail, for 5m.
    {
        alert: "HighErrorRate",
        name: "5.1% errors fires",
        series: [
            { series: app("http_requests_total", "agente-negocio"), values: counter(100, 20) },
            { series: app("http_errors_total", "agente-negocio"), values: counter(5.1, 20) },
        ],
        at: "10m",
        notYetAt: "5m",
        expect: [perService("agente-negocio", "critical", "application")],
    },
    {
        alert: "HighErrorRate",
        name: "4.9% errors, and a service without error series, do not fire",
        series: [
            { series: app("http_requests_total", "agente-negocio"), values: counter(100, 20) },
            { series: app("http_errors_total", "agente-negocio"), values: counter(4.9, 20) },
            { series: app("http_requests_total", "dashboard"), values: counter(100, 20) },
        ],
        at: "15m",
        expect: [],
    },

    // DatabaseDown: pg_up == 0 or no pg_up, for 1m.
    {
        alert: "DatabaseDown",
        name: "pg_up 0 for 1m fires",
        series: [{ series: `pg_up{job="postgres-exporter",instance="postgres-exporter:9187"}`, values: "0x5" }],
        at: "2m",
        notYetAt: "0m",
        expect: [{ job: "postgres-exporter", instance: "postgres-exporter:9187", service: "postgres", severity: "critical", category: "database" }],
    },
    {
        alert: "DatabaseDown",
        name: "no pg_up at all (exporter gone) fires",
        series: [{ series: `up{job="postgres-exporter",instance="postgres-exporter:9187"}`, values: "0x5" }],
        at: "2m",
        expect: [{ service: "postgres", severity: "critical", category: "database" }],
    },
    {
        alert: "DatabaseDown",
        name: "pg_up 1 does not fire",
        series: [{ series: `pg_up{job="postgres-exporter",instance="postgres-exporter:9187"}`, values: "1x5" }],
        at: "5m",
        expect: [],
    },

    // RedisDown: redis_up == 0 or no redis_up, for 1m.
    {
        alert: "RedisDown",
        name: "redis_up 0 for 1m fires",
        series: [{ series: `redis_up{job="redis-exporter",instance="redis-exporter:9121"}`, values: "0x5" }],
        at: "2m",
        notYetAt: "0m",
        expect: [{ job: "redis-exporter", instance: "redis-exporter:9121", service: "redis", severity: "critical", category: "cache" }],
    },
    {
        alert: "RedisDown",
        name: "no redis_up at all (exporter gone) fires",
        series: [{ series: `up{job="redis-exporter",instance="redis-exporter:9121"}`, values: "0x5" }],
        at: "2m",
        expect: [{ service: "redis", severity: "critical", category: "cache" }],
    },
    {
        alert: "RedisDown",
        name: "redis_up 1 does not fire",
        series: [{ series: `redis_up{job="redis-exporter",instance="redis-exporter:9121"}`, values: "1x5" }],
        at: "5m",
        expect: [],
    },

    // DiskSpaceCritical: under 10% free on a real filesystem, for 5m.
    {
        alert: "DiskSpaceCritical",
        name: "9% free on / fires; tmpfs and overlay at 1% are ignored",
        series: [
            { series: `node_filesystem_avail_bytes{${nodeFs("/", "ext4", "/dev/sda1")}}`, values: gauge(9, 10) },
            { series: `node_filesystem_size_bytes{${nodeFs("/", "ext4", "/dev/sda1")}}`, values: gauge(100, 10) },
            { series: `node_filesystem_avail_bytes{${nodeFs("/run", "tmpfs", "tmpfs")}}`, values: gauge(1, 10) },
            { series: `node_filesystem_size_bytes{${nodeFs("/run", "tmpfs", "tmpfs")}}`, values: gauge(100, 10) },
            { series: `node_filesystem_avail_bytes{${nodeFs("/var/lib/docker/overlay2/abc/merged", "overlay", "overlay")}}`, values: gauge(1, 10) },
            { series: `node_filesystem_size_bytes{${nodeFs("/var/lib/docker/overlay2/abc/merged", "overlay", "overlay")}}`, values: gauge(100, 10) },
        ],
        at: "5m",
        notYetAt: "4m",
        expect: [
            {
                job: "node-exporter",
                instance: "node-exporter:9100",
                mountpoint: "/",
                fstype: "ext4",
                device: "/dev/sda1",
                severity: "critical",
                category: "infrastructure",
            },
        ],
    },
    {
        alert: "DiskSpaceCritical",
        name: "exactly 10% free does not fire",
        series: [
            { series: `node_filesystem_avail_bytes{${nodeFs("/", "ext4", "/dev/sda1")}}`, values: gauge(10, 10) },
            { series: `node_filesystem_size_bytes{${nodeFs("/", "ext4", "/dev/sda1")}}`, values: gauge(100, 10) },
        ],
        at: "10m",
        expect: [],
    },

    // HighLatency: P95 over 500ms, for 10m. Buckets are requests per minute (cumulative by le).
    {
        alert: "HighLatency",
        name: "P95 0.75s fires",
        series: histogram("dashboard", { "0.25": 0, "0.5": 90, "1": 100, "+Inf": 100 }),
        at: "15m",
        notYetAt: "10m",
        expect: [perService("dashboard", "high", "application")],
    },
    {
        alert: "HighLatency",
        name: "P95 0.4875s does not fire",
        series: histogram("dashboard", { "0.25": 0, "0.5": 100, "1": 100, "+Inf": 100 }),
        at: "30m",
        expect: [],
    },

    // SlowRequests: P99 over 2s, for 15m.
    {
        alert: "SlowRequests",
        name: "P99 3s fires",
        series: histogram("agente-negocio", { "1": 0, "2": 98, "4": 100, "+Inf": 100 }),
        at: "20m",
        notYetAt: "15m",
        expect: [perService("agente-negocio", "medium", "application")],
    },
    {
        alert: "SlowRequests",
        name: "P99 1.99s does not fire",
        series: histogram("agente-negocio", { "1": 0, "2": 100, "4": 100, "+Inf": 100 }),
        at: "30m",
        expect: [],
    },

    // MemoryPressure: app container over 85% of its memory limit, for 5m.
    {
        alert: "MemoryPressure",
        name: "86% of the limit fires; no-limit, data and observability containers are ignored",
        series: [
            { series: `container_memory_working_set_bytes{${container("minimarket-ml-service", "ml-service")}}`, values: gauge(86, 10) },
            { series: `container_spec_memory_limit_bytes{${container("minimarket-ml-service", "ml-service")}}`, values: gauge(100, 10) },
            { series: `container_memory_working_set_bytes{${container("minimarket-dashboard", "dashboard")}}`, values: gauge(500, 10) },
            { series: `container_spec_memory_limit_bytes{${container("minimarket-dashboard", "dashboard")}}`, values: gauge(0, 10) },
            { series: `container_memory_working_set_bytes{${container("minimarket-redis", "redis", "data")}}`, values: gauge(99, 10) },
            { series: `container_spec_memory_limit_bytes{${container("minimarket-redis", "redis", "data")}}`, values: gauge(100, 10) },
            { series: `container_memory_working_set_bytes{${container("minimarket-prometheus", "prometheus", "observability")}}`, values: gauge(99, 10) },
            { series: `container_spec_memory_limit_bytes{${container("minimarket-prometheus", "prometheus", "observability")}}`, values: gauge(100, 10) },
        ],
        at: "5m",
        notYetAt: "4m",
        expect: [{ service: "ml-service", name: "minimarket-ml-service", severity: "high", category: "infrastructure" }],
    },
    {
        alert: "MemoryPressure",
        name: "85% of the limit does not fire",
        series: [
            { series: `container_memory_working_set_bytes{${container("minimarket-ml-service", "ml-service")}}`, values: gauge(85, 10) },
            { series: `container_spec_memory_limit_bytes{${container("minimarket-ml-service", "ml-service")}}`, values: gauge(100, 10) },
        ],
        at: "10m",
        expect: [],
    },

    // CPUHigh: app container over 80% of its CPU limit (quota/period), for 10m.
    {
        alert: "CPUHigh",
        name: "0.41 CPU of a 0.5 CPU limit (82%) fires",
        series: [
            {
                series: `container_cpu_usage_seconds_total{${container("minimarket-agente-negocio", "agente-negocio")},cpu="total"}`,
                values: counter(0.41 * 60, 20),
            },
            { series: `container_spec_cpu_quota{${container("minimarket-agente-negocio", "agente-negocio")}}`, values: gauge(50000, 20) },
            { series: `container_spec_cpu_period{${container("minimarket-agente-negocio", "agente-negocio")}}`, values: gauge(100000, 20) },
        ],
        at: "15m",
        notYetAt: "10m",
        expect: [{ service: "agente-negocio", name: "minimarket-agente-negocio", severity: "high", category: "infrastructure" }],
    },
    {
        alert: "CPUHigh",
        name: "0.39 CPU of 0.5 (78%), a container without quota and a data container do not fire",
        series: [
            {
                series: `container_cpu_usage_seconds_total{${container("minimarket-agente-negocio", "agente-negocio")},cpu="total"}`,
                values: counter(0.39 * 60, 20),
            },
            { series: `container_spec_cpu_quota{${container("minimarket-agente-negocio", "agente-negocio")}}`, values: gauge(50000, 20) },
            { series: `container_spec_cpu_period{${container("minimarket-agente-negocio", "agente-negocio")}}`, values: gauge(100000, 20) },
            { series: `container_cpu_usage_seconds_total{${container("minimarket-dashboard", "dashboard")},cpu="total"}`, values: counter(3 * 60, 20) },
            { series: `container_spec_cpu_period{${container("minimarket-dashboard", "dashboard")}}`, values: gauge(100000, 20) },
            { series: `container_cpu_usage_seconds_total{${container("minimarket-postgres", "postgres", "data")},cpu="total"}`, values: counter(0.5 * 60, 20) },
            { series: `container_spec_cpu_quota{${container("minimarket-postgres", "postgres", "data")}}`, values: gauge(50000, 20) },
            { series: `container_spec_cpu_period{${container("minimarket-postgres", "postgres", "data")}}`, values: gauge(100000, 20) },
        ],
        at: "20m",
        expect: [],
    },

    // DeploymentIssue: more than 5 (re)starts in 10 min, for 5m.
    {
        alert: "DeploymentIssue",
        name: "a restart every minute (10 per 10m) fires, for app and data containers",
        series: [restarts(container("minimarket-agente-deposito", "agente-deposito"), 1), restarts(container("minimarket-redis", "redis", "data"), 1)],
        at: "20m",
        notYetAt: "9m",
        expect: [
            { name: "minimarket-agente-deposito", service: "agente-deposito", severity: "medium", category: "deployment" },
            { name: "minimarket-redis", service: "redis", severity: "medium", category: "deployment" },
        ],
    },
    {
        alert: "DeploymentIssue",
        name: "a restart every 2 minutes (5 per 10m) does not fire",
        series: [restarts(container("minimarket-agente-deposito", "agente-deposito"), 2)],
        at: "30m",
        expect: [],
    },

    // StockCritico: any product below minimum stock, for 5m.
    {
        alert: "StockCritico",
        name: "1 product below minimum fires",
        series: [{ series: app("negocio_stock_critico_productos", "agente-negocio"), values: gauge(1, 10) }],
        at: "5m",
        notYetAt: "4m",
        expect: [{ ...perService("agente-negocio", "high", "business"), job: "apps", instance: "agente-negocio:8000" }],
    },
    {
        alert: "StockCritico",
        name: "0 products below minimum does not fire",
        series: [{ series: app("negocio_stock_critico_productos", "agente-negocio"), values: gauge(0, 10) }],
        at: "10m",
        expect: [],
    },

    // OCRTimeoutSpike: more than 10 OCR timeouts in the last hour, for 5m.
    {
        alert: "OCRTimeoutSpike",
        name: "10.8 timeouts per hour fires",
        series: [{ series: app("ocr_timeout_events_total", "agente-negocio"), values: counter(0.18, 90) }],
        at: "70m",
        expect: [perService("agente-negocio", "high", "ml")],
    },
    {
        alert: "OCRTimeoutSpike",
        name: "9.6 timeouts per hour does not fire",
        series: [{ series: app("ocr_timeout_events_total", "agente-negocio"), values: counter(0.16, 90) }],
        at: "80m",
        expect: [],
    },

    // CacheHitRateLow: hit ratio under 70%, for 15m, ignoring idle Redis.
    {
        alert: "CacheHitRateLow",
        name: "69% hits fires",
        series: [
            { series: `redis_keyspace_hits_total{job="redis-exporter",instance="redis-exporter:9121"}`, values: counter(69, 30) },
            { series: `redis_keyspace_misses_total{job="redis-exporter",instance="redis-exporter:9121"}`, values: counter(31, 30) },
        ],
        at: "20m",
        notYetAt: "15m",
        expect: [{ instance: "redis-exporter:9121", service: "redis", severity: "high", category: "cache" }],
    },
    {
        alert: "CacheHitRateLow",
        name: "71% hits does not fire",
        series: [
            { series: `redis_keyspace_hits_total{job="redis-exporter",instance="redis-exporter:9121"}`, values: counter(71, 30) },
            { series: `redis_keyspace_misses_total{job="redis-exporter",instance="redis-exporter:9121"}`, values: counter(29, 30) },
        ],
        at: "30m",
        expect: [],
    },
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

    // InflacionAnomaly: |calculated - baseline| over 5 points, for 30m.
    {
        alert: "InflacionAnomaly",
        name: "5.5 points below the baseline fires",
        series: [
            { series: app("ml_inflacion_calculada_percent", "ml-service"), values: gauge(0, 40) },
            { series: app("ml_inflacion_baseline_percent", "ml-service"), values: gauge(5.5, 40) },
        ],
        at: "30m",
        notYetAt: "29m",
        expect: [{ ...perService("ml-service", "medium", "ml"), job: "apps", instance: "ml-service:8000" }],
    },
    {
        alert: "InflacionAnomaly",
        name: "4.9 points above the baseline does not fire",
        series: [
            { series: app("ml_inflacion_calculada_percent", "ml-service"), values: gauge(9.4, 40) },
            { series: app("ml_inflacion_baseline_percent", "ml-service"), values: gauge(4.5, 40) },
        ],
        at: "40m",
        expect: [],
    },

    // MLModelDrift: drift score over 0.15, for 1h.
    {
        alert: "MLModelDrift",
        name: "drift 0.16 for 1h fires",
        series: [{ series: app("ml_model_drift_score", "ml-service"), values: gauge(0.16, 70) }],
        at: "60m",
        notYetAt: "59m",
        expect: [{ ...perService("ml-service", "medium", "ml"), job: "apps", instance: "ml-service:8000" }],
    },
    {
        alert: "MLModelDrift",
        name: "drift 0.15 does not fire",
        series: [{ series: app("ml_model_drift_score", "ml-service"), values: gauge(0.15, 70) }],
        at: "70m",
        expect: [],
    },

    // LogVolumeSpike: 5m rate over 3x the hourly norm (and over 1 line/s), for 10m.
    {
        alert: "LogVolumeSpike",
        name: "1 → 5 lines/s fires after 10m",
        series: [lokiLines(1, 5)],
        at: "95m",
        notYetAt: "85m",
        expect: [{ severity: "medium", category: "logging" }],
    },
    {
        alert: "LogVolumeSpike",
        name: "1 → 2.9 lines/s does not fire",
        series: [lokiLines(1, 2.9)],
        at: "95m",
        expect: [],
    },
    {
        alert: "LogVolumeSpike",
        name: "0.1 → 0.9 lines/s (9x but under 1 line/s) does not fire",
        series: [lokiLines(0.1, 0.9)],
        at: "95m",
        expect: [],
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

/** Recording rules: values the dashboards rely on. */
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
        name: "error ratio is a fraction, 0 without errors",
        series: [
            { series: app("http_requests_total", "agente-negocio"), values: counter(120, 10) },
            { series: app("http_errors_total", "agente-negocio"), values: counter(12, 10) },
            { series: app("http_requests_total", "dashboard"), values: counter(30, 10) },
        ],
        at: "10m",
        expr: "service:http_errors:ratio_rate5m",
        expect: [
            { labels: 'service:http_errors:ratio_rate5m{service="agente-negocio"}', value: 0.1 },
            { labels: 'service:http_errors:ratio_rate5m{service="dashboard"}', value: 0 },
        ],
    },
    {
        // round(): histogram_quantile's interpolation is not exact in floating point.
        name: "P95 in seconds",
        series: histogram("dashboard", { "0.25": 0, "0.5": 90, "1": 100, "+Inf": 100 }),
        at: "10m",
        expr: "round(service:http_request_duration_seconds:p95_5m, 0.0001)",
        expect: [{ labels: '{service="dashboard"}', value: 0.75 }],
    },
    {
        name: "P99 in seconds",
        series: histogram("dashboard", { "0.25": 0, "0.5": 90, "1": 100, "+Inf": 100 }),
        at: "10m",
        expr: "round(service:http_request_duration_seconds:p99_5m, 0.0001)",
        expect: [{ labels: '{service="dashboard"}', value: 0.95 }],
    },
];
