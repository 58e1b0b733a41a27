// Prod with `gcp.runtime: cloudrun` (issue 23): the whole program under mocks, from Pulumi.prod.yaml
// moved to Cloud Run. Google's behaviours it relies on are cited in test/support/providers/gcpCloudRun.ts.

import { expect } from "chai";
import { secretNames } from "../../facts/secrets";
import { GRAFANA_OFFLINE_ENV } from "../../renderers/observability/grafana";
import { serviceNames } from "../../facts/services";
import { cloudRunProbeProblems, CLOUD_RUN_PROBES, startupWindowSeconds } from "../../renderers/rollout/health";
import { cloudRunProd, REGISTRY_PASSWORD } from "../support/cloudRun";
import {
    byType,
    containerEnv,
    dependenciesOf,
    MOCK_CLOUD,
    named,
    plainOccurrences,
    ProgramRun,
    Registered,
    runProgram,
    stackFileConfig,
    unwrap,
} from "../support/program";
import { scopeOf } from "../support/scope";

const SERVICE = "gcp:cloudrunv2/service:Service";
const JOB = "gcp:cloudrunv2/job:Job";
const COMMAND = "command:local:Command";
const VERSION = "gcp:secretmanager/secretVersion:SecretVersion";
const GRANT = "gcp:secretmanager/secretIamMember:SecretIamMember";
const CONTAINER = "docker:index/container:Container";

type Env = { name: string; value?: string; valueSource?: { secretKeyRef: { secret: string; version: string } } };

function appContainer(r: Registered): Record<string, any> {
    const inputs = unwrap(r.inputs) as Record<string, any>;
    const containers = r.type === JOB ? inputs.template.template.containers : inputs.template.containers;
    return containers.find((c: { name: string }) => c.name === "app");
}

const envOf = (r: Registered): Env[] => appContainer(r).envs;
const plainEnv = (r: Registered) =>
    Object.fromEntries(
        envOf(r)
            .filter((e) => e.value !== undefined)
            .map((e) => [e.name, e.value]),
    );

