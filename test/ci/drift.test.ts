// Drift between deploys: scripts/drift-report.ts reads `pulumi preview --refresh --expect-no-changes
// --json`, and the dry run of .github/workflows/drift.yml (stand-in pulumi, gh, ssh-agent) opens one
// issue per stack on drift, updates it while the drift lasts, and closes it when the stack matches.

import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { classify, driftMarker, issueBody, parseArgs } from "../../scripts/drift-report";
import { everythingShown, sandboxPerTest } from "./fakes";
import { loadJob } from "./workflowRunner";

const CONTAINER = "docker:index/container:Container";
const urn = (stack: string, type: string, name: string) => `urn:pulumi:${stack}::minimarket::${type}::${name}`;
const SECRET_VALUE = "pg-admin-password-never-shown-7a6b";

/** A refresh found postgres's memory and environment changed by hand and redis removed; prod's grafana changed. */
function driftedPreview(stack: string): string {
    const pg = urn(stack, `minimarket:data:PostgresContainer$${CONTAINER}`, "postgres");
    const redis = urn(stack, `minimarket:data:RedisContainer$${CONTAINER}`, "redis");
    const state = (u: string, inputs: Record<string, unknown>) => ({ urn: u, type: CONTAINER, custom: true, inputs });
    return JSON.stringify({
        steps: [
            { op: "same", urn: urn(stack, "pulumi:pulumi:Stack", `minimarket-${stack}`) },
            {
                op: "update",
                urn: pg,
                oldState: state(pg, { memory: 2048, envs: "[secret]", labels: [{ label: "note", value: SECRET_VALUE }] }),
                newState: state(pg, { memory: 1024, envs: "[secret]", labels: [] }),
                diffReasons: ["memory", "envs"],
                detailedDiff: {
                    memory: { kind: "update", inputDiff: false },
                    "envs[2]": { kind: "update", inputDiff: false },
                    "labels[0]": { kind: "delete", inputDiff: false },
                },
            },
            { op: "delete", urn: redis, oldState: state(redis, { memory: 768 }), detailedDiff: null },
            { op: "create", urn: redis, newState: state(redis, { memory: 768 }), detailedDiff: null },
        ],
        changeSummary: { same: 30, update: 1, create: 1 },
    });
}

describe("drift report", () => {
    const base = { stack: "staging", previewFile: "preview.json" };

    it("no drift when the preview expects no changes and finds none", () => {
        expect(classify({ ...base, previewText: "", stderr: "", exitCode: 0 }).status).to.equal("clean");
    });

    it("lists the drifted resources and their properties, and never a value", () => {
        const result = classify({
            ...base,
            previewText: driftedPreview("staging"),
            stderr: "error: no changes were expected for preview but changes were proposed\n",
            exitCode: 255,
        });
        expect(result.status).to.equal("drift");
        expect(result.resources).to.deep.equal([
            { name: "postgres", type: CONTAINER, what: "differs: `memory`, `envs`, `labels`" },
            { name: "redis", type: CONTAINER, what: "gone: removed outside Pulumi; the next `pulumi up` creates it again" },
        ]);
        const body = issueBody("staging", result.resources, { url: "https://github.com/o/r/actions/runs/1", at: "2026-12-01T06:17:00Z" });
        expect(body.startsWith(driftMarker("staging"))).to.equal(true);
        expect(body).to.include("| `postgres` | docker:index/container:Container | differs: `memory`, `envs`, `labels` |");
        for (const value of [SECRET_VALUE, "2048", "1024"]) expect(body).not.to.include(value);
    });

    it("a preview that fails for another reason is not drift: the report fails, with the error lines", () => {
        const failed = classify({ ...base, previewText: "", stderr: "error: failed to decrypt: DATABASE_URL=postgres://a:hunter2-pass@x/y\n", exitCode: 255 });
        expect(failed.status).to.equal("failed");
        expect(failed.reason!.join("\n")).to.include("DATABASE_URL=[secret]").and.not.include("hunter2");
        // Changes without "no changes were expected" mean the preview itself failed after listing them.
        expect(classify({ ...base, previewText: driftedPreview("staging"), stderr: "error: preview failed\n", exitCode: 255 }).status).to.equal("failed");
        // A preview of another stack is no evidence either.
        expect(classify({ ...base, previewText: driftedPreview("prod"), stderr: "no changes were expected", exitCode: 255 }).status).to.equal("failed");
        expect(() => parseArgs(["--stack", "staging"])).to.throw(/--preview is required/);
        expect(() => parseArgs(["--stack", "s", "--preview", "p", "--stderr", "e", "--exit-code", "x", "--out", "o"])).to.throw(/--exit-code must be/);
    });
});

