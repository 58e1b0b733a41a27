import { expect } from "chai";
import * as pulumi from "@pulumi/pulumi";
import { VM_ROLES } from "../../components/gcp/dockerHostVm";
import { ConfigError } from "../../config";
import { secretNames } from "../../facts/secrets";
import { deploy as deployStack } from "../../stacks";
import { StackOutputs } from "../../stacks/outputs";
import { containerEnv, isSecretWrapper, plainOccurrences, unwrap } from "../support/program";
import { EXPECTED_WITH_REDIS_CONTAINER, PROXY_RESOURCES } from "./expectedProd";
import { dependsOn, get, MOCK, MockedRun, ofType, prodConfig, resolve, underMocks } from "./harness";

const DOMAIN = "minimarket.example.com.ar";
const APPS = ["agente-deposito", "agente-negocio", "ml-service", "dashboard"];
const CONTAINER = "docker:index/container:Container";

const RANDOM = "random:index/randomPassword:RandomPassword";

function keys(run: MockedRun<unknown>): string[] {
    return run.resources
        .map((r) => `${r.type}/${r.name}`)
        .filter((k) => !k.startsWith(RANDOM))
        .sort();
}

async function deploy(gcpExtra: Record<string, unknown> = {}, configExtra: Record<string, unknown> = {}) {
    const config = prodConfig(configExtra, gcpExtra);
    const run = await underMocks(() => deployStack(config));
    if (run.error) throw run.error;
    return run;
}

/** Generated secret values as the mocks produced them (RandomPassword results). */
async function generatedValues(outputs: StackOutputs): Promise<string[]> {
    const { value } = await resolve(outputs.secrets);
    return Object.values(value);
}