describe("prod on Cloud Run (gcp.runtime cloudrun)", function () {
    this.timeout(300_000);
    let run: ProgramRun;
    before(async () => {
        run = await runProgram(cloudRunProd());
        expect(run.error, run.error?.stack).to.equal(undefined);
    });

    it("runs the four apps as Cloud Run services, each with its release job and the step that runs it, and no app on the VM", () => {
        expect(
            byType(run, SERVICE)
                .map((r) => r.name)
                .sort(),
        ).to.deep.equal([...serviceNames].sort());
        expect(
            byType(run, JOB)
                .map((r) => r.name)
                .sort(),
        ).to.deep.equal(serviceNames.map((n) => `${n}-migrate`).sort());
        expect(byType(run, COMMAND).filter((c) => c.name.endsWith("-release")).length).to.equal(4);
        const containers = byType(run, CONTAINER).map((c) => c.name);
        for (const app of serviceNames) expect(containers, app).not.to.include(app);
        // The ops VM keeps the observability stack, and reads Cloud Run's CPU and memory from Cloud Monitoring.
        expect(containers).to.include.members([
            "prometheus",
            "alertmanager",
            "grafana",
            "loki",
            "alloy",
            "stackdriver-exporter",
            "postgres-exporter",
            "redis-exporter",
        ]);
        expect(named(run, "gcp:compute/instance:Instance", "docker-host").inputs.machineType).to.equal("e2-standard-2");
    });

    it("runs the ops VM's observability with the Docker host's own components: Grafana offline, Loki probing itself, node-exporter as upstream runs it", () => {
        expect(containerEnv(named(run, CONTAINER, "grafana"))).to.deep.include(GRAFANA_OFFLINE_ENV);
        expect(unwrap(named(run, CONTAINER, "loki").inputs.healthcheck)).to.deep.include({
            tests: ["CMD", "/busybox/wget", "-q", "-O", "/dev/null", "http://127.0.0.1:3100/ready"],
        });
        expect(byType(run, COMMAND).map((c) => c.name)).not.to.include("loki-ready");
        expect(unwrap(named(run, CONTAINER, "node-exporter").inputs.mounts)).to.deep.equal([
            { type: "bind", source: "/", target: "/host", readOnly: true, bindOptions: { propagation: "rslave" } },
        ]);
        // Alloy starts once Loki is healthy and the log subscription it pulls from exists.
        const alloy = dependenciesOf(run, named(run, CONTAINER, "alloy"));
        expect(alloy).to.include(`${CONTAINER}/loki`);
        expect(alloy.some((d) => d.includes("cloud-run-logs"))).to.equal(true);
        // stackdriver_exporter's image is busybox-based: its wget probes the landing page, which calls no Google API.
        expect(unwrap(named(run, CONTAINER, "stackdriver-exporter").inputs.healthcheck)).to.deep.include({
            tests: ["CMD", "wget", "-q", "-O", "/dev/null", "http://127.0.0.1:9255/"],
        });
    });

    it("keeps every app secret in Secret Manager, one version each, readable only by the services that use it", () => {
        const keys = byType(run, VERSION).map((v) => v.name.replace(/^app-secrets-/, ""));
        expect(keys.sort()).to.deep.equal(
            ["dashboard-api-key", "dashboard-ui-api-key", "database-url", "redis-url", "redis-ca", ...serviceNames.map((n) => `jwt-${n}`)].sort(),
        );
        const readers = (key: string) =>
            byType(run, GRANT)
                .filter((g) => g.name.startsWith(`app-secrets-${key}-`))
                .map((g) => g.name.slice(`app-secrets-${key}-`.length))
                .sort();
        expect(readers("database-url")).to.deep.equal([...serviceNames].sort());
        expect(readers("jwt-ml-service")).to.deep.equal(["ml-service"]);
        expect(readers("dashboard-api-key")).to.deep.equal(["dashboard"]);
        for (const grant of byType(run, GRANT)) expect(grant.inputs.role).to.equal("roles/secretmanager.secretAccessor");
        for (const version of byType(run, VERSION)) expect(version.inputs.deletionPolicy, version.name).to.equal("DISABLE");
    });

    it("passes every secret variable as a reference to the version the program wrote, never as plain env", () => {
        const versions = new Map(byType(run, VERSION).map((v) => [`minimarket-prod-${v.name.replace(/^app-secrets-/, "")}`, v]));
        for (const r of [...byType(run, SERVICE), ...byType(run, JOB)]) {
            const env = envOf(r);
            const secret = env.filter((e) => e.valueSource);
            expect(
                secret.map((e) => e.name),
                r.name,
            ).to.include.members(["DATABASE_URL", "REDIS_URL", "JWT_SECRET_KEY"]);
            for (const e of secret) {
                const ref = e.valueSource!.secretKeyRef;
                expect(versions.has(ref.secret), `${r.name} ${e.name} -> ${ref.secret}`).to.equal(true);
                // A number, the version created from the current value: never "latest".
                expect(ref.version, `${r.name} ${e.name}`).to.match(/^\d+$/);
            }
            for (const e of env.filter((x) => x.value !== undefined)) expect(e.name).not.to.match(/^(DATABASE|REDIS)_URL$|SECRET|_KEY$|PASSWORD/);
        }
    });

    it("keeps every generated secret, the Memorystore AUTH string and the registry password out of plain text, in resources and outputs", () => {
        const needles = [...run.generated, MOCK_CLOUD.redisAuth, REGISTRY_PASSWORD];
        expect(run.generated).to.have.length(secretNames.length);
        for (const needle of needles) {
            for (const r of run.resources) expect(plainOccurrences(r.inputs, needle), `${r.type}/${r.name}`).to.deep.equal([]);
            expect(plainOccurrences(run.outputs, needle)).to.deep.equal([]);
        }
    });

    it("runs the release job before traffic moves: the service waits for the step that runs the job, which waits for the job", () => {
        for (const name of serviceNames) {
            const service = named(run, SERVICE, name);
            const release = named(run, COMMAND, `${name}-release`);
            expect(dependenciesOf(run, service), name).to.include(`${COMMAND}/${name}-release`);
            expect(dependenciesOf(run, release), name).to.include(`${JOB}/${name}-migrate`);
            expect(String(release.inputs.create)).to.equal(
                `gcloud run jobs execute minimarket-prod-${name}-migrate --region southamerica-east1 --project minimarket-prod-4711 --wait --quiet`,
            );
            const job = unwrap(named(run, JOB, `${name}-migrate`).inputs) as Record<string, any>;
            expect(appContainer(named(run, JOB, `${name}-migrate`)).args).to.deep.equal(["alembic", "upgrade", "head"]);
            expect(job.template.template.maxRetries).to.equal(0);
            // The image is in the step's triggers: a new one runs the migration again; a secret is not.
            expect(unwrap(release.inputs.triggers)).to.deep.equal([appContainer(service).image, "alembic upgrade head"]);
        }
    });

    it("makes the dashboard public through the load balancer only, the other services internal, all behind Direct VPC egress", () => {
        for (const name of serviceNames) {
            const s = unwrap(named(run, SERVICE, name).inputs) as Record<string, any>;
            expect(s.ingress, name).to.equal(name === "dashboard" ? "INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER" : "INGRESS_TRAFFIC_INTERNAL_ONLY");
            expect(s.template.vpcAccess).to.deep.equal({ egress: "ALL_TRAFFIC", networkInterfaces: [{ subnetwork: "minimarket-prod-southamerica-east1" }] });
        }
        const neg = unwrap(named(run, "gcp:compute/regionNetworkEndpointGroup:RegionNetworkEndpointGroup", "dashboard-lb").inputs) as Record<string, any>;
        expect(neg.cloudRun).to.deep.equal({ service: "minimarket-prod-dashboard" });
        const certificate = unwrap(named(run, "gcp:compute/managedSslCertificate:ManagedSslCertificate", "dashboard-lb").inputs) as Record<string, any>;
        expect(certificate.managed.domains).to.deep.equal(["minimarket.example.com.ar"]);
        expect(named(run, "gcp:compute/globalAddress:GlobalAddress", "dashboard-lb").options.protect).to.equal(true);
        expect(run.outputs.dnsRecords).to.deep.equal({
            "minimarket.example.com.ar": MOCK_CLOUD.loadBalancerIp,
            "grafana.minimarket.example.com.ar": MOCK_CLOUD.vmAddress,
        });
    });

    it("gives the apps Cloud SQL over its private name with TLS, Memorystore over TLS with its CA, and each other's URLs at runtime", () => {
        const databaseUrl = new URL(String(unwrap(named(run, VERSION, "app-secrets-database-url").inputs.secretData)));
        expect(databaseUrl.hostname).to.equal("postgres.prod.minimarket.internal");
        expect(databaseUrl.searchParams.get("sslmode")).to.equal("require");
        const redisUrl = new URL(String(unwrap(named(run, VERSION, "app-secrets-redis-url").inputs.secretData)));
        expect(redisUrl.protocol).to.equal("rediss:");
        expect(String(unwrap(named(run, VERSION, "app-secrets-redis-ca").inputs.secretData))).to.equal(MOCK_CLOUD.redisCa);
        const dashboard = plainEnv(named(run, SERVICE, "dashboard"));
        expect(dashboard.AGENTE_DEPOSITO_URL).to.equal("https://minimarket-prod-agente-deposito-123456789012.southamerica-east1.run.app");
        expect(dashboard.ML_PREDICTOR_URL).to.equal("https://minimarket-prod-ml-service-123456789012.southamerica-east1.run.app");
        expect(dashboard.REDIS_SSL_CA_CERTS).to.equal("/etc/minimarket/redis-ca.pem");
        expect(dashboard.DATABASE_POOL_SIZE).to.equal("5");
        expect(appContainer(named(run, SERVICE, "dashboard")).volumeMounts).to.deep.equal([{ name: "files", mountPath: "/etc/minimarket" }]);
    });

    it("probes /health at start and while running, within what Cloud Run accepts, and gives a new instance time to connect", () => {
        for (const name of serviceNames) {
            const app = appContainer(named(run, SERVICE, name));
            expect(app.startupProbe.httpGet.path).to.equal("/health");
            expect(app.livenessProbe.httpGet.path).to.equal("/health");
        }
        expect(cloudRunProbeProblems("startup", CLOUD_RUN_PROBES.startup)).to.deep.equal([]);
        expect(cloudRunProbeProblems("liveness", CLOUD_RUN_PROBES.liveness)).to.deep.equal([]);
        // Direct VPC egress can take a minute or more to connect a new instance.
        expect(startupWindowSeconds(CLOUD_RUN_PROBES.startup)).to.be.at.least(120);
        expect(cloudRunProbeProblems("startup", { ...CLOUD_RUN_PROBES.startup, periodSeconds: 241 })).to.deep.equal(["periodSeconds must be 1 to 240"]);
        expect(cloudRunProbeProblems("liveness", { ...CLOUD_RUN_PROBES.liveness, timeoutSeconds: 15 })).to.have.length(1);
    });

    it("sizes each service from gcp.cloudRun and its services.<service> limits, with the metrics agent beside the app", () => {
        const s = unwrap(named(run, SERVICE, "ml-service").inputs) as Record<string, any>;
        expect(s.template.scaling).to.deep.equal({ minInstanceCount: 1, maxInstanceCount: 3 });
        expect(s.template.maxInstanceRequestConcurrency).to.equal(40);
        expect(appContainer(named(run, SERVICE, "ml-service")).resources).to.deep.equal({
            limits: { cpu: "2", memory: "2048Mi" },
            cpuIdle: false,
            startupCpuBoost: true,
        });
        const agent = s.template.containers.find((c: { name: string }) => c.name === "metrics-agent");
        expect(agent.image).to.equal("prom/prometheus:v3.5.5");
        expect(agent.envs[0].value).to.include("url: http://ops.prod.minimarket.internal:9090/api/v1/write").and.include("service: ml-service");
        expect(unwrap(named(run, "gcp:dns/recordSet:RecordSet", "network-internal-ops").inputs)).to.deep.include({ rrdatas: [MOCK_CLOUD.vmInternalIp] });
    });

    it("opens the ops VM's Prometheus to the subnet only, on its private address, for the agents' remote writes", () => {
        const rule = unwrap(named(run, "gcp:compute/firewall:Firewall", "network-allow-metrics").inputs) as Record<string, any>;
        expect(rule.sourceRanges).to.deep.equal(["10.20.0.0/24"]);
        expect(rule.allows).to.deep.equal([{ protocol: "tcp", ports: ["9090"] }]);
        const prometheus = unwrap(named(run, CONTAINER, "prometheus").inputs) as Record<string, any>;
        expect(prometheus.ports).to.deep.include({ internal: 9090, external: 9090, ip: MOCK_CLOUD.vmInternalIp });
        expect(prometheus.command).to.include("--web.enable-remote-write-receiver");
    });

    it("outputs the capacity model, where each service is served, and what to point DNS at", () => {
        const capacity = run.outputs.capacity as Record<string, any>;
        expect(capacity.requestsPerSecond.system).to.deep.equal({ atMinInstances: 80, atMaxInstances: 240 });
        expect(capacity.databaseConnections).to.equal("82 of 97");
        const services = unwrap(run.outputs.cloudRunServices) as Record<string, any>;
        expect(services.dashboard).to.deep.equal({
            url: "https://minimarket-prod-dashboard-123456789012.southamerica-east1.run.app",
            latestReady: "minimarket-prod-dashboard-00001-abc",
            serving: "latest ready revision",
        });
        expect(run.outputs.dashboardUrl).to.equal("https://minimarket.example.com.ar");
    });
});

