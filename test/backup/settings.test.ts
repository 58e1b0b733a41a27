import { expect } from "chai";
import { backupDefaults, ConfigError, defaultBackupConfig, parseConfig, StackConfig } from "../../config";

/** The `backup` settings as the stack config reads them, with every problem it reports. */
function read(backup?: unknown, extra: Record<string, string> = {}, secret: string[] = []) {
    const values: Record<string, string> = { ...extra };
    if (backup !== undefined) values.backup = typeof backup === "string" ? backup : JSON.stringify(backup);
    try {
        const config: StackConfig = parseConfig({ values, secretKeys: new Set(secret) }, "staging");
        return { settings: config.backup, problems: [] as string[] };
    } catch (e) {
        if (!(e instanceof ConfigError)) throw e;
        return { settings: defaultBackupConfig(), problems: e.problems };
    }
}

describe("backup settings", () => {
    it("defaults: daily at 03:00 UTC, 7 daily + 4 weekly, daily drill, 14 days of disk snapshots", () => {
        const { settings, problems } = read();
        expect(problems).to.deep.equal([]);
        expect(settings).to.deep.equal({
            ...backupDefaults,
            // No app runs a release step here (stand-ins): nothing to require.
            requireMigrationVersion: false,
            offsite: undefined,
            diskSnapshots: { ...backupDefaults.diskSnapshots },
        });
    });

    // The engine tests' quiet window found it: the committed staging (stand-ins, no release step)
    // failed its first restore drill a minute after `up`, and RestoreDrillFailed fired.
    it("requires a migration version in the drill only when some app runs a release step, unless set", () => {
        const stack = (config: Record<string, unknown>) => {
            const values = Object.fromEntries(Object.entries(config).map(([k, v]) => [k, JSON.stringify(v)]));
            return parseConfig({ values, secretKeys: new Set() }, "staging").backup.requireMigrationVersion;
        };
        expect(stack({})).to.equal(false);
        expect(stack({ services: { dashboard: { image: "r.example/dashboard:1.0.0" } } })).to.equal(true);
        expect(stack({ services: { dashboard: { image: "r.example/dashboard:1.0.0", migrationCommand: false } } })).to.equal(false);
        expect(stack({ backup: { requireMigrationVersion: true } })).to.equal(true);
        expect(stack({ services: { dashboard: { image: "r.example/dashboard:1.0.0" } }, backup: { requireMigrationVersion: false } })).to.equal(false);
    });

    it("accepts a full valid object, with strings as `scripts/stack.sh --stack staging config set --path` stores them", () => {
        const { settings, problems } = read({
            intervalHours: "6",
            startTime: "01:30",
            keepDaily: "14",
            keepWeekly: 8,
            drillIntervalHours: 48,
            drillStartTime: "05:00",
            requireMigrationVersion: "false",
            memoryMb: 1024,
            offsite: { url: "gs://minimarket-backups/staging/pg/" },
            diskSnapshots: { retentionDays: "30", startTime: "04:00", enabled: true },
        });
        expect(problems).to.deep.equal([]);
        expect(settings.intervalHours).to.equal(6);
        expect(settings.keepDaily).to.equal(14);
        expect(settings.requireMigrationVersion).to.equal(false);
        expect(settings.offsite).to.deep.equal({ kind: "gcs", bucket: "minimarket-backups", prefix: "staging/pg", endpoint: undefined, region: undefined });
        expect(settings.diskSnapshots).to.deep.equal({ enabled: true, retentionDays: 30, startTime: "04:00" });
    });

    it("reports every invalid field at once, by its path", () => {
        const { problems } = read({
            intervalHours: 5,
            startTime: "3:00",
            keepDaily: 0,
            keepWeekly: -1,
            drillStartTime: "25:00",
            colour: "blue",
            offsite: { url: "ftp://x" },
            diskSnapshots: { startTime: "09:00", retentionDays: 0 },
        });
        const keys = problems.map((p) => p.split(":")[1]);
        expect(keys).to.have.members([
            "backup.colour",
            "backup.intervalHours",
            "backup.startTime",
            "backup.keepDaily",
            "backup.keepWeekly",
            "backup.drillStartTime",
            "backup.offsite.url",
            "backup.diskSnapshots.startTime",
            "backup.diskSnapshots.retentionDays",
        ]);
        expect(problems.find((p) => p.startsWith("minimarket:backup.intervalHours:"))).to.match(/divide 24/);
        expect(problems.find((p) => p.startsWith("minimarket:backup.diskSnapshots.startTime:"))).to.match(/4-hour boundary/);
    });

    it("s3 buckets need credentials, and credentials must be secret", () => {
        expect(read({ offsite: { url: "s3://bkp/p", endpoint: "https://s3.example.com", region: "us-east-1" } }).problems.join("\n")).to.match(
            /backupOffsiteCredentials.*no credentials/,
        );
        const plain = read({ offsite: { url: "s3://bkp/p" } }, { backupOffsiteCredentials: "AKIA:secret" });
        expect(plain.problems.join("\n")).to.match(/plain text/);
        expect(plain.problems.join("\n")).to.not.include("AKIA:secret");
        expect(read({ offsite: { url: "s3://bkp/p" } }, { backupOffsiteCredentials: "AKIA:secret" }, ["backupOffsiteCredentials"]).problems).to.deep.equal([]);
    });

    it("rejects S3-only fields on a gs:// bucket, and a non-object", () => {
        expect(read({ offsite: { url: "gs://bkp", region: "us-east-1" } }).problems.join("\n")).to.match(/s3:\/\/ buckets only/);
        expect(read("daily").problems.join("\n")).to.match(/minimarket:backup: expected an object/);
    });
});