describe("deployOnGcp (prod on Google Cloud)", () => {
    let run: MockedRun<StackOutputs>;
    before(async () => {
        run = await deploy();
    });

    it("declares exactly the expected resources", () => {
        expect(keys(run)).to.deep.equal([...EXPECTED_WITH_REDIS_CONTAINER].sort());
        expect(
            ofType(run, RANDOM)
                .map((r) => r.name)
                .sort(),
        ).to.deep.equal([...secretNames].sort());
    });

    it("creates every Google resource through the project's provider, which waits for the APIs", () => {
        const provider = get(run, "pulumi:providers:gcp", "gcp");
        // IAM bindings on a new project need Cloud Resource Manager; enabling APIs needs Service Usage.
        for (const api of ["serviceusage", "cloudresourcemanager", "compute", "servicenetworking", "sqladmin", "dns", "iam"]) {
            expect(dependsOn(provider, "gcp:projects/service:Service", `apis-${api}`), api).to.equal(true);
        }
        expect(provider.inputs).to.deep.include({ project: MOCK.project, region: "southamerica-east1", zone: "southamerica-east1-a" });
        for (const r of run.resources.filter((x) => x.type.startsWith("gcp:") && x.type !== "gcp:projects/service:Service")) {
            expect(r.provider, `${r.type}/${r.name}`).to.match(/::gcp::gcp-id$/);
        }
        for (const api of ofType(run, "gcp:projects/service:Service")) {
            expect(api.provider).to.match(/::gcp-apis::/);
            expect(api.inputs.disableOnDestroy).to.equal(false);
        }
    });

    it("keeps Cloud SQL private, TLS-only, backed up with PITR, highly available and deletion-protected", () => {
        const sql = unwrap(get(run, "gcp:sql/databaseInstance:DatabaseInstance", "postgres").inputs) as Record<string, any>;
        expect(sql.databaseVersion).to.equal("POSTGRES_17");
        expect(sql.deletionProtection).to.equal(true);
        const s = sql.settings;
        expect(s.deletionProtectionEnabled).to.equal(true);
        expect(s.ipConfiguration.ipv4Enabled).to.equal(false);
        expect(s.ipConfiguration.authorizedNetworks ?? []).to.deep.equal([]);
        expect(s.ipConfiguration.sslMode).to.equal("ENCRYPTED_ONLY");
        expect(s.ipConfiguration.privateNetwork).to.equal("network-id");
        expect(s.availabilityType).to.equal("REGIONAL");
        expect(s.edition).to.equal("ENTERPRISE");
        expect(s.tier).to.equal("db-custom-2-7680");
        expect(s.backupConfiguration).to.deep.include({ enabled: true, pointInTimeRecoveryEnabled: true, transactionLogRetentionDays: 7 });
        expect(s.backupConfiguration.backupRetentionSettings).to.deep.equal({ retainedBackups: 14, retentionUnit: "COUNT" });
        expect(s.maintenanceWindow).to.deep.include({ day: 7, hour: 6 });
        expect(get(run, "gcp:sql/database:Database", "postgres-db").inputs.name).to.equal("inventario_retail");
        expect(get(run, "gcp:sql/databaseInstance:DatabaseInstance", "postgres").options.protect).to.equal(true);
        expect(get(run, "gcp:sql/database:Database", "postgres-db").options.protect).to.equal(true);
        // Private IP needs the peering first.
        expect(
            dependsOn(
                get(run, "gcp:sql/databaseInstance:DatabaseInstance", "postgres"),
                "gcp:servicenetworking/connection:Connection",
                "network-private-services",
            ),
        ).to.equal(true);
    });

    it("replaces the VM by deleting it first (its disk and address attach to one VM), never the data disk", () => {
        expect(get(run, "gcp:compute/instance:Instance", "docker-host").options).to.deep.include({ deleteBeforeReplace: true, protect: false });
        expect(get(run, "gcp:compute/disk:Disk", "docker-host-data").options.protect).to.equal(true);
        expect(get(run, "gcp:compute/address:Address", "docker-host-ip").options.protect).to.equal(true);
    });

    it("starts the apps only once Cloud SQL's database, users and private name exist", () => {
        const first = get(run, "command:local:Command", "agente-deposito-migrate");
        for (const [type, name] of [
            ["gcp:sql/database:Database", "postgres-db"],
            ["gcp:sql/user:User", "postgres-app"],
            ["gcp:dns/recordSet:RecordSet", "network-internal-postgres"],
            [CONTAINER, "redis"],
        ]) {
            expect(dependsOn(first, type, name), name).to.equal(true);
        }
    });

    it("opens only 80/443 to the world, on the Docker host only, and SSH to the configured ranges", () => {
        const rules = ofType(run, "gcp:compute/firewall:Firewall").map((r) => unwrap(r.inputs) as Record<string, any>);
        expect(rules).to.have.length(2);
        for (const rule of rules) {
            expect(rule.direction).to.equal("INGRESS");
            expect(rule.targetTags).to.deep.equal(["minimarket-prod-docker-host"]);
            const ports = rule.allows.flatMap((a: { ports: string[] }) => a.ports).sort();
            if (rule.sourceRanges.some((r: string) => r.endsWith("/0"))) expect(ports).to.deep.equal(["443", "80"]);
            else expect(rule.sourceRanges).to.deep.equal(["203.0.113.7/32"]);
        }
        const instance = unwrap(get(run, "gcp:compute/instance:Instance", "docker-host").inputs) as Record<string, any>;
        expect(instance.tags).to.deep.equal(["minimarket-prod-docker-host"]);
    });

    it("points the Docker provider at the VM over ssh:// once Docker answers there", () => {
        const provider = get(run, "pulumi:providers:docker", "host-docker");
        expect(provider.inputs.host).to.equal(`ssh://deploy@${MOCK.vmAddress}`);
        const ready = get(run, "command:local:Command", "docker-host-ready");
        expect(String(ready.inputs.create)).to.include(`docker -H ssh://deploy@${MOCK.vmAddress} version`);
        expect(dependsOn(provider, "command:local:Command", "docker-host-ready")).to.equal(true);
        // Containers all go through that provider.
        for (const c of ofType(run, CONTAINER)) expect(c.provider).to.match(/::host-docker::/);
    });

    it("gives the apps Cloud SQL's private address (by its private DNS name) with sslmode=require", () => {
        const record = unwrap(get(run, "gcp:dns/recordSet:RecordSet", "network-internal-postgres").inputs) as Record<string, any>;
        expect(record.rrdatas).to.deep.equal([MOCK.sqlPrivateIp]);
        expect(record.name).to.equal("postgres.prod.minimarket.internal.");
        const zone = unwrap(get(run, "gcp:dns/managedZone:ManagedZone", "network-internal").inputs) as Record<string, any>;
        expect(zone.visibility).to.equal("private");
        for (const name of ["agente-deposito", "agente-negocio", "ml-service"]) {
            const url = new URL(containerEnv(get(run, CONTAINER, name)).DATABASE_URL);
            expect(url.hostname, name).to.equal("postgres.prod.minimarket.internal");
            expect(url.port).to.equal("5432");
            expect(url.pathname).to.equal("/inventario_retail");
            expect(url.username).to.equal("minimarket_app");
            expect(url.searchParams.get("sslmode")).to.equal("require");
            expect(containerEnv(get(run, CONTAINER, name)).REDIS_URL).to.match(/^redis:\/\/:[^@]+@redis:6379\/0$/);
        }
    });

    it("lets the release steps reach Cloud SQL: the data network has a route out", () => {
        expect(get(run, "docker:index/network:Network", "host-data").inputs.internal).to.equal(false);
    });

    it("publishes no app on a host port: only the proxy, on 80 and 443, once DNS is ready", async () => {
        for (const name of [...APPS, "redis"]) expect(get(run, CONTAINER, name).inputs.ports ?? [], name).to.deep.equal([]);
        // Before DNS is ready nothing at all listens beyond the VM's loopback.
        const open = (r: MockedRun<unknown>) =>
            ofType(r, CONTAINER).flatMap((c) =>
                ((unwrap(c.inputs.ports) ?? []) as Array<{ ip: string }>).filter((p) => p.ip !== "127.0.0.1").map(() => c.name),
            );
        expect(open(run)).to.deep.equal([]);
        const ready = await deploy({ dnsReady: true });
        expect(keys(ready)).to.deep.equal([...EXPECTED_WITH_REDIS_CONTAINER, ...PROXY_RESOURCES].sort());
        expect(open(ready)).to.deep.equal(["proxy", "proxy"]);
        const proxy = unwrap(get(ready, CONTAINER, "proxy").inputs) as Record<string, any>;
        expect(proxy.ports.map((p: { internal: number; external: number }) => [p.internal, p.external])).to.deep.equal([
            [80, 80],
            [443, 443],
        ]);
        expect(proxy.uploads[0].file).to.equal("/etc/caddy/Caddyfile");
        expect(proxy.uploads[0].content).to.include(`${DOMAIN} {`).and.include("dynamic a dashboard 8080 {");
        expect(proxy.volumes[0].containerPath).to.equal("/data");
    });

    it("keeps every generated secret out of plain text, in resources and outputs", async () => {
        const outputs = run.result!;
        const values = await generatedValues(outputs);
        expect(values.length).to.equal(secretNames.length);
        for (const value of values) {
            for (const r of run.resources) {
                expect(plainOccurrences(r.inputs, value), `${r.type}/${r.name}`).to.deep.equal([]);
                expect(plainOccurrences(r.inputs, encodeURIComponent(value)), `${r.type}/${r.name}`).to.deep.equal([]);
            }
        }
        for (const user of ofType(run, "gcp:sql/user:User")) expect(isSecretWrapper(user.inputs.password), user.name).to.equal(true);
        expect((await resolve(outputs.secrets)).secret).to.equal(true);
        for (const [key, output] of Object.entries(outputs)) {
            if (key === "secrets") continue;
            const { value } = await resolve(output as pulumi.Output<unknown>);
            for (const secret of values) expect(JSON.stringify(value) ?? "", key).not.to.include(secret);
        }
    });

    it("outputs the public URLs, the VM address and the Cloud SQL connection name", async () => {
        const o = run.result!;
        expect(o.dashboardUrl).to.equal(`https://${DOMAIN}`);
        expect(o.grafanaUrl).to.equal(`https://grafana.${DOMAIN}`);
        expect(o.publicUrls).to.deep.equal([`https://${DOMAIN}`, `https://grafana.${DOMAIN}`]);
        expect((await resolve(o.vmAddress as pulumi.Output<string>)).value).to.equal(MOCK.vmAddress);
        expect((await resolve(o.dnsRecords as pulumi.Output<unknown>)).value).to.deep.equal({
            [DOMAIN]: MOCK.vmAddress,
            [`grafana.${DOMAIN}`]: MOCK.vmAddress,
        });
        expect((await resolve(o.cloudSqlConnectionName as pulumi.Output<string>)).value).to.equal(
            `${MOCK.project}:southamerica-east1:minimarket-prod-postgres`,
        );
        expect(o.standIns).to.deep.equal([]);
    });

    it("gives the VM's identity only the least roles, the deploy key, and a Debian startup script", () => {
        const grants = ofType(run, "gcp:projects/iAMMember:IAMMember").map((g) => unwrap(g.inputs) as Record<string, string>);
        expect(grants.map((g) => g.role).sort()).to.deep.equal([...VM_ROLES].sort());
        for (const g of grants) expect(g.member).to.equal(`serviceAccount:mm-prod-docker@${MOCK.project}.iam.gserviceaccount.com`);
        const vm = unwrap(get(run, "gcp:compute/instance:Instance", "docker-host").inputs) as Record<string, any>;
        expect(vm.machineType).to.equal("e2-standard-4");
        expect(vm.bootDisk.initializeParams.image).to.equal("debian-cloud/debian-13");
        expect(vm.serviceAccount.email).to.equal(`mm-prod-docker@${MOCK.project}.iam.gserviceaccount.com`);
        expect(vm.metadata["ssh-keys"]).to.match(/^deploy:ssh-ed25519 /);
        expect(vm.metadata["block-project-ssh-keys"]).to.equal("TRUE");
        expect(vm.metadata["startup-script"]).to.include("docker.io");
        expect(Object.keys(vm.metadata)).not.to.include("gce-container-declaration");
        expect(vm.attachedDisks).to.deep.equal([
            {
                source: `https://www.googleapis.com/compute/v1/projects/${MOCK.project}/zones/southamerica-east1-a/disks/minimarket-prod-docker-data`,
                deviceName: "minimarket-data",
                mode: "READ_WRITE",
            },
        ]);
        expect(vm.networkInterfaces[0].accessConfigs[0].natIp).to.equal(MOCK.vmAddress);
    });
});

