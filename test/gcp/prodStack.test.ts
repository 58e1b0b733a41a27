// The prod stack as `pulumi up --stack prod` runs it: the committed Pulumi.prod.yaml, the
// registry password set with --secret, the whole program under mocks.

import { expect } from "chai";
import { byType, containerEnv, MOCK_CLOUD, named, plainOccurrences, ProgramRun, runProgram, stackFileConfig, unwrap } from "../support/program";

const registryPassword = { config: { registryPassword: "eyJ0eXBlIjoic2VydmljZV9hY2NvdW50In0=" }, secretKeys: ["registryPassword"] };
const CONTAINER = "docker:index/container:Container";

/** `minimarket:gcp` of Pulumi.prod.yaml with some fields changed. */
function withGcp(fields: Record<string, unknown>): Record<string, string> {
    const gcp = JSON.parse(stackFileConfig("prod").values["minimarket:gcp"]) as Record<string, unknown>;
    return { "minimarket:gcp": JSON.stringify({ ...gcp, ...fields }) };
}

function componentTypes(run: ProgramRun): string[] {
    return [...new Set(run.resources.filter((r) => r.type.startsWith("minimarket:")).map((r) => r.type))].sort();
}

describe("prod stack from Pulumi.prod.yaml", () => {
    let prod: ProgramRun;
    let staging: ProgramRun;
    before(async () => {
        prod = await runProgram({ stack: "prod", ...registryPassword, rawConfig: withGcp({ dnsReady: true }) });
        staging = await runProgram({ stack: "staging" });
        expect(prod.error, prod.error?.stack).to.equal(undefined);
    });

    it("needs no registry secret: the deployer's short-lived token pulls the images", async () => {
        const run = await runProgram({ stack: "prod" });
        expect(run.error).to.equal(undefined);
        const auth = named(run, "pulumi:providers:docker", "host-docker").inputs.registryAuth;
        expect(JSON.parse(String(auth))).to.deep.equal([{ address: "southamerica-east1-docker.pkg.dev" }]);
    });

    it("starts no Caddy until gcp.dnsReady, and says what to do next", async () => {
        const run = await runProgram({ stack: "prod" });
        expect(componentTypes(run)).not.to.include("minimarket:proxy:CaddyProxy");
        expect(byType(run, CONTAINER).map((c) => c.name)).not.to.include("proxy");
        const steps = (run.outputs.nextSteps as string[]).join("\n");
        expect(steps).to.include(`A record minimarket.example.com.ar -> ${MOCK_CLOUD.vmAddress}`);
        expect(steps).to.include("run `scripts/stack.sh --stack prod config set --path gcp.dnsReady true` and `scripts/stack.sh --stack prod up`");
    });

    it("rejects a latest image", async () => {
        const run = await runProgram({
            stack: "prod",
            ...registryPassword,
            rawConfig: { "minimarket:services": JSON.stringify({ dashboard: { image: "southamerica-east1-docker.pkg.dev/p/minimarket/dashboard:latest" } }) },
        });
        expect(run.error?.message).to.include("minimarket:services.dashboard.image");
        expect(run.error?.message).to.include("is not pinned");
        expect(run.resources).to.deep.equal([]);
    });

    it("runs the same app and observability components as staging; only the platform differs", () => {
        const platformOnly = (types: string[]) => types.filter((t) => !/^minimarket:(gcp|proxy|data|backup):/.test(t));
        expect(platformOnly(componentTypes(prod))).to.deep.equal(platformOnly(componentTypes(staging)));
        expect(componentTypes(prod)).to.include.members(["minimarket:gcp:CloudSqlPostgres", "minimarket:gcp:DockerHostVm", "minimarket:proxy:CaddyProxy"]);
        expect(componentTypes(prod)).not.to.include("minimarket:data:PostgresContainer");
        for (const name of ["prometheus", "alertmanager", "grafana", "loki", "alloy", "postgres-exporter", "redis-exporter", "cadvisor", "node-exporter"]) {
            named(prod, CONTAINER, name);
        }
    });

    it("points the docker provider at the VM over ssh", () => {
        expect(named(prod, "pulumi:providers:docker", "host-docker").inputs.host).to.equal(`ssh://deploy@${MOCK_CLOUD.vmAddress}`);
        for (const c of byType(prod, CONTAINER)) expect(c.provider, c.name).to.match(/host-docker/);
    });

    it("gives the apps and the exporter the Cloud SQL endpoint over TLS", () => {
        const db = new URL(containerEnv(named(prod, CONTAINER, "agente-deposito")).DATABASE_URL);
        expect(db.hostname).to.equal("postgres.prod.minimarket.internal");
        expect(db.searchParams.get("sslmode")).to.equal("require");
        const dsn = new URL(containerEnv(named(prod, CONTAINER, "postgres-exporter")).DATA_SOURCE_NAME);
        expect(dsn.hostname).to.equal("postgres.prod.minimarket.internal");
        expect(dsn.username).to.equal("minimarket_monitor");
        expect(dsn.searchParams.get("sslmode")).to.equal("require");
    });

    it("publishes only the HTTPS entry point to the world", () => {
        for (const c of byType(prod, CONTAINER)) {
            const ports = (unwrap(c.inputs.ports) ?? []) as Array<{ external: number; ip: string }>;
            const world = ports.filter((p) => p.ip !== "127.0.0.1");
            if (c.name === "proxy") expect(world.map((p) => p.external).sort()).to.deep.equal([443, 80]);
            else expect(world, c.name).to.deep.equal([]);
        }
    });

    it("keeps every secret secret, the registry password too", () => {
        for (const needle of [...prod.generated, "eyJ0eXBlIjoic2VydmljZV9hY2NvdW50In0="]) {
            for (const r of prod.resources) expect(plainOccurrences(r.inputs, needle), `${r.type}/${r.name}`).to.deep.equal([]);
            expect(plainOccurrences(prod.outputs, needle)).to.deep.equal([]);
        }
    });

    it("outputs the public URLs, the VM address and the Cloud SQL connection name", () => {
        expect(prod.outputs.dashboardUrl).to.equal("https://minimarket.example.com.ar");
        expect(prod.outputs.grafanaUrl).to.equal("https://grafana.minimarket.example.com.ar");
        expect(prod.outputs.vmAddress).to.equal(MOCK_CLOUD.vmAddress);
        expect(String(prod.outputs.cloudSqlConnectionName)).to.match(/^minimarket-prod-4711:southamerica-east1:/);
        expect(prod.outputs.standIns).to.deep.equal([]);
    });
});
