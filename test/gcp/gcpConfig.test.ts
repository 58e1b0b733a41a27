import { expect } from "chai";
import { gcpDefaults, parseCidr } from "../../config";
import { minimalGcp, readGcp } from "./harness";

/** Problems reported under `minimarket:gcp.<key>`. */
function problemsAt(problems: string[], key: string): string[] {
    return problems.filter((p) => p.startsWith(`minimarket:gcp.${key}:`));
}

describe("readGcpConfig", () => {
    it("applies the documented defaults to the smallest valid config", () => {
        const { gcp, problems } = readGcp(minimalGcp());
        expect(problems).to.deep.equal([]);
        expect(gcp).to.deep.include({
            region: "southamerica-east1",
            zone: "southamerica-east1-a",
            networkCidr: "10.20.0.0/24",
            machineType: "e2-standard-4",
            vmImage: "debian-cloud/debian-13",
            bootDiskGb: 20,
            dataDiskGb: 100,
            sshUser: "deploy",
            allowSshFromAnywhere: false,
            acmeEmail: undefined,
            registry: undefined,
        });
        expect(gcp!.cloudSql).to.deep.equal({ ...gcpDefaults.cloudSql, edition: "ENTERPRISE" });
        expect(gcp!.cloudSql).to.deep.include({ databaseVersion: "POSTGRES_17", highAvailability: true, pointInTimeRecovery: true, deletionProtection: true });
        expect(gcp!.redis).to.deep.equal({ mode: "container", memorystoreTier: "BASIC", memorySizeGb: 1 });
    });

    it("is undefined and silent when absent and not required, and a problem when required", () => {
        expect(readGcp(undefined, { required: false })).to.deep.equal({ gcp: undefined, problems: [] });
        const { problems } = readGcp(undefined, { required: true });
        expect(problems).to.have.length(1);
        expect(problems[0]).to.match(/^minimarket:gcp: .*scripts\/stack\.sh --stack prod config set --path gcp\.project/);
    });

    it("reports every missing required field at once, each with the command to set it", () => {
        const { problems } = readGcp({});
        for (const key of ["project", "sshPublicKey", "domain", "sshSourceRanges"]) {
            expect(problemsAt(problems, key), key).to.have.length(1);
        }
        expect(problemsAt(problems, "project")[0]).to.include("scripts/stack.sh --stack prod config set --path 'gcp.project'");
    });

    it("refuses SSH from anywhere unless allowSshFromAnywhere is set", () => {
        const open = readGcp(minimalGcp({ sshSourceRanges: ["203.0.113.7/32", "0.0.0.0/0"] }));
        expect(problemsAt(open.problems, "sshSourceRanges[1]")).to.have.length(1);
        expect(open.problems[0]).to.include("allowSshFromAnywhere");

        const nearlyOpen = readGcp(minimalGcp({ sshSourceRanges: ["0.0.0.0/1"] }));
        expect(problemsAt(nearlyOpen.problems, "sshSourceRanges[0]")).to.have.length(1);

        const allowed = readGcp(minimalGcp({ sshSourceRanges: ["0.0.0.0/0"], allowSshFromAnywhere: true }));
        expect(allowed.problems).to.deep.equal([]);
        expect(allowed.gcp!.sshSourceRanges).to.deep.equal(["0.0.0.0/0"]);
    });

    it("refuses an empty SSH list (deploys need ssh://) and ranges that are not IPv4 CIDRs", () => {
        expect(problemsAt(readGcp(minimalGcp({ sshSourceRanges: [] })).problems, "sshSourceRanges")[0]).to.include("gcp.sshSourceRanges[0]");
        const bad = readGcp(minimalGcp({ sshSourceRanges: ["203.0.113.7", "2001:db8::/32", "300.1.1.1/32"] }));
        expect(bad.problems.filter((p) => p.includes("not an IPv4 CIDR"))).to.have.length(3);
        expect(problemsAt(readGcp(minimalGcp({ sshSourceRanges: "203.0.113.7/32" })).problems, "sshSourceRanges")).to.have.length(1);
    });

    it("explains a bad region, a zone given as region, and a zone of another region", () => {
        expect(problemsAt(readGcp(minimalGcp({ region: "sao-paulo" })).problems, "region")[0]).to.include("not a Google Cloud region");
        expect(problemsAt(readGcp(minimalGcp({ region: "southamerica-east1-b" })).problems, "region")[0]).to.include("set the region southamerica-east1 here");
        expect(problemsAt(readGcp(minimalGcp({ zone: "us-central1-a" })).problems, "zone")[0]).to.include("not a zone of region southamerica-east1");
        const other = readGcp(minimalGcp({ region: "us-east4" }));
        expect(other.problems).to.deep.equal([]);
        expect(other.gcp!.zone).to.equal("us-east4-a");
    });

    it("validates the project, domain, SSH key, user and ACME e-mail", () => {
        const { problems } = readGcp(
            minimalGcp({ project: "My Project", domain: "https://shop.example.com", sshPublicKey: "AAAA", sshUser: "Root!", acmeEmail: "nobody" }),
        );
        for (const key of ["project", "domain", "sshPublicKey", "sshUser", "acmeEmail"]) {
            expect(problemsAt(problems, key), key).to.have.length(1);
        }
    });

    it("accepts values as `scripts/stack.sh --stack staging config set --path` stores them (strings)", () => {
        const { gcp, problems } = readGcp(
            minimalGcp({
                bootDiskGb: "30",
                allowSshFromAnywhere: "false",
                cloudSql: { highAvailability: "false", maintenanceWindow: { day: "3", hour: "4" } },
            }),
        );
        expect(problems).to.deep.equal([]);
        expect(gcp!.bootDiskGb).to.equal(30);
        expect(gcp!.cloudSql.highAvailability).to.equal(false);
        expect(gcp!.cloudSql.maintenanceWindow).to.deep.equal({ day: 3, hour: 4 });
    });

    it("reports unknown fields at every level", () => {
        const { problems } = readGcp(
            minimalGcp({ projekt: "x", cloudSql: { teir: "db-custom-1-3840", maintenanceWindow: { weekday: 1 } }, redis: { size: 2 } }),
        );
        expect(problemsAt(problems, "projekt")).to.have.length(1);
        expect(problemsAt(problems, "cloudSql.teir")).to.have.length(1);
        expect(problemsAt(problems, "cloudSql.maintenanceWindow.weekday")).to.have.length(1);
        expect(problemsAt(problems, "redis.size")).to.have.length(1);
    });

    it("requires the subnet to be a private range without host bits", () => {
        expect(problemsAt(readGcp(minimalGcp({ networkCidr: "8.8.8.0/24" })).problems, "networkCidr")[0]).to.include("RFC 1918");
        expect(problemsAt(readGcp(minimalGcp({ networkCidr: "10.20.0.5/24" })).problems, "networkCidr")[0]).to.include("10.20.0.0/24");
        expect(problemsAt(readGcp(minimalGcp({ networkCidr: "10.20.0.0/30" })).problems, "networkCidr")).to.have.length(1);
        expect(readGcp(minimalGcp({ networkCidr: "172.16.8.0/22" })).problems).to.deep.equal([]);
    });

    describe("cloudSql", () => {
        it("keeps fewer days of transaction logs than of backups, and at most 7 on ENTERPRISE", () => {
            const tooMany = readGcp(minimalGcp({ cloudSql: { transactionLogRetentionDays: 8 } }));
            expect(problemsAt(tooMany.problems, "cloudSql.transactionLogRetentionDays")[0]).to.include("from 1 to 7");
            const notLess = readGcp(minimalGcp({ cloudSql: { backupRetentionDays: 5, transactionLogRetentionDays: 5 } }));
            expect(problemsAt(notLess.problems, "cloudSql.transactionLogRetentionDays")[0]).to.include("less than backupRetentionDays (5)");
        });

        it("derives the edition from the tier (custom tiers are ENTERPRISE only)", () => {
            const plus = readGcp(minimalGcp({ cloudSql: { tier: "db-perf-optimized-N-2", backupRetentionDays: 30, transactionLogRetentionDays: 14 } }));
            expect(plus.problems).to.deep.equal([]);
            expect(plus.gcp!.cloudSql.edition).to.equal("ENTERPRISE_PLUS");
            expect(problemsAt(readGcp(minimalGcp({ cloudSql: { tier: "n1-standard-2" } })).problems, "cloudSql.tier")).to.have.length(1);
        });

        it("refuses old or malformed PostgreSQL versions", () => {
            expect(problemsAt(readGcp(minimalGcp({ cloudSql: { databaseVersion: "POSTGRES_13" } })).problems, "cloudSql.databaseVersion")).to.have.length(1);
            expect(problemsAt(readGcp(minimalGcp({ cloudSql: { databaseVersion: "MYSQL_8_0" } })).problems, "cloudSql.databaseVersion")).to.have.length(1);
            expect(readGcp(minimalGcp({ cloudSql: { databaseVersion: "POSTGRES_16" } })).problems).to.deep.equal([]);
        });

        it("checks the maintenance window and backup time ranges", () => {
            const { problems } = readGcp(minimalGcp({ cloudSql: { maintenanceWindow: { day: 0, hour: 24 }, backupStartTime: "25:00" } }));
            expect(problemsAt(problems, "cloudSql.maintenanceWindow.day")).to.have.length(1);
            expect(problemsAt(problems, "cloudSql.maintenanceWindow.hour")).to.have.length(1);
            expect(problemsAt(problems, "cloudSql.backupStartTime")).to.have.length(1);
        });
    });

    it("validates redis mode and tier, and the registry fields", () => {
        const { problems } = readGcp(
            minimalGcp({ redis: { mode: "cluster", memorystoreTier: "PREMIUM" }, registry: { server: "southamerica-east1-docker.pkg.dev" } }),
        );
        expect(problemsAt(problems, "redis.mode")).to.have.length(1);
        expect(problemsAt(problems, "redis.memorystoreTier")).to.have.length(1);
        expect(problemsAt(problems, "registry.server")).to.deep.equal([]);
        expect(problemsAt(readGcp(minimalGcp({ registry: {} })).problems, "registry.server")).to.have.length(1);
        const ok = readGcp(minimalGcp({ redis: { mode: "memorystore", memorystoreTier: "STANDARD_HA", memorySizeGb: 5 } }));
        expect(ok.problems).to.deep.equal([]);
        expect(ok.gcp!.redis).to.deep.equal({ mode: "memorystore", memorystoreTier: "STANDARD_HA", memorySizeGb: 5 });
    });

    it("parses IPv4 CIDRs strictly", () => {
        expect(parseCidr("10.0.0.0/8")).to.deep.equal({ address: 10 * 2 ** 24, prefix: 8 });
        for (const bad of ["10.0.0.0", "10.0.0.0/33", "256.0.0.0/8", "10.0.0/8", " 10.0.0.0/8"]) expect(parseCidr(bad), bad).to.equal(undefined);
    });
});
