import * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";
import { DockerPlatform } from "../docker/platform";
import { shellCommand } from "../../renderers/shell";
import { httpProbe, readinessGate, UpstreamService } from "../docker/upstreamService";
import { ENDPOINTS, httpUrl, VOLUMES } from "../../facts/endpoints";
import { defaultImages } from "../../facts/images";
import { ALLOY_CONFIG_PATH, grafanaEnv, LOKI_CONFIG_PATH, LOKI_DATA_DIR } from "../../renderers/observability";

export interface LokiArgs {
    platform: DockerPlatform;
    files: Record<string, string>;
}

/**
 * The image is built FROM gcr.io/distroless/static:debug, which carries busybox in /busybox
 * (grafana/loki cmd/loki/Dockerfile at v3.5.12: `SHELL [ "/busybox/sh", "-c" ]`), so it probes
 * itself by that path, whatever PATH the image sets.
 */
export const LOKI_WGET = "/busybox/wget";

/**
 * Loki, single binary, filesystem storage on a kept volume. The deploy waits until its /ready
 * answers (a health probe of its own, like the other observability containers).
 */
export class Loki extends UpstreamService {
    constructor(name: string, args: LokiArgs, opts?: pulumi.ComponentResourceOptions) {
        super(
            "minimarket:observability:Loki",
            name,
            {
                platform: args.platform,
                service: "loki",
                role: "observability",
                image: defaultImages.loki,
                memoryMb: 1024,
                command: [`-config.file=${LOKI_CONFIG_PATH}`],
                files: args.files,
                volumes: { [LOKI_DATA_DIR]: VOLUMES.loki },
                healthcheck: httpProbe(`http://127.0.0.1:${ENDPOINTS.loki.port}/ready`, LOKI_WGET),
            },
            opts,
        );
    }
}

export interface GrafanaArgs {
    platform: DockerPlatform;
    files: Record<string, string>;
    adminPassword: pulumi.Output<string>;
    secretKey: pulumi.Output<string>;
    /** The URL people open, for links and cookies. */
    rootUrl: string;
    /** The time zone Grafana shows by default (the stack's `timezone`). */
    timezone?: string;
    /** Host port for people; omit when only the proxy in front reaches it. */
    publish?: { port: number; ip: string };
    dependsOn?: pulumi.Input<pulumi.Resource>[];
}

/**
 * Grafana with provisioned datasources and dashboards. It reads its admin password only when its
 * database is first created, so a rotation is applied to the running Grafana by its own CLI.
 */
export class Grafana extends UpstreamService {
    readonly adminPasswordSet: command.local.Command;

    constructor(name: string, args: GrafanaArgs, opts?: pulumi.ComponentResourceOptions) {
        super(
            "minimarket:observability:Grafana",
            name,
            {
                platform: args.platform,
                service: "grafana",
                role: "observability",
                image: defaultImages.grafana,
                memoryMb: 512,
                env: grafanaEnv({ rootUrl: args.rootUrl, homeDashboardUid: "minimarket-system-overview", timezone: args.timezone }),
                secretEnv: pulumi
                    .all([args.adminPassword, args.secretKey])
                    .apply(([password, key]): Record<string, string> => ({ GF_SECURITY_ADMIN_PASSWORD: password, GF_SECURITY_SECRET_KEY: key })),
                files: args.files,
                volumes: { "/var/lib/grafana": VOLUMES.grafana },
                healthcheck: httpProbe("http://127.0.0.1:3000/api/health"),
                ports: args.publish ? [{ internal: 3000, external: args.publish.port, ip: args.publish.ip }] : [],
                dependsOn: args.dependsOn,
            },
            opts,
        );
        this.adminPasswordSet = new command.local.Command(
            `${name}-admin-password`,
            {
                create: this.container.name.apply((c) =>
                    shellCommand([
                        "docker",
                        "exec",
                        "-i",
                        c,
                        "grafana",
                        "cli",
                        "--homepath",
                        "/usr/share/grafana",
                        "admin",
                        "reset-admin-password",
                        "--password-from-stdin",
                    ]),
                ),
                // Nothing it prints reaches the console; state keeps it only as a secret.
                logging: "none",
                stdin: pulumi.secret(args.adminPassword),
                environment: args.platform.cliEnvironment(),
                // A new container may sit on an old volume holding an older password.
                triggers: [this.container.id],
            },
            { parent: this, dependsOn: [this.container], additionalSecretOutputs: ["stdin", "stdout", "stderr"] },
        );
    }
}

export interface AlloyArgs {
    platform: DockerPlatform;
    files: Record<string, string>;
    dependsOn?: pulumi.Input<pulumi.Resource>[];
}

/**
 * The Loki query that lists this stack's log streams: series with its `environment` label. The
 * gate below waits until it returns one, i.e. until Alloy's logs really arrive.
 */
export function lokiStreamsUrl(environment: string): string {
    return `${httpUrl(ENDPOINTS.loki)}/loki/api/v1/series?match[]=${encodeURIComponent(`{environment="${environment}"}`)}`;
}

/** Ships this stack's containers' logs to Loki, reading them through the Docker socket (read-only). */
export class Alloy extends UpstreamService {
    readonly ready: command.local.Command;
    /** Loki has at least one stream labelled with this stack's environment. */
    readonly shipping: command.local.Command;

    constructor(name: string, args: AlloyArgs, opts?: pulumi.ComponentResourceOptions) {
        super(
            "minimarket:observability:Alloy",
            name,
            {
                platform: args.platform,
                service: "alloy",
                role: "observability",
                image: defaultImages.alloy,
                memoryMb: 256,
                command: ["run", "--server.http.listen-addr=0.0.0.0:12345", "--storage.path=/var/lib/alloy/data", ALLOY_CONFIG_PATH],
                files: args.files,
                volumes: { "/var/lib/alloy/data": VOLUMES.alloy },
                mounts: [{ hostPath: "/var/run/docker.sock", containerPath: "/var/run/docker.sock", readOnly: true }],
                dependsOn: args.dependsOn,
            },
            opts,
        );
        this.ready = readinessGate(
            `${name}-ready`,
            { platform: args.platform, url: `${httpUrl(ENDPOINTS.alloy)}/-/ready`, probeImage: defaultImages.prometheus, container: this.container },
            this,
        );
        // Alloy can be ready while its Docker discovery fails (an API version the engine refuses):
        // the deploy is done only when Loki has streams of this stack.
        const environment = args.platform.environment;
        this.shipping = readinessGate(
            `${name}-shipping`,
            {
                platform: args.platform,
                url: lokiStreamsUrl(environment),
                bodyContains: `"environment":"${environment}"`,
                probeImage: defaultImages.prometheus,
                container: this.container,
            },
            this,
        );
    }
}