describe("deployOnGcp with Memorystore", () => {
    let run: MockedRun<StackOutputs>;
    before(async () => {
        run = await deploy({ redis: { mode: "memorystore", memorystoreTier: "STANDARD_HA", memorySizeGb: 2 } });
    });

    it("runs Redis on Memorystore instead of a container", () => {
        const k = keys(run);
        expect(k).to.include("gcp:redis/instance:Instance/redis");
        expect(k).to.include("gcp:projects/service:Service/apis-redis");
        expect(k).to.include("gcp:dns/recordSet:RecordSet/network-internal-redis");
        expect(k).not.to.include(`${CONTAINER}/redis`);
        const redis = unwrap(get(run, "gcp:redis/instance:Instance", "redis").inputs) as Record<string, any>;
        expect(redis).to.deep.include({
            authEnabled: true,
            transitEncryptionMode: "SERVER_AUTHENTICATION",
            connectMode: "PRIVATE_SERVICE_ACCESS",
            tier: "STANDARD_HA",
            memorySizeGb: 2,
            authorizedNetwork: "network-id",
        });
    });

    it("hands the apps rediss:// with Google's AUTH string, only as a secret", async () => {
        for (const name of ["agente-deposito", "agente-negocio", "ml-service"]) {
            const container = get(run, CONTAINER, name);
            expect(containerEnv(container).REDIS_URL, name).to.equal(
                `rediss://:${MOCK.redisAuth}@redis.prod.minimarket.internal:6378/0?ssl_ca_certs=%2Fetc%2Fminimarket%2Fredis-ca.pem`,
            );
            expect(isSecretWrapper(container.inputs.envs)).to.equal(true);
        }
        for (const r of run.resources) expect(plainOccurrences(r.inputs, MOCK.redisAuth), `${r.type}/${r.name}`).to.deep.equal([]);
        const secrets = await resolve(run.result!.secrets);
        expect(secrets.secret).to.equal(true);
        expect(secrets.value.redisPassword).to.equal(MOCK.redisAuth);
        expect((await resolve(run.result!.memorystoreCaCertificates as pulumi.Output<string>)).value).to.equal(MOCK.redisCa);
    });
});

