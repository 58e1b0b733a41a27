// The deploy figures of the declared stacks: probe wait on a fresh deploy's critical path, and
// each service's unavailability for an image bump or a rotation. docs/operations.md quotes them.
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { containerFacts, criticalPath, DeclaredResource, deployFigures, unavailability, unavailabilityTable } from "../../renderers/rollout/figures";
import { PROBE_TIMING, waitTimeoutSeconds } from "../../renderers/rollout/health";
import { ProgramRun, runProgram, stackFileConfig } from "../support/program";
import { realImages } from "../support/staging";
import { declaredResources } from "./declared";

const CONTAINER = "docker:index/container:Container";
const APPS = ["agente-deposito", "agente-negocio", "ml-service", "dashboard"];
const operations = fs.readFileSync(path.join(__dirname, "..", "..", "docs", "operations.md"), "utf8");

/** A container as the program declares one, for hand-built graphs. */
function container(name: string, deps: string[], hc: { interval: string; startInterval?: string }, dbr?: boolean): DeclaredResource {
    return {
        type: CONTAINER,
        name,
        inputs: { healthcheck: hc, wait: true, labels: [{ label: "com.minimarket.service", value: name }] },
        deleteBeforeReplace: dbr,
        dependsOn: deps.map((d) => `${CONTAINER}/${d}`),
    };
}

describe("deploy figures, computed from the declared resources", () => {
    let staging: ProgramRun;
    let prod: ProgramRun;
    before(async () => {
        staging = await runProgram(realImages);
        // With DNS pointed at the VM, so the proxy (and its place in the figures) is declared.
        const gcp = JSON.parse(stackFileConfig("prod").values["minimarket:gcp"]);
        prod = await runProgram({
            stack: "prod",
            config: { registryPassword: "eyJ0eXBlIjoic2VydmljZV9hY2NvdW50In0=", gcp: { ...gcp, dnsReady: true } },
            secretKeys: ["registryPassword"],
        });
        expect(staging.error, staging.error?.stack).to.equal(undefined);
        expect(prod.error, prod.error?.stack).to.equal(undefined);
    });

    it("reproduces the old figure: first probes a full interval apart, 10 + 15 + 15 + 15 s along the start order", () => {
        const old = [
            container("postgres", [], { interval: "10s" }),
            container("agente-deposito", ["postgres"], { interval: "15s" }),
            container("agente-negocio", ["agente-deposito"], { interval: "15s" }),
            container("ml-service", ["postgres"], { interval: "15s" }),
            container("dashboard", ["agente-negocio", "ml-service"], { interval: "15s" }),
        ];
        const path = criticalPath(old);
        expect(path.probeWait).to.equal(55);
        expect(path.gates.map((g) => g.key.split("/").pop())).to.deep.equal(["postgres", "agente-deposito", "agente-negocio", "dashboard"]);
    });

    it("staging: at most 5 s of probe wait on the fresh-deploy critical path (PostgreSQL → agente-deposito → agente-negocio → dashboard)", () => {
        const f = deployFigures(declaredResources(staging));
        expect(f.freshDeploy.probeWait).to.be.at.most(5);
        expect(f.freshDeploy.probeWait).to.equal(4);
        expect(f.freshDeploy.gates.map((g) => g.key)).to.deep.equal(
            ["postgres", "agente-deposito", "agente-negocio", "dashboard"].map((n) => `${CONTAINER}/${n}`),
        );
        expect(f.providerPollSeconds, "the provider's once-a-second health poll, per gate").to.equal(4);
    });

    it("prod: at most 5 s too (Cloud SQL has no probe; the apps and Redis do)", () => {
        const f = deployFigures(declaredResources(prod));
        expect(f.freshDeploy.probeWait).to.be.at.most(5);
        expect(f.freshDeploy.gates.map((g) => g.key.split("/").pop()).slice(-3)).to.deep.equal(["agente-deposito", "agente-negocio", "dashboard"]);
    });

    for (const stack of ["staging", "prod"] as const) {
        it(`${stack}: 0 s unavailability for every app on an image bump or a rotation; stateful services delete first`, () => {
            const run = stack === "staging" ? staging : prod;
            const rows = unavailability(declaredResources(run));
            for (const app of APPS) {
                for (const change of ["image bump", "rotation"]) {
                    const row = rows.find((r) => r.service === app && r.change === change);
                    expect(row, `${app} ${change}`).to.deep.include({ replacement: "create-before-delete", seconds: 0 });
                }
            }
            const stateful = [
                "redis",
                "prometheus",
                "alertmanager",
                "grafana",
                "loki",
                "alloy",
                "proxy",
                ...(stack === "staging" ? ["postgres", "backup"] : []),
            ];
            for (const service of stateful) {
                const row = rows.find((r) => r.service === service && r.change === "image bump");
                expect(row, service).to.include({ replacement: "delete-before-replace" });
            }
            expect(rows.find((r) => r.service === "redis" && r.change === "rotation")?.seconds, "Redis: ≥ its 1-s start probe").to.equal(1);
        });
    }

    it("refuses a side-by-side replacement that a fixed name or host port would make fail", () => {
        const bad = { ...container("dashboard", [], { interval: "15s", startInterval: "1s" }, false) };
        bad.inputs = { ...bad.inputs, name: "minimarket-staging-dashboard", ports: [{ internal: 8080, external: 8080 }] };
        expect(() => unavailability([bad])).to.throw(/create-before-delete but has a fixed name minimarket-staging-dashboard and a host port 8080/);
        expect(containerFacts({ ...bad, deleteBeforeReplace: undefined }).replacement, "the provider's default is delete-first").to.equal(
            "delete-before-replace",
        );
    });

    it("sizes every wait gate from the probe timing: no longer than the engine needs to call a container unhealthy", () => {
        for (const c of declaredResources(staging).filter((r) => r.type === CONTAINER && r.inputs.wait === true)) {
            const role = containerFacts(c).role;
            const timing =
                role === "app"
                    ? PROBE_TIMING.app
                    : c.name === "postgres"
                      ? PROBE_TIMING.postgres
                      : c.name === "redis"
                        ? PROBE_TIMING.redis
                        : PROBE_TIMING.upstream;
            expect(c.inputs.waitTimeout, c.name).to.equal(waitTimeoutSeconds(timing));
            expect((c.inputs.healthcheck as { startInterval: string }).startInterval, c.name).to.equal("1s");
        }
        expect(waitTimeoutSeconds(PROBE_TIMING.app)).to.equal(60 + 3 * 15 + 5);
    });

    it("docs/operations.md quotes the figures the function computes", () => {
        const f = deployFigures(declaredResources(staging));
        expect(operations).to.include(`${f.freshDeploy.probeWait} s of probe wait`);
        expect(operations).to.include("was 55 s");
        expect(operations).to.include(unavailabilityTable(f.unavailability));
        expect(operations).to.match(/\| `dashboard` \| create-before-delete \| 0 s \| 0 s \|/);
    });
});
