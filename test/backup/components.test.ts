// The backup container and the optional bucket copy as Pulumi declares them (mocks), and the
// copy script against a fake rclone.

import { expect } from "chai";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import {
    backupScriptFiles,
    NODE_EXPORTER_TEXTFILE_FLAG,
    offsiteEnv,
    PostgresBackup,
    SCRIPT_DIR,
    TEXTFILE_HOST_DIR,
} from "../../components/backup/backupContainer";
import { BackupSettings } from "../../components/backup/backupContainer";
import { backupDefaults } from "../../config";
import { DockerPlatform } from "../../components/docker/platform";
import { containerEnv, isSecretWrapper, MockedRun, Registered, underMocks, unwrap } from "../support/program";
import { makeTempDir } from "../support/processes";

const CONTAINER = "docker:index/container:Container";
const PASSWORD = "backup-p&ss'word-$(not a command)";
const KEY_JSON = '{"type":"service_account","private_key":"-----BEGIN PRIVATE KEY-----\\nMIIsecret\\n"}';

const settings = (extra: Partial<BackupSettings> = {}): BackupSettings => ({ ...backupDefaults, ...extra });

function declare(s: BackupSettings, credentials?: string): Promise<MockedRun<PostgresBackup>> {
    return underMocks("staging", () => {
        const platform = new DockerPlatform("platform", { environment: "staging" });
        return new PostgresBackup("backup", {
            platform,
            image: "postgres:17.6-bookworm",
            settings: s,
            endpoint: { host: "postgres", port: 5432, database: "inventario_retail", user: "minimarket_app" },
            password: pulumi.secret(PASSWORD),
            offsiteCredentials: credentials ? pulumi.secret(credentials) : undefined,
        });
    });
}

const containers = (run: MockedRun<unknown>) => run.resources.filter((r) => r.type === CONTAINER);
const named = (run: MockedRun<unknown>, name: string): Registered => {
    const c = containers(run).find((r) => r.inputs.name === name);
    if (!c)
        throw new Error(
            `no container ${name}: ${containers(run)
                .map((r) => r.inputs.name)
                .join(", ")}`,
        );
    return c;
};

describe("PostgresBackup component", () => {
    it("runs the loop in the database's own image, as the backup role, password secret", async () => {
        const run = await declare(settings({ intervalHours: 6, keepDaily: 10 }));
        expect(run.error, run.error?.stack).to.equal(undefined);
        const c = named(run, "minimarket-staging-backup");
        expect(run.resources.find((r) => r.type === "docker:index/remoteImage:RemoteImage")?.inputs.name).to.equal("postgres:17.6-bookworm");
        expect(c.inputs.command).to.deep.equal(["sh", `${SCRIPT_DIR}/minimarket-backup.sh`, "loop"]);
        expect(isSecretWrapper(c.inputs.envs)).to.equal(true);
        const env = containerEnv(c);
        expect(env).to.include({
            PGUSER: "minimarket_backup",
            PGHOST: "postgres",
            PGPASSWORD: PASSWORD,
            BACKUP_INTERVAL_SECONDS: "21600",
            BACKUP_KEEP_DAILY: "10",
            BACKUP_START_TIME: "03:00",
        });
        // The data network (PostgreSQL) and the service network.
        expect((c.inputs.networksAdvanced as unknown[]).length).to.equal(2);
        const labels = Object.fromEntries((c.inputs.labels as Array<{ label: string; value: string }>).map((l) => [l.label, l.value]));
        expect(labels).to.include({ "com.minimarket.service": "backup", "com.minimarket.role": "data" });
    });

    it("gives the loop each setting under its own variable (every value distinct, so a crossed wire shows)", async () => {
        const run = await declare(
            settings({
                intervalHours: 4,
                startTime: "01:15",
                keepDaily: 9,
                keepWeekly: 5,
                drillIntervalHours: 48,
                drillStartTime: "05:45",
                requireMigrationVersion: false,
            }),
        );
        expect(run.error, run.error?.stack).to.equal(undefined);
        expect(containerEnv(named(run, "minimarket-staging-backup"))).to.deep.equal({
            PGHOST: "postgres",
            PGPORT: "5432",
            PGDATABASE: "inventario_retail",
            PGUSER: "minimarket_backup",
            PGPASSWORD: PASSWORD,
            PGAPPNAME: "minimarket-backup",
            PGCONNECT_TIMEOUT: "10",
            BACKUP_DIR: "/backups",
            METRICS_DIR: "/metrics",
            BACKUP_START_TIME: "01:15",
            BACKUP_INTERVAL_SECONDS: "14400",
            BACKUP_KEEP_DAILY: "9",
            BACKUP_KEEP_WEEKLY: "5",
            DRILL_START_TIME: "05:45",
            DRILL_INTERVAL_SECONDS: "172800",
            DRILL_REQUIRE_MIGRATION_VERSION: "0",
            DRILL_TMPDIR: "/backups/.drill",
        });
    });

    it("delivers the scripts as files, byte for byte, with no credential in them", async () => {
        const run = await declare(settings());
        const uploads = unwrap(named(run, "minimarket-staging-backup").inputs.uploads) as Array<{ file: string; content: string }>;
        const onDisk = backupScriptFiles();
        expect(Object.fromEntries(uploads.map((u) => [u.file, u.content]))).to.deep.equal(onDisk);
        expect(Object.keys(onDisk)).to.include(`${SCRIPT_DIR}/restore-drill.sh`);
        for (const u of uploads) expect(u.content).to.not.include(PASSWORD);
    });

    it("keeps backups on their own volume (kept on destroy) and writes metrics where node-exporter reads", async () => {
        const run = await declare(settings());
        const volume = run.resources.find((r) => r.type === "docker:index/volume:Volume")!;
        expect(volume.inputs.name).to.equal("minimarket-staging-pg-backups");
        expect(volume.options.retainOnDelete).to.equal(true);
        const mounts = unwrap(named(run, "minimarket-staging-backup").inputs.volumes) as Array<Record<string, unknown>>;
        expect(mounts).to.deep.include({ volumeName: "minimarket-staging-pg-backups", containerPath: "/backups" });
        expect(mounts).to.deep.include({ hostPath: TEXTFILE_HOST_DIR, containerPath: "/metrics", readOnly: false });
        expect(NODE_EXPORTER_TEXTFILE_FLAG).to.equal(`--collector.textfile.directory=/host${TEXTFILE_HOST_DIR}`);
    });

    it("has no bucket copy unless configured", async () => {
        const run = await declare(settings());
        expect(containers(run).map((c) => c.inputs.name)).to.deep.equal(["minimarket-staging-backup"]);
    });

    it("copies to a gs:// bucket with a secret key, reading the backups read-only", async () => {
        const run = await declare(settings({ offsite: { kind: "gcs", bucket: "mm-backups", prefix: "staging" } }), KEY_JSON);
        const c = named(run, "minimarket-staging-backup-offsite");
        expect(c.inputs.entrypoints).to.deep.equal(["sh", `${SCRIPT_DIR}/offsite-sync.sh`]);
        expect(isSecretWrapper(c.inputs.envs)).to.equal(true);
        expect(containerEnv(c)).to.include({ OFFSITE_REMOTE: "offsite:mm-backups/staging", RCLONE_CONFIG_OFFSITE_SERVICE_ACCOUNT_CREDENTIALS: KEY_JSON });
        const mounts = unwrap(c.inputs.volumes) as Array<Record<string, unknown>>;
        expect(mounts).to.deep.include({ volumeName: "minimarket-staging-pg-backups", containerPath: "/backups", readOnly: true });
    });

    it("rclone settings for s3-compatible stores and for a VM's own identity", () => {
        const s3 = offsiteEnv({ kind: "s3", bucket: "bk", prefix: "", endpoint: "https://s3.example.com", region: "auto" }, "AKIA123:se:cret");
        expect(s3.plain).to.deep.equal({
            OFFSITE_REMOTE: "offsite:bk",
            RCLONE_CONFIG_OFFSITE_TYPE: "s3",
            RCLONE_CONFIG_OFFSITE_PROVIDER: "Other",
            RCLONE_CONFIG_OFFSITE_ENDPOINT: "https://s3.example.com",
            RCLONE_CONFIG_OFFSITE_REGION: "auto",
        });
        expect(s3.secret).to.deep.equal({ RCLONE_CONFIG_OFFSITE_ACCESS_KEY_ID: "AKIA123", RCLONE_CONFIG_OFFSITE_SECRET_ACCESS_KEY: "se:cret" });
        expect(offsiteEnv({ kind: "gcs", bucket: "bk", prefix: "a/b" }).plain.RCLONE_CONFIG_OFFSITE_ENV_AUTH).to.equal("true");
    });
});

