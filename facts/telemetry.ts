// Names shared by the Prometheus config, the alert and recording rules, and the Grafana
// dashboards. A rename here reaches all three; a rename in one place alone would break the others.

/** Scrape job names. */
export const JOBS = {
    apps: "apps",
    nodeExporter: "node-exporter",
    cadvisor: "cadvisor",
    postgresExporter: "postgres-exporter",
    redisExporter: "redis-exporter",
    prometheus: "prometheus",
    alertmanager: "alertmanager",
    loki: "loki",
    grafana: "grafana",
    /** The log shipper: its loki_write_* counters say whether logs still reach Loki. */
    alloy: "alloy",
    /** Cloud Monitoring's own series (Cloud Run's CPU and memory) through stackdriver_exporter, on cloudrun only. */
    cloudMonitoring: "cloud-monitoring",
} as const;

/**
 * The P95 request duration the HighLatency alert allows, in seconds. The alert fires above it, and
 * the capacity model (config/capacity.ts) takes it as the time each request holds its slot.
 */
export const LATENCY_P95_SECONDS = 0.5;

/** Recording rules; each series carries label `service`. */
export const RECORDING_RULES = {
    requestRate: "service:http_requests:rate5m",
    errorRatio: "service:http_errors:ratio_rate5m",
    p95: "service:http_request_duration_seconds:p95_5m",
    p99: "service:http_request_duration_seconds:p99_5m",
} as const;

/** Intervals of the SPEC: apps every 15 s, exporters every 30 s, rules every 15 s. */
export const INTERVALS = {
    scrape: "15s",
    exporterScrape: "30s",
    evaluation: "15s",
    /** stackdriver_exporter (cloudrun): Cloud Monitoring samples Cloud Run's containers once a minute. */
    cloudMonitoringScrape: "60s",
} as const;

/** cAdvisor's name for the Docker label `com.minimarket.service` (see LABELS). */
export const CADVISOR_SERVICE_LABEL = "container_label_com_minimarket_service";
/** cAdvisor's name for the Docker label `com.minimarket.role`. */
export const CADVISOR_ROLE_LABEL = "container_label_com_minimarket_role";
/**
 * cAdvisor's Docker handler adds the spec label `restartcount` once Docker has restarted a container
 * (RestartCount > 0; google/cadvisor v0.54.0 container/docker/handler.go:225-228) and exports every
 * spec label as `container_label_<name>` (metrics/prometheus.go:1878-1880). Each restart-policy
 * restart is a new cgroup, so a new series with the new count; the first run has no such label.
 */
export const CADVISOR_RESTART_COUNT_LABEL = "container_label_restartcount";

/**
 * Default base of the alerts' runbook links (`<base>/docs/runbooks/<Alert>.md`): this repository as
 * published. A fork or a mirror sets `runbookBaseUrl` so the links open its own pages.
 */
export const DEFAULT_RUNBOOK_BASE_URL = "https://github.com/minimarket/minimarket-infra/blob/main";

/** What the backup container writes for node-exporter's textfile collector; the backup alerts and the Backups panel read them. */
export const BACKUP_METRICS = {
    lastSuccess: "minimarket_backup_last_success_timestamp_seconds",
    lastStatus: "minimarket_backup_last_status",
    lastSize: "minimarket_backup_last_size_bytes",
    lastDuration: "minimarket_backup_last_duration_seconds",
    drillLastSuccess: "restore_drill_last_success_timestamp_seconds",
    drillLastStatus: "restore_drill_last_status",
    drillDuration: "restore_drill_last_duration_seconds",
    drillRows: "restore_drill_rows_restored",
} as const;

/** Fixed Grafana datasource uids: the provisioning and the dashboards refer to these, never to generated ids. */
export const DATASOURCE_UIDS = {
    prometheus: "prometheus",
    loki: "loki",
    alertmanager: "alertmanager",
} as const;

/** The stack's time zone when `timezone` is not set: the apps' TZ, Grafana's and the dashboards' display. */
export const DEFAULT_TIMEZONE = "America/Argentina/Buenos_Aires";
