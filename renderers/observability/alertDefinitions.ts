// The alerts of MiniMarket as data: what each watches, its threshold, how long it must hold,
// and what the page says. rules.ts turns them into Prometheus rule files. Pure.
import { CLOUD_RUN_SHORT_LIVED_INSTANCES, cloudRunLimitShare } from "../cloudRunMeasures";
import { absentOnceScraping, withServiceLabel } from "./promql";
import {
    CADVISOR_RESTART_COUNT_LABEL,
    CADVISOR_ROLE_LABEL,
    CADVISOR_SERVICE_LABEL,
    JOBS,
    LATENCY_P95_SECONDS,
    RECORDING_RULES as RECORD,
} from "../../facts/telemetry";

// ---- selectors shared by several alerts -------------------------------------------------

const SERVICE_LABEL = CADVISOR_SERVICE_LABEL;
/** Docker label com.minimarket.role (app|data|observability|...): every container carries it. */
const ROLE_LABEL = CADVISOR_ROLE_LABEL;
/** The four application containers; data and observability containers carry a service label too. */
const APP = `${ROLE_LABEL}="app"`;

/**
 * Host filesystems that can fill up: no pseudo, in-memory, image or container-layer filesystems.
 * `/var/lib/docker` itself stays in: on a host where Docker's data (and the container logs) has its
 * own disk, that disk is the one that fills. Only what is mounted below it (layers, volumes) is out.
 */
const REAL_FS = `fstype!~"tmpfs|devtmpfs|ramfs|overlay|squashfs|iso9660|nsfs|autofs|fuse\\\\..*",` + `mountpoint!~"/(run|snap)($|/.*)|/var/lib/docker/.+"`;

/** Fewer Redis lookups per second than this is "idle": the hit ratio is not meaningful then. */
export const CACHE_MIN_LOOKUPS_PER_SECOND = 0.1;
/** Fewer Loki lines per second than this never counts as a spike, whatever the ratio. */
export const LOG_SPIKE_MIN_LINES_PER_SECOND = 1;

const redisHits = "sum by (instance) (rate(redis_keyspace_hits_total[5m]))";
const redisMisses = "sum by (instance) (rate(redis_keyspace_misses_total[5m]))";
/** Series of a container that Docker has restarted at least once (see CADVISOR_RESTART_COUNT_LABEL). */
const RESTARTED = `container_start_time_seconds{${ROLE_LABEL}!="",${CADVISOR_RESTART_COUNT_LABEL}!=""}`;
const LOKI_LINES = "loki_distributor_lines_received_total";
/** Alloy's loki.write counter (grafana/alloy v1.18.1 internal/component/common/loki/client/metrics.go). */
const ALLOY_SENT = `loki_write_sent_entries_total{job="${JOBS.alloy}"}`;
const lokiLines = (range: string) => `sum(rate(${LOKI_LINES}[${range}]))`;

// ---- alerts ------------------------------------------------------------------------------

export type Severity = "critical" | "high" | "medium" | "none";

export interface AlertDef {
    group: string;
    alert: string;
    expr: string;
    for?: string;
    severity: Severity;
    /** Extra static labels (category, service when the series has none). */
    labels: Record<string, string>;
    summary: string;
    description: string;
    /**
     * The same alert where the apps run on Cloud Run and cAdvisor cannot see them: only the measure
     * differs (and the text, where it names Docker); name, threshold, duration and routing are these.
     */
    onCloudRun?: { expr: string; description?: string };
}

/** Shares of a container's limit, and restarts, that page someone: one number for every runtime. */
const MEMORY_LIMIT_SHARE = 0.85;
const CPU_LIMIT_SHARE = 0.8;
const RESTARTS_IN_10M = 5;

