// The new rules in a real program run: a refused config registers no resource at all, and a
// newly accepted value (a compound Prometheus duration) reaches the container unchanged.
import { expect } from "chai";
import { prometheusFlags } from "../../renderers/observability";
import { runProgram } from "../support/program";

describe("issue 10 config rules in a program run", () => {
    it("prod with ports held by the proxy, an ignored dockerHost and a bad retention fails before any resource", async () => {
        const run = await runProgram({
            stack: "prod",
            config: { hostPorts: { grafana: 443 }, dockerHost: "ssh://deploy@203.0.113.7", metricsRetention: "12h1d", timezone: "ART" },
            secretKeys: [],
        });
        expect(run.error).to.be.instanceOf(Error);
        for (const key of ["minimarket:hostPorts.grafana", "minimarket:dockerHost", "minimarket:metricsRetention", "minimarket:timezone"]) {
            expect(run.error!.message).to.include(key);
        }
        expect(run.resources, "no resource may be registered when config is invalid").to.deep.equal([]);
    });

    it("passes a compound retention such as 1d12h to Prometheus", async () => {
        expect(prometheusFlags({ retention: "1d12h" })).to.include("--storage.tsdb.retention.time=1d12h");
        const run = await runProgram({ config: { metricsRetention: "1d12h" } });
        expect(run.error).to.equal(undefined);
        const flags = JSON.stringify(run.resources.filter((r) => r.type === "docker:index/container:Container").map((r) => r.inputs.command));
        expect(flags).to.include("--storage.tsdb.retention.time=1d12h");
    });
});
