// The demo stand-in, run with a real Python as its container runs it: it must answer /health and
// /metrics so that health-gated start order and Prometheus have something real to talk to.

import { expect } from "chai";
import { spawnSync } from "child_process";
import { standInCommand, standInEnv } from "../components/apps/standin";
import { freePort, ProcessGroup, requireBinaries, waitFor } from "./support/processes";

const expectedMetrics: Record<string, string[]> = {
    "agente-deposito": ["deposito_productos_procesados_total", "deposito_productos_por_categoria"],
    "agente-negocio": ["negocio_stock_critico_productos", "negocio_ordenes_generadas_total", "negocio_revenue_proyectado_ars", "ocr_timeout_events_total"],
    "ml-service": ["ml_inflacion_calculada_percent", "ml_inflacion_baseline_percent", "ml_model_drift_score", "ml_cache_hits_total", "ml_model_version_info"],
    dashboard: [],
};

for (const [service, metrics] of Object.entries(expectedMetrics)) {
    describe(`demo stand-in for ${service}`, function () {
        const procs = new ProcessGroup();
        let base: string;
        let bins: Record<string, string>;
        after(() => procs.stopAll());

        before(async function () {
            bins = requireBinaries(this, ["python3", "promtool"]);
            const port = await freePort();
            base = `http://127.0.0.1:${port}`;
            const [, ...args] = standInCommand(); // "python" in the image, python3 here
            procs.start("standin", bins.python3, args, { env: { PATH: process.env.PATH, ...standInEnv(service, port) } });
            await waitFor(
                "the stand-in to answer",
                async () => ((await fetch(`${base}/health`, { signal: AbortSignal.timeout(2000) })).ok ? true : undefined),
                60_000,
                200,
            );
        });

        it("answers /health and says it is a stand-in", async () => {
            const res = await fetch(`${base}/health`);
            expect(res.status).to.equal(200);
            expect(await res.json()).to.deep.equal({ status: "ok", service, standin: true });
            const page = await (await fetch(`${base}/`)).text();
            expect(page).to.include("demo stand-in").and.include(`services.${service}.image`);
        });

        it("serves valid Prometheus metrics with the app metrics the alerts and dashboards use", async () => {
            await fetch(`${base}/health`);
            const text = await (await fetch(`${base}/metrics`)).text();
            const check = spawnSync(bins.promtool, ["check", "metrics"], { input: text, encoding: "utf8" });
            expect(check.status, check.stdout + check.stderr).to.equal(0);
            for (const name of ["http_requests_total", "http_request_duration_seconds_bucket", "minimarket_standin_info", ...metrics]) {
                expect(text, name).to.match(new RegExp(`^${name}[{ ]`, "m"));
            }
            expect(text).to.match(new RegExp(`^http_requests_total\\{service="${service}",method="GET",path="/health",status="200"\\} [1-9]`, "m"));
        });

        it("logs JSON lines with level and message", async () => {
            await fetch(`${base}/nothing-here`);
            await waitFor("a request log line", () => (procs.logOf("standin").includes('"path": "/nothing-here"') ? true : undefined), 60_000, 100);
            const lines = procs
                .logOf("standin")
                .trim()
                .split("\n")
                .map((l) => JSON.parse(l));
            expect(lines[0]).to.include({ level: "WARNING", service, standin: true });
            expect(lines[0].message).to.include("not the real service");
            expect(lines.some((l) => l.status === 404)).to.equal(true);
        });
    });
}
