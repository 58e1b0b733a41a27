// Dry run of .github/workflows/deploy.yml with fake CLIs: SSH access from secrets, the team's
// staging stack deployed through the operators' entry point (scripts/stack.sh --stack staging up)
// against the committed host, with the team's one backend and passphrase, then the smoke checks;
// a failing smoke check fails the job; no secret is printed.
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { everythingShown, fakeSecretValues, sandboxPerTest } from "./fakes";
import { loadJob } from "./workflowRunner";

const SECRETS = {
    STAGING_SSH_KEY: "-----BEGIN OPENSSH PRIVATE KEY-----\nfake-key-material-0123456789\n-----END OPENSSH PRIVATE KEY-----",
    STAGING_KNOWN_HOSTS: "staging.example.invalid ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFakeHostKey",
    PULUMI_CONFIG_PASSPHRASE_STAGING: "staging-passphrase-that-must-not-show-0123",
};
/** The one backend of the team's stacks, read by the preview workflow too. */
const VARS = { PULUMI_BACKEND_URL: "s3://minimarket-state-secret-bucket?region=us-east-1" };
const HOST = { FAKE_DOCKER_HOST_CONFIG: "ssh://deploy@staging.example.invalid" };
const UP_STEP = "up of the team's staging stack (scripts/stack.sh --stack staging up)";

