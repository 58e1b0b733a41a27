// Loki 3.x single-binary configuration: filesystem storage on a volume, TSDB index,
// and retention that is actually enforced by the compactor.
import { stringify } from "yaml";
import { ENDPOINTS } from "../../facts/endpoints";

export const LOKI_HTTP_PORT = ENDPOINTS.loki.port;
/** Mount a persistent volume here; everything Loki stores lives below it. */
export const LOKI_DATA_DIR = "/loki";
export const LOKI_CONFIG_PATH = "/etc/loki/config.yaml";

export interface LokiLimits {
    retentionPeriod: string;
    ingestionRateMb: number;
    ingestionBurstSizeMb: number;
    maxQueryLookback: string;
}

/** SPEC: 30 days retention, 10 MB/s ingestion (burst 20), 720h query lookback. */
export const DEFAULT_LOKI_LIMITS: LokiLimits = {
    retentionPeriod: "720h",
    ingestionRateMb: 10,
    ingestionBurstSizeMb: 20,
    maxQueryLookback: "720h",
};

/**
 * Start of the only schema period. It must never change once Loki has data: a later
 * schema change is a new entry with a future `from` date, never an edit of this one.
 */
export const LOKI_SCHEMA_FROM = "2024-04-01";

function durationHours(value: string): number {
    const m = /^(\d+)h$/.exec(value);
    if (!m) throw new Error(`expected a duration in hours like "720h", got ${JSON.stringify(value)}`);
    return Number(m[1]);
}

function validateLimits(limits: LokiLimits): void {
    const retention = durationHours(limits.retentionPeriod);
    // The compactor applies retention per daily index table; less than 24h is ignored.
    if (retention < 24 || retention % 24 !== 0) {
        throw new Error(`Loki retention_period must be a multiple of 24h, got ${limits.retentionPeriod}`);
    }
    if (durationHours(limits.maxQueryLookback) > retention) {
        throw new Error("Loki max_query_lookback must not exceed retention_period");
    }
    if (limits.ingestionBurstSizeMb < limits.ingestionRateMb) {
        throw new Error("Loki ingestion_burst_size_mb must be at least ingestion_rate_mb");
    }
}

export function lokiConfig(limits: LokiLimits = DEFAULT_LOKI_LIMITS): Record<string, unknown> {
    validateLimits(limits);
    const dir = LOKI_DATA_DIR;
    return {
        target: "all",
        auth_enabled: false,
        server: { http_listen_port: LOKI_HTTP_PORT, grpc_listen_port: 9096, log_level: "info" },
        common: {
            instance_addr: "127.0.0.1",
            path_prefix: dir,
            replication_factor: 1,
            ring: { kvstore: { store: "inmemory" } },
            storage: { filesystem: { chunks_directory: `${dir}/chunks`, rules_directory: `${dir}/rules` } },
        },
        schema_config: {
            configs: [
                {
                    from: LOKI_SCHEMA_FROM,
                    store: "tsdb",
                    object_store: "filesystem",
                    schema: "v13",
                    // Retention works on whole daily tables.
                    index: { prefix: "index_", period: "24h" },
                },
            ],
        },
        storage_config: {
            tsdb_shipper: { active_index_directory: `${dir}/tsdb-index`, cache_location: `${dir}/tsdb-cache` },
        },
        limits_config: {
            retention_period: limits.retentionPeriod,
            ingestion_rate_mb: limits.ingestionRateMb,
            ingestion_burst_size_mb: limits.ingestionBurstSizeMb,
            max_query_lookback: limits.maxQueryLookback,
            // Structured metadata needs tsdb + v13, which is what we run.
            allow_structured_metadata: true,
            volume_enabled: true,
            reject_old_samples: true,
            reject_old_samples_max_age: "168h",
        },
        compactor: {
            working_directory: `${dir}/compactor`,
            compaction_interval: "10m",
            // Without these two, Loki only compacts and never deletes anything.
            retention_enabled: true,
            delete_request_store: "filesystem",
            retention_delete_delay: "2h",
            retention_delete_worker_count: 150,
        },
        // Keep the single binary from phoning home.
        analytics: { reporting_enabled: false },
    };
}

export function renderLokiConfig(limits: LokiLimits = DEFAULT_LOKI_LIMITS): string {
    return stringify(lokiConfig(limits));
}
