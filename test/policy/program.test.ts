// The whole pack over the real program: no violation on either stack; a change that publishes
// PostgreSQL's port fails `npm run policy -- --stack staging`, naming the container and the policy.

import { expect } from "chai";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { policies } from "../../policy/policies";
import { markingViolations, parseArgs } from "../../scripts/policy";
import { evaluate, RecordedResource } from "../../scripts/policy/evaluate";
import { copyProgram } from "../support/programCopy";
import { changed, programRun, recorded } from "./support";

describe("policy pack over the program", function () {
    this.timeout(300_000);

    for (const stack of ["staging", "prod"] as const) {
        it(`${stack}: every policy passes every resource the program declares`, async () => {
            const run = await programRun(stack);
            expect(run.resources.length).to.be.greaterThan(50);
            expect(evaluate(policies, run.resources as RecordedResource[], stack)).to.deep.equal([]);
            expect(markingViolations(run.resources as RecordedResource[], stack), "credentials outside pulumi.secret").to.deep.equal([]);
        });
    }

    it("finds credentials passed without pulumi.secret, which no policy can see, by name only", async () => {
        const postgres = await recorded("staging", "docker:index/container:Container", "postgres");
        const plain = changed(postgres, (p) => (p.envs = p.envs.value));
        const found = markingViolations([postgres, plain], "staging");
        expect(found.map((v) => `${v.policy} ${v.level} ${v.urn}`)).to.deep.equal([
            "credentials-marked-secret mandatory urn:pulumi:staging::minimarket::minimarket:data:PostgresContainer$docker:index/container:Container::postgres",
        ]);
        expect(found[0].message).to.include("`postgres` passes `POSTGRES_PASSWORD` in plain text: its `envs` are not marked secret.");
        expect(found[0].message).not.to.include((plain.inputs.envs as string[]).find((e) => e.startsWith("POSTGRES_PASSWORD="))!.split("=")[1]);
    });

    it("the pack checks what it says it does: 20 policies, each named once, each mandatory or advisory", () => {
        const names = policies.map((p) => p.name);
        expect(new Set(names).size).to.equal(names.length);
        expect(names).to.have.length(20);
        expect(policies.filter((p) => p.enforcementLevel === "advisory").map((p) => p.name)).to.deep.equal([
            "images-pinned-outside-prod",
            "cloudsql-high-availability",
        ]);
        expect(policies.every((p) => p.enforcementLevel === "mandatory" || p.enforcementLevel === "advisory")).to.equal(true);
    });

    describe("npm run policy", () => {
        let work: string;
        before(() => {
            work = fs.mkdtempSync(path.join(os.tmpdir(), "policy-change-"));
            copyProgram(work);
        });
        after(() => fs.rmSync(work, { recursive: true, force: true }));

        // The npm that came with this node, as `npm run policy` is typed.
        const npm = path.join(path.dirname(process.execPath), "npm");
        const npmRunPolicy = (...args: string[]) =>
            spawnSync(npm, ["run", "--silent", "policy", "--", ...args], { cwd: work, encoding: "utf8", env: { ...process.env, NODE_OPTIONS: "" } });

        it("passes staging as it is, then fails once PostgreSQL's port is published, naming the container and the policy", () => {
            const clean = npmRunPolicy("--stack", "staging");
            expect(clean.status, clean.stdout + clean.stderr).to.equal(0);
            expect(clean.stdout).to.include("policy: staging: 0 mandatory and 0 advisory violations of 20 policies and the credentials-marked-secret check");

            const file = path.join(work, "components", "data", "postgres.ts");
            const source = fs.readFileSync(file, "utf8");
            const network = "networksAdvanced: [onNetwork(platform.dataNetwork, ENDPOINTS.postgres.host)],";
            expect(source).to.include(network);
            fs.writeFileSync(file, source.replace(network, `${network}\n                ports: [{ internal: 5432, external: 5432 }],`));

            const res = npmRunPolicy("--stack", "staging");
            expect(res.status, res.stdout + res.stderr).to.equal(1);
            expect(res.stdout).to.include("MANDATORY  data-services-publish-no-host-port  postgres (docker:index/container:Container)");
            expect(res.stdout).to.include("urn:pulumi:staging::minimarket::minimarket:data:PostgresContainer$docker:index/container:Container::postgres");
            expect(res.stdout).to.include("`postgres` publishes 0.0.0.0:5432->5432/tcp on the Docker host. Why:");
            expect(res.stdout).to.match(/policy: staging: 2 mandatory and 0 advisory violations of 20 policies/);
        });

        it("refuses a missing or repeated --stack, and an unknown argument", () => {
            expect(() => parseArgs([])).to.throw(/--stack is required/);
            expect(() => parseArgs(["--stack", "staging", "--stack", "prod"])).to.throw(/--stack given twice \(staging, prod\)/);
            expect(() => parseArgs(["--stack"])).to.throw(/--stack needs a value/);
            expect(() => parseArgs(["--stack", "staging", "--verbose", "x"])).to.throw(/unknown argument --verbose/);
            const res = npmRunPolicy("--stack", "nosuchstack");
            expect(res.status).to.equal(2);
            expect(res.stderr).to.match(/^policy: /m);
        });
    });
});
