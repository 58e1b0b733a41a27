// The Google Cloud and backup settings: the bounds and messages an operator meets, and the
// defaults and derived values the program relies on.

import { expect } from "chai";
import { parseGcpConfig } from "../../config/parse";
import { backupSchema } from "../../config/backupSchema";
import { formatIssues } from "../../config/parse";

const MINIMAL = {
    project: "minimarket-prod-1",
    sshSourceRanges: ["203.0.113.7/32"],
    sshPublicKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKey deploy@ci",
    domain: "shop.example.com",
};

function gcpProblems(extra: Record<string, unknown>): string[] {
    return parseGcpConfig({ ...MINIMAL, ...extra }, { required: true }).problems;
}

function backup(value: unknown) {
    const r = backupSchema.safeParse(value);
    return r.success ? { config: r.data, problems: [] as string[] } : { config: undefined, problems: formatIssues(r.error.issues, "staging", ["backup"]) };
}

describe("unit: gcp settings", () => {
    it("keeps SSH to /8 or narrower unless allowSshFromAnywhere, and needs at least one range", () => {
        expect(gcpProblems({ sshSourceRanges: ["10.0.0.0/8"] })).to.deep.equal([]);
        expect(gcpProblems({ sshSourceRanges: ["10.0.0.0/7"] })[0]).to.match(
            /^minimarket:gcp\.sshSourceRanges\[0\]: 10\.0\.0\.0\/7 opens SSH to \(nearly\) the whole internet; .*allowSshFromAnywhere true`$/,
        );
        expect(gcpProblems({ sshSourceRanges: ["10.0.0.0/7"], allowSshFromAnywhere: "true" })).to.deep.equal([]);
        expect(gcpProblems({ sshSourceRanges: ["10.0.0.0/7"], allowSshFromAnywhere: "false" })).to.have.length(1);
        const bad = gcpProblems({ sshSourceRanges: ["203.0.113.7/32", "nope", 5] });
        expect(bad).to.include('minimarket:gcp.sshSourceRanges[1]: "nope" is not an IPv4 CIDR such as 203.0.113.7/32');
        expect(bad).to.include("minimarket:gcp.sshSourceRanges[2]: 5 is not an IPv4 CIDR such as 203.0.113.7/32");
        expect(gcpProblems({ sshSourceRanges: [] })).to.deep.equal([
            "minimarket:gcp.sshSourceRanges: no address may reach SSH, but deploys drive Docker over ssh://; list the CIDRs you deploy from with `scripts/stack.sh --stack prod config set --path 'gcp.sshSourceRanges[0]' 203.0.113.7/32`",
        ]);
        expect(gcpProblems({ sshSourceRanges: "203.0.113.7/32" })).to.have.length(1);
        expect(parseGcpConfig({ ...MINIMAL, sshSourceRanges: undefined }, { required: true }).problems[0]).to.match(
            /^minimarket:gcp\.sshSourceRanges: no address may reach SSH/,
        );
    });

    it("wants a private subnet from /8 to /29 without host bits", () => {
        for (const ok of ["10.128.0.0/9", "192.168.1.0/29", "172.20.0.0/14"]) expect(gcpProblems({ networkCidr: ok }), ok).to.deep.equal([]);
        // A /8 is a valid subnet but takes in the default private-services range of Cloud SQL.
        expect(gcpProblems({ networkCidr: "10.0.0.0/8" })).to.deep.equal([
            "minimarket:gcp.networkCidr: privateServicesRange (10.21.0.0/20, the default) overlaps networkCidr (10.0.0.0/8); choose ranges that share no address, e.g. `scripts/stack.sh --stack prod config set --path gcp.privateServicesRange <cidr>`",
        ]);
        for (const [bad, why] of [
            ["10.0.0.0/7", "is not an IPv4 CIDR from /8 to /29, e.g. 10.20.0.0/24"],
            ["10.0.0.0/30", "is not an IPv4 CIDR from /8 to /29, e.g. 10.20.0.0/24"],
            ["8.8.8.0/24", "is not a private (RFC 1918) range"],
            ["10.0.0.1/24", "has host bits set; the network address is 10.0.0.0/24"],
        ]) {
            const found = gcpProblems({ networkCidr: bad });
            expect(found, bad).to.have.length(1);
            expect(found[0], bad)
                .to.match(/^minimarket:gcp\.networkCidr: /)
                .and.include(why);
        }
        expect(gcpProblems({ networkCidr: 5 })[0]).to.match(/^minimarket:gcp\.networkCidr: /);
    });

    it("tells a zone given as region, and a zone of another region", () => {
        expect(gcpProblems({ region: "us-east1-b" })).to.deep.equal([
            'minimarket:gcp.region: "us-east1-b" is a zone; set the region us-east1 here and the zone with gcp.zone',
        ]);
        expect(gcpProblems({ region: "Mars" })).to.deep.equal([
            'minimarket:gcp.region: "Mars" is not a Google Cloud region; for example southamerica-east1 (São Paulo)',
        ]);
        expect(gcpProblems({ region: "us-east1", zone: "us-east1-c" })).to.deep.equal([]);
        expect(gcpProblems({ region: "us-east1", zone: "us-east12-c" })).to.deep.equal([
            'minimarket:gcp.zone: "us-east12-c" is not a zone of region us-east1; for example us-east1-a',
        ]);
        expect(gcpProblems({ zone: "southamerica-east1-b" })).to.deep.equal([]);
        expect(parseGcpConfig({ ...MINIMAL, region: "us-east1" }, { required: true }).gcp!.zone).to.equal("us-east1-a");
    });

    it("never repeats what was pasted as the SSH public key", () => {
        const found = gcpProblems({ sshPublicKey: "-----BEGIN OPENSSH PRIVATE KEY----- secret" });
        expect(found).to.have.length(1);
        expect(found[0]).to.match(/^minimarket:gcp\.sshPublicKey: is not an OpenSSH public key line .*\(the value is not shown: it may be secret\)$/);
        expect(found[0]).not.to.include('secret"');
        expect(gcpProblems({ domain: "no_underscores.example" })[0]).to.match(/^minimarket:gcp\.domain: "no_underscores\.example" is not the public DNS name/);
        expect(parseGcpConfig({ sshSourceRanges: ["1.2.3.4/32"] }, { required: true }).problems).to.include(
            "minimarket:gcp.project: is required: a Google Cloud project id (6-30 lowercase letters, digits, dashes); run `scripts/stack.sh --stack prod config set --path 'gcp.project' <value>`",
        );
        expect(gcpProblems({ project: 42 })[0]).to.equal("minimarket:gcp.project: expected a string, got 42");
    });

    it("keeps fewer days of transaction logs than of backups, at most 7 on ENTERPRISE and 35 on ENTERPRISE_PLUS", () => {
        expect(gcpProblems({ cloudSql: { transactionLogRetentionDays: 8 } })).to.deep.equal([
            "minimarket:gcp.cloudSql.transactionLogRetentionDays: expected a whole number from 1 to 7, got 8 (the most ENTERPRISE keeps)",
        ]);
        expect(gcpProblems({ cloudSql: { transactionLogRetentionDays: 7 } })).to.deep.equal([]);
        expect(gcpProblems({ cloudSql: { transactionLogRetentionDays: 7, backupRetentionDays: 7 } })).to.deep.equal([
            "minimarket:gcp.cloudSql.transactionLogRetentionDays: must be less than backupRetentionDays (7): point-in-time recovery replays logs on top of a kept backup",
        ]);
        expect(gcpProblems({ cloudSql: { transactionLogRetentionDays: 6, backupRetentionDays: "7" } })).to.deep.equal([]);
        expect(gcpProblems({ cloudSql: { tier: "db-perf-optimized-N-2", transactionLogRetentionDays: 35, backupRetentionDays: 36 } })).to.deep.equal([]);
        expect(gcpProblems({ cloudSql: { tier: "db-perf-optimized-N-2", transactionLogRetentionDays: 20, backupRetentionDays: 30 } })).to.deep.equal([]);
        expect(gcpProblems({ cloudSql: { tier: "db-perf-optimized-N-2", transactionLogRetentionDays: 36, backupRetentionDays: 40 } })[0]).to.include(
            "from 1 to 35, got 36",
        );
        expect(gcpProblems({ cloudSql: { tier: "db-perf-optimized-N-2", transactionLogRetentionDays: 14 } })).to.deep.equal([
            "minimarket:gcp.cloudSql.transactionLogRetentionDays: must be less than backupRetentionDays (14): point-in-time recovery replays logs on top of a kept backup",
        ]);
        expect(gcpProblems({ cloudSql: { transactionLogRetentionDays: "x" } })).to.have.length(1);
    });

    it("accepts PostgreSQL 15 and later only", () => {
        expect(gcpProblems({ cloudSql: { databaseVersion: "POSTGRES_15" } })).to.deep.equal([]);
        expect(gcpProblems({ cloudSql: { databaseVersion: "POSTGRES_14" } })).to.deep.equal([
            'minimarket:gcp.cloudSql.databaseVersion: "POSTGRES_14" is not a supported PostgreSQL version; use POSTGRES_15 or later (default POSTGRES_17)',
        ]);
        expect(gcpProblems({ cloudSql: { databaseVersion: "MYSQL_8" } })).to.have.length(1);
    });

    it("passes the optional blocks through, with their defaults", () => {
        const gcp = parseGcpConfig(
            {
                ...MINIMAL,
                acmeEmail: "ops@example.com",
                registry: { server: "europe-docker.pkg.dev", username: "_json_key" },
                cloudSql: { maintenanceWindow: { day: 3 } },
            },
            { required: true },
        ).gcp!;
        expect(gcp.registry).to.deep.equal({ server: "europe-docker.pkg.dev", username: "_json_key" });
        expect(gcp.acmeEmail).to.equal("ops@example.com");
        expect(gcp.cloudSql.maintenanceWindow).to.deep.equal({ day: 3, hour: 6 });
        expect(gcp.sshSourceRanges).to.deep.equal(["203.0.113.7/32"]);
        expect(gcpProblems({ cloudSql: { foo: 1 } })[0]).to.match(/^minimarket:gcp\.cloudSql\.foo: unknown field; the fields are tier, databaseVersion, /);
        expect(gcpProblems({ foo: 1 })[0]).to.match(/^minimarket:gcp\.foo: unknown field; the fields of gcp are project, region, /);
    });
});

describe("unit: backup settings", () => {
    it("reads hours from their text and refuses intervals that do not divide the day", () => {
        expect(backup({ intervalHours: "6" }).config!.intervalHours).to.equal(6);
        expect(backup({ intervalHours: 12 }).config!.intervalHours).to.equal(12);
        const bad = backup({ intervalHours: "5" }).problems;
        expect(bad).to.have.length(1);
        expect(bad[0]).to.match(
            /^minimarket:backup\.intervalHours: 5 is not valid: hours between backups; it must divide 24; one of 1, 2, 3, 4, 6, 8, 12, 24$/,
        );
        expect(backup({ intervalHours: "6h" }).problems[0]).to.match(/^minimarket:backup\.intervalHours: "6h" is not valid: /);
        expect(backup({ intervalHours: " 6" }).problems[0]).to.match(/^minimarket:backup\.intervalHours: " 6" is not valid: /);
    });

    it("wants HH:MM UTC times and 4-hour snapshot slots", () => {
        expect(backup({ startTime: "23:59" }).problems).to.deep.equal([]);
        expect(backup({ startTime: "24:00" }).problems).to.deep.equal(['minimarket:backup.startTime: "24:00" is not a UTC time as HH:MM, e.g. 03:00']);
        expect(backup({ drillStartTime: 430 }).problems).to.deep.equal(["minimarket:backup.drillStartTime: expected a string, got 430"]);
        expect(backup({ diskSnapshots: { startTime: "03:00" } }).problems[0]).to.match(
            /^minimarket:backup\.diskSnapshots\.startTime: "03:00" is not a UTC start time on a 4-hour boundary .*: one of 00:00, 04:00/,
        );
    });

    it("reads an offsite bucket into kind, bucket and prefix", () => {
        expect(backup({ offsite: { url: "gs://mm-backups//staging/daily/" } }).config!.offsite).to.deep.equal({
            kind: "gcs",
            bucket: "mm-backups",
            prefix: "staging/daily",
            endpoint: undefined,
            region: undefined,
        });
        expect(backup({ offsite: { url: "s3://mm-backups", endpoint: "https://s3.example.com", region: "eu-west-1" } }).config!.offsite).to.deep.equal({
            kind: "s3",
            bucket: "mm-backups",
            prefix: "",
            endpoint: "https://s3.example.com",
            region: "eu-west-1",
        });
        expect(backup({ offsite: { url: "gs://mm-backups/staging//" } }).config!.offsite!.prefix).to.equal("staging");
        expect(backup({}).config!.offsite).to.equal(undefined);
    });

    it("refuses endpoint and region on a gs:// bucket, and unknown fields", () => {
        expect(backup({ offsite: { url: "gs://mm-backups/x", region: "eu-west-1" } }).problems).to.deep.equal([
            "minimarket:backup.offsite.endpoint: endpoint and region apply to s3:// buckets only",
        ]);
        expect(backup({ offsite: { url: "gs://mm-backups/x", endpoint: "https://s3.example.com" } }).problems).to.have.length(1);
        expect(backup({ offsite: { url: "s3://mm-backups/x", region: "eu-west-1" } }).problems).to.deep.equal([]);
        expect(backup({ offsite: { url: "ftp://x/y" } }).problems[0]).to.match(
            /^minimarket:backup\.offsite\.url: "ftp:\/\/x\/y" is not a bucket URL such as gs:\/\/minimarket-backups\/staging or s3:/,
        );
        expect(backup({ keepHourly: 1 }).problems[0]).to.match(/^minimarket:backup\.keepHourly: unknown field; the fields are enabled, intervalHours, /);
    });
});
