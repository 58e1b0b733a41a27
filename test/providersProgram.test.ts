// Every resource the program declares, in every stack shape, is described in
// test/support/providers: its type, and each field it sets. A field or type added to the program
// fails here until someone classifies it from the provider's source.

import { expect } from "chai";
import { ProgramRun, runProgram, stackFileConfig, unwrap } from "./support/program";
import { planFromInputs, rules } from "./support/providers";

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
});