describe("a Cloud Run config that cannot work is refused before any resource exists", function () {
    this.timeout(120_000);

    it("refuses instances × pool beyond Cloud SQL's connections, naming the keys and the fixes", async () => {
        const run = await runProgram(cloudRunProd({ gcp: { cloudRun: { dashboard: { maxInstances: 10, poolSize: 10 } } } }));
        expect(run.error?.message).to.include("minimarket:gcp.cloudRun: the Cloud Run instances can open 172 connections to Cloud SQL");
        expect(run.error?.message).to.include("gcp.cloudRun.databaseMaxConnections");
        expect(run.resources).to.deep.equal([]);
    });

    it("refuses Pulumi.prod.yaml's fractional CPUs and its Redis container, each with its fix", async () => {
        const run = await runProgram({
            stack: "prod",
            rawConfig: { "minimarket:gcp": JSON.stringify({ ...JSON.parse(stackFileConfig("prod").values["minimarket:gcp"]), runtime: "cloudrun" }) },
        });
        expect(run.error?.message)
            .to.include("minimarket:gcp.redis.mode: must be memorystore")
            .and.include("minimarket:services.dashboard.cpus: 0.5 CPUs is not a Cloud Run size");
        expect(run.resources).to.deep.equal([]);
    });
});

describe("standard changes on Cloud Run touch only what they must", function () {
    this.timeout(300_000);
    let base: ProgramRun;
    before(async () => {
        base = await runProgram(cloudRunProd());
        expect(base.error, base.error?.stack).to.equal(undefined);
    });

    async function scope(edits: Parameters<typeof cloudRunProd>[0]) {
        const after = await runProgram(cloudRunProd(edits));
        expect(after.error, after.error?.stack).to.equal(undefined);
        return scopeOf(base, after);
    }

    it("an image bump updates that service's revision and job, and runs its release again", async () => {
        const image = "southamerica-east1-docker.pkg.dev/minimarket-prod-4711/minimarket/ml-service:2.2.0";
        expect(await scope({ services: { "ml-service": { image } } })).to.deep.equal({
            "service/ml-service": "update",
            "job/ml-service-migrate": "update",
            "command/ml-service-release": "replace",
        });
    });

    it("more memory is a new revision of that service (its job gets the same limit), nothing else", async () => {
        expect(await scope({ services: { dashboard: { memoryMb: 1024 } } })).to.deep.equal({
            "service/dashboard": "update",
            "job/dashboard-migrate": "update",
        });
    });

    it("a new minimum of instances changes only that service", async () => {
        expect(await scope({ gcp: { cloudRun: { "agente-negocio": { minInstances: 2 } } } })).to.deep.equal({ "service/agente-negocio": "update" });
    });

    /** The cloudrun stack with `values` set by `pulumi config set --secret <key>`. */
    function withSecrets(values: Record<string, unknown>) {
        const settings = cloudRunProd();
        return { ...settings, config: { ...settings.config, ...values }, secretKeys: [...(settings.secretKeys ?? []), ...Object.keys(values)] };
    }

    it("a secret set again with `pulumi config set --secret` is a new version and new revisions of its readers only, never in plain text", async () => {
        const first = await runProgram(withSecrets({ jwtSecretNegocio: "a".repeat(40), secretEnv: { "ml-service": { OCR_API_TOKEN: "b".repeat(24) } } }));
        expect(first.error, first.error?.stack).to.equal(undefined);
        const jwt = "c".repeat(40);
        const token = "d".repeat(24);
        const jwtAgain = await runProgram(withSecrets({ jwtSecretNegocio: jwt, secretEnv: { "ml-service": { OCR_API_TOKEN: "b".repeat(24) } } }));
        expect(scopeOf(first, jwtAgain)).to.deep.equal({
            "secretVersion/app-secrets-jwt-agente-negocio": "replace",
            "service/agente-negocio": "update",
            "job/agente-negocio-migrate": "update",
        });
        // A service's own secretEnv value is a secret of that service alone.
        const tokenAgain = await runProgram(withSecrets({ jwtSecretNegocio: "a".repeat(40), secretEnv: { "ml-service": { OCR_API_TOKEN: token } } }));
        expect(scopeOf(first, tokenAgain)).to.deep.equal({
            "secretVersion/app-secrets-ml-service-ocr-api-token": "replace",
            "service/ml-service": "update",
            "job/ml-service-migrate": "update",
        });
        for (const [run, value] of [
            [jwtAgain, jwt],
            [tokenAgain, token],
        ] as const) {
            for (const r of run.resources) expect(plainOccurrences(r.inputs, value), `${r.type}/${r.name}`).to.deep.equal([]);
            expect(plainOccurrences(run.outputs, value)).to.deep.equal([]);
        }
    });

    it("a rollback is one key: all traffic to the named revision, no new revision, nothing else", async () => {
        const pinned = await runProgram(cloudRunProd({ gcp: { cloudRun: { dashboard: { serveRevision: "minimarket-prod-dashboard-00041-xyz" } } } }));
        expect(scopeOf(base, pinned)).to.deep.equal({ "service/dashboard": "update" });
        const traffic = (r: ProgramRun) => unwrap(named(r, SERVICE, "dashboard").inputs.traffics);
        expect(traffic(pinned)).to.deep.equal([
            { type: "TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION", revision: "minimarket-prod-dashboard-00041-xyz", percent: 100 },
        ]);
        expect(traffic(base)).to.deep.equal([{ type: "TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST", percent: 100 }]);
        const template = (r: ProgramRun) => JSON.stringify(unwrap(named(r, SERVICE, "dashboard").inputs.template));
        expect(template(pinned)).to.equal(template(base));
    });
});
