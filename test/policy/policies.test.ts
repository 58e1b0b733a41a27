// Each policy both ways: a resource of the real program passes, and the same resource with the one
// thing the policy guards changed violates it, with a message that says what, why and the fix.
// Resources reach the policies as the engine hands them over (scripts/policy/evaluate.ts).
// Every message is also compared with test/policy/golden/messages.json, word for word: the
// reason and the fix are what a reviewer acts on. Regenerate deliberately with UPDATE_GOLDEN=1
// (all the tests of this file) and review the diff.

import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { RecordedResource } from "../../scripts/policy/evaluate";
import { changed, made, programRun, recorded, secret, UNKNOWN, violationsOf } from "./support";

const CONTAINER = "docker:index/container:Container";
const IMAGE = "docker:index/remoteImage:RemoteImage";
const SQL = "gcp:sql/databaseInstance:DatabaseInstance";
const FIREWALL = "gcp:compute/firewall:Firewall";
const COMMAND = "command:local:Command";
const PASSWORD = "random:index/randomPassword:RandomPassword";

type Props = Record<string, any>;

const GOLDEN = path.join(__dirname, "golden", "messages.json");
const updating = process.env.UPDATE_GOLDEN === "1";
// Updating replaces the entries of the cases that ran and keeps the others.
const golden: Record<string, string[]> = fs.existsSync(GOLDEN) ? JSON.parse(fs.readFileSync(GOLDEN, "utf8")) : {};

/** Asserts that `policy` passes `good` and reports each of `bad` with a message matching `says`, and the golden one. */
function bothWays(policy: string, good: RecordedResource[], bad: RecordedResource[], says: RegExp, stack = "staging"): void {
    expect(violationsOf(policy, good, stack), `${policy} on the passing resources`).to.deep.equal([]);
    bad.forEach((b, i) => {
        const found = violationsOf(policy, [...good.filter((g) => g.name !== b.name || g.type !== b.type), b], stack);
        expect(found, `${policy} on ${b.name}`).to.have.length.greaterThan(0);
        for (const v of found) {
            expect(v.message).to.match(says);
            expect(v.message, "names the reason and the fix").to.match(/Why: .+\. Fix: .+\./);
        }
        const key = `${policy} #${i + 1} ${b.name}`;
        const messages = found.map((v) => v.message);
        if (updating) golden[key] = messages;
        else expect(messages, `${key}: the messages in ${GOLDEN} (UPDATE_GOLDEN=1 to regenerate)`).to.deep.equal(golden[key]);
    });
}

const env = (r: RecordedResource) => r.inputs.envs as Props;

