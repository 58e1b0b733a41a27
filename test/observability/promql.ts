// Test helpers for PromQL in dashboards: metric allow-list, metric-name extraction,
// Grafana variable substitution and running the real `promtool`.
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { stringify } from "yaml";
import { upstreamTool } from "../support/tools";
import { BACKUP_METRICS } from "../../facts/telemetry";

/** App metrics as listed in SPEC.md ("App metrics (exposed by the images)"). */
export const APP_METRICS = [
    "http_requests_total",
    "http_errors_total",
    "http_request_duration_seconds_bucket",
    "deposito_productos_procesados_total",
    "deposito_productos_por_categoria",
    "negocio_stock_critico_productos",
    "negocio_ordenes_generadas_total",
    "negocio_revenue_proyectado_ars",
    "negocio_revenue_real_ars",
    "ml_inflacion_calculada_percent",
    "ml_inflacion_baseline_percent",
    "ml_prediction_accuracy_percent",
    "ml_model_drift_score",
    "ml_predictions_total",
    "ml_cache_hits_total",
    "ml_cache_misses_total",
    "ml_model_version_info",
    "ml_errors_total",
    "ocr_processing_duration_seconds_bucket",
    "ocr_timeout_events_total",
    "ocr_errors_total",
];

/** Recording rules defined next to the alert rules (fixed names, label `service`). */
export const RECORDING_RULES = [
    "service:http_requests:rate5m",
    "service:http_errors:ratio_rate5m",
    "service:http_request_duration_seconds:p95_5m",
    "service:http_request_duration_seconds:p99_5m",
];

/** Metrics of Prometheus itself and of the exporters the stack runs. */
export const EXPORTER_METRICS = [
    "up",
    // The backup container's textfile-collector metrics (node-exporter)
    ...Object.values(BACKUP_METRICS),
    // cAdvisor
    "container_cpu_usage_seconds_total",
    "container_spec_cpu_quota",
    "container_spec_cpu_period",
    "container_memory_working_set_bytes",
    "container_spec_memory_limit_bytes",
    "container_fs_reads_bytes_total",
    "container_fs_writes_bytes_total",
    "container_network_receive_bytes_total",
    "container_network_transmit_bytes_total",
    // postgres-exporter
    "pg_up",
    "pg_stat_database_numbackends",
    "pg_settings_max_connections",
    // redis-exporter
    "redis_up",
    "redis_keyspace_hits_total",
    "redis_keyspace_misses_total",
    "redis_connected_clients",
    "redis_db_keys",
    // stackdriver_exporter (cloudrun): Cloud Run's CPU and memory, as Cloud Monitoring measures them
    "stackdriver_cloud_run_revision_run_googleapis_com_container_cpu_utilizations_bucket",
    "stackdriver_cloud_run_revision_run_googleapis_com_container_memory_utilizations_bucket",
];

export const KNOWN_METRICS = new Set([...APP_METRICS, ...RECORDING_RULES, ...EXPORTER_METRICS]);

const NOT_METRICS = new Set([
    // aggregation operators (may be followed by `by`/`without` instead of a parenthesis)
    "sum",
    "min",
    "max",
    "avg",
    "group",
    "stddev",
    "stdvar",
    "count",
    "count_values",
    "bottomk",
    "topk",
    "quantile",
    "limitk",
    "limit_ratio",
    // keywords and binary operators
    "by",
    "without",
    "on",
    "ignoring",
    "group_left",
    "group_right",
    "bool",
    "offset",
    "and",
    "or",
    "unless",
    "atan2",
    "inf",
    "nan",
    "Inf",
    "NaN",
]);

/** Metric names an expression selects (rough lexer, good enough for our dashboards). */
export function metricNames(expr: string): string[] {
    let s = expr.replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '""');
    s = s.replace(/\{[^}]*\}/g, " "); // label matchers
    s = s.replace(/\[[^\]]*\]/g, " "); // range and subquery durations
    s = s.replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, "$1 "); // label lists
    const names = new Set<string>();
    for (const m of s.matchAll(/[A-Za-z_:][A-Za-z0-9_:]*/g)) {
        const start = m.index ?? 0;
        const before = s[start - 1] ?? " ";
        const after = s.slice(start + m[0].length);
        if (/[A-Za-z0-9_:.]/.test(before)) continue; // part of a number or duration (1e3, 5m)
        if (/^\s*\(/.test(after)) continue; // function call
        if (NOT_METRICS.has(m[0])) continue;
        names.add(m[0]);
    }
    return [...names];
}

/** Concrete values for Grafana's built-in variables, so promtool can parse the query. */
const GRAFANA_VARIABLES: Record<string, string> = {
    __rate_interval: "1m",
    __interval: "1m",
    __interval_ms: "60000",
    __range: "1d",
    __range_s: "86400",
    __range_ms: "86400000",
};

export function substituteGrafanaVariables(expr: string): string {
    const out = expr.replace(/\$(__[a-z_]+)|\$\{(__[a-z_]+)\}/g, (whole, a: string, b: string) => {
        const value = GRAFANA_VARIABLES[a ?? b];
        if (value === undefined) throw new Error(`unknown Grafana variable ${whole} in: ${expr}`);
        return value;
    });
    if (out.includes("$")) throw new Error(`unsubstituted variable in: ${expr}`);
    return out;
}

export interface NamedExpr {
    record: string;
    expr: string;
}

export function rulesFile(exprs: NamedExpr[]): string {
    return stringify({ groups: [{ name: "dashboard_queries", rules: exprs }] });
}

export interface PromtoolResult {
    status: number | null;
    output: string;
}

/** Writes the expressions as recording rules and runs `promtool check rules` on them. */
export function promtoolCheckRules(exprs: NamedExpr[]): PromtoolResult {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "minimarket-promql-"));
    try {
        const file = path.join(dir, "dashboards.rules.yml");
        fs.writeFileSync(file, rulesFile(exprs));
        const promtool = upstreamTool("promtool");
        if (typeof promtool !== "object") throw new Error(`promtool: ${promtool ?? "unknown"} (callers check with requireBinaries(this, ["promtool"]) first)`);
        const r = spawnSync(promtool.path, ["check", "rules", file], { encoding: "utf8" });
        return { status: r.status, output: `${r.stdout ?? ""}${r.stderr ?? ""}` };
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}
