// The pure renderers of every observability config file: Prometheus and its rules, Alertmanager,
// Grafana provisioning and dashboards, Loki and Alloy. No Pulumi resources here; the containers in
// components/observability deliver what these functions return.
export * from "./alertmanager";
export * from "./alloy";
export * from "./dashboards";
export * from "./grafana";
export * from "./logsAndDashboardsFiles";
export * from "./loki";
export * from "./monitoringFiles";
export * from "./prometheus";
export * from "./rules";
export * from "./stackFiles";
export { toYaml } from "./yaml";
