import { expect } from "chai";
import { parse } from "yaml";
import { renderObservabilityFiles, splitFileKey } from "../../renderers/observability";

describe("renderObservabilityFiles", () => {
    const files = renderObservabilityFiles({ environment: "staging" });

    it("lays out every file as <container>/<absolute path in that container>", () => {
        expect(Object.keys(files).sort()).to.deep.equal([
            "alloy/etc/alloy/config.alloy",
            "grafana/etc/grafana/dashboards/minimarket-business-kpis.json",
            "grafana/etc/grafana/dashboards/minimarket-ml-service.json",
            "grafana/etc/grafana/dashboards/minimarket-performance.json",
            "grafana/etc/grafana/dashboards/minimarket-system-overview.json",
            "grafana/etc/grafana/provisioning/dashboards/minimarket.yml",
            "grafana/etc/grafana/provisioning/datasources/datasources.yml",
            "loki/etc/loki/config.yaml",
        ]);
        expect(splitFileKey("loki/etc/loki/config.yaml")).to.deep.equal({ container: "loki", path: "/etc/loki/config.yaml" });
        expect(() => splitFileKey("prometheus/etc/x")).to.throw();
    });

    it("puts the dashboards where the dashboard provider looks for them", () => {
        const provider = parse(files["grafana/etc/grafana/provisioning/dashboards/minimarket.yml"]);
        const dir = provider.providers[0].options.path;
        const dashboardFiles = Object.keys(files)
            .map(splitFileKey)
            .filter((f) => f.path.endsWith(".json"));
        expect(dashboardFiles).to.have.length(4);
        for (const f of dashboardFiles) expect(f.path.startsWith(`${dir}/`), f.path).to.equal(true);
    });

    it("names each dashboard file after its uid", () => {
        for (const [key, content] of Object.entries(files)) {
            if (!key.endsWith(".json")) continue;
            expect(key.endsWith(`/${JSON.parse(content).uid}.json`), key).to.equal(true);
        }
    });

    it("threads its input through to the files", () => {
        const prod = renderObservabilityFiles({
            environment: "prod",
            lokiUrl: "http://logs:3100",
            prometheusUrl: "http://metrics:9090",
            dockerSocketPath: "/var/run/docker.sock",
        });
        expect(prod["alloy/etc/alloy/config.alloy"]).to.contain('replacement  = "prod"');
        expect(prod["alloy/etc/alloy/config.alloy"]).to.contain('"http://logs:3100/loki/api/v1/push"');
        const ds = parse(prod["grafana/etc/grafana/provisioning/datasources/datasources.yml"]);
        expect(ds.datasources.map((d: { url: string }) => d.url)).to.include.members(["http://logs:3100", "http://metrics:9090"]);
    });
});
