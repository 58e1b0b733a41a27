// Resource lists the stacks share, for the tests that list a stack's resources exactly.

const CONTAINER = "docker:index/container:Container";
const IMAGE = "docker:index/remoteImage:RemoteImage";
const VOLUME = "docker:index/volume:Volume";
const COMMAND = "command:local:Command";

/** The metrics, alerting, logs and dashboards half of every stack. */
export const observabilityResources = [
    "minimarket:observability:ObservabilityStack/observability",
    ...[
        ["monitoring:Prometheus", "prometheus", "prom/prometheus:v3.5.5"],
        ["monitoring:Alertmanager", "alertmanager", "prom/alertmanager:v0.34.0"],
        ["monitoring:NodeExporter", "node-exporter", "prom/node-exporter:v1.12.1"],
        ["monitoring:Cadvisor", "cadvisor", "ghcr.io/google/cadvisor:v0.60.5"],
        ["monitoring:PostgresExporter", "postgres-exporter", "quay.io/prometheuscommunity/postgres-exporter:v0.20.1"],
        ["monitoring:RedisExporter", "redis-exporter", "oliver006/redis_exporter:v1.88.0"],
        ["observability:Loki", "loki", "grafana/loki:3.5.12"],
        ["observability:Grafana", "grafana", "grafana/grafana:12.4.16"],
        ["observability:Alloy", "alloy", "grafana/alloy:v1.18.1"],
    ].flatMap(([type, name, image]) => [`minimarket:${type}/${name}`, `${CONTAINER}/${name}`, `${IMAGE}/image-${image.replace(/[^a-zA-Z0-9.-]+/g, "-")}`]),
    ...["prometheus-data", "alertmanager-data", "loki-data", "grafana-data", "alloy-data"].map((v) => `${VOLUME}/${v}`),
    `${COMMAND}/alloy-ready`,
    `${COMMAND}/alloy-shipping`,
    `${COMMAND}/grafana-admin-password`,
    // node-exporter's textfile directory, made by the program before the containers that read it.
    `${COMMAND}/host-dir-textfile`,
];
