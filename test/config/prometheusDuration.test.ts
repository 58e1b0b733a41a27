// metricsRetention reaches Prometheus as --storage.tsdb.retention.time, which Prometheus parses
// with model.ParseDuration. parsePrometheusDuration must accept exactly what Prometheus accepts:
// here it is compared with promtool, which parses the `for:` of alerting rules the same way.
import { expect } from "chai";
import { parsePrometheusDuration } from "../../facts/prometheusDuration";
import { makeTempDir, requireBinaries, run, writeFiles } from "../support/processes";

const SAMPLES = [
    "1d12h",
    "30d",
    "7d",
    "1y2w3d4h5m6s7ms",
    "90s",
    "0",
    "0d",
    "1h30m",
    "12h1d",
    "1.5d",
    "30D",
    "30 d",
    "",
    "1month",
    "1d1d",
    "-1d",
    "d",
    "106751d",
    "106752d",
];

describe("Prometheus durations", () => {
    it("computes milliseconds with years of 365 days", () => {
        expect(parsePrometheusDuration("1d12h")).to.equal(36 * 3_600_000);
        expect(parsePrometheusDuration("1y1w1d1h1m1s1ms")).to.equal(32_230_861_001);
        expect(parsePrometheusDuration("0")).to.equal(0);
        expect(parsePrometheusDuration("12h1d")).to.equal(undefined);
        // time.Duration holds about 292 years of nanoseconds.
        expect(parsePrometheusDuration("292y")).to.be.a("number");
        expect(parsePrometheusDuration("293y")).to.equal(undefined);
    });

    it("accepts exactly what promtool accepts", function () {
        const { promtool } = requireBinaries(this, ["promtool"]);
        const dir = makeTempDir("durations");
        const files = Object.fromEntries(
            SAMPLES.map((d, i) => [
                `r${i}.yml`,
                `groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: up == 0\n        for: ${JSON.stringify(d)}\n`,
            ]),
        );
        writeFiles(dir, files);
        const out = run(promtool, ["check", "rules", ...Object.keys(files)], { cwd: dir }).output;
        const verdicts = SAMPLES.map((d, i) => {
            const section = out.split(`Checking r${i}.yml`)[1]?.split("Checking ")[0] ?? "";
            return [d, section.includes("SUCCESS")];
        });
        expect(verdicts.filter(([, ok]) => ok).length, "promtool accepted some samples").to.be.greaterThan(3);
        expect(verdicts.map(([d]) => [d, parsePrometheusDuration(d as string) !== undefined])).to.deep.equal(verdicts);
    });
});
