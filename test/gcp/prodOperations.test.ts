// Issue 9, Google Cloud items: each behaviour below broke a real prod deploy, teardown or rotation
// while the mocks accepted it. Provider behaviours are cited in test/support/providers/gcp*.ts.

import { expect } from "chai";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ConfigError } from "../../config";
import { deploy as deployStack } from "../../stacks";
import { DATABASE_FLAGS } from "../../components/gcp/cloudSql";
import { cloudSqlRoleScript } from "../../components/gcp/cloudSqlRoles";
import { dnsCheckCommand } from "../../components/gcp/dnsGate";
import { DATA_MOUNT_POINT, startupScript } from "../../renderers/hostScripts";
import { peeringCleanupScript } from "../../components/gcp/teardown";
import { containerEnv, unwrap } from "../support/program";
import { dependsOn, get, MOCK, prodConfig, underMocks } from "./harness";

const CONTAINER = "docker:index/container:Container";
const USER = "gcp:sql/user:User";
const APPS = ["agente-deposito", "agente-negocio", "ml-service", "dashboard"];

async function deploy(gcpExtra: Record<string, unknown> = {}, configExtra: Record<string, unknown> = {}) {
    const run = await underMocks(() => deployStack(prodConfig(configExtra, gcpExtra)));
    if (run.error) throw run.error;
    return run;
}

describe("Memorystore clients trust its CA (item 15)", () => {
    it("uploads the server CA into every app and redis_exporter, and points them at it", async () => {
        const run = await deploy({ redis: { mode: "memorystore" } });
        for (const name of [...APPS, "redis-exporter"]) {
            const c = unwrap(get(run, CONTAINER, name).inputs) as Record<string, any>;
            expect(c.uploads, name).to.deep.include({ file: "/etc/minimarket/redis-ca.pem", content: MOCK.redisCa, permissions: "0644" });
        }
        for (const name of APPS) expect(containerEnv(get(run, CONTAINER, name)).REDIS_SSL_CA_CERTS).to.equal("/etc/minimarket/redis-ca.pem");
        expect(containerEnv(get(run, CONTAINER, "redis-exporter")).REDIS_EXPORTER_TLS_CA_CERT_FILE).to.equal("/etc/minimarket/redis-ca.pem");
        expect(containerEnv(get(run, CONTAINER, "redis-exporter")).REDIS_ADDR).to.equal("rediss://redis.prod.minimarket.internal:6378");
    });

    it("uploads nothing for Redis in a container (no TLS)", async () => {
        const run = await deploy();
        expect(containerEnv(get(run, CONTAINER, "dashboard")).REDIS_SSL_CA_CERTS).to.equal(undefined);
        expect((unwrap(get(run, CONTAINER, "redis-exporter").inputs) as Record<string, any>).uploads).to.equal(undefined);
    });

    it("refuses redisPassword and its rotation on Memorystore, naming the key and the fix", () => {
        const memorystore = { redis: { mode: "memorystore" } };
        expect(() => prodConfig({ rotations: { redisPassword: 1 } }, memorystore)).to.throw(
            ConfigError,
            /minimarket:rotations\.redisPassword: does nothing with gcp\.redis\.mode memorystore.*scripts\/stack\.sh --stack prod config rm --path rotations\.redisPassword/,
        );
        expect(() => prodConfig({ redisPassword: "x".repeat(40) }, memorystore)).to.throw(
            ConfigError,
            /minimarket:redisPassword: does nothing .*scripts\/stack\.sh --stack prod config rm redisPassword/,
        );
        expect(() => prodConfig({ rotations: { redisPassword: 1 } })).not.to.throw();
    });
});