export const ALERT_DEFS: AlertDef[] = [
    {
        group: "minimarket-availability",
        alert: "ServiceDown",
        // Infrastructure targets have no `service` label: use the job name, so the
        // ServiceDown inhibition (equal: service) never matches on an empty label.
        expr: `up{service!=""} == 0\n` + `or label_replace(up{service=""} == 0, "service", "$1", "job", "(.+)")`,
        for: "2m",
        severity: "critical",
        labels: { category: "availability" },
        summary: "{{ $labels.service }} is down",
        description: "Prometheus cannot scrape {{ $labels.instance }} (job {{ $labels.job }}) for more than 2 minutes.",
    },
    {
        group: "minimarket-availability",
        alert: "DatabaseDown",
        // absent(): the exporter itself is gone, so PostgreSQL cannot be seen either.
        expr: `pg_up == 0 or ${absentOnceScraping("pg_up")}`,
        for: "1m",
        severity: "critical",
        labels: { category: "database", service: "postgres" },
        summary: "PostgreSQL is unreachable",
        description: "postgres-exporter reports pg_up=0 (or no pg_up at all) for more than 1 minute; every service depending on the database is affected.",
    },
    {
        group: "minimarket-availability",
        alert: "RedisDown",
        expr: `redis_up == 0 or ${absentOnceScraping("redis_up")}`,
        for: "1m",
        severity: "critical",
        labels: { category: "cache", service: "redis" },
        summary: "Redis is unreachable",
        description: "redis-exporter reports redis_up=0 (or no redis_up at all) for more than 1 minute; caching and sessions of all services are affected.",
    },
    {
        group: "minimarket-http",
        alert: "HighErrorRate",
        expr: `${RECORD.errorRatio} > 0.05`,
        for: "5m",
        severity: "critical",
        labels: { category: "application" },
        summary: "{{ $labels.service }}: {{ $value | humanizePercentage }} of requests fail",
        description:
            "More than 5% of the requests of {{ $labels.service }} failed over the last 5 minutes, for 5 minutes (currently {{ $value | humanizePercentage }}).",
    },
    {
        group: "minimarket-http",
        alert: "HighLatency",
        expr: `${RECORD.p95} > ${LATENCY_P95_SECONDS}`,
        for: "10m",
        severity: "high",
        labels: { category: "application" },
        summary: "{{ $labels.service }}: P95 latency {{ $value | humanizeDuration }}",
        description:
            "The 95th percentile of request duration of {{ $labels.service }} has been over 500ms for 10 minutes (currently {{ $value | humanizeDuration }}).",
    },
    {
        group: "minimarket-http",
        alert: "SlowRequests",
        expr: `${RECORD.p99} > 2`,
        for: "15m",
        severity: "medium",
        labels: { category: "application" },
        summary: "{{ $labels.service }}: P99 latency {{ $value | humanizeDuration }}",
        description:
            "The 99th percentile of request duration of {{ $labels.service }} has been over 2s for 15 minutes (currently {{ $value | humanizeDuration }}).",
    },
    {
        group: "minimarket-resources",
        alert: "DiskSpaceCritical",
        expr: `node_filesystem_avail_bytes{${REAL_FS}} / node_filesystem_size_bytes{${REAL_FS}} < 0.10`,
        for: "5m",
        severity: "critical",
        labels: { category: "infrastructure" },
        summary: "Disk {{ $labels.mountpoint }} on {{ $labels.instance }} has {{ $value | humanizePercentage }} free",
        description:
            "Filesystem {{ $labels.mountpoint }} ({{ $labels.device }}) has had less than 10% free space for 5 minutes. Databases and Prometheus stop writing when it is full.",
    },
    {
        group: "minimarket-resources",
        alert: "MemoryPressure",
        expr: `max by (service, name) (${withServiceLabel(
            `container_memory_working_set_bytes{${APP}}\n` + `  / (container_spec_memory_limit_bytes{${APP}} > 0)`,
        )}) > ${MEMORY_LIMIT_SHARE}`,
        onCloudRun: { expr: `${cloudRunLimitShare("memory")} > ${MEMORY_LIMIT_SHARE}` },
        for: "5m",
        severity: "high",
        labels: { category: "infrastructure" },
        summary: "{{ $labels.service }} uses {{ $value | humanizePercentage }} of its memory limit",
        description: "Container {{ $labels.name }} has used more than 85% of its memory limit for 5 minutes; at 100% it is OOM-killed.",
    },
    {
        group: "minimarket-resources",
        alert: "CPUHigh",
        // Limit in CPUs = quota / period; no quota (0 or -1) means no limit, so no alert.
        expr: `max by (service, name) (${withServiceLabel(
            `sum by (name, ${SERVICE_LABEL}) (rate(container_cpu_usage_seconds_total{${APP}}[5m]))\n` +
                `  / sum by (name, ${SERVICE_LABEL}) ((container_spec_cpu_quota{${APP}} > 0) / container_spec_cpu_period{${APP}})`,
        )}) > ${CPU_LIMIT_SHARE}`,
        onCloudRun: { expr: `${cloudRunLimitShare("cpu")} > ${CPU_LIMIT_SHARE}` },
        for: "10m",
        severity: "high",
        labels: { category: "infrastructure" },
        summary: "{{ $labels.service }} uses {{ $value | humanizePercentage }} of its CPU limit",
        description: "Container {{ $labels.name }} has used more than 80% of its CPU limit for 10 minutes; requests slow down when it is throttled.",
    },
    {
        group: "minimarket-resources",
        alert: "DeploymentIssue",
        // cAdvisor has no restart counter and its start time is the creation time (v0.54.0): each
        // restart shows as a new series carrying the new `restartcount`. Count the restarted series
        // seen in the last 10 minutes that did not exist 10 minutes ago. Restarts faster than the
        // 30 s scrape are not seen, so this undercounts a very fast loop.
        expr: `count by (name, service) (${withServiceLabel(`count_over_time(${RESTARTED}[10m]) unless ${RESTARTED} offset 10m`)}) > ${RESTARTS_IN_10M}`,
        onCloudRun: {
            expr: `${CLOUD_RUN_SHORT_LIVED_INSTANCES} > ${RESTARTS_IN_10M}`,
            description: `More than ${RESTARTS_IN_10M} instances of Cloud Run service {{ $labels.name }} started and stopped again within 10 minutes, for 5 minutes: a crash loop (a failing start, a missing setting, an OOM kill).`,
        },
        for: "5m",
        severity: "medium",
        labels: { category: "deployment" },
        summary: "Container {{ $labels.name }} restarted {{ $value }} times in 10 minutes",
        description:
            "Container {{ $labels.name }} was restarted by Docker more than 5 times in 10 minutes, for 5 minutes: a crash loop (a failing start, a missing setting, an OOM kill).",
    },
    {
        group: "minimarket-business",
        alert: "StockCritico",
        expr: "negocio_stock_critico_productos > 0",
        for: "5m",
        severity: "high",
        labels: { category: "business" },
        summary: "{{ $value }} products below minimum stock",
        description: "agente-negocio reports {{ $value }} products under their minimum stock for 5 minutes; purchase orders may be needed.",
    },
    {
        group: "minimarket-business",
        alert: "OCRTimeoutSpike",
        // Timeouts are whole numbers, but increase() extrapolates to the window's edges: exactly 10
        // reads about 10.04 when the hour does not start on a sample. Rounded, 10 stays 10.
        expr: "round(sum by (service) (increase(ocr_timeout_events_total[1h]))) > 10",
        for: "5m",
        severity: "high",
        labels: { category: "ml" },
        summary: "{{ $labels.service }}: {{ $value | humanize }} OCR timeouts in the last hour",
        description: "More than 10 invoice OCR runs timed out in the last hour on {{ $labels.service }}, for 5 minutes.",
    },
    {
        group: "minimarket-business",
        alert: "InflacionAnomaly",
        expr: "abs(ml_inflacion_calculada_percent - ml_inflacion_baseline_percent) > 5",
        for: "30m",
        severity: "medium",
        labels: { category: "ml" },
        summary: "Calculated inflation is {{ $value | humanize }} points away from the baseline",
        description:
            "ml-service's calculated inflation has differed from the baseline by more than 5 percentage points for 30 minutes; price predictions may be wrong.",
    },
    {
        group: "minimarket-business",
        alert: "MLModelDrift",
        expr: "ml_model_drift_score > 0.15",
        for: "1h",
        severity: "medium",
        labels: { category: "ml" },
        summary: "ML model drift score {{ $value | humanize }}",
        description: "ml_model_drift_score has been over 0.15 for an hour: the model no longer matches current data and should be retrained.",
    },
    {
        group: "minimarket-data",
        alert: "CacheHitRateLow",
        expr: `${redisHits}\n` + `/ ((${redisHits} + ${redisMisses}) > ${CACHE_MIN_LOOKUPS_PER_SECOND})\n` + `< 0.7`,
        for: "15m",
        severity: "high",
        labels: { category: "cache", service: "redis" },
        summary: "Redis cache hit ratio {{ $value | humanizePercentage }}",
        description: "Less than 70% of Redis key lookups hit over the last 5 minutes, for 15 minutes (idle periods ignored); the database gets the extra load.",
    },
    {
        group: "minimarket-logs",
        alert: "LogVolumeSpike",
        // The hourly norm ends 15m ago (5m window + 10m `for`): otherwise a sustained spike
        // raises its own baseline and a 4x spike would stop matching before `for` elapsed.
        // The norm needs its whole hour: rate() over a window Loki only partly covered divides a
        // few minutes of lines by an hour, so a fresh stack would look like a spike. The last
        // clause holds once the counter existed 75 minutes ago (15m offset + 1h window).
        expr:
            `${lokiLines("5m")} > 3 * sum(rate(${LOKI_LINES}[1h] offset 15m))\n` +
            `and ${lokiLines("5m")} > ${LOG_SPIKE_MIN_LINES_PER_SECOND}\n` +
            `and sum(${LOKI_LINES} offset 75m)`,
        for: "10m",
        severity: "medium",
        labels: { category: "logging" },
        summary: "Log volume {{ $value | humanize }} lines/s, over 3x the hourly norm",
        description:
            "Loki received more than three times its usual rate of log lines (the hour before the last 15 minutes) over the last 5 minutes, for 10 minutes. Something is logging in a loop; disks can fill.",
    },
    {
        group: "minimarket-logs",
        alert: "LogShippingStopped",
        // Beyond the SPEC's table: logs of every container must reach Loki. Alloy gone from
        // Prometheus, nothing sent for 10 minutes (containers always log: health checks, scrapes),
        // or entries dropped after all retries.
        expr:
            `${absentOnceScraping(`up{job="${JOBS.alloy}"} == 1`)}\n` +
            `or sum(increase(${ALLOY_SENT}[10m])) == 0\n` +
            `or sum(increase(loki_write_dropped_entries_total{job="${JOBS.alloy}"}[10m])) > 0`,
        for: "5m",
        severity: "high",
        labels: { category: "logging", service: "alloy" },
        summary: "Container logs are not reaching Loki",
        description:
            "Alloy is not scraped, has sent no log entries for 10 minutes, or dropped entries after all retries, for 5 minutes: logs of this stack are being lost.",
    },
    {
        group: "minimarket-meta",
        alert: "Watchdog",
        expr: "vector(1)",
        severity: "none",
        labels: { category: "meta" },
        summary: "Alerting pipeline heartbeat",
        description: "Always firing. If the dead man's switch stops receiving it, Prometheus, Alertmanager or the path between them is broken.",
    },
];