describe("policy pack, each policy both ways", function () {
    this.timeout(120_000);
    after(() => {
        if (updating) fs.writeFileSync(GOLDEN, JSON.stringify(golden, Object.keys(golden).sort(), 2) + "\n");
    });
    let postgres: RecordedResource;
    let redis: RecordedResource;
    let proxy: RecordedResource;
    let dashboard: RecordedResource;
    let cadvisor: RecordedResource;
    let grafana: RecordedResource;
    let sql: RecordedResource;
    let web: RecordedResource;
    let ssh: RecordedResource;
    before(async () => {
        await Promise.all([programRun("staging"), programRun("prod")]);
        postgres = await recorded("staging", CONTAINER, "postgres");
        redis = await recorded("staging", CONTAINER, "redis");
        proxy = await recorded("staging", CONTAINER, "proxy");
        dashboard = await recorded("staging", CONTAINER, "dashboard");
        cadvisor = await recorded("staging", CONTAINER, "cadvisor");
        grafana = await recorded("staging", CONTAINER, "grafana");
        sql = await recorded("prod", SQL, "postgres");
        web = await recorded("prod", FIREWALL, "network-allow-web");
        ssh = await recorded("prod", FIREWALL, "network-allow-ssh");
    });

    it("data-services-publish-no-host-port: PostgreSQL, Redis or an exporter with a host port, even on 127.0.0.1, or any container publishing a data port", () => {
        bothWays(
            "data-services-publish-no-host-port",
            [postgres, redis, proxy],
            [
                changed(postgres, (p) => (p.ports = [{ internal: 5432, external: 15432, ip: "127.0.0.1" }])),
                changed(dashboard, (p) => (p.ports = [{ internal: 6379, external: 6379 }]), "sidecar"),
            ],
            /publishes .*:(15432->5432|6379->6379)\/tcp/,
        );
    });

    it("only-people-ports-published: an app published on every address, or the proxy publishing a port that is no site", () => {
        const prometheus = changed(proxy, (p) => (p.ports = [{ internal: 9090, external: 9090, ip: "127.0.0.1" }]), "prometheus");
        bothWays(
            "only-people-ports-published",
            [proxy, prometheus],
            [
                changed(dashboard, (p) => (p.ports = [{ internal: 8080, external: 8080, ip: "0.0.0.0" }])),
                changed(proxy, (p) => p.ports.push({ internal: 2019, external: 2019 })),
            ],
            /publishes 0\.0\.0\.0:(8080->8080|2019->2019)\/tcp on every address/,
        );
    });

    it("images-pinned-on-prod: latest, no tag or a moving tag on prod; a checked release and an image ID pass", () => {
        const image = (name: string) => made(IMAGE, `image-${name}`, { name });
        const onProd = (r: RecordedResource) => violationsOf("images-pinned-on-prod", [r], "prod");
        expect(onProd(image("registry.example.com/minimarket/dashboard:1.9.3"))).to.deep.equal([]);
        expect(onProd(image("postgres:17.11-bookworm")), "facts/images.ts's checked release").to.deep.equal([]);
        expect(onProd(changed(dashboard, (p) => (p.image = "sha256:0123abcd")))).to.deep.equal([]);
        bothWays("images-pinned-on-prod", [image("redis:7.4.11-bookworm")], [image("redis:latest"), image("redis")], /not pinned/, "prod");
        bothWays("images-pinned-on-prod", [], [image("redis:7.4"), image("grafana/grafana:main")], /tag `(7\.4|main)` is moved to newer images/, "prod");
        bothWays(
            "images-pinned-on-prod",
            [],
            [changed(dashboard, (p) => (p.image = "minimarket/dashboard:latest"))],
            /`dashboard` runs `minimarket\/dashboard:latest`/,
            "prod",
        );
        expect(violationsOf("images-pinned-on-prod", [image("redis:latest")], "staging"), "prod only").to.deep.equal([]);
    });

    it("images-pinned-outside-prod (advisory): latest on staging is reported, not blocking", () => {
        const found = violationsOf("images-pinned-outside-prod", [made(IMAGE, "image-x", { name: "minimarket/dashboard:latest" })]);
        expect(found.map((v) => v.level)).to.deep.equal(["advisory"]);
        expect(violationsOf("images-pinned-outside-prod", [made(IMAGE, "image-x", { name: "minimarket/dashboard:3.1.0" })])).to.deep.equal([]);
        expect(violationsOf("images-pinned-outside-prod", [made(IMAGE, "image-x", { name: "minimarket/dashboard:latest" })], "prod")).to.deep.equal([]);
    });

    it("credentials-only-in-secret-places: a generated secret in a label, a command or a plain-named variable; a password URL in a command", async () => {
        const staging = await programRun("staging");
        const passwords = staging.resources.filter((r) => r.type === PASSWORD) as RecordedResource[];
        const generated = passwords.find((p) => p.name === "redisPassword")!.outputs.result as string;
        const context = [...passwords, postgres, redis, dashboard];
        bothWays(
            "credentials-only-in-secret-places",
            context,
            [
                changed(redis, (p) => p.labels.push({ label: "debug", value: generated })),
                changed(redis, (p) => (p.healthcheck.tests = ["CMD", "redis-cli", "-a", generated, "ping"])),
                changed(dashboard, (p) => env({ inputs: p } as RecordedResource).value.push(`NOTE=${generated}`)),
                changed(dashboard, (p) => (p.command = ["python", "-c", "x", "postgresql://app:hunter2-but-long@postgres/db"])),
                made(COMMAND, "seed", { create: `psql -c "ALTER ROLE app PASSWORD '${generated}'"` }),
            ],
            /carries a credential in `(labels\[3\]\.value|healthcheck\.tests\[3\]|command\[3\]|create)`|passes a credential in the variable `NOTE`/,
        );
        const messages = violationsOf("credentials-only-in-secret-places", [
            ...context,
            changed(redis, (p) => p.labels.push({ label: "debug", value: generated })),
        ]);
        expect(JSON.stringify(messages), "never repeats the secret").not.to.include(generated);
    });

    it("container-health-check: a long-running container without a probe; the listed distroless images and one-off tasks pass", () => {
        const loki = changed(
            postgres,
            (p) => ((p.labels.find((l: Props) => l.label === "com.minimarket.service").value = "loki"), delete p.healthcheck),
            "loki",
        );
        const task = changed(postgres, (p) => ((p.rm = true), delete p.healthcheck), "task");
        bothWays(
            "container-health-check",
            [postgres, loki, task],
            [changed(postgres, (p) => delete p.healthcheck), changed(postgres, (p) => (p.healthcheck.tests = ["NONE"]))],
            /has no health check/,
        );
    });

    it("container-memory-limit: no memory, or 0", () => {
        bothWays(
            "container-memory-limit",
            [postgres],
            [changed(postgres, (p) => delete p.memory), changed(postgres, (p) => (p.memory = 0))],
            /has no memory limit/,
        );
    });

    it("container-log-rotation: json-file without max-size, or the daemon's default; the local driver passes", () => {
        const local = changed(postgres, (p) => ((p.logDriver = "local"), delete p.logOpts), "local");
        bothWays(
            "container-log-rotation",
            [postgres, local],
            [
                changed(postgres, (p) => delete p.logOpts["max-size"]),
                changed(postgres, (p) => delete p.logDriver),
                // Thrown away is no rotation: Alloy and Loki would never see the logs.
                changed(postgres, (p) => (p.logDriver = "none")),
                changed(postgres, (p) => (p.logDriver = "syslog-ng")),
            ],
            /json-file logs without `max-size`|leaves its log driver to the daemon's default|logs to `(none|syslog-ng)`/,
        );
    });

    it("container-restart-policy: no, or none given", () => {
        bothWays(
            "container-restart-policy",
            [postgres],
            [changed(postgres, (p) => (p.restart = "no")), changed(postgres, (p) => delete p.restart)],
            /restart policy `no`/,
        );
    });

    it("container-stop-grace: none, or under 30 s for a data service; 10 s is enough for an app", () => {
        const app = changed(dashboard, (p) => (p.destroyGraceSeconds = 10));
        bothWays(
            "container-stop-grace",
            [postgres, app],
            [changed(postgres, (p) => delete p.destroyGraceSeconds), changed(postgres, (p) => (p.destroyGraceSeconds = 10))],
            /gets (0|10)s to stop.*at least 30/,
        );
    });

    it("only-cadvisor-privileged: Grafana privileged, or with SYS_ADMIN", () => {
        bothWays(
            "only-cadvisor-privileged",
            [cadvisor, grafana],
            [
                changed(grafana, (p) => (p.privileged = true)),
                changed(grafana, (p) => (p.capabilities = { adds: ["SYS_ADMIN"] })),
                // Only the capabilities that amount to privileged are named; the resource name when it is not the service.
                changed(grafana, (p) => (p.capabilities = { adds: ["NET_BIND_SERVICE", "sys_admin", "ALL"] }), "grafana-copy"),
            ],
            /runs privileged|adds SYS_ADMIN/,
        );
    });

    it("host-access-granted: the granted host PID, mounts, socket and device pass; anything beyond, or the grant of another service, is reported", async () => {
        const nodeExporter = await recorded("staging", CONTAINER, "node-exporter");
        const alloy = await recorded("staging", CONTAINER, "alloy");
        const backup = await recorded("staging", CONTAINER, "backup");
        const bind = (source: string, readOnly: boolean) => ({ type: "bind", source, target: "/mnt", readOnly });
        bothWays(
            "host-access-granted",
            [nodeExporter, cadvisor, alloy, backup, grafana, postgres],
            [
                // main's node-exporter: host PID and / read-only are granted, the host's network is not.
                changed(nodeExporter, (p) => (p.networkMode = "host")),
                changed(grafana, (p) => (p.pidMode = "host")),
                // Two at once, on a container whose resource name is not its service.
                changed(grafana, (p) => Object.assign(p, { ipcMode: "host", devices: [{ hostPath: "/dev/sda" }] }), "grafana-copy"),
                changed(grafana, (p) => (p.ipcMode = "host")),
                changed(grafana, (p) => (p.usernsMode = "host")),
                changed(grafana, (p) => (p.cgroupnsMode = "host")),
                // The Docker socket is Alloy's alone; a granted read-only path is not writable.
                changed(grafana, (p) => (p.volumes = [{ hostPath: "/var/run/docker.sock", containerPath: "/var/run/docker.sock", readOnly: true }])),
                changed(nodeExporter, (p) => (p.mounts = [bind("/", false)])),
                changed(postgres, (p) => (p.mounts = [...(p.mounts ?? []), bind("/etc", true)])),
                changed(cadvisor, (p) => (p.devices = [{ hostPath: "/dev/mem" }])),
                changed(backup, (p) => p.volumes.push({ hostPath: "/var/lib/minimarket", containerPath: "/x", readOnly: false })),
            ],
            /reaches (`(pidMode|ipcMode|networkMode|usernsMode|cgroupnsMode): host`|the host's `(\/var\/run\/docker.sock|\/|\/etc|\/var\/lib\/minimarket)` (read-only|writable)|the host's device `\/dev\/mem`)(, the host's device `\/dev\/sda`)?\..*HOST_GRANTS/,
        );
        const [found] = violationsOf("host-access-granted", [changed(grafana, (p) => (p.pidMode = "host"))]);
        expect(found.message).to.match(/`grafana` reaches `pidMode: host`\. Why: /);
        // A volume backed by Docker, or a bridge network, is no host access.
        expect(violationsOf("host-access-granted", [changed(grafana, (p) => (p.networkMode = "bridge"))])).to.deep.equal([]);
    });

    it("data-services-off-service-network: PostgreSQL on the service network, or on the host's", () => {
        bothWays(
            "data-services-off-service-network",
            [postgres, dashboard],
            [
                changed(postgres, (p) => p.networksAdvanced.push({ name: "minimarket-staging-services", aliases: ["postgres"] })),
                changed(postgres, (p) => (p.networkMode = "host")),
            ],
            /attached to the service network `minimarket-staging-services`|uses the host's network/,
        );
    });

    it("Cloud SQL on prod: public IP, no PITR, zonal (advisory), no deletion protection, few or dropped backups; staging's is not checked", () => {
        const settings = (f: (s: Props) => void) => changed(sql, (p) => f(p.settings));
        bothWays(
            "cloudsql-private-ip-only",
            [sql],
            [settings((s) => (s.ipConfiguration.ipv4Enabled = true)), settings((s) => s.ipConfiguration.authorizedNetworks.push({ value: "0.0.0.0/0" }))],
            /public IPv4|authorizes 0\.0\.0\.0\/0/,
            "prod",
        );
        bothWays(
            "cloudsql-point-in-time-recovery",
            [sql],
            [settings((s) => (s.backupConfiguration.pointInTimeRecoveryEnabled = false))],
            /no point-in-time recovery/,
            "prod",
        );
        bothWays("cloudsql-high-availability", [sql], [settings((s) => (s.availabilityType = "ZONAL"))], /is zonal/, "prod");
        expect(violationsOf("cloudsql-high-availability", [settings((s) => (s.availabilityType = "ZONAL"))], "prod")[0].level).to.equal("advisory");
        bothWays(
            "cloudsql-deletion-protection",
            [sql],
            [changed(sql, (p) => (p.deletionProtection = false)), settings((s) => delete s.deletionProtectionEnabled)],
            /`deletionProtection` \(the provider's guard\) is off|the API's guard/,
            "prod",
        );
        bothWays(
            "cloudsql-backups-retained",
            [sql],
            [settings((s) => (s.backupConfiguration.backupRetentionSettings.retainedBackups = 3)), settings((s) => (s.retainBackupsOnDelete = false))],
            /keeps only 3 backups|deletes its backups with the instance/,
            "prod",
        );
        const onStaging = changed(sql, (p) => ((p.settings.userLabels.environment = "staging"), (p.settings.ipConfiguration.ipv4Enabled = true)));
        expect(violationsOf("cloudsql-private-ip-only", [onStaging], "staging")).to.deep.equal([]);
    });

    it("firewall-people-ports-only: SSH or a data port from anywhere, every port, or a rule with no source at all", () => {
        bothWays(
            "firewall-people-ports-only",
            [web, ssh],
            [
                changed(ssh, (p) => (p.sourceRanges = ["0.0.0.0/0"])),
                changed(ssh, (p) => (p.allows = [{ protocol: "tcp", ports: ["22", "5432"] }])),
                changed(web, (p) => (p.allows = [{ protocol: "all" }])),
                changed(web, (p) => ((p.allows = [{ protocol: "tcp", ports: ["8000-8100"] }]), delete p.sourceRanges)),
            ],
            /opens (22|5432|every port|8000-8100) \((tcp|all)\) to/,
            "prod",
        );
    });

    it("redis-requires-password: no --requirepass, or an empty password; Memorystore with AUTH off", () => {
        const memorystore = (authEnabled: boolean) => made("gcp:redis/instance:Instance", "memorystore", { authEnabled, tier: "STANDARD_HA" });
        bothWays(
            "redis-requires-password",
            [redis, memorystore(true)],
            [
                changed(redis, (p) => (p.command = ["redis-server", "--appendonly", "yes"])),
                changed(redis, (p) => (env({ inputs: p } as RecordedResource).value = ["REDIS_PASSWORD="])),
                memorystore(false),
            ],
            /starts without `--requirepass`|`\$REDIS_PASSWORD`, which is empty|AUTH off/,
        );
    });

    it('values not known during a preview are left for `up`: no violation and no "can\'t run" note', () => {
        const unknownImage = changed(dashboard, (p) => (p.image = UNKNOWN));
        const unknownNetworks = changed(postgres, (p) => (p.networksAdvanced = [{ name: UNKNOWN, aliases: ["postgres"] }]));
        const unknownEnv = changed(redis, (p) => (p.envs = secret(UNKNOWN)));
        const unknownHealth = changed(postgres, (p) => (p.healthcheck = UNKNOWN));
        for (const [policy, r] of [
            ["images-pinned-on-prod", unknownImage],
            ["data-services-off-service-network", unknownNetworks],
            ["redis-requires-password", unknownEnv],
            ["container-health-check", unknownHealth],
        ] as const) {
            expect(violationsOf(policy, [r], "prod"), policy).to.deep.equal([]);
        }
    });
});
