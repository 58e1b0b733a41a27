// The pure parts of the smoke CLI: bounded retries, redaction, the report, and reading endpoints
// from the stack outputs of today's program.
import { expect } from "chai";
import { parseArgs } from "../../scripts/smoke";
import { endpointsFromOutputs, stackEndpoints } from "../../scripts/smoke/endpoints";
import { expectedScrapeTargets } from "../../scripts/smoke/expected";
import { annotations, redactor, reportLines, runCheck } from "../../scripts/smoke/report";
import { scrapeTargets } from "../../renderers/observability";

describe("smoke: retries, report and endpoints", () => {
    it("retries a failing check until it passes, and gives up at its deadline with the last reason", async () => {
        let calls = 0;
        const flaky = { name: "flaky", attempt: async () => (++calls < 3 ? Promise.reject(new Error(`not yet ${calls}`)) : "fine") };
        const ok = await runCheck(flaky, { timeoutMs: 5_000, intervalMs: 10 });
        expect(ok).to.include({ ok: true, detail: "fine", attempts: 3 });

        const started = Date.now();
        const never = await runCheck({ name: "never", attempt: async () => Promise.reject(new Error("still down")) }, { timeoutMs: 300, intervalMs: 50 });
        expect(never.ok).to.equal(false);
        expect(never.detail).to.equal("still down");
        // Kept trying until no further attempt fitted before the deadline. Only lower bounds: a busy
        // machine makes it later, never earlier; that it ends at all is mocha's timeout.
        expect(Date.now() - started).to.be.at.least(250);
        expect(never.seconds).to.be.at.least(0.25);
    });

    it("redacts secrets in every form they may travel in", () => {
        const secret = "p@ss w/rd&?é";
        const redact = redactor([secret, "abc"]);
        const text = `raw ${secret} url ${encodeURIComponent(secret)} b64 ${Buffer.from(secret).toString("base64")} json ${JSON.stringify(secret)}`;
        const out = redact(text);
        expect(out).not.to.include(secret).and.not.to.include(encodeURIComponent(secret)).and.not.to.include(Buffer.from(secret).toString("base64"));
        expect(out.match(/\[secret\]/g)).to.have.length(4);
        // Too short to redact safely: would mangle ordinary words.
        expect(redact("abc")).to.equal("abc");
    });

    it("reports one line per check, the failing ones listed last, and annotations without secrets", () => {
        const outcomes = [
            { name: "health dashboard", ok: true, detail: "answered 200", seconds: 0.4, attempts: 1 },
            { name: "grafana login", ok: false, detail: "refused for hunter2-secret\nsecond line", seconds: 90, attempts: 30 },
        ];
        const redact = redactor(["hunter2-secret"]);
        expect(reportLines(outcomes, redact)).to.deep.equal([
            "PASS  health dashboard  answered 200 (0.4s)",
            "FAIL  grafana login     refused for [secret] second line (90.0s, 30 attempts)",
            "smoke: 1 passed, 1 failed",
            "smoke: failing checks: grafana login",
        ]);
        expect(annotations(outcomes, redact)).to.deep.equal(["::error title=smoke check failed: grafana login::refused for [secret] second line"]);
    });

    it("parses its arguments and refuses bad ones", () => {
        expect(parseArgs(["--stack", "ci-1", "--timeout", "30", "--logs-window", "1h"])).to.deep.include({
            stack: "ci-1",
            timeoutSeconds: 30,
            logsWindow: "1h",
        });
        expect(() => parseArgs([])).to.throw("--stack is required");
        expect(() => parseArgs(["--stack", "s", "--timeout", "soon"])).to.throw("not a number of seconds");
        expect(() => parseArgs(["--stack", "s", "--logs-window", "1 day"])).to.throw("not a LogQL duration");
        expect(() => parseArgs(["--stack", "s", "--bogus"])).to.throw("unknown argument --bogus");
    });

    it("derives the endpoints from today's outputs with the program's names", () => {
        const e = endpointsFromOutputs({ environment: "ci-7", dashboardUrl: "http://localhost:8080", grafanaUrl: "http://localhost:3000", secrets: {} });
        expect(e.serviceNetwork).to.equal("minimarket-ci-7-services");
        expect(e.internal.apps.dashboard).to.equal("http://dashboard:8080");
        expect(e.internal.prometheus).to.equal("http://prometheus:9090");
        expect(e.containers.postgres).to.equal("minimarket-ci-7-postgres");
        expect(e.containers.dashboard, "apps are auto-named: found by service").to.equal("dashboard");
        expect(e.containers.proxy).to.equal("minimarket-ci-7-proxy");
        expect(Object.keys(e.containers)).to.have.length(16);
        expect(e.dockerHost).to.equal(undefined);
        // Prod: Cloud SQL instead of a postgres container.
        const prod = endpointsFromOutputs(
            { environment: "prod", dashboardUrl: "https://x", grafanaUrl: "https://g", cloudSqlConnectionName: "p:r:i" },
            "ssh://deploy@vm",
        );
        expect(prod.containers).not.to.have.property("postgres");
        expect(prod.containers.proxy).to.equal("minimarket-prod-proxy");
        expect(prod.dockerHost).to.equal("ssh://deploy@vm");
        // A declared smokeEndpoints output wins.
        const declared = stackEndpoints({ environment: "x", dashboardUrl: "http://d", grafanaUrl: "http://g" });
        expect(endpointsFromOutputs({ smokeEndpoints: { ...declared, serviceNetwork: "custom" } }).serviceNetwork).to.equal("custom");
        expect(() => endpointsFromOutputs({ smokeEndpoints: { nope: 1 } })).to.throw("smokeEndpoints does not have the expected shape");
        expect(() => endpointsFromOutputs({ environment: "x" })).to.throw('"dashboardUrl" is missing');
    });

    it("expects every scrape job of the rendered Prometheus config", () => {
        const jobs = expectedScrapeTargets().map((t) => (t.service ? `${t.job}/${t.service}` : t.job));
        expect(jobs).to.deep.equal([
            "apps/agente-deposito",
            "apps/agente-negocio",
            "apps/ml-service",
            "apps/dashboard",
            "node-exporter",
            "cadvisor",
            "postgres-exporter",
            "redis-exporter",
            "prometheus",
            "alertmanager",
            "loki",
            "grafana",
            "alloy",
        ]);
        const { loki: _loki, ...withoutLoki } = scrapeTargets();
        expect(expectedScrapeTargets(withoutLoki).map((t) => t.job)).not.to.include("loki");
    });
});
