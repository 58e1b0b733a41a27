// Every resource the program declares, in every stack shape, is described in
// test/support/providers: its type, and each field it sets. A field or type added to the program
// fails here until someone classifies it from the provider's source.

import { expect } from "chai";
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { ProgramRun, runProgram, stackFileConfig, underMocks, unwrap } from "./support/program";
import { resolve } from "./gcp/harness";
import { dockerCpus } from "../components/docker/container";
import { FieldRule, nanoToDecimal, parseCpus, pathContains, planFromInputs, rules, ruleFor } from "./support/providers";

const registryPassword = { config: { registryPassword: "eyJ0eXBlIjoic2VydmljZV9hY2NvdW50In0=" }, secretKeys: ["registryPassword"] };

/** Resources a provider manages (not components, not the providers themselves). */
function custom(run: ProgramRun) {
    return run.resources.filter((r) => !r.type.startsWith("minimarket:") && !r.type.startsWith("pulumi:providers:"));
}

function withMemorystore(): Record<string, string> {
    const gcp = JSON.parse(stackFileConfig("prod").values["minimarket:gcp"]) as Record<string, unknown>;
    return { "minimarket:gcp": JSON.stringify({ ...gcp, redis: { mode: "memorystore", memorystoreTier: "STANDARD_HA", memorySizeGb: 2 } }) };
}

describe("provider facts cover the program", () => {
    const runs: Array<[string, ProgramRun]> = [];
    before(async () => {
        runs.push(["staging", await runProgram({ stack: "staging" })]);
        // The offsite copy's container is declared only with backup.offsite set.
        runs.push([
            "staging with an offsite copy",
            await runProgram({ stack: "staging", config: { backup: { offsite: { url: "gs://minimarket-backups/staging" } } } }),
        ]);
        runs.push(["prod", await runProgram({ stack: "prod", ...registryPassword })]);
        runs.push(["prod with Memorystore", await runProgram({ stack: "prod", ...registryPassword, rawConfig: withMemorystore() })]);
        for (const [name, run] of runs) expect(run.error, `${name}: ${run.error?.stack}`).to.equal(undefined);
    });

    it("describes every resource type the program declares", () => {
        const types = new Set(runs.flatMap(([, run]) => custom(run).map((r) => r.type)));
        expect(types.size).to.be.greaterThan(15);
        const missing = [...types].filter((t) => !rules.has(t));
        expect(missing, "types without provider facts").to.deep.equal([]);
        // Memorystore is only declared in that shape; it must have been seen.
        expect(types.has("gcp:redis/instance:Instance")).to.equal(true);
    });

    it("classifies every field the program sets", () => {
        const problems: string[] = [];
        for (const [name, run] of runs) {
            for (const r of custom(run)) {
                const inputs = unwrap(r.inputs) as Record<string, unknown>;
                try {
                    planFromInputs(r.type, inputs, inputs);
                } catch (e) {
                    problems.push(`${name} ${r.type} ${r.name}: ${(e as Error).message}`);
                }
            }
        }
        expect(problems).to.deep.equal([]);
    });

    it("plans nothing for a second `up` with the same config: every field is sent in the form the provider reads back", () => {
        const changed: string[] = [];
        for (const [name, run] of runs) {
            for (const r of custom(run)) {
                const inputs = unwrap(r.inputs) as Record<string, unknown>;
                const p = planFromInputs(r.type, inputs, inputs);
                if (p.action !== "same") changed.push(`${name} ${r.name}: ${p.action} (${p.changes.map((c) => c.path).join(", ")})`);
            }
        }
        expect(changed).to.deep.equal([]);
    });
});

describe("containers as the docker provider treats them", () => {
    let run: ProgramRun;
    before(async () => {
        run = await runProgram({ stack: "staging" });
    });

    it("sends every CPU limit in the provider's read-back form (the model from its source agrees)", () => {
        for (const cores of [0.1, 0.25, 0.5, 1, 1.5, 2, 3, 4, 8, 10, 12.5, 16, 32, 64]) {
            expect(dockerCpus(cores), String(cores)).to.equal(nanoToDecimal(parseCpus(String(cores))));
        }
    });

    it("stops every container gracefully on delete: data services get a minute to shut down cleanly", () => {
        const containers = run.resources.filter((r) => r.type === "docker:index/container:Container");
        expect(containers.length).to.be.greaterThan(10);
        for (const c of containers) {
            const grace = Number(c.inputs.destroyGraceSeconds ?? 0);
            const role = (unwrap(c.inputs.labels) as Array<{ label: string; value: string }>).find((l) => l.label === "com.minimarket.role")?.value;
            expect(grace, `${c.name} (${role})`).to.be.at.least(role === "data" ? 60 : 30);
        }
    });

    it("pins swap to the memory limit, so raising memoryMb later is an update the daemon accepts", () => {
        for (const c of run.resources.filter((r) => r.type === "docker:index/container:Container")) {
            expect(c.inputs.memorySwap, c.name).to.equal(c.inputs.memory);
        }
    });
});

