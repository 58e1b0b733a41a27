// Prod pieces: the data-disk snapshot schedule (Pulumi mocks), the Cloud SQL retention fields,
// and scripts/gcp-pitr-restore.sh against fake gcloud and docker commands.

import { expect } from "chai";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import * as gcp from "@pulumi/gcp";
import { cloudSqlBackupRetention } from "../../components/backup/cloudSqlRetention";
import { DataDiskSnapshots } from "../../components/backup/diskSnapshots";
import { underMocks } from "../support/program";
import { makeTempDir, requireBinaries } from "../support/processes";
import { actionsOn, FAKE_DOCKER_PY, hostContainers, runningApps, writeHost } from "../support/fakeDocker";

describe("DataDiskSnapshots", () => {
    it("a daily schedule with retention by config, attached to the data disk, kept when the disk goes", async () => {
        const run = await underMocks("prod", () => {
            const disk = new gcp.compute.Disk("data", { name: "minimarket-prod-docker-data", zone: "southamerica-east1-a", size: 100 });
            return new DataDiskSnapshots("snapshots", {
                environment: "prod",
                region: "southamerica-east1",
                zone: "southamerica-east1-a",
                disk,
                retentionDays: 21,
                startTime: "08:00",
            });
        });
        expect(run.error, run.error?.stack).to.equal(undefined);
        const policy = run.byKey.get("gcp:compute/resourcePolicy:ResourcePolicy/snapshots")!.inputs as any;
        expect(policy.region).to.equal("southamerica-east1");
        expect(policy.snapshotSchedulePolicy.schedule).to.deep.equal({ dailySchedule: { daysInCycle: 1, startTime: "08:00" } });
        expect(policy.snapshotSchedulePolicy.retentionPolicy).to.deep.equal({ maxRetentionDays: 21, onSourceDiskDelete: "KEEP_AUTO_SNAPSHOTS" });
        expect(policy.snapshotSchedulePolicy.snapshotProperties.storageLocations).to.equal("southamerica-east1");
        const attachment = run.byKey.get("gcp:compute/diskResourcePolicyAttachment:DiskResourcePolicyAttachment/snapshots-attachment")!.inputs;
        expect(attachment).to.deep.include({ disk: "minimarket-prod-docker-data", zone: "southamerica-east1-a", name: "minimarket-prod-data-disk-daily" });
    });

    it("Cloud SQL keeps automated backups and a final backup when the instance is deleted", () => {
        expect(cloudSqlBackupRetention(30)).to.deep.equal({ retainBackupsOnDelete: true, finalBackupConfig: { enabled: true, retentionDays: 30 } });
    });
});