describe("drift workflow, dry run of its steps with fake CLIs", function () {
    this.timeout(120_000);
    const box = sandboxPerTest();
    let previews: string;
    beforeEach(() => (previews = fs.mkdtempSync(path.join(os.tmpdir(), "ci-drift-"))));
    afterEach(() => fs.rmSync(previews, { recursive: true, force: true }));

    const SECRETS = {
        PULUMI_CONFIG_PASSPHRASE_STAGING: "staging-passphrase-drift-0123",
        PULUMI_CONFIG_PASSPHRASE_PROD: "prod-passphrase-drift-4567",
        DEPLOY_SSH_KEY: "fake-drift-key-material",
    };
    const runDrift = (stack: string, knobs: Record<string, string> = {}) =>
        box.current.run("drift.yml", "drift", { FAKE_PREVIEW_DIR: previews, ...knobs }, SECRETS, {
            vars: { PULUMI_BACKEND_URL: "gs://minimarket-pulumi-state", DEPLOY_KNOWN_HOSTS: "h ssh-ed25519 AAAA" },
            context: { "matrix.stack": stack, "github.token": "ghs_fake", "github.repository": "minimarket/infra" },
        });
    const issues = () => (box.current.fakeState().issues ?? []) as Array<{ number: number; title: string; body: string; state: string; comments: string[] }>;
    const drift = (stack: string) => fs.writeFileSync(path.join(previews, `${stack}.preview.json`), driftedPreview(stack));
    const clean = (stack: string) => fs.rmSync(path.join(previews, `${stack}.preview.json`), { force: true });

    it("opens one issue per drifted stack, updates it while the drift lasts, closes it when the stack matches again", () => {
        drift("staging");
        const first = runDrift("staging");
        expect(first.failed, first.steps.map((s) => s.stderr).join("\n")).to.equal(false);
        expect(box.current.commands((c) => c.tool === "pulumi" && c.args[0] === "preview")).to.deep.equal([
            "pulumi preview --stack staging --refresh --expect-no-changes --non-interactive --json",
        ]);
        expect(issues().map((i) => `${i.number} ${i.state} ${i.title}`)).to.deep.equal(["1 OPEN Drift on staging"]);
        expect(issues()[0].body).to.include(driftMarker("staging")).and.include("| `redis` |");
        expect(first.summary).to.include("### Drift on staging");

        // prod drifts too: an issue of its own.
        drift("prod");
        runDrift("prod");
        expect(issues().map((i) => `${i.number} ${i.state} ${i.title}`)).to.deep.equal(["1 OPEN Drift on staging", "2 OPEN Drift on prod"]);

        // Still drifting: the same issue, updated.
        runDrift("staging");
        expect(issues()).to.have.length(2);
        expect(box.current.commands((c) => c.tool === "gh" && c.args[1] === "edit").map((c) => c.split(" --body-file")[0])).to.deep.equal(["gh issue edit 1"]);

        // Clean again: closed with a comment; prod's stays open.
        clean("staging");
        const last = runDrift("staging");
        expect(last.failed).to.equal(false);
        expect(issues().map((i) => `${i.number} ${i.state}`)).to.deep.equal(["1 CLOSED", "2 OPEN"]);
        expect(issues()[0].comments[0]).to.match(/^No drift on staging any more \(checked \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\): closing\.$/);
        expect(last.summary).to.include("### No drift on staging");
    });

    it("a failed preview is no verdict: the job fails and no issue is opened or closed", () => {
        drift("staging");
        runDrift("staging");
        const failed = runDrift("staging", { FAKE_FAIL_STACK: "staging" });
        expect(failed.failed).to.equal(true);
        expect(failed.steps.find((s) => s.name === "Open, update or close the drift issue")!.status).to.equal("skipped");
        expect(failed.steps.find((s) => s.name === "Preview with refresh, expecting no changes")!.stderr).to.include("the preview failed, so drift is unknown");
        expect(issues().map((i) => i.state)).to.deep.equal(["OPEN"]);
        expect(fs.existsSync(path.join(box.current.runnerTemp, "drift")), "the preview's files are deleted").to.equal(false);
    });

    it("prints no secret and puts no value in the issue", () => {
        drift("staging");
        const job = runDrift("staging");
        const shown = everythingShown(job, box.current) + JSON.stringify(issues());
        for (const s of [...Object.values(SECRETS), SECRET_VALUE]) expect(shown.includes(s), s.slice(0, 10)).to.equal(false);
    });

    it("runs on a schedule and by hand, one stack per job, with the least permissions", () => {
        const text = fs.readFileSync(path.join(__dirname, "..", "..", ".github", "workflows", "drift.yml"), "utf8");
        expect(text).to.match(/schedule:\n\s+- cron: "[^"]+"\n\s+workflow_dispatch:/);
        expect(text).to.match(/matrix:\n\s+stack: \[staging, prod\]/);
        expect(text).to.match(/permissions:\n\s+contents: read\n\s+id-token: write.*\n\s+issues: write/);
        for (const s of loadJob("drift.yml", "drift").steps) if (s.run) expect(s.run, s.name).not.to.include("${{");
    });
});
