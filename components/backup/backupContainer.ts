import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import * as fs from "fs";
import * as path from "path";
import { PostgresEndpoint } from "../data/connections";
import { BACKUP_ROLE } from "../../renderers/data/backupRoleSql";
import { POSTGRES_SHM_MB } from "../../renderers/data/postgresServer";
import { conventionalArgs, envList, onNetwork, replaceInPlace } from "../docker/container";
import { DockerPlatform } from "../docker/platform";
import { UpstreamService } from "../docker/upstreamService";
import { defaultImages } from "../../facts/images";

/** A bucket that receives a copy of every backup. */
export interface OffsiteSettings {
    kind: "gcs" | "s3";
    bucket: string;
    /** Object-name prefix inside the bucket, without leading or trailing slash ("" = bucket root). */
    prefix: string;
    /** S3-compatible endpoint URL (s3:// only; default AWS). */
    endpoint?: string;
    /** S3 region (s3:// only). */
    region?: string;
}

/** Schedule and retention of the backups and drills (the `backup` settings). */
export interface BackupSettings {
    /** Hours between backups; divides 24. */
    intervalHours: number;
    /** First slot of the day, HH:MM UTC. */
    startTime: string;
    keepDaily: number;
    keepWeekly: number;
    drillIntervalHours: number;
    drillStartTime: string;
    requireMigrationVersion: boolean;
    offsite?: OffsiteSettings;
    memoryMb: number;
}

/** Where the scripts land in the containers (scripts/restore-staging.sh and backup-staging.sh use it). */
export const SCRIPT_DIR = "/opt/minimarket-backup";
export const BACKUP_MOUNT = "/backups";
const METRICS_MOUNT = "/metrics";
/**
 * Host directory of the textfile-collector files. node-exporter sees the host's / at /host, so
 * it reads them with `--collector.textfile.directory=/host/var/lib/minimarket/textfile`.
 */
export const TEXTFILE_HOST_DIR = "/var/lib/minimarket/textfile";
export const NODE_EXPORTER_TEXTFILE_FLAG = `--collector.textfile.directory=/host${TEXTFILE_HOST_DIR}`;

const SCRIPT_FILES = ["minimarket-backup.sh", "lib-sql.sh", "metrics.sh", "restore-drill.sh", "schedule.sh", "offsite-sync.sh"];

/** The scripts as delivered into the container: absolute path → content. */
export function backupScriptFiles(): Record<string, string> {
    const dir = path.join(__dirname, "scripts");
    return Object.fromEntries(SCRIPT_FILES.map((f) => [`${SCRIPT_DIR}/${f}`, fs.readFileSync(path.join(dir, f), "utf8")]));
}

/** The loop's environment: schedule, retention and paths (no credentials). */
export function backupEnv(s: BackupSettings, endpoint: PostgresEndpoint): Record<string, string> {
    return {
        PGHOST: endpoint.host,
        PGPORT: String(endpoint.port),
        PGDATABASE: endpoint.database,
        PGUSER: BACKUP_ROLE,
        PGAPPNAME: "minimarket-backup",
        PGCONNECT_TIMEOUT: "10",
        BACKUP_DIR: BACKUP_MOUNT,
        METRICS_DIR: METRICS_MOUNT,
        BACKUP_START_TIME: s.startTime,
        BACKUP_INTERVAL_SECONDS: String(s.intervalHours * 3600),
        BACKUP_KEEP_DAILY: String(s.keepDaily),
        BACKUP_KEEP_WEEKLY: String(s.keepWeekly),
        DRILL_START_TIME: s.drillStartTime,
        DRILL_INTERVAL_SECONDS: String(s.drillIntervalHours * 3600),
        DRILL_REQUIRE_MIGRATION_VERSION: s.requireMigrationVersion ? "1" : "0",
        // On the backup volume, not the container layer: a drill needs the database's size in space.
        DRILL_TMPDIR: `${BACKUP_MOUNT}/.drill`,
    };
}

/**
 * rclone's remote `offsite`, configured through RCLONE_CONFIG_OFFSITE_* variables. Credentials:
 * a service-account key (JSON) for gs://, `<access key id>:<secret>` for s3://. Without a key,
 * gs:// uses the host's own identity (a Compute Engine VM's service account).
 */
export function offsiteEnv(o: OffsiteSettings, credentials?: string): { plain: Record<string, string>; secret: Record<string, string> } {
    const remote = `offsite:${o.bucket}${o.prefix ? `/${o.prefix}` : ""}`;
    if (o.kind === "gcs") {
        return {
            plain: {
                OFFSITE_REMOTE: remote,
                RCLONE_CONFIG_OFFSITE_TYPE: "google cloud storage",
                RCLONE_CONFIG_OFFSITE_BUCKET_POLICY_ONLY: "true",
                ...(credentials ? {} : { RCLONE_CONFIG_OFFSITE_ENV_AUTH: "true" }),
            },
            secret: credentials ? { RCLONE_CONFIG_OFFSITE_SERVICE_ACCOUNT_CREDENTIALS: credentials } : {},
        };
    }
    const sep = (credentials ?? "").indexOf(":");
    return {
        plain: {
            OFFSITE_REMOTE: remote,
            RCLONE_CONFIG_OFFSITE_TYPE: "s3",
            RCLONE_CONFIG_OFFSITE_PROVIDER: o.endpoint ? "Other" : "AWS",
            ...(o.endpoint ? { RCLONE_CONFIG_OFFSITE_ENDPOINT: o.endpoint } : {}),
            ...(o.region ? { RCLONE_CONFIG_OFFSITE_REGION: o.region } : {}),
        },
        secret: {
            RCLONE_CONFIG_OFFSITE_ACCESS_KEY_ID: sep > 0 ? credentials!.slice(0, sep) : "",
            RCLONE_CONFIG_OFFSITE_SECRET_ACCESS_KEY: sep > 0 ? credentials!.slice(sep + 1) : "",
        },
    };
}

