// Dry run of .github/workflows/preview.yml's preview job with stand-in CLIs (pulumi, npm, ssh-agent,
// ssh-add) and a stand-in GitHub API: the previews run with the policy pack and the event log, the
// real comment builder and publisher run on what they wrote, a failed preview becomes the comment
// (replacing the earlier one) and then fails the job, and no secret is printed.

import { expect } from "chai";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { MARKER } from "../../scripts/preview/comment";
import { FIXTURES, TEST_KEY } from "../preview/fixtures";
import { freePort, ProcessGroup, waitFor } from "../support/processes";
import { copyProgram } from "../support/programCopy";
import { requireBinaries } from "../support/tools";
import { everythingShown, realPython, sandboxPerTest } from "./fakes";
import { JobResult, loadJob } from "./workflowRunner";

const SECRETS = {
    PULUMI_CONFIG_PASSPHRASE_STAGING: "staging-passphrase-never-shown-0123",
    PULUMI_CONFIG_PASSPHRASE_PROD: "prod-passphrase-never-shown-4567",
    DEPLOY_SSH_KEY: "-----BEGIN OPENSSH PRIVATE KEY-----\nfake-deploy-key-material-89ab\n-----END OPENSSH PRIVATE KEY-----",
    PREVIEW_FINGERPRINT_KEY: TEST_KEY,
};
const VARS = { PULUMI_BACKEND_URL: "gs://minimarket-pulumi-state", DEPLOY_KNOWN_HOSTS: "staging.example.invalid ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFake" };
const CONTEXT = { "github.event.pull_request.base.sha": "HEAD", "github.token": "ghs_fake-workflow-token", "github.event.pull_request.number": "7" };

interface Api {
    comments: Array<{ id: number; body: string }>;
    requests: Array<{ method: string; path: string; auth: string; body?: { body: string } }>;
}

