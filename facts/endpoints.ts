// Names and addresses every part of the program agrees on: how containers, networks and volumes
// are named on a host, the Docker labels that logs and metrics are keyed by, and where each
// service answers on its network. Renderers, components and platforms all read them here.

/** Prefix of everything the program names on a host or in a cloud project. */
export function resourcePrefix(environment: string): string {
    return `minimarket-${environment}`;
}

/** Environment "prod" or stack "prod": the rules that protect production apply. */
export function isProdStack(environment: unknown, stack: string): boolean {
    return environment === "prod" || stack === "prod";
}

/** Container name on the host: fixed and readable (`docker logs minimarket-staging-redis`). */
export function containerName(environment: string, service: string): string {
    return `${resourcePrefix(environment)}-${service}`;
}

/** A service's Cloud Run name (`gcp.runtime: cloudrun`); its revisions are named after it. */
export function cloudRunServiceName(environment: string, service: string): string {
    return `${resourcePrefix(environment)}-${service}`;
}

/** The Cloud Run job that runs a service's release step (its migration). */
export function cloudRunJobName(environment: string, service: string): string {
    return `${cloudRunServiceName(environment, service)}-migrate`;
}

/** The log sink, topic and subscription that carry a cloudrun stack's Cloud Run logs to Alloy. */
export function cloudRunLogsName(environment: string): string {
    return `${resourcePrefix(environment)}-cloud-run-logs`;
}

export type NetworkRole = "data" | "services";

export function networkName(environment: string, role: NetworkRole): string {
    return `${resourcePrefix(environment)}-${role}`;
}

/** Named volumes, by what they hold. Renaming one orphans its data: never do it. */
export const VOLUMES = {
    postgres: "pgdata",
    redis: "redisdata",
    prometheus: "prometheus-data",
    alertmanager: "alertmanager-data",
    grafana: "grafana-data",
    loki: "loki-data",
    alloy: "alloy-data",
    caddy: "caddy-data",
} as const;

export function volumeName(environment: string, volume: string): string {
    return `${resourcePrefix(environment)}-${volume}`;
}

/**
 * A directory on the Docker host that containers bind-mount, made by the program before them:
 * a missing bind source is made by the engine at create time, root-owned 0755, whatever its
 * readers and writers need.
 */
export interface HostDirectory {
    path: string;
    /** `uid:gid` of the processes that write there. */
    owner: string;
    mode: string;
}

/**
 * node-exporter's textfile-collector directory: the backup containers write their metrics there
 * (as root, the default user of the postgres and rclone images), node-exporter reads them through
 * its /host mount as nobody, hence world-readable.
 */
export const TEXTFILE_DIR: HostDirectory = { path: "/var/lib/minimarket/textfile", owner: "0:0", mode: "0755" };

/** Docker labels of every container; cAdvisor and Alloy turn them into `service`/`environment`. */
export const LABELS = {
    environment: "com.minimarket.environment",
    service: "com.minimarket.service",
    role: "com.minimarket.role",
    /** Marks a container running the demo stand-in instead of its real image. */
    standIn: "com.minimarket.standin",
} as const;

export interface Endpoint {
    /** DNS alias on the Docker networks. */
    host: string;
    port: number;
}

/** Where the data and observability services answer on their Docker networks. */
export const ENDPOINTS = {
    postgres: { host: "postgres", port: 5432 },
    redis: { host: "redis", port: 6379 },
    prometheus: { host: "prometheus", port: 9090 },
    alertmanager: { host: "alertmanager", port: 9093 },
    nodeExporter: { host: "node-exporter", port: 9100 },
    cadvisor: { host: "cadvisor", port: 8080 },
    postgresExporter: { host: "postgres-exporter", port: 9187 },
    redisExporter: { host: "redis-exporter", port: 9121 },
    grafana: { host: "grafana", port: 3000 },
    loki: { host: "loki", port: 3100 },
    alloy: { host: "alloy", port: 12345 },
} as const satisfies Record<string, Endpoint>;

/** stackdriver_exporter on its default port: only on cloudrun's ops VM, so not among the ENDPOINTS every stack has. */
export const CLOUD_MONITORING_EXPORTER = { host: "stackdriver-exporter", port: 9255 } as const satisfies Endpoint;

export function hostPort(e: Endpoint): string {
    return `${e.host}:${e.port}`;
}

export function httpUrl(e: Endpoint): string {
    return `http://${hostPort(e)}`;
}

/** Memorystore serves TLS on this port when in-transit encryption is on. */
export const MEMORYSTORE_TLS_PORT = 6378;

/** The application database and its roles. */
export const DATABASE = "inventario_retail";
export const ROLES = {
    /** Owns the database; the apps and their migrations connect as this role. */
    app: "minimarket_app",
    /** Member of pg_monitor; postgres-exporter connects as this role. */
    monitor: "minimarket_monitor",
    /** Member of pg_read_all_data; the backup container's pg_dump connects as this role. */
    backup: "minimarket_backup",
    /** The staging container's superuser. */
    superuser: "postgres",
} as const;

/**
 * Maintenance mode: the proxy answers the dashboard with 503 and this text. One line of up to 300
 * characters without `{ } " \` or control characters, so it stays one token of the Caddyfile and
 * no placeholder in it is expanded.
 */
export const MAINTENANCE = {
    defaultMessage: "MiniMarket is down for maintenance. Please try again in a few minutes.",
    message: /^[^\p{Cc}{}"\\]{1,300}$/u,
} as const;
