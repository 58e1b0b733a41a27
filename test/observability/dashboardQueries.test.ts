import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { dashboards, listPanels } from "../../renderers/observability/dashboards";
import { APP_METRICS, KNOWN_METRICS, NamedExpr, metricNames, promtoolCheckRules, substituteGrafanaVariables } from "./promql";
import { requireBinaries } from "../support/tools";

interface DashboardExpr {
    where: string;
    /** Valid metric name saying where the query comes from, so promtool errors point at it. */
    record: string;
    expr: string;
}

/** Every query of the dashboards as each runtime renders them (Cloud Run adds Cloud Monitoring's series). */
function allExprs(): DashboardExpr[] {
    return [...dashboards(), ...dashboards({}, "cloudrun").map((d) => ({ ...d, uid: `${d.uid}-cloudrun` }))].flatMap((d) =>
        listPanels(d.model).flatMap((p) =>
            p.targets.map((t) => ({
                where: `${d.uid} / ${p.title} / ${t.refId}`,
                record: `dashboard:${d.uid.replace(/-/g, "_")}:panel${p.id}_${t.refId}`,
                expr: t.expr,
            })),
        ),
    );
}

/** One recording rule per dashboard query. */
function asRecordingRules(exprs: DashboardExpr[]): NamedExpr[] {
    return exprs.map((e) => ({ record: e.record, expr: substituteGrafanaVariables(e.expr) }));
}

describe("dashboard PromQL", () => {
    describe("metric-name extraction used by the allow-list", () => {
        it("finds selected metrics and ignores functions, labels, durations and keywords", () => {
            expect(metricNames('100 * sum by (service) (rate(http_errors_total{job="a{b}"}[5m] offset 1h)) / ignoring (x) up')).to.deep.equal([
                "http_errors_total",
                "up",
            ]);
            expect(metricNames("histogram_quantile(0.95, sum by (le) (rate(foo_bucket[1m]))) > 1e3")).to.deep.equal(["foo_bucket"]);
            expect(metricNames("service:http_requests:rate5m")).to.deep.equal(["service:http_requests:rate5m"]);
        });

        it("would reject a misspelt metric", () => {
            const names = metricNames("sum(rate(http_requets_total[5m]))");
            expect(names.filter((n) => !KNOWN_METRICS.has(n))).to.deep.equal(["http_requets_total"]);
        });
    });

    it("uses only metrics that exist (app metrics, recording rules, exporters)", () => {
        const unknown = allExprs().flatMap((e) =>
            metricNames(e.expr)
                .filter((n) => !KNOWN_METRICS.has(n))
                .map((n) => `${n} (${e.where})`),
        );
        expect(unknown).to.deep.equal([]);
    });

    it("app-metric allow-list matches the app contract (docs/app-contract.md)", () => {
        const text = fs.readFileSync(path.resolve(__dirname, "../../docs/app-contract.md"), "utf8");
        const section = /## Metrics[^\n]*\n([\s\S]*?)\n## /.exec(text);
        expect(section, "Metrics section of docs/app-contract.md").to.not.equal(null);
        const documented = [...section![1].matchAll(/`([a-z_:]+)(?:\{[^}]*\})?`/g)].map((m) => m[1]);
        expect([...documented].sort()).to.deep.equal([...APP_METRICS].sort());
    });

    it("substitutes Grafana's interval variables and refuses unknown ones", () => {
        expect(substituteGrafanaVariables("rate(x[$__rate_interval]) + increase(y[$__range])")).to.equal("rate(x[1m]) + increase(y[1d])");
        expect(() => substituteGrafanaVariables("rate(x[$window])")).to.throw(/unsubstituted/);
        expect(() => substituteGrafanaVariables("rate(x[$__nope])")).to.throw(/unknown Grafana variable/);
    });

    describe("promtool check rules", () => {
        before(function () {
            requireBinaries(this, ["promtool"]);
        });

        it("accepts every dashboard expression", () => {
            const rules = asRecordingRules(allExprs());
            const result = promtoolCheckRules(rules);
            expect(result.status, result.output).to.equal(0);
            expect(result.output).to.contain(`SUCCESS: ${rules.length} rules found`);
        });

        it("rejects the old stack's invalid uptime query (the check can fail)", () => {
            const old = "100 * (1 - (rate(up[7d] == 0) / rate(up[7d])))";
            const result = promtoolCheckRules([{ record: "dashboard_query:old_uptime", expr: old }]);
            expect(result.status, result.output).to.not.equal(0);
        });
    });
});