describe("preview workflow, dry run of the preview job with fake CLIs and a fake GitHub API", function () {
    this.timeout(300_000);
    const box = sandboxPerTest();
    const procs = new ProcessGroup();
    let api = { url: "", state: "" };
    let previews: string;
    /** A repository of its own: the comment renders the base commit from a `git worktree` of it. */
    let checkout: string;

    before(async function () {
        const python = realPython();
        if (!python) return; // sandboxPerTest has already skipped or failed the suite
        const port = await freePort();
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ci-github-"));
        api = { url: `http://127.0.0.1:${port}`, state: path.join(dir, "api.json") };
        procs.start("github", python, [path.join(__dirname, "fakeGithub.py"), String(port), api.state]);
        await waitFor("the fake GitHub API", async () => ((await fetch(`${api.url}/nothing`)).status === 404 ? true : undefined), 10_000, 100);
        previews = fs.mkdtempSync(path.join(os.tmpdir(), "ci-previews-"));
        checkout = fs.mkdtempSync(path.join(os.tmpdir(), "ci-checkout-"));
        copyProgram(checkout);
        const gitBin = requireBinaries(this, ["git"]).git;
        const git = (...a: string[]) => execFileSync(gitBin, ["-C", checkout, "-c", "user.name=t", "-c", "user.email=t@t", ...a], { stdio: "ignore" });
        fs.writeFileSync(path.join(checkout, ".gitignore"), "node_modules\n");
        git("init", "--quiet");
        git("add", "--all");
        git("commit", "--quiet", "-m", "base");
    });
    after(async () => {
        await procs.stopAll();
        if (api.state) fs.rmSync(path.dirname(api.state), { recursive: true, force: true });
        if (previews) fs.rmSync(previews, { recursive: true, force: true });
        if (checkout) fs.rmSync(checkout, { recursive: true, force: true });
    });
    beforeEach(() => {
        fs.rmSync(api.state, { force: true });
        for (const f of fs.readdirSync(previews)) fs.rmSync(path.join(previews, f));
        // staging bumps an image (the fixture), prod has no change (the fake's default).
        fs.copyFileSync(path.join(FIXTURES, "image-bump", "staging.preview.json"), path.join(previews, "staging.preview.json"));
        fs.copyFileSync(path.join(FIXTURES, "image-bump", "staging.events.jsonl"), path.join(previews, "staging.events.jsonl"));
    });

    const run = (knobs: Record<string, string> = {}) =>
        box.current.run(
            "preview.yml",
            "preview",
            { FAKE_PREVIEW_DIR: previews, GITHUB_API_URL: api.url, GITHUB_REPOSITORY: "minimarket/infra", ...knobs },
            SECRETS,
            { vars: VARS, context: CONTEXT, cwd: checkout },
        );
    const apiState = (): Api => JSON.parse(fs.readFileSync(api.state, "utf8"));
    const step = (job: JobResult, name: string) => job.steps.find((s) => s.name === name)!;
    const stderr = (job: JobResult) => job.steps.map((s) => `${s.name}: ${s.stderr}`).join("\n");

    function expectPrivateFilesGone() {
        expect(fs.existsSync(path.join(box.current.runnerTemp, "preview-private")), "files with secret values deleted").to.equal(false);
    }

    function expectNoSecretShown(job: JobResult) {
        const shown = everythingShown(job, box.current) + JSON.stringify(apiState());
        for (const s of [SECRETS.PULUMI_CONFIG_PASSPHRASE_STAGING, SECRETS.PULUMI_CONFIG_PASSPHRASE_PROD, "fake-deploy-key-material", TEST_KEY]) {
            expect(shown.includes(s), `shown: ${s.slice(0, 12)}…`).to.equal(false);
        }
    }

    it("previews both stacks with the policy pack and the event log, then posts one comment with the values and the policy result", () => {
        const job = run();
        expect(job.failed, stderr(job)).to.equal(false);
        const previewsRun = box.current.commands().filter((c) => c.startsWith("pulumi preview"));
        expect(previewsRun).to.have.length(2);
        for (const [i, stack] of ["staging", "prod"].entries()) {
            expect(previewsRun[i]).to.match(
                new RegExp(
                    `^pulumi preview --stack ${stack} --non-interactive --json --policy-pack policy --event-log \\S+/${stack}\\.events\\.jsonl --save-plan \\S+/${stack}\\.plan\\.json --show-secrets$`,
                ),
            );
        }
        expect(box.current.fakeState().ssh_keys_added).to.equal(1);
        const posted = apiState().requests.filter((r) => r.method === "POST");
        expect(posted).to.have.length(1);
        expect(posted[0].path).to.equal("/repos/minimarket/infra/issues/7/comments");
        expect(posted[0].auth).to.equal(`Bearer ${CONTEXT["github.token"]}`);
        const body = posted[0].body!.body;
        expect(body).to.include(MARKER);
        expect(body).to.include("registry.example.com/minimarket/agente-deposito <code>1.4.2</code> → <code>1.5.0</code>");
        expect(body).to.include("All 20 policies pass on staging and prod.");
        expect(step(job, "Fail if a preview failed").status).to.equal("success");
        expectPrivateFilesGone();
        expectNoSecretShown(job);
    });

    it("a failed preview becomes the comment, replacing the earlier one, with its error lines and no secret; then the job fails", () => {
        fs.writeFileSync(api.state, JSON.stringify({ comments: [{ id: 55, body: `${MARKER}\nold preview` }], requests: [] }));
        fs.writeFileSync(
            path.join(previews, "prod.log"),
            `Previewing update (prod):\nerror: could not decrypt configuration value: passphrase ${SECRETS.PULUMI_CONFIG_PASSPHRASE_PROD} is wrong? DATABASE_URL=postgresql://app:pw-9f8e7d6c5b@db/x\n`,
        );
        const job = run({ FAKE_FAIL_STACK: "prod" });
        expect(job.failed).to.equal(true);
        expect(job.steps.map((s) => `${s.status}: ${s.name}`)).to.include.members([
            "success: Preview staging and prod with the policy pack",
            "success: Build the comment",
            "success: Post or update the comment",
            "failure: Fail if a preview failed",
        ]);
        const patch = apiState().requests.filter((r) => r.method !== "GET");
        expect(patch.map((r) => `${r.method} ${r.path}`)).to.deep.equal(["PATCH /repos/minimarket/infra/issues/comments/55"]);
        const body = patch[0].body!.body;
        expect(body).to.include("| prod | **preview failed** |");
        expect(body).to.include("> **prod: the preview failed** at <code>pulumi preview</code>");
        expect(body).to.include("error: could not decrypt configuration value");
        expect(body).to.include("DATABASE_URL=[secret]");
        expect(body).not.to.include("pw-9f8e7d6c5b");
        expect(body).to.include("passphrase [secret] is wrong");
        expect(step(job, "Fail if a preview failed").stderr).to.include("a preview failed: see the pull-request comment");
        expectPrivateFilesGone();
        expectNoSecretShown(job);
    });

    it("a mandatory policy violation fails the preview: the comment lists it first, and the job fails", () => {
        fs.copyFileSync(path.join(FIXTURES, "policy-violation", "staging.events.jsonl"), path.join(previews, "staging.events.jsonl"));
        fs.writeFileSync(path.join(previews, "staging.log"), "error: preview failed\n");
        const job = run({ FAKE_FAIL_STACK: "staging" });
        expect(job.failed).to.equal(true);
        const body = apiState().requests.find((r) => r.method === "POST")!.body!.body;
        expect(body).to.include("| staging | **preview failed** | | |  | **2 mandatory**, 1 advisory |");
        expect(body.indexOf("`data-services-publish-no-host-port`")).to.be.lessThan(body.indexOf("`images-pinned-outside-prod`"));
        expect(body).to.include("All 20 policies pass on prod.");
    });

    it("keeps its steps in scripts, its secrets in env:, and the files with secrets private", () => {
        const { steps } = loadJob("preview.yml", "preview");
        for (const s of steps) if (s.run) expect(s.run, s.name).not.to.include("${{");
        const scripted = steps.filter((s) => s.run).map((s) => s.run!);
        expect(scripted).to.include.members(["bash scripts/ci/preview-stacks.sh", "bash scripts/ci/preview-comment.sh", "bash scripts/ci/preview-verdict.sh"]);
        expect(fs.readFileSync(path.join(__dirname, "..", "..", "scripts", "ci", "preview-stacks.sh"), "utf8")).to.match(/^umask 077$/m);
    });
});