describe("deploy workflow, dry run of its steps with fake CLIs", function () {
    this.timeout(60_000);
    const box = sandboxPerTest();

    const deploy = (knobs: Record<string, string> = HOST, secrets: Record<string, string> = SECRETS, vars: Record<string, string> = VARS) =>
        box.current.run("deploy.yml", "deploy", knobs, secrets, { vars });

    it("sets up SSH, deploys the team's staging stack through scripts/stack.sh, then runs the smoke checks against it", () => {
        const job = deploy();
        expect(job.failed, job.steps.map((s) => s.stderr).join("\n")).to.equal(false);
        expect(box.current.commands((c) => c.tool === "pulumi" || c.tool === "npm")).to.deep.equal([
            "npm ci --no-audit --no-fund",
            `pulumi login ${VARS.PULUMI_BACKEND_URL}`,
            "pulumi config get dockerHost --stack staging",
            "pulumi config get platform --stack staging",
            "pulumi config get dockerHost --stack staging",
            "pulumi config get dockerSshOpts --stack staging",
            "pulumi version",
            "pulumi up --stack staging --parallel 8 --yes --skip-preview --policy-pack policy",
            "npm run --silent smoke -- --stack staging",
        ]);
        // The entry point's preflight ran on the team's host, over one shared ssh connection.
        const docker = box.current.commands((c) => c.tool === "docker");
        expect(docker).to.include.members(["docker info", "docker version --format {{.Server.Version}} {{.Server.APIVersion}}"]);
        const shared = box.current.commands((c) => c.tool === "ssh");
        expect(shared[0]).to.match(/^ssh -o ControlMaster=yes .* -f -N deploy@staging\.example\.invalid$/);
        expect(shared[shared.length - 1]).to.match(/-O exit deploy@staging\.example\.invalid$/);
        const ssh = path.join(box.current.home, ".ssh");
        const key = path.join(ssh, "minimarket-deploy");
        expect(fs.readFileSync(key, "utf8")).to.equal(`${SECRETS.STAGING_SSH_KEY}\n`);
        expect(fs.statSync(key).mode & 0o777).to.equal(0o600);
        expect(fs.readFileSync(path.join(ssh, "known_hosts"), "utf8")).to.include(SECRETS.STAGING_KNOWN_HOSTS);
        expect(fs.readFileSync(path.join(ssh, "config"), "utf8"))
            .to.include(`IdentityFile ${key}`)
            .and.include("StrictHostKeyChecking yes");
        expect(job.steps.find((s) => s.name === UP_STEP)!.stderr).to.include("deploying staging to ssh://deploy@staging.example.invalid");
        expect(job.summary)
            .to.include("### Deploy to staging: step timings")
            .and.match(/\| pulumi up \(staging\) \| \d+s \| ok \|/);
        expect(job.summary).to.match(/\| smoke checks on staging \| \d+s \| ok \|/);
    });

    it("fails the deploy visibly when a smoke check fails", () => {
        const job = deploy({ ...HOST, FAKE_SMOKE_EXIT: "1" });
        expect(job.failed).to.equal(true);
        const smoke = job.steps.find((s) => s.name === "Smoke checks")!;
        expect(smoke.status).to.equal("failure");
        expect(smoke.stdout).to.include("FAIL  grafana login");
        expect(job.summary).to.match(/\| smoke checks on staging \| \d+s \| failed \(exit 1\) \|/);
    });

    it("prints no secret: not the SSH key, the backend URL, the passphrase or a stack secret", () => {
        const job = deploy();
        const shown = everythingShown(job, box.current).replace(JSON.stringify(box.current.calls()), "");
        for (const s of [
            SECRETS.STAGING_SSH_KEY,
            "fake-key-material",
            VARS.PULUMI_BACKEND_URL,
            SECRETS.PULUMI_CONFIG_PASSPHRASE_STAGING,
            ...fakeSecretValues(),
        ]) {
            expect(shown.includes(s), `printed: ${s.slice(0, 12)}…`).to.equal(false);
        }
    });

    it("stops before deploying when a secret or the staging host is missing", () => {
        const noKey = deploy(HOST, { ...SECRETS, STAGING_SSH_KEY: "" });
        expect(noKey.steps.find((s) => s.name === "SSH access to the staging host")!.stderr).to.include("set the STAGING_SSH_KEY secret");
        expect(box.current.commands().filter((c) => c.startsWith("pulumi up"))).to.deep.equal([]);

        const noHost = deploy({});
        expect(noHost.steps.find((s) => s.name === UP_STEP)!.stderr).to.include("staging has no minimarket:dockerHost");
        expect(box.current.commands().filter((c) => c.startsWith("pulumi up"))).to.deep.equal([]);
    });

    it("deploys the team's stack from the team's backend only: never from a directory of the runner", () => {
        for (const vars of [{}, { PULUMI_BACKEND_URL: "file:///tmp/state" }] as Array<Record<string, string>>) {
            const job = deploy(HOST, SECRETS, vars);
            expect(job.steps.find((s) => s.name === UP_STEP)!.stderr).to.match(/set the repository variable PULUMI_BACKEND_URL|a directory on the runner/);
        }
        expect(box.current.commands().filter((c) => c.startsWith("pulumi"))).to.deep.equal([]);
    });

    it("stops before `pulumi up` when the team's host runs a Docker Engine older than the program needs", () => {
        const job = deploy({ ...HOST, FAKE_ENGINE: "24.0.7 1.43" });
        expect(job.failed).to.equal(true);
        expect(job.steps.find((s) => s.name === UP_STEP)!.stderr).to.include(
            "Docker Engine 24.0.7 (API 1.43) at ssh://deploy@staging.example.invalid is older than this program needs: Docker Engine 25.0 (API 1.44) or later",
        );
        expect(box.current.commands().filter((c) => c.startsWith("pulumi up"))).to.deep.equal([]);
    });

    it("passes secrets only through env:, pins actions by commit, never cancels a running deploy", () => {
        const { steps } = loadJob("deploy.yml", "deploy");
        for (const s of steps) {
            if (s.run) expect(s.run, s.name).not.to.include("${{");
            if (s.uses) expect(s.uses).to.match(/^[\w.-]+\/[\w.-]+@[0-9a-f]{40}$/);
        }
        const text = fs.readFileSync(path.join(__dirname, "..", "..", ".github", "workflows", "deploy.yml"), "utf8");
        expect(text).to.match(/concurrency:\n\s+# .*\n\s+group: deploy-staging\n\s+cancel-in-progress: false/);
        expect(text).to.match(/permissions:\n\s+contents: read\n/);
    });
});
