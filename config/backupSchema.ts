// The `minimarket:backup` settings: schedule, retention and destination of the staging backups and
// restore drills, and the prod data-disk snapshot schedule. Validated like every other key: every
// problem at once, under its full key.

import { z } from "zod";
import { always, boolean, HHMM, integer, problem, record, show } from "./fields";

export const backupDefaults = {
    enabled: true,
    intervalHours: 24,
    // 03:00 UTC = 00:00 in Buenos Aires, after the shops close.
    startTime: "03:00",
    keepDaily: 7,
    keepWeekly: 4,
    drillIntervalHours: 24,
    drillStartTime: "04:30",
    memoryMb: 512,
    // Compute Engine daily snapshot schedules start on a 4-hour boundary: 08:00 UTC = 05:00 ART.
    diskSnapshots: { enabled: true, retentionDays: 14, startTime: "08:00" },
    cloudSqlFinalBackupRetentionDays: 30,
} as const;

const DIVISORS_OF_DAY = [1, 2, 3, 4, 6, 8, 12, 24];
const DRILL_INTERVALS = [...DIVISORS_OF_DAY, 48, 72, 168];
const SNAPSHOT_STARTS = ["00:00", "04:00", "08:00", "12:00", "16:00", "20:00"];
/** gs://bucket[/prefix] or s3://bucket[/prefix]; bucket names per GCS / S3 naming rules. */
const BUCKET_URL = /^(gs|s3):\/\/([a-z0-9][a-z0-9._-]{1,61}[a-z0-9])(\/[A-Za-z0-9._\-/]*)?$/;

const unknownField = (_: string, known: string[]) => `unknown field; the fields are ${known.join(", ")}`;
const time = (example: string) =>
    z.string({ error: (iss) => `expected a string, got ${show(iss.input)}` }).refine((v) => HHMM.test(v), {
        error: (iss) => `${show(iss.input)} is not a UTC time as HH:MM, e.g. ${example}`,
    });
const hours = (allowed: number[], what: string) =>
    z.preprocess(
        (v) => (typeof v === "string" && /^\d+$/.test(v) ? Number(v) : v),
        // The schema's error also words the refinement's issue (a number not in the list).
        z.number({ error: (iss) => `${show(iss.input)} is not valid: ${what}; one of ${allowed.join(", ")}` }).refine((n) => allowed.includes(n)),
    );

const offsiteSchema = record(
    {
        url: z
            .string({ error: "is required: a bucket URL such as gs://minimarket-backups/staging or s3://minimarket-backups/staging" })
            .refine((v) => BUCKET_URL.test(v), {
                error: (iss) => `${show(iss.input)} is not a bucket URL such as gs://minimarket-backups/staging or s3://minimarket-backups/staging`,
            }),
        endpoint: z
            .string()
            .regex(/^https:\/\/[^\s/]+\/?$/, { error: "is not an https:// endpoint of an S3-compatible store" })
            .optional(),
        region: z
            .string()
            .regex(/^[a-z0-9-]{2,32}$/, { error: "is not a region such as us-east-1" })
            .optional(),
    },
    unknownField,
).superRefine((o, ctx) => {
    if (typeof o.url === "string" && o.url.startsWith("gs://") && (o.endpoint !== undefined || o.region !== undefined)) {
        problem(ctx, ["endpoint"], "endpoint and region apply to s3:// buckets only");
    }
}, always);

export const backupSchema = record(
    {
        enabled: boolean().optional(),
        intervalHours: hours(DIVISORS_OF_DAY, "hours between backups; it must divide 24").optional(),
        startTime: time("03:00").optional(),
        keepDaily: integer(1, 90).optional(),
        keepWeekly: integer(0, 104).optional(),
        drillIntervalHours: hours(DRILL_INTERVALS, "hours between restore drills").optional(),
        drillStartTime: time("04:30").optional(),
        requireMigrationVersion: boolean().optional(),
        offsite: offsiteSchema.optional(),
        memoryMb: integer(256, 65536).optional(),
        diskSnapshots: record(
            {
                enabled: boolean().optional(),
                retentionDays: integer(1, 3650).optional(),
                startTime: z
                    .string()
                    .refine((v) => SNAPSHOT_STARTS.includes(v), {
                        error: (iss) =>
                            `${show(iss.input)} is not a UTC start time on a 4-hour boundary (Compute Engine daily schedules): one of ${SNAPSHOT_STARTS.join(", ")}`,
                    })
                    .optional(),
            },
            unknownField,
        ).optional(),
        cloudSqlFinalBackupRetentionDays: integer(1, 365).optional(),
    },
    unknownField,
).transform((b) => {
    const d = backupDefaults;
    return {
        /** The backup container (Docker platform with the PostgreSQL container). */
        enabled: b.enabled ?? d.enabled,
        /** Hours between backups; divides 24, so every day has the same slots. */
        intervalHours: (b.intervalHours as number | undefined) ?? d.intervalHours,
        /** First slot of the day, HH:MM UTC. */
        startTime: b.startTime ?? d.startTime,
        keepDaily: b.keepDaily ?? d.keepDaily,
        keepWeekly: b.keepWeekly ?? d.keepWeekly,
        drillIntervalHours: (b.drillIntervalHours as number | undefined) ?? d.drillIntervalHours,
        drillStartTime: b.drillStartTime ?? d.drillStartTime,
        /**
         * A backup without alembic_version fails the drill. Unset: required when an app runs a
         * release step (config/stackConfig.ts decides), so a stack of stand-ins, which has no
         * migrations, does not fail its first drill.
         */
        requireMigrationVersion: b.requireMigrationVersion,
        /** Copy of every backup to a bucket (optional). Credentials: secret `backupOffsiteCredentials`. */
        offsite: b.offsite ? offsiteOf(b.offsite) : undefined,
        memoryMb: b.memoryMb ?? d.memoryMb,
        /** Prod: snapshots of the Docker host's data disk. */
        diskSnapshots: {
            enabled: b.diskSnapshots?.enabled ?? d.diskSnapshots.enabled,
            retentionDays: b.diskSnapshots?.retentionDays ?? d.diskSnapshots.retentionDays,
            startTime: b.diskSnapshots?.startTime ?? d.diskSnapshots.startTime,
        },
        /** Prod: days Cloud SQL keeps the final backup it takes when the instance is deleted. */
        cloudSqlFinalBackupRetentionDays: b.cloudSqlFinalBackupRetentionDays ?? d.cloudSqlFinalBackupRetentionDays,
    };
});

/** The bucket of a url that matched BUCKET_URL, its kind and its prefix without outer slashes. */
function offsiteOf(o: { url: string; endpoint?: string; region?: string }) {
    const [, scheme, bucket, prefix] = BUCKET_URL.exec(o.url)!;
    return {
        kind: (scheme === "gs" ? "gcs" : "s3") as "gcs" | "s3",
        bucket,
        prefix: (prefix ?? "").replace(/^\/+|\/+$/g, ""),
        endpoint: o.endpoint,
        region: o.region,
    };
}

export type BackupConfig = z.output<typeof backupSchema>;

/** The settings when `minimarket:backup` is absent. */
export function defaultBackupConfig(): BackupConfig {
    return backupSchema.parse({});
}
