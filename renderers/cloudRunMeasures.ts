// What the alerts and dashboards measure when the apps run on Cloud Run, where cAdvisor cannot see
// them. CPU and memory come from Cloud Monitoring through stackdriver_exporter on the ops VM; the
// apps' own series (and their `up`) arrive from each instance's Prometheus agent by remote write,
// labelled with the instance. Pure PromQL text.
import { serviceNames } from "../facts/services";
import { JOBS } from "../facts/telemetry";

/**
 * stackdriver_exporter names a series `stackdriver_<resource type>_<metric type>`, each part
 * lower-cased with every non-alphanumeric run turned into `_` (prometheus-community/stackdriver_exporter
 * v0.19.0 collectors/monitoring_metrics.go buildFQName, normalizeMetricName).
 */
export function stackdriverName(resourceType: string, metricType: string): string {
    // camelcase.Split also cuts at case changes and digits; no name used here has either.
    if (/[A-Z0-9]/.test(resourceType + metricType)) throw new Error(`not modelled: ${resourceType} ${metricType}`);
    const part = (s: string) => (s.match(/[a-z]+/g) ?? []).join("_");
    return `stackdriver_${part(resourceType)}_${part(metricType)}`;
}

/** The Cloud Monitoring metric types the exporter fetches (its --monitoring.metrics-prefixes). */
export const CLOUD_RUN_METRIC_TYPES = {
    /** DELTA DISTRIBUTION of each container's use of its memory limit (0 to 1), sampled every minute. */
    memory: "run.googleapis.com/container/memory/utilizations",
    /** The same for CPU, against the container's CPU limit. */
    cpu: "run.googleapis.com/container/cpu/utilizations",
} as const;

/** Cloud Run's monitored resource of a revision; its labels include service_name. */
const REVISION = "cloud_run_revision";

/** `<prefix>-dashboard` → `dashboard`: the Cloud Run service name carries the stack's prefix. */
function serviceFromName(services: readonly string[]): string {
    return `(?:.*-)?(${services.join("|")})`;
}

/**
 * The busiest container of each app service, as a share of its limit: the 99th percentile of the
 * last minute's distribution (the exporter exports a DELTA distribution as that minute's
 * histogram, so no rate()), by Cloud Run service name. Dashboards show it as it is.
 */
export function cloudRunBusiest(resource: keyof typeof CLOUD_RUN_METRIC_TYPES, services: readonly string[] = serviceNames): string {
    const buckets = `${stackdriverName(REVISION, CLOUD_RUN_METRIC_TYPES[resource])}_bucket{service_name=~"${serviceFromName(services)}"}`;
    return `histogram_quantile(0.99, sum by (service_name, le) (${buckets}))`;
}

/** The same for the alerts, labelled `service` (as on the Docker host) and `name` (the Cloud Run service). */
export function cloudRunLimitShare(resource: keyof typeof CLOUD_RUN_METRIC_TYPES, services: readonly string[] = serviceNames): string {
    const named = `label_replace(${cloudRunBusiest(resource, services)}, "name", "$1", "service_name", "(.+)")`;
    return `max by (service, name) (label_replace(${named}, "service", "$1", "service_name", "${serviceFromName(services)}"))`;
}

/** `up` of the apps as their agents write it: one series per Cloud Run instance. */
const APP_UP = `up{job="${JOBS.apps}"}`;

/**
 * Instances of a service that started in the last 10 minutes and are gone again: a crash loop, since
 * Cloud Run keeps an idle instance for minutes before it scales in. `name` is the service, as the
 * alert's text names the container.
 */
export const CLOUD_RUN_SHORT_LIVED_INSTANCES =
    `label_replace(count by (service) ((count_over_time(${APP_UP}[10m]) unless ${APP_UP} offset 10m) unless ${APP_UP}), ` + `"name", "$1", "service", "(.+)")`;
