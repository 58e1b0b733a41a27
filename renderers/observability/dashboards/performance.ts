// Dashboard 3: resources of every container, PostgreSQL connections and Redis.
import * as dashboard from "@grafana/grafana-foundation-sdk/dashboard";
import * as timeseries from "@grafana/grafana-foundation-sdk/timeseries";
import * as units from "@grafana/grafana-foundation-sdk/units";
import { AppRuntime } from "../../../facts/services";
import { cloudRunBusiest } from "../../cloudRunMeasures";
import {
    percentGauge,
    COLORS,
    EXPORTER_SCRAPE_INTERVAL,
    buildDashboard,
    CLOUD_MONITORING_INTERVAL,
    cpuPercentOfLimit,
    dashedThresholds,
    memoryPercentOfLimit,
    multiTooltip,
    tableLegend,
    thresholds,
    withBasics,
} from "./common";

export const PERFORMANCE_UID = "minimarket-performance";

/** Every Docker container (cAdvisor's `name` label), not only the apps: Postgres and Redis matter here. */
const CONTAINERS = 'name!=""';

/** On Cloud Run the apps are not Docker containers: Cloud Monitoring's busiest instance of each service joins the panel. */
function cloudRunQuery(runtime: AppRuntime, resource: "cpu" | "memory") {
    return runtime === "cloudrun" ? [{ expr: `100 * ${cloudRunBusiest(resource)}`, legend: "{{service_name}}", interval: CLOUD_MONITORING_INTERVAL }] : [];
}

function containerCpu(runtime: AppRuntime) {
    return withBasics(new timeseries.PanelBuilder(), {
        title: "Container CPU (% of limit)",
        description: "Containers without a CPU limit have no series here. The CPUHigh alert fires above 80% for an app container, for 10 minutes.",
        queries: [{ expr: cpuPercentOfLimit(CONTAINERS, "name"), legend: "{{name}}", interval: EXPORTER_SCRAPE_INTERVAL }, ...cloudRunQuery(runtime, "cpu")],
        width: 12,
    })
        .unit(units.Percent)
        .min(0)
        .thresholds(thresholds(COLORS.ok, [70, COLORS.warn], [85, COLORS.bad]))
        .thresholdsStyle(dashedThresholds())
        .legend(tableLegend())
        .tooltip(multiTooltip());
}

function containerMemory(runtime: AppRuntime) {
    return withBasics(new timeseries.PanelBuilder(), {
        title: "Container memory (% of limit)",
        description:
            "Working set over the memory limit. Containers without a limit have no series here. " +
            "The MemoryPressure alert fires above 85% for an app container, for 5 minutes.",
        queries: [
            { expr: memoryPercentOfLimit(CONTAINERS, "name"), legend: "{{name}}", interval: EXPORTER_SCRAPE_INTERVAL },
            ...cloudRunQuery(runtime, "memory"),
        ],
        width: 12,
    })
        .unit(units.Percent)
        .min(0)
        .thresholds(thresholds(COLORS.ok, [75, COLORS.warn], [90, COLORS.bad]))
        .thresholdsStyle(dashedThresholds())
        .legend(tableLegend())
        .tooltip(multiTooltip());
}

function byteRates(title: string, readMetric: string, readLabel: string, writeMetric: string, writeLabel: string) {
    const rate = (metric: string) => `sum by (name) (rate(${metric}{${CONTAINERS}}[$__rate_interval]))`;
    return withBasics(new timeseries.PanelBuilder(), {
        title,
        queries: [
            { expr: rate(readMetric), legend: `{{name}} ${readLabel}`, interval: EXPORTER_SCRAPE_INTERVAL },
            { expr: rate(writeMetric), legend: `{{name}} ${writeLabel}`, interval: EXPORTER_SCRAPE_INTERVAL },
        ],
        width: 12,
    })
        .unit(units.BytesPerSecondSI)
        .min(0)
        .legend(tableLegend())
        .tooltip(multiTooltip());
}

function postgresConnections() {
    return withBasics(new timeseries.PanelBuilder(), {
        title: "PostgreSQL connections vs max",
        queries: [
            { expr: "sum(pg_stat_database_numbackends)", legend: "connections" },
            { expr: "max(pg_settings_max_connections)", legend: "max_connections" },
        ],
        width: 18,
    })
        .unit(units.Short)
        .min(0)
        .legend(tableLegend())
        .tooltip(multiTooltip());
}

function redisHitRate() {
    const hits = "sum(rate(redis_keyspace_hits_total[5m]))";
    const misses = "sum(rate(redis_keyspace_misses_total[5m]))";
    return percentGauge(
        {
            title: "Redis cache hit rate",
            description: "Keyspace hits over hits + misses, last 5 minutes. The CacheHitRateLow alert fires under 70%.",
            queries: [{ expr: `100 * ${hits} / (${hits} + ${misses})`, legend: "hit rate", instant: true }],
            width: 6,
        },
        COLORS.bad,
        [70, COLORS.warn],
        [90, COLORS.ok],
    );
}

function redisClientsAndKeys() {
    return (
        withBasics(new timeseries.PanelBuilder(), {
            title: "Redis clients and keys",
            queries: [
                { expr: "sum(redis_connected_clients)", legend: "clients" },
                { expr: "sum(redis_db_keys)", legend: "keys" },
            ],
            width: 24,
        })
            .unit(units.Short)
            .min(0)
            // Keys outnumber clients by orders of magnitude: give them their own axis.
            .overrideByName("keys", [{ id: "custom.axisPlacement", value: "right" }])
            .legend(tableLegend())
            .tooltip(multiTooltip())
    );
}

// Stryker disable next-line StringLiteral: equivalent, every runtime but "cloudrun" renders the Docker measures
export function performanceDashboard(runtime: AppRuntime = "docker"): dashboard.Dashboard {
    return buildDashboard(
        {
            uid: PERFORMANCE_UID,
            title: "MiniMarket - Performance",
            description: "Container CPU, memory, disk and network; PostgreSQL connections; Redis.",
            tags: ["performance", "resources"],
            from: "now-3h",
            refresh: "30s",
        },
        [
            containerCpu(runtime),
            containerMemory(runtime),
            byteRates("Disk I/O", "container_fs_reads_bytes_total", "read", "container_fs_writes_bytes_total", "write"),
            byteRates("Network I/O", "container_network_receive_bytes_total", "rx", "container_network_transmit_bytes_total", "tx"),
            redisHitRate(),
            postgresConnections(),
            redisClientsAndKeys(),
        ],
    );
}