describe("teardown removes the private-services peering (item 16)", () => {
    it("runs the removal between the abandoned Connection and the range and network", async () => {
        const run = await deploy();
        const cleanup = get(run, "command:local:Command", "network-peering-cleanup");
        expect(String(cleanup.inputs.delete)).to.include(
            "gcloud services vpc-peerings delete --service=servicenetworking.googleapis.com --network=minimarket-prod",
        );
        expect(cleanup.inputs.create).to.equal(undefined);
        expect(dependsOn(cleanup, "gcp:compute/network:Network", "network")).to.equal(true);
        expect(dependsOn(cleanup, "gcp:compute/globalAddress:GlobalAddress", "network-services-range")).to.equal(true);
        // Destroy goes in reverse: the Connection (which waits for the cleanup) first, then the cleanup.
        expect(
            dependsOn(get(run, "gcp:servicenetworking/connection:Connection", "network-private-services"), "command:local:Command", "network-peering-cleanup"),
        ).to.equal(true);
    });

    describe("the removal script, against a fake gcloud", () => {
        let dir: string;
        beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "peering-"))));
        afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

        /** gcloud that logs its calls; the clean delete fails `failures` times; the peering exists while `peered`. */
        function run(o: { peered: boolean; failures: number }) {
            const bin = path.join(dir, "bin");
            fs.mkdirSync(bin, { recursive: true });
            fs.writeFileSync(path.join(dir, "peered"), o.peered ? "yes" : "");
            fs.writeFileSync(
                path.join(bin, "gcloud"),
                `#!/bin/bash
echo "$*" >> "${dir}/calls"
case "$*" in
  "compute networks describe"*"value(name)"*) echo minimarket-prod ;;
  "compute networks describe"*) [ -s "${dir}/peered" ] && echo "other-peering;servicenetworking-googleapis-com" ;;
  "services vpc-peerings delete"*)
    n=$(cat "${dir}/tries" 2>/dev/null || echo 0); echo $((n+1)) > "${dir}/tries"
    [ "$n" -ge ${o.failures} ] && { : > "${dir}/peered"; exit 0; }
    echo "Producer services are still using this connection" >&2; exit 1 ;;
  "compute networks peerings delete"*) : > "${dir}/peered" ;;
esac
`,
                { mode: 0o755 },
            );
            const script = peeringCleanupScript({ project: "minimarket-prod-4711", network: "minimarket-prod", attempts: 3, intervalSeconds: 0 });
            const r = spawnSync("bash", ["-c", script], { encoding: "utf8", env: { PATH: `${bin}:/usr/bin:/bin` } });
            const calls = fs.existsSync(path.join(dir, "calls")) ? fs.readFileSync(path.join(dir, "calls"), "utf8").trim().split("\n") : [];
            return { status: r.status, stderr: r.stderr, deletes: calls.filter((c) => c.includes("delete")) };
        }

        it("deletes the connection through Service Networking, retrying while deleted services hold it", () => {
            const r = run({ peered: true, failures: 2 });
            expect(r.status, r.stderr).to.equal(0);
            expect(r.deletes).to.have.length(3);
            expect(
                r.deletes.every((c) => c.startsWith("services vpc-peerings delete --service=servicenetworking.googleapis.com --network=minimarket-prod")),
            ).to.equal(true);
        });

        it("removes the network's side of the peering when the connection cannot be deleted", () => {
            const r = run({ peered: true, failures: 99 });
            expect(r.status, r.stderr).to.equal(0);
            expect(r.deletes.at(-1)).to.equal(
                "compute networks peerings delete servicenetworking-googleapis-com --network=minimarket-prod --project=minimarket-prod-4711 --quiet",
            );
        });

        it("does nothing when there is no peering (a second destroy, or a network never peered)", () => {
            const r = run({ peered: false, failures: 0 });
            expect(r.status).to.equal(0);
            expect(r.deletes).to.deep.equal([]);
        });
    });
});

describe("Caddy waits for DNS (item 19)", () => {
    it("starts Caddy only with gcp.dnsReady, after a check that the names resolve to the static IP", async () => {
        const run = await deploy({ dnsReady: true });
        const check = get(run, "command:local:Command", "dns-ready");
        expect(String(check.inputs.create))
            .to.include(MOCK.vmAddress)
            .and.include("minimarket.example.com.ar")
            .and.include("grafana.minimarket.example.com.ar");
        expect(dependsOn(get(run, CONTAINER, "proxy"), "command:local:Command", "dns-ready")).to.equal(true);
    });

    it("the check passes when every name resolves to the address, and otherwise fails naming them", () => {
        const ok = spawnSync("bash", ["-c", dnsCheckCommand(["localhost"], "127.0.0.1", 1, 0)], { encoding: "utf8" });
        expect(ok.status, ok.stderr).to.equal(0);
        const wrong = spawnSync("bash", ["-c", dnsCheckCommand(["localhost", "no-such-name.invalid"], "203.0.113.9", 2, 0)], { encoding: "utf8" });
        expect(wrong.status).to.equal(1);
        expect(wrong.stderr).to.include("localhost -> 127.0.0.1").and.include("no-such-name.invalid -> nothing").and.include("dnsRecords");
    });
});

describe("Cloud SQL rotation without a window (item 21)", () => {
    it("generation 0: the apps use the blue login; the green keeps whatever password it has", async () => {
        const run = await deploy();
        expect(new URL(containerEnv(get(run, CONTAINER, "dashboard")).DATABASE_URL).username).to.equal("minimarket_app");
        expect(get(run, USER, "postgres-app").options.ignoreChanges ?? []).to.deep.equal([]);
        expect(get(run, USER, "postgres-app-green").options.ignoreChanges).to.deep.equal(["password"]);
    });

    it("a rotation sets the new password on the green login, moves the apps there, and leaves blue's old one working", async () => {
        const run = await deploy({}, { rotations: { postgresPassword: 1 } });
        for (const name of APPS) expect(new URL(containerEnv(get(run, CONTAINER, name)).DATABASE_URL).username, name).to.equal("minimarket_app_green");
        expect(get(run, USER, "postgres-app").options.ignoreChanges).to.deep.equal(["password"]);
        expect(get(run, USER, "postgres-app-green").options.ignoreChanges ?? []).to.deep.equal([]);
        expect((unwrap(get(run, USER, "postgres-app-green").inputs) as Record<string, any>).databaseRoles).to.deep.equal(["minimarket_app"]);
        // Green's sessions act as minimarket_app (so migrations keep one owner) before any app connects.
        const roles = get(run, "command:local:Command", "postgres-roles");
        expect(String(roles.inputs.create)).to.include("ALTER ROLE CURRENT_USER SET role");
        expect(dependsOn(get(run, "command:local:Command", "agente-deposito-migrate"), "command:local:Command", "postgres-roles")).to.equal(true);
    });
});

