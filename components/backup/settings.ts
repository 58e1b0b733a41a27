// The `minimarket:backup` config object: schedule, retention and destination of the staging
// backups and drills, and the prod data-disk snapshot schedule. Read, validated and defaulted
// here; problems go to the stack config's Reader, so an operator sees every key to fix at once.
import { Reader } from "../../stacks/config";

export type OffsiteKind = "gcs" | "s3";

export interface OffsiteSettings {
    kind: OffsiteKind;
    bucket: string;
    /** Object-name prefix inside the bucket, without leading or trailing slash ("" = bucket root). */
    prefix: string;
    /** S3-compatible endpoint URL (s3:// only; default AWS). */
    endpoint?: string;
    /** S3 region (s3:// only). */
    region?: string;
}

export interface BackupSettings {
    /** The backup container (Docker platform with the PostgreSQL container). */
    enabled: boolean;
    /** Hours between backups; divides 24, so every day has the same slots. */
    intervalHours: number;
    /** First slot of the day, HH:MM UTC. */
    startTime: string;
    keepDaily: number;
    keepWeekly: number;
    drillIntervalHours: number;
    drillStartTime: string;
    /** A backup without alembic_version fails the drill; false for stacks whose apps are stand-ins. */
    requireMigrationVersion: boolean;
    /** Copy of every backup to a bucket (optional). Credentials: secret `backupOffsiteCredentials`. */
    offsite?: OffsiteSettings;
    memoryMb: number;
    /** Prod: snapshots of the Docker host's data disk. */
    diskSnapshots: { enabled: boolean; retentionDays: number; startTime: string };
    /** Prod: days Cloud SQL keeps the final backup it takes when the instance is deleted. */
    cloudSqlFinalBackupRetentionDays: number;
}

export const backupDefaults = {
    enabled: true,
    intervalHours: 24,
    // 03:00 UTC = 00:00 in Buenos Aires, after the shops close.
    startTime: "03:00",
    keepDaily: 7,
    keepWeekly: 4,
    drillIntervalHours: 24,
    drillStartTime: "04:30",
    requireMigrationVersion: true,
    memoryMb: 512,
    // Compute Engine daily snapshot schedules start on a 4-hour boundary: 08:00 UTC = 05:00 ART.
    diskSnapshots: { enabled: true, retentionDays: 14, startTime: "08:00" },
    cloudSqlFinalBackupRetentionDays: 30,
} as const;

const KEY = "backup";
const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;
const DIVISORS_OF_DAY = [1, 2, 3, 4, 6, 8, 12, 24];
const SNAPSHOT_STARTS = ["00:00", "04:00", "08:00", "12:00", "16:00", "20:00"];
/** gs://bucket[/prefix] or s3://bucket[/prefix]; bucket names per GCS / S3 naming rules. */
const BUCKET_URL = /^(gs|s3):\/\/([a-z0-9][a-z0-9._-]{1,61}[a-z0-9])(\/[A-Za-z0-9._\-/]*)?$/;

/** Reads `minimarket:backup`; always returns settings (defaults where absent or invalid). */
export function readBackupSettings(r: Reader): BackupSettings {
    const raw = r.object(KEY);
    const f = new Fields(r, KEY, raw);
    f.known(["enabled", "intervalHours", "startTime", "keepDaily", "keepWeekly", "drillIntervalHours", "drillStartTime",
        "requireMigrationVersion", "offsite", "memoryMb", "diskSnapshots", "cloudSqlFinalBackupRetentionDays"]);
    const d = backupDefaults;
    const intervalHours = f.oneOfNumbers("intervalHours", d.intervalHours, DIVISORS_OF_DAY, "hours between backups; it must divide 24");
    const drillIntervalHours = f.oneOfNumbers("drillIntervalHours", d.drillIntervalHours, [...DIVISORS_OF_DAY, 48, 72, 168], "hours between restore drills");
    const snapshots = f.child("diskSnapshots");
    snapshots.known(["enabled", "retentionDays", "startTime"]);
    const settings: BackupSettings = {
        enabled: f.boolean("enabled", d.enabled),
        intervalHours,
        startTime: f.matching("startTime", d.startTime, HHMM, "a UTC time as HH:MM, e.g. 03:00"),
        keepDaily: f.integer("keepDaily", d.keepDaily, 1, 90),
        keepWeekly: f.integer("keepWeekly", d.keepWeekly, 0, 104),
        drillIntervalHours,
        drillStartTime: f.matching("drillStartTime", d.drillStartTime, HHMM, "a UTC time as HH:MM, e.g. 04:30"),
        requireMigrationVersion: f.boolean("requireMigrationVersion", d.requireMigrationVersion),
        offsite: readOffsite(f),
        memoryMb: f.integer("memoryMb", d.memoryMb, 256, 65536),
        diskSnapshots: {
            enabled: snapshots.boolean("enabled", d.diskSnapshots.enabled),
            retentionDays: snapshots.integer("retentionDays", d.diskSnapshots.retentionDays, 1, 3650),
            startTime: snapshots.oneOfStrings("startTime", d.diskSnapshots.startTime, SNAPSHOT_STARTS, "a UTC start time on a 4-hour boundary (Compute Engine daily schedules)"),
        },
        cloudSqlFinalBackupRetentionDays: f.integer("cloudSqlFinalBackupRetentionDays", d.cloudSqlFinalBackupRetentionDays, 1, 365),
    };
    if (settings.offsite && !r.has("backupOffsiteCredentials") && settings.offsite.kind === "s3") {
        r.problem("backupOffsiteCredentials", "backup.offsite is an s3:// bucket but no credentials are set; run `pulumi config set --secret backupOffsiteCredentials '<access key id>:<secret access key>'`");
    }
    if (r.has("backupOffsiteCredentials") && !r.isSecret("backupOffsiteCredentials")) {
        r.problem("backupOffsiteCredentials", "is stored in plain text; run `pulumi config set --secret backupOffsiteCredentials <value>`");
    }
    return settings;
}

