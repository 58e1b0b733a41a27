import { expect } from "chai";
import * as pulumi from "@pulumi/pulumi";
import { CloudSqlPostgres } from "../../components/gcp/cloudSql";
import { DockerHostVm } from "../../components/gcp/dockerHostVm";
import { Memorystore } from "../../components/gcp/memorystore";
import { GcpNetwork } from "../../components/gcp/network";
import { unwrap } from "../support/program";
import { gcpConfig, get, MOCK, MockedRun, resolve, SSH_KEY, underMocks } from "./harness";

/** Pulumi's `protect` option, as the engine received it. */
function isProtected(run: MockedRun<unknown>, type: string, name: string): boolean {
    return get(run, type, name).options.protect;
}

const SQL = "gcp:sql/databaseInstance:DatabaseInstance";

function network(ranges = ["203.0.113.7/32"]): GcpNetwork {
    return new GcpNetwork("network", {
        environment: "prod",
        project: MOCK.project,
        region: "southamerica-east1",
        cidr: "10.20.0.0/24",
        privateServicesRange: "10.21.0.0/20",
        sshSourceRanges: ranges,
    });
}

function cloudSql(settings = gcpConfig().cloudSql, appGeneration = 0): CloudSqlPostgres {
    return new CloudSqlPostgres("postgres", {
        environment: "prod",
        region: "southamerica-east1",
        zone: "southamerica-east1-a",
        network: network(),
        settings: { ...settings, finalBackupRetentionDays: 30 },
        appPassword: pulumi.secret("app-password-&?!)"),
        appGeneration,
        monitorPassword: pulumi.secret("monitor-password"),
    });
}

describe("GcpNetwork", () => {
    it("is a custom-mode VPC with Private Google Access and private services access", async () => {
        const run = await underMocks(() => network());
        const vpc = get(run, "gcp:compute/network:Network", "network").inputs;
        expect(vpc.autoCreateSubnetworks).to.equal(false);
        const subnet = get(run, "gcp:compute/subnetwork:Subnetwork", "network-subnet").inputs;
        expect(subnet).to.deep.include({ ipCidrRange: "10.20.0.0/24", privateIpGoogleAccess: true, region: "southamerica-east1" });
        const range = get(run, "gcp:compute/globalAddress:GlobalAddress", "network-services-range").inputs;
        expect(range).to.deep.include({ purpose: "VPC_PEERING", addressType: "INTERNAL", prefixLength: 20 });
        const peering = get(run, "gcp:servicenetworking/connection:Connection", "network-private-services").inputs;
        expect(peering).to.deep.include({ service: "servicenetworking.googleapis.com", reservedPeeringRanges: ["minimarket-prod-private-services"] });
    });

    it("has no SSH rule when no range may use SSH", async () => {
        const run = await underMocks(() => network([]));
        expect(run.resources.filter((r) => r.type === "gcp:compute/firewall:Firewall").map((r) => r.name)).to.deep.equal(["network-allow-web"]);
    });
});

describe("CloudSqlPostgres", () => {
    it("is protected by Pulumi, by the provider and by Google", async () => {
        const run = await underMocks(() => cloudSql());
        expect(isProtected(run, SQL, "postgres")).to.equal(true);
        expect(isProtected(run, "gcp:sql/database:Database", "postgres-db")).to.equal(true);
        const settings = unwrap(get(run, "gcp:sql/databaseInstance:DatabaseInstance", "postgres").inputs) as Record<string, any>;
        expect(settings.deletionProtection).to.equal(true);
        expect(settings.settings.deletionProtectionEnabled).to.equal(true);
    });

    it("follows cloudSql.deletionProtection and highAvailability when switched off", async () => {
        const base = gcpConfig().cloudSql;
        const run = await underMocks(() => cloudSql({ ...base, deletionProtection: false, highAvailability: false, pointInTimeRecovery: false }));
        expect(isProtected(run, SQL, "postgres")).to.equal(false);
        const inputs = unwrap(get(run, "gcp:sql/databaseInstance:DatabaseInstance", "postgres").inputs) as Record<string, any>;
        expect(inputs.deletionProtection).to.equal(false);
        expect(inputs.settings.availabilityType).to.equal("ZONAL");
        expect(inputs.settings.backupConfiguration.pointInTimeRecoveryEnabled).to.equal(false);
        // Backups themselves are never optional.
        expect(inputs.settings.backupConfiguration.enabled).to.equal(true);
    });

    it("creates the app role with the generated password and a pg_monitor-only monitoring role", async () => {
        const run = await underMocks(() => cloudSql());
        const app = unwrap(get(run, "gcp:sql/user:User", "postgres-app").inputs) as Record<string, any>;
        expect(app).to.deep.include({ name: "minimarket_app", password: "app-password-&?!)", type: "BUILT_IN" });
        expect(app.databaseRoles).to.equal(undefined);
        const monitor = unwrap(get(run, "gcp:sql/user:User", "postgres-monitor").inputs) as Record<string, any>;
        expect(monitor).to.deep.include({ name: "minimarket_monitor", databaseRoles: ["pg_monitor"] });
        const pg = run.result!;
        const { host, port, database, user } = pg.app;
        expect({ host, port, database, user }).to.deep.equal({
            host: "postgres.prod.minimarket.internal",
            port: 5432,
            database: "inventario_retail",
            user: "minimarket_app",
        });
        expect(pg.monitor.user).to.equal("minimarket_monitor");
        expect(pg.app.params).to.deep.equal({ sslmode: "require" });
        expect((await resolve(pg.privateIpAddress)).value).to.equal(MOCK.sqlPrivateIp);
    });
});