/** Paths under `field` whose change the provider's Update never applies ("ignored"). */
function ignoredPaths(field: string, r: FieldRule): string[] {
    const own = r.change === "ignored" ? [field] : [];
    return [...own, ...Object.entries(r.fields ?? {}).flatMap(([k, sub]) => ignoredPaths(`${field}.${k}`, sub))];
}

describe("container edits the provider would not apply re-create the container instead", () => {
    const CONTAINER = "docker:index/container:Container";
    const runs: Array<[string, ProgramRun]> = [];
    before(async () => {
        runs.push(["staging", await runProgram({ stack: "staging" })]);
        runs.push(["prod", await runProgram({ stack: "prod", ...registryPassword })]);
    });
    const containers = () => runs.flatMap(([stack, run]) => run.resources.filter((r) => r.type === CONTAINER).map((c) => ({ stack, c })));

    it("declares replaceOnChanges for every field it sets that Update ignores", () => {
        const rule = ruleFor(CONTAINER);
        const uncovered: string[] = [];
        for (const { stack, c } of containers()) {
            for (const field of Object.keys(c.inputs).filter((k) => c.inputs[k] !== undefined)) {
                const r = rule.fields[field];
                for (const p of r ? ignoredPaths(field, r) : []) {
                    if (!c.options.replaceOnChanges.some((o) => pathContains(o, p))) uncovered.push(`${stack} ${c.name}: ${p}`);
                }
            }
        }
        expect(containers().length).to.be.greaterThan(20);
        expect(uncovered).to.deep.equal([]);
    });

    it("plans a replacement, not a recurring no-op update, when a healthcheck is edited", () => {
        for (const { stack, c } of containers()) {
            const inputs = unwrap(c.inputs) as Record<string, unknown>;
            const hc = (inputs.healthcheck ?? { tests: ["CMD", "true"] }) as Record<string, unknown>;
            const edited = { ...inputs, healthcheck: { ...hc, interval: hc.interval === "7s" ? "8s" : "7s" } };
            // What the provider alone does with it (its Update never sends healthcheck)...
            const bare = planFromInputs(CONTAINER, inputs, edited);
            expect(bare.action, `${stack} ${c.name} without options`).to.equal("ignored-change");
            // ...and with the options the program registers.
            const p = planFromInputs(CONTAINER, inputs, edited, undefined, { replaceOnChanges: c.options.replaceOnChanges });
            expect(p.action, `${stack} ${c.name}`).to.equal("replace");
            expect(p.recurring, `${stack} ${c.name}`).to.deep.equal([]);
            // Unchanged inputs still plan nothing.
            expect(planFromInputs(CONTAINER, inputs, inputs, undefined, { replaceOnChanges: c.options.replaceOnChanges }).action).to.equal("same");
        }
    });
});

describe("CLI steps that carry secrets", () => {
    it("keep their output off the console and secret in state (@pulumi/command 1.x `logging`)", async () => {
        // Staging sets the database roles; prod (real images) runs the migrations.
        const runs = [await runProgram({ stack: "staging" }), await runProgram({ stack: "prod", ...registryPassword })];
        const steps = runs.flatMap((run) => run.resources.filter((r) => r.type === "command:local:Command" && /-(roles|migrate|admin-password)$/.test(r.name)));
        expect([...new Set(steps.map((s) => s.name))].sort()).to.deep.equal(
            ["agente-deposito-migrate", "agente-negocio-migrate", "dashboard-migrate", "grafana-admin-password", "ml-service-migrate", "postgres-roles"].sort(),
        );
        for (const step of steps) expect(step.inputs.logging, step.name).to.equal("none");
    });
});

describe("the mocks answer with the provider's read-back state", () => {
    it('a container sent cpus "1", durations like "15s" and no restart policy comes back as the provider reads it', async () => {
        const run = await underMocks("staging", () => {
            const c = new docker.Container("probe", {
                image: "busybox:1.37",
                cpus: "1",
                memory: 256,
                healthcheck: { tests: ["CMD", "true"], interval: "15s", timeout: "5s", startPeriod: "1m", retries: 3 },
            });
            return pulumi.all([c.cpus, c.healthcheck, c.restart, c.memorySwap]);
        });
        expect(run.error, run.error?.stack).to.equal(undefined);
        const [cpus, healthcheck, restart, memorySwap] = (await resolve(run.result!)).value!;
        expect(cpus).to.equal("1.0");
        expect(healthcheck).to.deep.include({ interval: "15s", timeout: "5s", startPeriod: "1m0s", retries: 3 });
        expect(restart).to.equal("no");
        // Docker sets swap to twice the memory when none is sent.
        expect(memorySwap).to.equal(512);
    });
});