describe("offsite-sync.sh (fake rclone)", () => {
    const script = path.join(__dirname, "..", "..", "components", "backup", "scripts", "offsite-sync.sh");
    let dir: string;
    beforeEach(() => {
        dir = makeTempDir("offsite");
        fs.mkdirSync(path.join(dir, "bin"));
        fs.mkdirSync(path.join(dir, "metrics"));
        fs.writeFileSync(path.join(dir, "bin", "rclone"), `#!/bin/sh\necho "$*" >> "${dir}/calls"\nexit \${FAKE_RC:-0}\n`, { mode: 0o755 });
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    const once = (rc: number) =>
        spawnSync("sh", [script], {
            encoding: "utf8",
            env: {
                PATH: `${dir}/bin:${process.env.PATH}`,
                OFFSITE_ONCE: "1",
                FAKE_RC: String(rc),
                OFFSITE_REMOTE: "offsite:bk/staging",
                BACKUP_DIR: "/backups",
                METRICS_DIR: `${dir}/metrics`,
            },
        });
    const metric = (name: string) =>
        Number(new RegExp(`^${name} (\\S+)$`, "m").exec(fs.readFileSync(`${dir}/metrics/minimarket_backup_offsite.prom`, "utf8"))![1]);

    it("copies dumps, then manifests, never deleting or overwriting", () => {
        expect(once(0).status).to.equal(0);
        expect(fs.readFileSync(`${dir}/calls`, "utf8").trim().split("\n")).to.deep.equal([
            "copy --immutable --include backup-*.dump /backups offsite:bk/staging",
            "copy --immutable --include backup-*.manifest /backups offsite:bk/staging",
        ]);
        expect(metric("minimarket_backup_offsite_last_status")).to.equal(1);
    });

    it("a failed copy reports status 0 and keeps the last success time", () => {
        once(0);
        const success = metric("minimarket_backup_offsite_last_success_timestamp_seconds");
        expect(success).to.be.greaterThan(0);
        once(1);
        expect(metric("minimarket_backup_offsite_last_status")).to.equal(0);
        expect(metric("minimarket_backup_offsite_last_success_timestamp_seconds")).to.equal(success);
    });
});