describe("DockerHostVm", () => {
    it("keeps the data disk and the address out of the VM's lifecycle", async () => {
        const run = await underMocks(
            () =>
                new DockerHostVm("docker-host", {
                    environment: "prod",
                    project: MOCK.project,
                    region: "southamerica-east1",
                    zone: "southamerica-east1-a",
                    network: network(),
                    machineType: "e2-standard-4",
                    image: "debian-cloud/debian-13",
                    bootDiskGb: 20,
                    dataDiskGb: 100,
                    sshUser: "deploy",
                    sshPublicKey: SSH_KEY,
                    sshOpts: [],
                    dockerAddressPool: "172.17.0.0/16",
                }),
        );
        const vm = run.result!;
        expect(isProtected(run, "gcp:compute/disk:Disk", "docker-host-data")).to.equal(true);
        expect(isProtected(run, "gcp:compute/address:Address", "docker-host-ip")).to.equal(true);
        expect(isProtected(run, "gcp:compute/instance:Instance", "docker-host")).to.equal(false);
        expect(get(run, "gcp:compute/disk:Disk", "docker-host-data").inputs).to.deep.include({ size: 100, type: "pd-balanced", zone: "southamerica-east1-a" });
        const instance = unwrap(get(run, "gcp:compute/instance:Instance", "docker-host").inputs) as Record<string, any>;
        expect(instance.bootDisk.autoDelete).to.equal(true);
        expect(instance.attachedDisks[0].autoDelete).to.equal(undefined);
        expect((await resolve(vm.dockerHost)).value).to.equal(`ssh://deploy@${MOCK.vmAddress}`);
        const ready = get(run, "command:local:Command", "docker-host-ready").inputs;
        expect(ready.triggers).to.deep.equal([MOCK.instanceId, MOCK.vmAddress]);
    });
});

describe("Memorystore", () => {
    it("surfaces the AUTH string only as a secret and serves TLS on 6378", async () => {
        const run = await underMocks(
            () =>
                new Memorystore("redis", {
                    environment: "prod",
                    region: "southamerica-east1",
                    zone: "southamerica-east1-a",
                    network: network(),
                    tier: "BASIC",
                    memorySizeGb: 1,
                }),
        );
        const store = run.result!;
        const auth = await resolve(store.authString);
        expect(auth).to.deep.equal({ value: MOCK.redisAuth, secret: true });
        const { host, port, tls } = store.connection;
        expect({ host, port, tls }).to.deep.equal({ host: "redis.prod.minimarket.internal", port: 6378, tls: true });
        const record = unwrap(get(run, "gcp:dns/recordSet:RecordSet", "network-internal-redis").inputs) as Record<string, any>;
        expect(record.rrdatas).to.deep.equal([MOCK.redisHost]);
        const inputs = get(run, "gcp:redis/instance:Instance", "redis").inputs as Record<string, any>;
        expect(inputs.redisConfigs).to.deep.equal({ "maxmemory-policy": "allkeys-lru" });
        expect(inputs.persistenceConfig).to.deep.include({ persistenceMode: "RDB" });
    });
});
