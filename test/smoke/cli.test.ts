// `npm run smoke -- --stack <name>` end to end: outputs from a fake `pulumi`, probes through a fake
// `docker` into the local stack of real servers. Checks the report, the exit code, the docker
// command lines (service network, credentials only through the environment) and that no secret
// is printed.
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { ProcessResult, runProcess } from "../../scripts/smoke/http";
import { redactor } from "../../scripts/smoke/report";
import { makeTempDir, requireBinaries } from "../support/processes";
import { FakeClis, installFakeClis } from "./fakes";
import { ENVIRONMENT, GRAFANA_PASSWORD, LocalStack, SMOKE_BINARIES } from "./localStack";

const cli = path.join(__dirname, "..", "..", "scripts", "smoke.ts");

const SECRETS = {
    postgresPassword: "Pg-secret&?!)value-0123456789abcdef",
    redisPassword: "Rd-secret&?!)value-0123456789abcdef",
    grafanaAdminPassword: GRAFANA_PASSWORD,
    jwtSecretDashboard: "jwt-dashboard-0123456789abcdef0123",
};

describe("npm run smoke (CLI, fake pulumi and docker, real local servers)", function () {
    this.timeout(180_000);
    let stack: LocalStack;
    let fakes: FakeClis;
    let dir: string;

    before(async function () {
        const bins = requireBinaries(this, SMOKE_BINARIES);
        stack = new LocalStack(bins);
        await stack.start();
        dir = makeTempDir("minimarket-smoke-cli");
        fakes = installFakeClis(dir, bins.python3, {
            name: "ci-42",
            network: stack.endpoints.serviceNetwork,
            image: stack.endpoints.probeImage,
            hosts: stack.hosts,
        });
    });
    after(async function () {
        this.timeout(60_000);
        await stack?.stop();
        if (dir) fs.rmSync(dir, { recursive: true, force: true });
    });

    function outputs(secrets: Record<string, string> = SECRETS) {
        return {
            environment: ENVIRONMENT,
            dashboardUrl: stack.endpoints.public.dashboard,
            grafanaUrl: stack.endpoints.public.grafana,
            standIns: ["agente-deposito", "agente-negocio", "ml-service", "dashboard"],
            images: {},
            secrets,
            prometheusUrl: "http://127.0.0.1:9090 (on the Docker host)",
            notifications: "off: alerts reach Alertmanager but no Slack webhook is set",
        };
    }

    function smoke(args: string[], env: Record<string, string> = {}): Promise<ProcessResult> {
        const nodeDir = path.dirname(process.execPath);
        const runEnv = { PATH: `${fakes.bin}:${nodeDir}:/usr/bin:/bin`, HOME: dir, ...fakes.env, ...env };
        return runProcess(process.execPath, ["-r", "ts-node/register/transpile-only", cli, ...args], runEnv, 150_000);
    }

    function expectNoSecret(r: ProcessResult, secrets: string[]) {
        const shown = `${r.stdout}\n${r.stderr}`;
        for (const s of secrets) expect(redactor([s])(shown), "a secret was printed").to.equal(shown);
    }

    it("passes on the healthy stack: one PASS line per check, exit 0, nothing secret printed", async () => {
        fakes.setOutputs(outputs());
        const r = await smoke(["--stack", "ci-42", "--timeout", "30", "--interval", "1"]);
        expect(r.code, r.stdout + r.stderr).to.equal(0);
        const lines = r.stdout.split("\n");
        for (const name of [
            "health agente-deposito",
            "health dashboard",
            "prometheus targets",
            "prometheus rules",
            "alertmanager config",
            "grafana login",
            "grafana dashboards",
            "loki logs",
            "public dashboard",
            "public grafana",
        ]) {
            expect(
                lines.some((l) => l.startsWith("PASS") && l.includes(name)),
                `PASS ${name}\n${r.stdout}`,
            ).to.equal(true);
        }
        expect(r.stdout).to.include("smoke: 12 passed, 0 failed");
        expectNoSecret(r, Object.values(SECRETS));
        expect(fakes.pulumiCalls()).to.include("pulumi stack output --stack ci-42 --json --show-secrets");

        // Probes run on the stack's service network; the Grafana login travels as an env var name only.
        const calls = fakes.dockerCalls();
        expect(calls.length).to.be.greaterThan(8);
        for (const c of calls) {
            expect(c.args.slice(0, 4)).to.deep.equal(["run", "--rm", "--network", "minimarket-smoke-services"]);
            expect(c.DOCKER_HOST).to.equal("");
        }
        const grafana = calls.filter((c) => c.args.some((a) => a.startsWith("http://grafana:3000/api/")));
        expect(grafana.every((c) => c.args.includes("-e") && c.args.includes("SMOKE_HTTP_AUTH"))).to.equal(true);
        const basic = Buffer.from(`admin:${GRAFANA_PASSWORD}`).toString("base64");
        expect(JSON.stringify(calls)).not.to.include(basic).and.not.to.include(GRAFANA_PASSWORD);
    });

    it("fails visibly: lists the failing checks, exits 1, writes the job summary and annotations, prints no secret", async () => {
        const wrong = { ...SECRETS, grafanaAdminPassword: "rotated-but-grafana-never-heard-0123456789" };
        fakes.setOutputs(outputs(wrong));
        const summary = path.join(dir, "summary.md");
        const r = await smoke(["--stack", "ci-42", "--timeout", "20", "--interval", "1"], { GITHUB_ACTIONS: "true", GITHUB_STEP_SUMMARY: summary });
        expect(r.code, r.stdout + r.stderr).to.equal(1);
        expect(r.stdout).to.match(/^FAIL {2}grafana login +the stack's grafanaAdminPassword was refused \(HTTP 401\)/m);
        expect(r.stdout).to.match(/^FAIL {2}grafana dashboards +GET http:\/\/grafana:3000\/api\/search\S* HTTP 401/m);
        expect(r.stdout).to.include("smoke: 10 passed, 2 failed");
        expect(r.stdout).to.include("smoke: failing checks: grafana login, grafana dashboards");
        expect(r.stdout).to.match(/^::error title=smoke check failed: grafana login::/m);
        const md = fs.readFileSync(summary, "utf8");
        expect(md).to.include("### Smoke checks: ci-42").and.include("| ❌ | grafana login |").and.include("| ✅ | prometheus rules |");
        expectNoSecret(r, Object.values(wrong));
        expect(redactor(Object.values(wrong))(md)).to.equal(md);
    });

    it("on a remote Docker host: probes go to that daemon, and the published ports are probed on the host itself", async () => {
        fakes.setOutputs(outputs());
        const r = await smoke(["--stack", "ci-42", "--timeout", "30", "--interval", "1"], { FAKE_DOCKER_HOST_CONFIG: "ssh://deploy@staging.example.invalid" });
        expect(r.code, r.stdout + r.stderr).to.equal(0);
        const calls = fakes.dockerCalls().slice(-12);
        expect(calls.every((c) => c.DOCKER_HOST === "ssh://deploy@staging.example.invalid")).to.equal(true);
        const onHost = calls.filter((c) => c.args[3] === "host").map((c) => c.args.find((a) => a.startsWith("http://127.0.0.1")));
        expect(onHost).to.have.members([stack.endpoints.public.dashboard, `${stack.endpoints.public.grafana}/api/health`]);
    });

    it("exits 2 with the reason when the stack cannot be read, or the arguments are wrong", async () => {
        const missing = await smoke(["--stack", "no-such-stack"]);
        expect(missing.code).to.equal(2);
        expect(missing.stderr).to.include("smoke: cannot read stack no-such-stack: pulumi stack output --stack no-such-stack failed");
        const usage = await smoke(["--timeout", "5"]);
        expect(usage.code).to.equal(2);
        expect(usage.stderr).to.include("--stack is required").and.include("usage: npm run smoke -- --stack <name>");
    });
});