export interface PostgresBackupArgs {
    platform: DockerPlatform;
    /** The same pinned postgres image as the database: pg_dump, pg_restore, initdb of the same major. */
    image: string;
    settings: BackupSettings;
    /** PostgreSQL as the apps reach it; the container connects as the backup role. */
    endpoint: PostgresEndpoint;
    /** Password of the backup role (generated secret). */
    password: pulumi.Output<string>;
    /** Secret `backupOffsiteCredentials`, when set. */
    offsiteCredentials?: pulumi.Output<string>;
    /** The backup role must exist first (the postgres container's role step). */
    dependsOn?: pulumi.Input<pulumi.Resource>[];
}

/**
 * Scheduled pg_dump backups of the PostgreSQL container, with retention, a daily restore drill
 * and metrics for node-exporter's textfile collector; optionally a copy to a bucket. The backups
 * live on their own named volume, kept across replacement and `pulumi destroy`.
 */
export class PostgresBackup extends pulumi.ComponentResource {
    readonly service: UpstreamService;
    readonly offsite?: docker.Container;

    constructor(name: string, args: PostgresBackupArgs, opts?: pulumi.ComponentResourceOptions) {
        super("minimarket:backup:PostgresBackup", name, {}, opts);
        const { platform, settings } = args;
        const files = backupScriptFiles();
        const metricsMount = { hostPath: TEXTFILE_HOST_DIR, containerPath: METRICS_MOUNT, readOnly: false };

        this.service = new UpstreamService(
            "minimarket:backup:BackupService",
            "backup",
            {
                platform,
                service: "backup",
                role: "data",
                image: args.image,
                memoryMb: settings.memoryMb,
                // The image's entrypoint passes any command other than `postgres` through unchanged.
                command: ["sh", `${SCRIPT_DIR}/minimarket-backup.sh`, "loop"],
                env: backupEnv(settings, args.endpoint),
                secretEnv: args.password.apply((p): Record<string, string> => ({ PGPASSWORD: p })),
                files,
                volumes: { [BACKUP_MOUNT]: "pg-backups" },
                mounts: [metricsMount],
                onDataNetwork: true,
                // The restore drill runs a PostgreSQL server in this container.
                shmSizeMb: POSTGRES_SHM_MB,
                // Deploys fail if the container cannot reach PostgreSQL or write its metrics.
                healthcheck: ["CMD-SHELL", `test -f ${METRICS_MOUNT}/minimarket_backup.prom && pg_isready -q -h "$PGHOST" -p "$PGPORT" -d "$PGDATABASE"`],
                dependsOn: args.dependsOn,
            },
            { parent: this },
        );

        if (settings.offsite) {
            const env = args.offsiteCredentials
                ? args.offsiteCredentials.apply((c) => offsiteEnv(settings.offsite!, c))
                : pulumi.output(offsiteEnv(settings.offsite));
            const common = {
                BACKUP_DIR: BACKUP_MOUNT,
                METRICS_DIR: METRICS_MOUNT,
                OFFSITE_INTERVAL_SECONDS: String(Math.min(settings.intervalHours * 3600, 6 * 3600)),
            };
            const backupVolume = this.service.volumes[0];
            this.offsite = new docker.Container(
                `${name}-offsite`,
                {
                    ...conventionalArgs({ environment: platform.environment, service: "backup-offsite", role: "data", memoryMb: 256 }),
                    image: platform.image(defaultImages.offsiteSync).imageId,
                    entrypoints: ["sh", `${SCRIPT_DIR}/offsite-sync.sh`],
                    envs: pulumi.secret(env.apply((e) => envList({ ...common, ...e.plain, ...e.secret }))),
                    uploads: [{ file: `${SCRIPT_DIR}/offsite-sync.sh`, content: files[`${SCRIPT_DIR}/offsite-sync.sh`], permissions: "0644" }],
                    volumes: [
                        // Read-only: the copy can never change or delete a local backup.
                        { volumeName: backupVolume.name, containerPath: BACKUP_MOUNT, readOnly: true },
                        { hostPath: TEXTFILE_HOST_DIR, containerPath: METRICS_MOUNT, readOnly: false },
                    ],
                    networksAdvanced: [onNetwork(platform.serviceNetwork, "backup-offsite")],
                },
                platform.childOpts(this, { ...replaceInPlace, dependsOn: [backupVolume], additionalSecretOutputs: ["envs"] }),
            );
        }
        this.registerOutputs({ container: this.service.container.name, offsite: this.offsite?.name });
    }
}
