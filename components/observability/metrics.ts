import * as pulumi from "@pulumi/pulumi";
import { NODE_EXPORTER_TEXTFILE_FLAG } from "../backup/backupContainer";
import { PostgresConnection, postgresUrl, RedisConnection, redisAddress, redisCaFiles } from "../data/connections";
import { DockerPlatform } from "../docker/platform";
import { httpProbe, UpstreamService } from "../docker/upstreamService";
import { ENDPOINTS, VOLUMES } from "../../facts/endpoints";
import { defaultImages } from "../../facts/images";
import { ALERTMANAGER_STORAGE_PATH, alertmanagerCommand, prometheusFlags } from "../../renderers/observability";

type Published = { port: number; ip: string };

export interface PrometheusArgs {
    platform: DockerPlatform;
    /** Files of the `prometheus` container: prometheus.yml and the rule files. */
    files: Record<string, string>;
    retention: string;
    publish?: Published;
}

/** Prometheus with its config and rules delivered as files; a config change replaces this container only. */
export class Prometheus extends UpstreamService {
    constructor(name: string, args: PrometheusArgs, opts?: pulumi.ComponentResourceOptions) {
        super(
            "minimarket:monitoring:Prometheus",
            name,
            {
                platform: args.platform,
                service: "prometheus",
                role: "observability",
                image: defaultImages.prometheus,
                memoryMb: 2048,
                command: prometheusFlags({ retention: args.retention }),
                files: args.files,
                volumes: { "/prometheus": VOLUMES.prometheus },
                healthcheck: httpProbe("http://127.0.0.1:9090/-/ready"),
                ports: args.publish ? [{ internal: 9090, external: args.publish.port, ip: args.publish.ip }] : [],
            },
            opts,
        );
    }
}

export interface AlertmanagerArgs {
    platform: DockerPlatform;
    /** alertmanager.yml; secret when it carries the Slack webhook URL. */
    files: pulumi.Input<Record<string, string>>;
    publish?: Published;
}

export class Alertmanager extends UpstreamService {
    constructor(name: string, args: AlertmanagerArgs, opts?: pulumi.ComponentResourceOptions) {
        super(
            "minimarket:monitoring:Alertmanager",
            name,
            {
                platform: args.platform,
                service: "alertmanager",
                role: "observability",
                image: defaultImages.alertmanager,
                memoryMb: 256,
                command: alertmanagerCommand(),
                files: args.files,
                volumes: { [ALERTMANAGER_STORAGE_PATH]: VOLUMES.alertmanager },
                healthcheck: httpProbe("http://127.0.0.1:9093/-/ready"),
                ports: args.publish ? [{ internal: 9093, external: args.publish.port, ip: args.publish.ip }] : [],
            },
            opts,
        );
    }
}

/**
 * Host metrics: filesystems, CPU, memory of the Docker host itself, read through /host. As its
 * upstream runs it in a container (prometheus/node_exporter README.md at v1.12.1, "Docker"): the
 * host's / read-only with `rslave` propagation, so a disk mounted after the container started is
 * seen too and an unmounted one is not held, and the host's PID namespace. Not the host's
 * network: it stays on the service network, where Prometheus scrapes `node-exporter:9100` and
 * nothing else can, and no dashboard or alert reads the host's interface counters
 * (node_network_*), the one thing the container's own network would get wrong (docs/images.md).
 */
export class NodeExporter extends UpstreamService {
    constructor(name: string, args: { platform: DockerPlatform }, opts?: pulumi.ComponentResourceOptions) {
        super(
            "minimarket:monitoring:NodeExporter",
            name,
            {
                platform: args.platform,
                service: "node-exporter",
                role: "observability",
                image: defaultImages.nodeExporter,
                memoryMb: 128,
                // Backup and drill metrics arrive as textfile-collector files on the host.
                command: ["--path.rootfs=/host", NODE_EXPORTER_TEXTFILE_FLAG],
                mounts: [{ hostPath: "/", containerPath: "/host", readOnly: true, propagation: "rslave" }],
                pidMode: "host",
                healthcheck: httpProbe("http://127.0.0.1:9100/metrics"),
            },
            opts,
        );
    }
}

/** Per-container CPU, memory, restarts and I/O, with the containers' Docker labels. */
export class Cadvisor extends UpstreamService {
    constructor(name: string, args: { platform: DockerPlatform }, opts?: pulumi.ComponentResourceOptions) {
        super(
            "minimarket:monitoring:Cadvisor",
            name,
            {
                platform: args.platform,
                service: "cadvisor",
                role: "observability",
                image: defaultImages.cadvisor,
                memoryMb: 256,
                command: ["--docker_only=true", "--housekeeping_interval=15s"],
                mounts: [
                    { hostPath: "/", containerPath: "/rootfs", readOnly: true },
                    { hostPath: "/var/run", containerPath: "/var/run", readOnly: true },
                    { hostPath: "/sys", containerPath: "/sys", readOnly: true },
                    { hostPath: "/var/lib/docker", containerPath: "/var/lib/docker", readOnly: true },
                    { hostPath: "/dev/disk", containerPath: "/dev/disk", readOnly: true },
                ],
                privileged: true,
                devices: ["/dev/kmsg"],
                healthcheck: httpProbe("http://127.0.0.1:8080/healthz"),
            },
            opts,
        );
    }
}

export interface PostgresExporterArgs {
    platform: DockerPlatform;
    /** The monitoring role (member of pg_monitor); the exporter starts once it is ready. */
    connection: PostgresConnection;
}

export class PostgresExporter extends UpstreamService {
    constructor(name: string, args: PostgresExporterArgs, opts?: pulumi.ComponentResourceOptions) {
        super(
            "minimarket:monitoring:PostgresExporter",
            name,
            {
                platform: args.platform,
                service: "postgres-exporter",
                role: "observability",
                image: defaultImages.postgresExporter,
                memoryMb: 128,
                // One URL with the percent-encoded password: any character works.
                // lib/pq defaults to sslmode=require: say "disable" where the server has no TLS.
                secretEnv: args.connection.password.apply((p): Record<string, string> => ({
                    DATA_SOURCE_NAME: postgresUrl(args.connection, p, { sslmode: "disable", ...args.connection.params }),
                })),
                onDataNetwork: true,
                healthcheck: httpProbe(`http://127.0.0.1:${ENDPOINTS.postgresExporter.port}/metrics`),
                dependsOn: args.connection.ready,
            },
            opts,
        );
    }
}

export interface RedisExporterArgs {
    platform: DockerPlatform;
    connection: RedisConnection;
}

/** The image is built FROM scratch: no shell to probe with; Prometheus' `up` watches it. */
export class RedisExporter extends UpstreamService {
    constructor(name: string, args: RedisExporterArgs, opts?: pulumi.ComponentResourceOptions) {
        super(
            "minimarket:monitoring:RedisExporter",
            name,
            {
                platform: args.platform,
                service: "redis-exporter",
                role: "observability",
                image: defaultImages.redisExporter,
                memoryMb: 64,
                env: {
                    REDIS_ADDR: redisAddress(args.connection),
                    // Memorystore: verify the server against its CA, uploaded below.
                    ...(args.connection.caFile ? { REDIS_EXPORTER_TLS_CA_CERT_FILE: args.connection.caFile } : {}),
                },
                secretEnv: args.connection.password.apply((p): Record<string, string> => ({ REDIS_PASSWORD: p })),
                files: args.connection.caFile ? redisCaFiles(args.connection) : undefined,
                onDataNetwork: true,
                dependsOn: args.connection.ready,
            },
            opts,
        );
    }
}
