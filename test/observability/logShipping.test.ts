// Log shipping watched and scoped: Prometheus scrapes Alloy, Alloy discovers only this stack's
// containers, the pinned Alloy speaks an API version current Docker Engines accept, and the deploy
// waits until Loki really holds streams of this stack.

import { expect } from "chai";
import * as http from "http";
import { AddressInfo } from "net";
import YAML from "yaml";
import { readinessScript } from "../../components/docker/upstreamService";
import { GATE_POLL_SECONDS } from "../../renderers/rollout/health";
import { defaultImages, parseImageRef } from "../../facts/images";
import { lokiStreamsUrl } from "../../components/observability/logs";
import { alloyConfigNodes, AlloyBlock, AlloyNode, renderAlloyConfig, renderStackFiles } from "../../renderers/observability";
import { dependenciesOf, named, ProgramRun, runProgram } from "../support/program";
import { execFile } from "child_process";
import { requireBinaries } from "../support/processes";

const CONTAINER = "docker:index/container:Container";
const COMMAND = "command:local:Command";

function only(nodes: AlloyNode[], name: string): AlloyBlock {
    const found = nodes.filter((n): n is AlloyBlock => n.kind === "block" && n.name === name);
    expect(found, name).to.have.length(1);
    return found[0];
}

describe("log shipping: Alloy's config and Prometheus' scrape", () => {
    it("discovers only the containers labelled with this stack's environment (a Docker API filter)", () => {
        const discovery = only(alloyConfigNodes({ environment: "staging" }), "discovery.docker");
        const filter = only(discovery.body, "filter");
        expect(filter.body).to.deep.equal([
            { kind: "attribute", name: "name", value: "label" },
            { kind: "attribute", name: "values", value: ["com.minimarket.environment=staging"] },
        ]);
        const text = renderAlloyConfig({ environment: "prod" });
        expect(text).to.contain('filter {\n    name   = "label"\n    values = ["com.minimarket.environment=prod"]\n  }');
    });

    it("the filter's label is the one every container of the program carries", async () => {
        const staging = await runProgram({});
        expect(staging.error, staging.error?.stack).to.equal(undefined);
        for (const c of staging.resources.filter((r) => r.type === CONTAINER)) {
            const labels = c.inputs.labels as Array<{ label: string; value: string }>;
            expect(labels, c.name).to.deep.include({ label: "com.minimarket.environment", value: "staging" });
        }
    });

    it("Prometheus scrapes Alloy's /metrics on its HTTP port", () => {
        const { files } = renderStackFiles({ environment: "staging" });
        const prom = YAML.parse(files["prometheus/etc/prometheus/prometheus.yml"]);
        const job = prom.scrape_configs.find((j: { job_name: string }) => j.job_name === "alloy");
        expect(job).to.deep.equal({ job_name: "alloy", metrics_path: "/metrics", static_configs: [{ targets: ["alloy:12345"] }] });
    });

    it("pins an Alloy whose Docker client negotiates the API version (not v1.10.2, refused by Engine 29)", () => {
        const ref = parseImageRef(defaultImages.alloy)!;
        expect(ref.repository).to.equal("grafana/alloy");
        const [major, minor] = ref.tag!.replace(/^v/, "").split(".").map(Number);
        expect(major * 1000 + minor, ref.tag).to.be.at.least(1018);
    });
});

describe("log shipping: the deploy waits for streams in Loki", () => {
    let staging: ProgramRun;
    before(async () => {
        staging = await runProgram({});
        expect(staging.error, staging.error?.stack).to.equal(undefined);
    });

    it("queries Loki's series API for this stack's environment after Alloy starts", () => {
        const gate = named(staging, COMMAND, "alloy-shipping");
        const create = String(gate.inputs.create);
        expect(create).to.match(/^docker run --rm --network minimarket-staging-services --entrypoint sh prom\/prometheus:v\S+ -c /);
        expect(create).to.contain(lokiStreamsUrl("staging"));
        expect(create).to.contain("grep -qF");
        expect(lokiStreamsUrl("staging")).to.equal("http://loki:3100/loki/api/v1/series?match[]=%7Benvironment%3D%22staging%22%7D");
        expect(dependenciesOf(staging, gate)).to.include(`${CONTAINER}/alloy`);
    });

    describe("the probe script, run for real against a stand-in Loki", function () {
        this.timeout(30_000);
        let server: http.Server;
        let base: string;
        let streams: Array<Record<string, string>> = [];
        const asked: string[] = [];

        before(async function () {
            requireBinaries(this, ["wget"]);
            server = http.createServer((req, res) => {
                asked.push(req.url ?? "");
                res.setHeader("content-type", "application/json");
                res.end(JSON.stringify({ status: "success", data: streams }));
            });
            await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
            base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
        });
        after(() => server?.close());

        /** Runs the gate's script as the probe container would (async: the stand-in answers meanwhile). */
        const probe = (env: string) =>
            new Promise<{ code: number; output: string }>((resolve) => {
                const url = lokiStreamsUrl(env).replace("http://loki:3100", base);
                execFile("sh", ["-c", readinessScript(2, `"environment":"${env}"`), url], { timeout: 20_000 }, (error, stdout, stderr) =>
                    resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, output: `${stdout}\n${stderr}` }),
                );
            });

        it("fails while Loki has no stream of the stack (Alloy ready but shipping nothing)", async () => {
            streams = [];
            const r = await probe("staging");
            expect(r.code, r.output).to.equal(1);
            expect(r.output).to.contain(`not ready after ${2 * GATE_POLL_SECONDS}s`);
            expect(decodeURIComponent(asked[asked.length - 1])).to.equal('/loki/api/v1/series?match[]={environment="staging"}');
        });

        it("fails on streams of another stack only", async () => {
            streams = [{ environment: "pr-42", container: "minimarket-pr-42-redis" }];
            expect((await probe("staging")).code).to.equal(1);
        });

        it("passes once a stream of the stack arrives", async () => {
            streams = [{ container: "minimarket-staging-redis", environment: "staging", service: "redis" }];
            const r = await probe("staging");
            expect(r.code, r.output).to.equal(0);
        });
    });
});
