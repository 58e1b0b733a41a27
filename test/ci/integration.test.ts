// Dry run of .github/workflows/integration.yml: its steps (scripts/ci/*.sh) run here, in the
// workflow's order and with its `if: always()`, against fake pulumi/docker/npm that record their
// calls. Asserts the order of calls, the rotation proofs, teardown after any failure, the timings
// in the job summary, and that no secret is printed or passed on a command line.
import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { everythingShown, fakeSecretValues, realPython, sandboxPerTest } from "./fakes";
import { freePort, ProcessGroup, waitFor } from "../support/processes";
import { JobResult, loadJob } from "./workflowRunner";

const STACK = "ci-42";

describe("integration workflow, dry run of its steps with fake CLIs", function () {
    this.timeout(120_000);
    const box = sandboxPerTest();
    // The dashboard the bump step's request loop reaches (a separate process: the job runs synchronously).
    const procs = new ProcessGroup();
    let dashboard = { url: "", dropFlag: "" };
    before(async function () {
        const python = realPython();
        if (!python) return; // sandboxPerTest has already skipped or failed the suite
        const port = await freePort();
        dashboard = { url: `http://127.0.0.1:${port}/`, dropFlag: path.join(fs.mkdtempSync(path.join(os.tmpdir(), "ci-dashboard-")), "dropping") };
        procs.start("dashboard", python, [path.join(__dirname, "fakeDashboard.py"), String(port), dashboard.dropFlag]);
        await waitFor("the fake dashboard", async () => ((await fetch(dashboard.url)).ok ? true : undefined), 60_000, 100);
    });
    after(async () => {
        await procs.stopAll();
        if (dashboard.dropFlag) fs.rmSync(path.dirname(dashboard.dropFlag), { recursive: true, force: true });
    });

    const run = (knobs: Record<string, string> = {}) =>
        box.current.run("integration.yml", "integration", { FAKE_DASHBOARD_URL: dashboard.url, FAKE_DASHBOARD_LOG: `${dashboard.dropFlag}.log`, ...knobs });
    const status = (job: JobResult) => job.steps.map((s) => `${s.status}: ${s.name}`);
    const failure = (job: JobResult) =>
        job.steps
            .filter((s) => s.status === "failure")
            .map((s) => s.stderr)
            .join("\n");

    function expectTornDown(job: JobResult, force = false) {
        const cmds = box.current.commands();
        expect(cmds, "destroy runs after any failure").to.include(`pulumi destroy --stack ${STACK} --yes --skip-preview`);
        expect(cmds).to.include(`pulumi stack rm ${STACK} --yes${force ? " --force" : ""}`);
        expect(cmds.indexOf(`pulumi destroy --stack ${STACK} --yes --skip-preview`)).to.be.lessThan(
            cmds.indexOf(`pulumi stack rm ${STACK} --yes${force ? " --force" : ""}`),
        );
        expect(job.steps[job.steps.length - 1]).to.include({ name: "Destroy and remove the stack" });
        expect(fs.existsSync(path.join(box.current.runnerTemp, "minimarket-ci", "passphrase")), "passphrase file removed").to.equal(false);
    }

    function expectNoSecretShown(job: JobResult) {
        const shown = everythingShown(job, box.current);
        for (const s of fakeSecretValues()) expect(shown.includes(s), "a stack secret was printed or passed as an argument").to.equal(false);
        const passphrase = box.current.fakeState().passphrase;
        expect(passphrase, "the fake pulumi saw the generated passphrase").to.be.a("string").with.length.greaterThan(30);
        expect(shown.includes(passphrase), "the passphrase was printed").to.equal(false);
    }

    it("runs setup, up, smoke, no-change preview, rotation, smoke, dashboard bump under load, teardown in that order", () => {
        const job = run();
        expect(job.failed, failure(job)).to.equal(false);
        const state = path.join(box.current.runnerTemp, "minimarket-ci", "state");
        expect(box.current.commands()).to.deep.equal([
            "npm ci --no-audit --no-fund",
            `pulumi login file://${state}`,
            `pulumi stack init ${STACK} --secrets-provider passphrase`,
            `pulumi up --stack ${STACK} --yes --skip-preview`,
            `npm run --silent smoke -- --stack ${STACK}`,
            `pulumi preview --stack ${STACK} --expect-no-changes`,
            `pulumi config set --stack ${STACK} --path rotations.postgresPassword 1`,
            `pulumi config set --stack ${STACK} --path rotations.redisPassword 1`,
            `pulumi up --stack ${STACK} --yes --skip-preview`,
            `npm run --silent smoke -- --stack ${STACK}`,
            `pulumi config set --stack ${STACK} --path services.dashboard.env.ROLLOUT_CHECK run-42`,
            `pulumi up --stack ${STACK} --yes --skip-preview`,
            `pulumi stack select ${STACK}`,
            `pulumi destroy --stack ${STACK} --yes --skip-preview`,
            `pulumi stack rm ${STACK} --yes`,
        ]);
        expectTornDown(job);
        expectNoSecretShown(job);
        // The throwaway stack's kept data volumes go too.
        expect(box.current.commands((c) => c.tool === "docker" && c.args[0] === "volume")).to.deep.equal([
            `docker volume ls -q --filter label=com.minimarket.environment=${STACK}`,
            `docker volume rm minimarket-${STACK}-pgdata minimarket-${STACK}-redisdata`,
        ]);
        expect(job.steps.find((s) => s.name.startsWith("Rotate"))!.stderr).to.include(
            "containers replaced: agente-deposito agente-negocio dashboard ml-service redis redis-exporter",
        );
    });

    it("writes the timing of every step to the job summary", () => {
        const job = run();
        expect(job.summary).to.include(`### Integration stack ${STACK}: step timings`).and.include("| step | time | result |");
        for (const label of [
            "pulumi login (local state)",
            `create stack ${STACK}`,
            `pulumi up (${STACK})`,
            "smoke checks after the first up",
            "pulumi preview --expect-no-changes",
            "pulumi up after the rotation",
            "smoke checks after the rotation",
            "bump the dashboard (config)",
            "pulumi up replacing the dashboard",
            "pulumi destroy",
            "pulumi stack rm",
        ]) {
            expect(job.summary).to.match(new RegExp(`\\| ${label.replace(/[()]/g, "\\$&")} \\| \\d+s \\| ok \\|`));
        }
    });

    it("replaces the dashboard while a bounded request loop runs through the proxy, and reports it in the job summary", () => {
        const job = run();
        expect(job.failed, failure(job)).to.equal(false);
        const bump = job.steps.find((s) => s.name === "Replace the dashboard under load through the proxy")!;
        expect(bump.status).to.equal("success");
        expect(bump.stderr).to.include("no request failed while the dashboard was replaced");
        const row = /\| (\d+) \| (\d+) \| (\S+) \| (\d+) ms \| (-?\d+) ms \| (\d+) ms \|/.exec(bump.summary);
        expect(bump.summary).to.include("### Dashboard replaced under load (through the proxy)");
        expect(row, bump.summary).to.not.equal(null);
        expect(Number(row![1]), "requests during the replacement").to.be.greaterThan(5);
        expect(row!.slice(2, 4)).to.deep.equal(["0", "none"]);
        expect(
            box.current.calls().filter((c) => c.tool === "docker" && c.args[0] === "ps" && c.args.includes("label=com.minimarket.service=dashboard")),
        ).to.have.length(2);
    });

    it("fails the bump step, and still tears down, when requests fail during the replacement", () => {
        const job = run({ FAKE_BUMP_DROPS: dashboard.dropFlag });
        expect(status(job)).to.include.members(["failure: Replace the dashboard under load through the proxy", "success: Destroy and remove the stack"]);
        expect(failure(job)).to.match(/[1-9]\d* of \d+ requests failed through the proxy while the dashboard was replaced/);
        expect(job.summary).to.match(/\| \d+ \| [1-9]\d* \| HTTP 502:\d+ \|/);
        expectTornDown(job);
    });

    it("fails the bump step when the dashboard container was not replaced", () => {
        const job = run({ FAKE_BUMP_KEEPS: "1" });
        expect(failure(job)).to.include("the dashboard container was not replaced");
        expectTornDown(job);
    });

    it("tears down after a failed pulumi up, skipping everything in between", () => {
        const job = run({ FAKE_FAIL: "up" });
        expect(job.failed).to.equal(true);
        expect(status(job)).to.include.members([
            "failure: pulumi up",
            "skipped: Smoke checks",
            "skipped: Rotate postgresPassword and redisPassword, deploy again",
            "success: Destroy and remove the stack",
        ]);
        expect(box.current.commands().filter((c) => c.startsWith("npm run"))).to.deep.equal([]);
        expectTornDown(job);
        expect(job.summary).to.match(/\| pulumi up \(ci-42\) \| \d+s \| failed \(exit 1\) \|/);
    });

    it("tears down after failed smoke checks", () => {
        const job = run({ FAKE_SMOKE_EXIT: "1" });
        expect(job.failed).to.equal(true);
        expect(status(job)).to.include.members(["failure: Smoke checks", "skipped: A second run changes nothing", "success: Destroy and remove the stack"]);
        expectTornDown(job);
    });

    it("fails, and tears down, when a second run would change something", () => {
        const job = run({ FAKE_FAIL: "preview" });
        expect(status(job)).to.include.members(["failure: A second run changes nothing", "skipped: Rotate postgresPassword and redisPassword, deploy again"]);
        expectTornDown(job);
    });

    it("fails the rotation when a container outside the blast radius was replaced", () => {
        const job = run({ FAKE_EXTRA_REPLACED: "grafana" });
        expect(status(job)).to.include("failure: Rotate postgresPassword and redisPassword, deploy again");
        expect(failure(job)).to.include(
            "replaced containers: 'agente-deposito agente-negocio dashboard grafana ml-service redis redis-exporter', expected exactly 'agente-deposito agente-negocio dashboard ml-service redis redis-exporter'",
        );
        expectTornDown(job);
        expectNoSecretShown(job);
    });

    it("fails the rotation when an old password still works", () => {
        expect(failure(run({ FAKE_KEEP_OLD_PG: "1" }))).to.include("PostgreSQL still accepts the old password");
        box.renew();
        expect(failure(run({ FAKE_KEEP_OLD_REDIS: "1" }))).to.include("Redis still accepts the old password");
    });

    it("fails the rotation when the data written before it is gone", () => {
        const job = run({ FAKE_LOSE_DATA: "1" });
        expect(failure(job)).to.include("the row written before the rotation is not there");
        expectTornDown(job);
    });

    it("still removes the stack when destroy fails, and fails the job", () => {
        const job = run({ FAKE_FAIL: "destroy" });
        expect(job.failed).to.equal(true);
        expect(status(job)).to.include("failure: Destroy and remove the stack");
        expectTornDown(job, true);
    });

    it("has nothing to tear down when the setup failed before creating the stack", () => {
        const job = run({ FAKE_DOCKER_DOWN: "1" });
        expect(status(job)).to.include.members(["failure: Create the stack (local state, generated passphrase)", "success: Destroy and remove the stack"]);
        expect(box.current.commands().filter((c) => c.startsWith("pulumi destroy"))).to.deep.equal([]);
        expect(job.steps[job.steps.length - 1].stderr).to.include(`stack ${STACK} was never created: nothing to destroy`);
    });

    it("keeps expressions out of run: lines, and pins every action by commit", () => {
        const { steps } = loadJob("integration.yml", "integration");
        for (const s of steps) {
            if (s.run) expect(s.run, s.name).not.to.include("${{");
            if (s.uses) expect(s.uses).to.match(/^[\w.-]+\/[\w.-]+@[0-9a-f]{40}$/);
        }
        expect(steps[steps.length - 1]).to.include({ if: "always()" });
    });
});