describe("deployOnGcp registry credentials", () => {
    const server = "southamerica-east1-docker.pkg.dev";

    it("by default stores no credential: the deployer's credential helper gives a short-lived token", async () => {
        const run = await deploy({ registry: { server } });
        const auth = get(run, "pulumi:providers:docker", "host-docker").inputs.registryAuth;
        // Only the address: the provider reads ~/.docker/config.json, whose credHelpers entry runs docker-credential-gcloud.
        expect(isSecretWrapper(auth)).to.equal(false);
        expect(JSON.parse(auth as string)).to.deep.equal([{ address: server }]);
    });

    it("uses a service-account key only when one is given, as a secret", async () => {
        const run = await deploy({ registry: { server } }, { registryPassword: "eyJ0eXBlIjoic2VydmljZV9hY2NvdW50In0=" });
        const auth = get(run, "pulumi:providers:docker", "host-docker").inputs.registryAuth;
        // Provider inputs reach the engine as JSON text; a secret inside makes the whole value secret.
        expect(isSecretWrapper(auth)).to.equal(true);
        expect(JSON.parse(unwrap(auth) as string)).to.deep.equal([
            { address: server, username: "_json_key_base64", password: "eyJ0eXBlIjoic2VydmljZV9hY2NvdW50In0=" },
        ]);
    });

    it("refuses a key user without the key, and a key without a registry, before anything is declared", () => {
        expect(() => prodConfig({}, { registry: { server, username: "_json_key_base64" } })).to.throw(
            ConfigError,
            /minimarket:gcp\.registry\.username: is only used with a key/,
        );
        expect(() => prodConfig({ registryPassword: "eyJ0eXBlIjoic2VydmljZV9hY2NvdW50In0=" })).to.throw(
            ConfigError,
            /minimarket:registryPassword: is set but gcp\.registry is not/,
        );
    });
});
