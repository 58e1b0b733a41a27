// The stack's `timezone` is the apps' TZ, Grafana's default time zone and the dashboards' (it was
// fixed to Buenos Aires for Grafana and the dashboards whatever the setting said). The renderers'
// side: test/observability/dashboards.test.ts.
import { expect } from "chai";
import { named, runProgram, unwrap } from "../support/program";
import { CONTAINER, realImages, withConfig } from "../support/staging";

describe("the stack's time zone in Grafana and the dashboards", function () {
    this.timeout(120_000);

    it("a deploy with timezone set gives the apps, Grafana and its dashboards that zone", async () => {
        const run = await runProgram(withConfig(realImages, { timezone: "America/Argentina/Cordoba" }));
        expect(run.error).to.equal(undefined);
        const grafana = named(run, CONTAINER, "grafana");
        expect(unwrap(grafana.inputs.envs) as string[]).to.include("GF_DATE_FORMATS_DEFAULT_TIMEZONE=America/Argentina/Cordoba");
        const uploads = unwrap(grafana.inputs.uploads) as Array<{ file: string; content: string }>;
        const boards = uploads.filter((u) => u.file.endsWith(".json"));
        expect(boards).to.have.length(4);
        for (const b of boards) expect(JSON.parse(b.content).timezone, b.file).to.equal("America/Argentina/Cordoba");
        const dashboardEnv = unwrap(run.resources.find((r) => r.type === CONTAINER && r.name.startsWith("dashboard"))!.inputs.envs) as string[];
        expect(dashboardEnv).to.include("TZ=America/Argentina/Cordoba");
    });
});
