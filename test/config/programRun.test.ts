// The new rules in a real program run: a refused config registers no resource at all, and a
// newly accepted value (a compound Prometheus duration) reaches the container unchanged.
// A config mistake also runs through the language host's own runner (as under `pulumi preview`):
// it must print as one error with one problem list, without a stack trace, and exit non-zero.
import { expect } from "chai";
import { prometheusFlags } from "../../renderers/observability";
import { runThroughLanguageHost } from "../support/languageHost";
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

describe("errors that read as errors (issue 21)", () => {
    it("reports a key in a misspelled namespace (minimarkt:logLevel) instead of ignoring it, before any resource", async () => {
        const run = await runProgram({ stack: "staging", rawConfig: { "minimarkt:logLevel": "DEBUG", "gcp:project": "p-1" } });
        expect(run.error?.message).to.include('minimarkt:logLevel: the namespace "minimarkt" is not "minimarket", so the program never reads this key');
        expect(run.error?.message).to.include("`scripts/stack.sh --stack staging config rm minimarkt:logLevel`");
        expect(run.error?.message, "a provider's namespace is not a typo").not.to.include("gcp:project");
        expect(run.resources).to.deep.equal([]);
    });

    it("a config mistake run through the language host prints one problem list, no stack trace, and exits non-zero before any resource", async function () {
        this.timeout(300_000);
        const run = await runThroughLanguageHost({
            stack: "dev-ana",
            config: { "minimarket:logLevel": "LOUD", "minimarket:hostPorts": '{"grafana":"x"}', "minimarkt:timezone": "UTC" },
        });
        expect(run.timedOut, "the runner finished before its deadline").to.equal(false);
        const shown = [run.stdout, run.stderr, ...run.logs.filter((l) => l.severity > 0).map((l) => l.message)].join("\n");
        const errors = run.logs.filter((l) => l.severity === 3);
        expect(errors, shown).to.have.length(1);
        expect(errors[0].message).to.match(/^Invalid stack configuration \(3 problems\); nothing was changed:\n/);
        for (const key of ["minimarket:logLevel:", "minimarket:hostPorts.grafana:", "minimarkt:timezone:"]) {
            expect(shown.split(key).length - 1, `${key} is printed once`).to.equal(1);
        }
        expect(shown).not.to.match(/^\s+at /m);
        expect(shown).not.to.include("unhandled exception");
        expect(errors[0].message).to.include("`scripts/stack.sh --stack dev-ana config rm minimarkt:timezone`");
        expect(run.code).to.not.equal(0);
        expect(run.registered, "only the stack's root").to.deep.equal(["pulumi:pulumi:Stack"]);
    });
});