function readOffsite(f: Fields): OffsiteSettings | undefined {
    if (!f.has("offsite")) return undefined;
    const o = f.child("offsite");
    o.known(["url", "endpoint", "region"]);
    const url = o.matching("url", "", BUCKET_URL, "a bucket URL such as gs://minimarket-backups/staging or s3://minimarket-backups/staging");
    const m = BUCKET_URL.exec(url);
    if (!m) return undefined;
    const kind: OffsiteKind = m[1] === "gs" ? "gcs" : "s3";
    const endpoint = o.optional("endpoint", /^https:\/\/[^\s/]+\/?$/, "an https:// endpoint of an S3-compatible store");
    const region = o.optional("region", /^[a-z0-9-]{2,32}$/, "a region such as us-east-1");
    if (kind === "gcs" && (endpoint || region)) o.problem("endpoint", "endpoint and region apply to s3:// buckets only");
    return { kind, bucket: m[2], prefix: (m[3] ?? "").replace(/^\/+|\/+$/g, ""), endpoint, region };
}

/** Typed fields of one config object, problems reported under `<path>.<field>`. */
class Fields {
    constructor(
        private readonly r: Reader,
        private readonly path: string,
        private readonly obj: Record<string, unknown>,
    ) {}

    problem(field: string, message: string): void {
        this.r.problem(`${this.path}.${field}`, message);
    }

    has(field: string): boolean {
        return this.obj[field] !== undefined;
    }

    known(fields: string[]): void {
        for (const field of Object.keys(this.obj)) {
            if (!fields.includes(field)) this.problem(field, `unknown field; the fields of ${this.path} are ${fields.join(", ")}`);
        }
    }

    child(field: string): Fields {
        const v = this.obj[field];
        if (v !== undefined && (typeof v !== "object" || v === null || Array.isArray(v))) {
            this.problem(field, `expected an object; set its fields with \`pulumi config set --path '${this.path}.${field}.<field>' <value>\``);
            return new Fields(this.r, `${this.path}.${field}`, {});
        }
        return new Fields(this.r, `${this.path}.${field}`, (v ?? {}) as Record<string, unknown>);
    }

    boolean(field: string, fallback: boolean): boolean {
        const v = this.obj[field];
        if (v === undefined) return fallback;
        if (v === true || v === "true") return true;
        if (v === false || v === "false") return false;
        this.problem(field, `expected true or false, got ${JSON.stringify(v)}`);
        return fallback;
    }

    integer(field: string, fallback: number, min: number, max: number): number {
        const v = this.obj[field];
        return v === undefined ? fallback : (this.r.checkInteger(`${this.path}.${field}`, v, min, max) ?? fallback);
    }

    oneOfNumbers(field: string, fallback: number, allowed: number[], what: string): number {
        const v = this.obj[field];
        if (v === undefined) return fallback;
        const n = typeof v === "number" ? v : typeof v === "string" && /^\d+$/.test(v) ? Number(v) : NaN;
        if (allowed.includes(n)) return n;
        this.problem(field, `${JSON.stringify(v)} is not valid: ${what}; one of ${allowed.join(", ")}`);
        return fallback;
    }

    matching(field: string, fallback: string, pattern: RegExp, what: string): string {
        const v = this.obj[field] ?? fallback;
        if (typeof v === "string" && pattern.test(v)) return v;
        this.problem(field, `${JSON.stringify(v)} is not ${what}`);
        return fallback;
    }

    optional(field: string, pattern: RegExp, what: string): string | undefined {
        return this.has(field) ? this.matching(field, "", pattern, what) || undefined : undefined;
    }

    oneOfStrings(field: string, fallback: string, allowed: string[], what: string): string {
        const v = this.obj[field] ?? fallback;
        if (typeof v === "string" && allowed.includes(v)) return v;
        this.problem(field, `${JSON.stringify(v)} is not ${what}: one of ${allowed.join(", ")}`);
        return fallback;
    }
}
