/** Inputs and expectations shared by the monitoring tests. */
import { MonitoringInput } from "../../renderers/observability";

/** The alert table of docs SPEC.md: name → severity and `for`. */
export const SPEC_ALERTS: Record<string, { severity: string; for?: string }> = {
    ServiceDown: { severity: "critical", for: "2m" },
    HighErrorRate: { severity: "critical", for: "5m" },
    DatabaseDown: { severity: "critical", for: "1m" },
    RedisDown: { severity: "critical", for: "1m" },
    DiskSpaceCritical: { severity: "critical", for: "5m" },
    HighLatency: { severity: "high", for: "10m" },
    MemoryPressure: { severity: "high", for: "5m" },
    CPUHigh: { severity: "high", for: "10m" },
    StockCritico: { severity: "high", for: "5m" },
    OCRTimeoutSpike: { severity: "high", for: "5m" },
    CacheHitRateLow: { severity: "high", for: "15m" },
    SlowRequests: { severity: "medium", for: "15m" },
    InflacionAnomaly: { severity: "medium", for: "30m" },
    MLModelDrift: { severity: "medium", for: "1h" },
    LogVolumeSpike: { severity: "medium", for: "10m" },
    DeploymentIssue: { severity: "medium", for: "5m" },
    // Beyond the SPEC's table: log shipping watched (issue 10).
    LogShippingStopped: { severity: "high", for: "5m" },
    Watchdog: { severity: "none" },
};

export const APP_SERVICES = [
    { service: "agente-deposito", address: "agente-deposito:8001" },
    { service: "agente-negocio", address: "agente-negocio:8002" },
    { service: "ml-service", address: "ml-service:8003" },
    { service: "dashboard", address: "dashboard:8080" },
];

/** A staging-like input with container DNS names. */
export function stagingInput(overrides: Partial<MonitoringInput> = {}): MonitoringInput {
    return {
        environment: "staging",
        alertmanagers: ["alertmanager:9093"],
        targets: {
            apps: APP_SERVICES,
            nodeExporter: "node-exporter:9100",
            cadvisor: "cadvisor:8080",
            postgresExporter: "postgres-exporter:9187",
            redisExporter: "redis-exporter:9121",
            prometheus: "localhost:9090",
            alertmanager: "alertmanager:9093",
            loki: "loki:3100",
            grafana: "grafana:3000",
        },
        ...overrides,
    };
}

/** A webhook URL with characters that break naive templating (lesson 3 of the SPEC). */
export const TRICKY_SLACK_URL = "https://hooks.slack.com/services/T000/B000/XXXX?a=1&b=%22q%22#frag: !x";
