import * as command from "@pulumi/command";
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { conventionalArgs, envList, healthGate, onNetwork, replaceInPlace } from "../docker/container";
import { PROBE_TIMING } from "../../renderers/rollout/health";
import { DockerPlatform } from "../docker/platform";
import { shellCommand } from "../../renderers/shell";
import { DATABASE, ENDPOINTS, LABELS, ROLES, VOLUMES, volumeName } from "../../facts/endpoints";
import { PostgresConnection } from "./connections";
import { POSTGRES_SHM_MB, postgresCommand, postgresEnv, postgresHealthcheck, rolesSql, ROLES_PSQL } from "../../renderers/data/postgresServer";

export interface PostgresContainerArgs {
    platform: DockerPlatform;
    image: string;
    memoryMb: number;
    appPassword: pulumi.Output<string>;
    adminPassword: pulumi.Output<string>;
    /** Read-only monitoring role for postgres-exporter (member of pg_monitor). */
    monitorPassword: pulumi.Output<string>;
    /** Read-only role of the backup container (member of pg_read_all_data). */
    backupPassword: pulumi.Output<string>;
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
    /** The application role: the apps and their migrations. */
    readonly app: PostgresConnection;
    /** The monitoring role: postgres-exporter. */
    readonly monitor: PostgresConnection;

    constructor(name: string, args: PostgresContainerArgs, opts?: pulumi.ComponentResourceOptions) {
        super("minimarket:data:PostgresContainer", name, {}, opts);
        const { platform } = args;
        const env = platform.environment;

        this.volume = new docker.Volume(
            `${name}-data`,
            { name: volumeName(env, VOLUMES.postgres), labels: [{ label: LABELS.environment, value: env }] },
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
                command: postgresCommand(),
                // Only read when the volume is initialised; rolesReady keeps the password current.
                envs: pulumi.secret(args.adminPassword.apply((adminPassword) => envList(postgresEnv(adminPassword)))),
                volumes: [{ volumeName: this.volume.name, containerPath: "/var/lib/postgresql/data" }],
                // terraform-provider-docker v4.5.0 `shm_size` (MB; resource_docker_container.go:863).
                shmSize: POSTGRES_SHM_MB,
                networksAdvanced: [onNetwork(platform.dataNetwork, ENDPOINTS.postgres.host)],
                ...healthGate(postgresHealthcheck(), PROBE_TIMING.postgres),
            },
            platform.childOpts(this, { ...replaceInPlace, dependsOn: [this.volume] }),
        );

        // Local socket connections inside the container are trusted (initdb --auth-local=trust),
        // so the superuser needs no password here and the SQL arrives on stdin, never as an argument.
        const sql = pulumi
            .all([args.appPassword, args.adminPassword, args.monitorPassword, args.backupPassword])
            .apply(([app, admin, monitor, backup]) => rolesSql({ app, admin, monitor, backup }));
        this.rolesReady = new command.local.Command(
            `${name}-roles`,
            {
                create: this.container.name.apply((c) => shellCommand(["docker", "exec", "-i", c, ...ROLES_PSQL])),
                // Nothing it prints reaches the console; state keeps it only as a secret.
                logging: "none",
                stdin: pulumi.secret(sql),
                environment: platform.cliEnvironment(),
                // Re-run when the container is replaced too: a new container may sit on an old volume.
                triggers: [this.container.id],
            },
            { parent: this, dependsOn: [this.container], additionalSecretOutputs: ["stdin", "stdout", "stderr"] },
        );

        const at = { ...ENDPOINTS.postgres, database: DATABASE, params: {}, ready: [this.rolesReady] };
        this.app = { ...at, user: ROLES.app, password: args.appPassword };
        this.monitor = { ...at, user: ROLES.monitor, password: args.monitorPassword };
        this.registerOutputs({ container: this.container.name, volume: this.volume.name });
    }
}
