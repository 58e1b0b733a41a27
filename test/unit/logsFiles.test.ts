// The logs and Grafana files as one deployed set (renderStackFiles, what the deploy writes): the
// parts that must agree with each other do. Grafana's datasources point where Prometheus, Loki and
// Alertmanager listen, dashboards only use provisioned datasources, Grafana's minimum interval is
// Prometheus' scrape interval, Alloy pushes to the port Loki listens on.

import { expect } from "chai";
import { parse } from "yaml";
import { ENDPOINTS, hostPort } from "../../facts/endpoints";
import { grafanaEnv, renderObservabilityFiles, splitFileKey } from "../../renderers/observability";
import { renderStackFiles } from "../../renderers/observability/stackFiles";
import { AlloyBlock, AlloyNode } from "../../renderers/observability/alloy";
import { parseAlloy } from "../support/alloySyntax";

type Obj = Record<string, any>;

const files = renderStackFiles({ environment: "staging" }).files;
const datasources = (): Obj[] => parse(files["grafana/etc/grafana/provisioning/datasources/datasources.yml"]).datasources;
const byType = (type: string): Obj => {
    const found = datasources().filter((d) => d.type === type);
    expect(found, type).to.have.length(1);
    return found[0];
};

/** Every `datasource` reference anywhere in a dashboard (panels, targets, template variables, annotations). */
function datasourceRefs(value: unknown, out: Obj[] = []): Obj[] {
    if (Array.isArray(value)) value.forEach((v) => datasourceRefs(v, out));
    else if (value && typeof value === "object") {
        for (const [k, v] of Object.entries(value)) {
            if (k === "datasource" && v && typeof v === "object") out.push(v as Obj);
            else datasourceRefs(v, out);
        }
    }
    return out;
}

describe("unit: logs and Grafana files agree with each other", () => {
    it("Grafana reaches Prometheus, Loki and Alertmanager where they listen", () => {
        const prometheus = parse(files["prometheus/etc/prometheus/prometheus.yml"]);
        const loki = parse(files["loki/etc/loki/config.yaml"]);
        expect(new URL(byType("prometheus").url).host).to.equal(hostPort(ENDPOINTS.prometheus));
        expect(new URL(byType("loki").url).host).to.equal(`${ENDPOINTS.loki.host}:${loki.server.http_listen_port}`);
        // The Alertmanager Prometheus sends its alerts to is the one Grafana shows.
        expect([new URL(byType("alertmanager").url).host]).to.deep.equal(prometheus.alerting.alertmanagers[0].static_configs[0].targets);
        for (const d of datasources()) expect(new URL(d.url).protocol, d.name).to.equal("http:");
    });

    it("Grafana's minimum query interval is Prometheus' scrape interval", () => {
        const prometheus = parse(files["prometheus/etc/prometheus/prometheus.yml"]);
        expect(byType("prometheus").jsonData.timeInterval).to.equal(prometheus.global.scrape_interval);
    });

    it("Alloy pushes to the port Loki listens on", () => {
        const loki = parse(files["loki/etc/loki/config.yaml"]);
        const nodes = parseAlloy(files["alloy/etc/alloy/config.alloy"]);
        const write = nodes.find((n): n is AlloyBlock => n.kind === "block" && n.name === "loki.write")!;
        const endpoint = write.body.find((n): n is AlloyBlock => n.kind === "block" && n.name === "endpoint")!;
        const url = new URL((endpoint.body.find((n: AlloyNode) => n.kind === "attribute" && n.name === "url") as { value: string }).value);
        expect(url.host).to.equal(`${ENDPOINTS.loki.host}:${loki.server.http_listen_port}`);
        expect(url.pathname).to.equal("/loki/api/v1/push");
    });

    it("dashboards only use provisioned datasources, by uid and type", () => {
        const provisioned = new Map(datasources().map((d) => [d.uid, d.type]));
        const dashboardKeys = Object.keys(files).filter((k) => k.endsWith(".json"));
        expect(dashboardKeys).to.have.length.greaterThan(0);
        for (const key of dashboardKeys) {
            const refs = datasourceRefs(JSON.parse(files[key]));
            expect(refs, key).to.not.be.empty;
            for (const ref of refs) {
                expect(provisioned.has(ref.uid), `${key}: datasource uid ${ref.uid}`).to.equal(true);
                expect(ref.type, `${key}: datasource ${ref.uid}`).to.equal(provisioned.get(ref.uid));
            }
        }
    });

    it("Grafana reads its provisioning from where the datasource and dashboard provider files are put", () => {
        const dir = grafanaEnv().GF_PATHS_PROVISIONING;
        expect(dir).to.match(/^\//);
        expect(Object.keys(files)).to.include.members([`grafana${dir}/datasources/datasources.yml`, `grafana${dir}/dashboards/minimarket.yml`]);
    });

    it("the home dashboard Grafana opens is one of the provisioned dashboard files", () => {
        const home = grafanaEnv({ homeDashboardUid: "minimarket-system-overview" }).GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH;
        expect(Object.keys(files)).to.include(`grafana${home}`);
    });

    it("threads Prometheus' scrape interval and the Alertmanager URL to Grafana", () => {
        const own = renderObservabilityFiles({ environment: "x", scrapeInterval: "30s", alertmanagerUrl: "http://am:1" });
        const ds: Obj[] = parse(own["grafana/etc/grafana/provisioning/datasources/datasources.yml"]).datasources;
        expect(ds.find((d) => d.type === "prometheus")!.jsonData.timeInterval).to.equal("30s");
        expect(ds.find((d) => d.type === "alertmanager")!.url).to.equal("http://am:1");
    });

    // A key is read whole or refused: a path is never cut short at a line break.
    it("file keys name one of the three containers and an absolute path in it", () => {
        expect(splitFileKey("alloy/etc/alloy/config.alloy")).to.deep.equal({ container: "alloy", path: "/etc/alloy/config.alloy" });
        expect(splitFileKey("grafana/x")).to.deep.equal({ container: "grafana", path: "/x" });
        for (const key of [
            "xloki/etc/loki/config.yaml",
            "loki",
            "loki/",
            "lokietc/config",
            "loki-etc/config",
            "loki etc/x",
            "prometheus/etc/x",
            " loki/x",
            "loki/etc/x\ny",
        ]) {
            expect(() => splitFileKey(key), key).to.throw(/not an observability file key/);
        }
    });
});