describe("gcp-pitr-restore.sh (fake gcloud and docker)", () => {
    const script = path.join(__dirname, "..", "..", "scripts", "gcp-pitr-restore.sh");
    let dir: string;
    let host: string;
    let python3: string;
    before(function () {
        python3 = requireBinaries(this, ["python3"]).python3;
    });
    beforeEach(() => {
        dir = makeTempDir("pitr");
        host = path.join(dir, "host.json");
        const fake = (name: string, body: string) =>
            fs.writeFileSync(path.join(dir, name), `#!/bin/bash\necho "${name} $*" >> "${dir}/calls"\n${body}\n`, { mode: 0o755 });
        fake(
            "gcloud",
            `case "$*" in
  *"instances describe minimarket-prod-postgres "*) echo "\${FAKE_PITR:-True}" ;;
  *"instances describe "*) echo 10.77.0.9 ;;
esac`,
        );
        // ps and restart act on a host's table of containers: the filters decide what is restarted.
        writeHost(host, hostContainers("prod", "staging"));
        fake("docker", `exec "${python3}" "${FAKE_DOCKER_PY}" "${host}" "$@"`);
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    function run(args: string[], env: Record<string, string> = {}) {
        fs.rmSync(`${dir}/calls`, { force: true });
        const r = spawnSync("bash", [script, ...args], { encoding: "utf8", env: { PATH: `${dir}:${process.env.PATH}`, ...env }, timeout: 30_000 });
        const calls = fs.existsSync(`${dir}/calls`) ? fs.readFileSync(`${dir}/calls`, "utf8").trim().split("\n") : [];
        return { ...r, calls };
    }
    const time = "2026-03-01T12:34:56Z";

    it("clones at the given instant into a new instance and leaves the apps alone by default", () => {
        const r = run(["--project", "mm-prod-4711", "--time", time]);
        expect(r.status, r.stderr).to.equal(0);
        expect(r.calls).to.include(
            "gcloud sql instances clone minimarket-prod-postgres minimarket-prod-postgres-pitr-20260301t1234 --project mm-prod-4711 --point-in-time 2026-03-01T12:34:56Z",
        );
        expect(r.calls.some((c) => c.includes("dns") || c.startsWith("docker"))).to.equal(false);
        expect(r.stderr).to.include("--switch-dns");
    });

    it("--switch-dns --restart-apps points the private name at the clone, then restarts the apps", () => {
        const r = run(["--project", "mm-prod-4711", "--time", time, "--target", "pg-restored", "--switch-dns", "--restart-apps"]);
        expect(r.status, r.stderr).to.equal(0);
        const dns = r.calls.indexOf(
            "gcloud dns record-sets update postgres.prod.minimarket.internal. --project mm-prod-4711 --zone minimarket-prod-internal --type A --ttl 60 --rrdatas 10.77.0.9",
        );
        const clone = r.calls.findIndex((c) => c.startsWith("gcloud sql instances clone minimarket-prod-postgres pg-restored "));
        const restart = r.calls.findIndex((c) => c.startsWith("docker restart "));
        expect(clone).to.be.at.least(0);
        expect(dns).to.be.greaterThan(clone);
        expect(restart).to.be.greaterThan(dns);
    });

    it("--restart-apps restarts this stack's running app containers, and nothing else", () => {
        const r = run(["--project", "mm-prod-4711", "--time", time, "--target", "pg-restored", "--switch-dns", "--restart-apps"]);
        expect(r.status, r.stderr).to.equal(0);
        const apps = runningApps(hostContainers("prod", "staging"), "prod");
        expect(apps, "the host has four running prod apps").to.have.length(4);
        const acted = actionsOn(host);
        expect(
            acted.every(([verb]) => verb === "restart"),
            JSON.stringify(acted),
        ).to.equal(true);
        // Not the data, observability or proxy containers, not a release step, not staging's apps.
        expect(acted.map(([, id]) => id).sort()).to.deep.equal(apps);
    });

    it("--dry-run only reads", () => {
        const r = run(["--project", "mm-prod-4711", "--time", time, "--switch-dns", "--dry-run"]);
        expect(r.status, r.stderr).to.equal(0);
        expect(r.calls).to.deep.equal([
            `gcloud sql instances describe minimarket-prod-postgres --project mm-prod-4711 --format=value(settings.backupConfiguration.pointInTimeRecoveryEnabled)`,
        ]);
        expect(r.stdout).to.match(/would run: gcloud sql instances clone/);
    });

    it("refuses without PITR, a malformed time or a project, before changing anything", () => {
        const noPitr = run(["--project", "p-123456", "--time", time], { FAKE_PITR: "False" });
        expect(noPitr.status).to.equal(1);
        expect(noPitr.calls.some((c) => c.includes(" clone "))).to.equal(false);
        for (const args of [
            ["--project", "p-123456", "--time", "2026-03-01 12:34"],
            ["--time", time],
            ["--project", "p-123456", "--time", time, "--restart-apps"],
        ]) {
            const r = run(args);
            expect(r.status, args.join(" ")).to.equal(2);
            expect(r.calls, args.join(" ")).to.deep.equal([]);
        }
    });
});
