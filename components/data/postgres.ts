import * as command from "@pulumi/command";
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { conventionalArgs, envList, onNetwork, replaceInPlace } from "../docker/container";
import { DockerPlatform } from "../docker/platform";
import { dockerCliEnvironment, shellCommand } from "../docker/release";
import { PostgresEndpoint } from "../apps/urls";
import { roleSyncSql } from "./roleSql";

export const DATABASE = "inventario_retail";
export const APP_ROLE = "minimarket_app";
export const MONITOR_ROLE = "minimarket_monitor";
const SUPERUSER = "postgres";

export interface PostgresContainerArgs {
    platform: DockerPlatform;
    image: string;
    memoryMb: number;
    appPassword: pulumi.Output<string>;
    adminPassword: pulumi.Output<string>;
    /** Read-only monitoring role for postgres-exporter (member of pg_monitor). */
    monitorPassword: pulumi.Output<string>;
}

/**
 * PostgreSQL as a container, for stacks without Cloud SQL. Its data lives on a named volume that
 * outlives the container; it is never published on a host port.
 */
export class PostgresContainer extends pulumi.ComponentResource {
    readonly container: docker.Container;
    readonly volume: docker.Volume;
    /** Runs after the container is healthy, and again whenever a password or the container changes. */
    readonly rolesReady: command.local.Command;
    readonly endpoint: PostgresEndpoint;
    readonly monitorEndpoint: PostgresEndpoint;

    constructor(name: string, args: PostgresContainerArgs, opts?: pulumi.ComponentResourceOptions) {
        super("minimarket:data:PostgresContainer", name, {}, opts);
        const { platform } = args;
        const env = platform.environment;

        this.volume = new docker.Volume(
            `${name}-data`,
            { name: `minimarket-${env}-pgdata`, labels: [{ label: "com.minimarket.environment", value: env }] },
            // The data must survive a `pulumi destroy` or a mistaken refactor; re-adopting an
            // existing volume of the same name is how docker behaves.
            platform.childOpts(this, { retainOnDelete: true }),
        );

        const image = platform.image(args.image);
        this.container = new docker.Container(
            name,
            {
                ...conventionalArgs({ environment: env, service: "postgres", role: "data", memoryMb: args.memoryMb }),
                image: image.imageId,
                envs: pulumi.secret(
                    args.adminPassword.apply((adminPassword) =>
                        envList({
                            POSTGRES_USER: SUPERUSER,
                            // Only read when the volume is initialised; rolesReady keeps it current.
                            POSTGRES_PASSWORD: adminPassword,
                            POSTGRES_DB: DATABASE,
                            POSTGRES_INITDB_ARGS: "--auth-host=scram-sha-256 --auth-local=trust",
                            POSTGRES_HOST_AUTH_METHOD: "scram-sha-256",
                        }),
                    ),
                ),
                volumes: [{ volumeName: this.volume.name, containerPath: "/var/lib/postgresql/data" }],
                networksAdvanced: [onNetwork(platform.dataNetwork, "postgres")],
                healthcheck: {
                    tests: ["CMD", "pg_isready", "-U", SUPERUSER, "-d", DATABASE, "-h", "127.0.0.1"],
                    interval: "10s",
                    timeout: "5s",
                    retries: 5,
                    startPeriod: "30s",
                },
                wait: true,
                waitTimeout: 180,
            },
            platform.childOpts(this, { ...replaceInPlace, dependsOn: [this.volume] }),
        );

        // Local socket connections inside the container are trusted (initdb --auth-local=trust),
        // so the superuser needs no password here and the SQL arrives on stdin, never as an argument.
        const sql = pulumi
            .all([args.appPassword, args.adminPassword, args.monitorPassword])
            .apply(([app, admin, monitor]) =>
                roleSyncSql(DATABASE, [
                    { name: SUPERUSER, password: admin },
                    { name: APP_ROLE, password: app, ownsDatabase: true },
                    { name: MONITOR_ROLE, password: monitor, memberOf: ["pg_monitor"] },
                ]),
            );
        this.rolesReady = new command.local.Command(
            `${name}-roles`,
            {
                create: this.container.name.apply((c) =>
                    shellCommand(["docker", "exec", "-i", c, "psql", "-q", "-U", SUPERUSER, "-d", DATABASE]),
                ),
                stdin: pulumi.secret(sql),
                environment: dockerCliEnvironment(platform.host),
                // Re-run when the container is replaced too: a new container may sit on an old volume.
                triggers: [this.container.id],
            },
            { parent: this, dependsOn: [this.container], additionalSecretOutputs: ["stdin", "stdout", "stderr"] },
        );

        const host = "postgres";
        this.endpoint = { host, port: 5432, database: DATABASE, user: APP_ROLE };
        this.monitorEndpoint = { host, port: 5432, database: DATABASE, user: MONITOR_ROLE };
        this.registerOutputs({ container: this.container.name, volume: this.volume.name });
    }
}