describe("Cloud SQL monitor roles and flags (items 23, 25)", () => {
    it("re-creates the monitor user when its roles change, and checks in the database what it really has", async () => {
        const run = await deploy();
        const monitor = get(run, USER, "postgres-monitor");
        expect(monitor.options.replaceOnChanges).to.deep.equal(["databaseRoles"]);
        expect(monitor.options.deleteBeforeReplace).to.equal(true);
        // Abandoning would make the re-create collide with the old user of the same name.
        expect(monitor.inputs.deletionPolicy).to.equal("DELETE");
        const script = cloudSqlRoleScript({ host: "h", port: 5432, database: "d", appUser: "minimarket_app", monitorUser: "minimarket_monitor" });
        expect(script).to.include("pg_auth_members").and.include("expected [pg_monitor]");
        expect(script).not.to.include("ALTER ROLE");
        expect(dependsOn(get(run, CONTAINER, "postgres-exporter"), "command:local:Command", "postgres-roles")).to.equal(true);
    });

    it("sets the logging flags of a production checklist", async () => {
        const run = await deploy();
        const sql = unwrap(get(run, "gcp:sql/databaseInstance:DatabaseInstance", "postgres").inputs) as Record<string, any>;
        expect(sql.settings.databaseFlags).to.deep.equal(DATABASE_FLAGS.map(([name, value]) => ({ name, value })));
        expect(Object.fromEntries(DATABASE_FLAGS)).to.deep.include({
            log_connections: "on",
            log_disconnections: "on",
            log_lock_waits: "on",
            log_temp_files: "0",
        });
    });
});

describe("pinned address ranges (item 22)", () => {
    it("reserves the configured private-services range and gives Docker its own pool", async () => {
        const run = await deploy({ privateServicesRange: "10.40.0.0/16", dockerAddressPool: "192.168.0.0/16" });
        const range = get(run, "gcp:compute/globalAddress:GlobalAddress", "network-services-range").inputs;
        expect(range).to.deep.include({ address: "10.40.0.0", prefixLength: 16 });
        const vm = unwrap(get(run, "gcp:compute/instance:Instance", "docker-host").inputs) as Record<string, any>;
        expect(vm.metadata["startup-script"]).to.include('"default-address-pools"').and.include('"base": "192.168.0.0/16"');
    });

    it("has defaults that do not overlap, and refuses ranges that do, naming the key", () => {
        const script = startupScript({ dataDeviceName: "d", mountPoint: DATA_MOUNT_POINT, deployUser: "deploy", dockerAddressPool: "172.17.0.0/16" });
        expect(script).to.include('"size": 24');
        expect(() => prodConfig({}, { privateServicesRange: "172.17.0.0/20" })).to.throw(
            ConfigError,
            /minimarket:gcp\.privateServicesRange: privateServicesRange \(172\.17\.0\.0\/20\) overlaps networkCidr|minimarket:gcp\.privateServicesRange: .*overlaps/,
        );
        expect(() => prodConfig({}, { dockerAddressPool: "10.20.0.0/16" })).to.throw(
            ConfigError,
            /minimarket:gcp\.dockerAddressPool: .*overlaps networkCidr \(10\.20\.0\.0\/24, the default\)/,
        );
        expect(() => prodConfig({}, { privateServicesRange: "10.21.0.0/25" })).to.throw(ConfigError, /from \/16 to \/24/);
    });
});

describe("SSH claims match what the deploy does (item 20)", () => {
    it("does not promise SSH through IAP: the deploy connects to the VM's public address", async () => {
        const prod = fs.readFileSync(path.join(__dirname, "..", "..", "docs", "prod.md"), "utf8");
        expect(prod).not.to.match(/IAP range `?35\.235\.240\.0\/20`? works/);
        expect(prod).to.include("IAP TCP\n  forwarding is not supported");
        const run = await deploy();
        expect(get(run, "pulumi:providers:docker", "host-docker").inputs.host).to.equal(`ssh://deploy@${MOCK.vmAddress}`);
    });
});
