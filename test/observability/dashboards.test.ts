import { expect } from "chai";
import * as units from "@grafana/grafana-foundation-sdk/units";
import { PanelSummary, dashboards, listPanels } from "../../renderers/observability/dashboards";
import { DEFAULT_TIMEZONE } from "../../facts/telemetry";
import { grafanaEnv, renderStackFiles } from "../../renderers/observability";

const EXPECTED = [
    { uid: "minimarket-system-overview", title: "MiniMarket - System overview", panels: 6 },
    { uid: "minimarket-business-kpis", title: "MiniMarket - Business KPIs", panels: 7 },
    { uid: "minimarket-performance", title: "MiniMarket - Performance", panels: 7 },
    { uid: "minimarket-ml-service", title: "MiniMarket - ML service", panels: 8 },
];

const CURRENT_PANEL_TYPES = ["timeseries", "stat", "gauge", "piechart", "barchart"];

function panelsOf(uid: string): PanelSummary[] {
    const d = dashboards().find((x) => x.uid === uid);
    if (!d) throw new Error(`no dashboard ${uid}`);
    return listPanels(d.model);
}

function panel(uid: string, titleStart: string): PanelSummary {
    const matches = panelsOf(uid).filter((p) => p.title.startsWith(titleStart));
    expect(matches, `panels of ${uid} titled "${titleStart}..."`).to.have.length(1);
    return matches[0];
}

function stepValues(p: PanelSummary): Array<number | null> {
    return (p.thresholds ?? []).map((s) => s.value);
}

function stepColors(p: PanelSummary): string[] {
    return (p.thresholds ?? []).map((s) => s.color);
}

const HIGHER_IS_WORSE = ["green", "orange", "red"];
const HIGHER_IS_BETTER = ["red", "orange", "green"];

describe("observability dashboards", () => {
    const all = dashboards();

    it("are exactly the four dashboards of the SPEC, with their uids, titles and panel counts", () => {
        expect(all.map((d) => ({ uid: d.uid, title: d.title, panels: listPanels(d.model).length }))).to.deep.equal(EXPECTED);
    });

    for (const d of all) {
        describe(d.uid, () => {
            const panels = listPanels(d.model);

            it("uses the Buenos Aires timezone and the fixed uid", () => {
                expect(d.model.timezone).to.equal("America/Argentina/Buenos_Aires");
                expect(d.model.uid).to.equal(d.uid);
            });

            it("uses only current panel types (no deprecated graph panel)", () => {
                for (const p of panels) expect(CURRENT_PANEL_TYPES, p.title).to.include(p.type);
            });

            it("queries only the prometheus datasource by its fixed uid", () => {
                for (const p of panels) {
                    expect(p.targets, p.title).to.not.be.empty;
                    for (const t of p.targets) {
                        expect(t.datasource, `${p.title} ${t.refId}`).to.deep.equal({ type: "prometheus", uid: "prometheus" });
                        expect(t.expr, `${p.title} ${t.refId}`).to.not.equal("");
                    }
                }
            });

            it("has unique panel ids and unique refIds within each panel", () => {
                const ids = panels.map((p) => p.id);
                expect(new Set(ids).size).to.equal(ids.length);
                expect(ids).to.not.include(0);
                for (const p of panels) {
                    const refIds = p.targets.map((t) => t.refId);
                    expect(new Set(refIds).size, p.title).to.equal(refIds.length);
                }
            });

            it("lays panels out inside the 24-column grid without overlaps", () => {
                const boxes = panels.map((p) => ({ title: p.title, ...p.gridPos! }));
                for (const b of boxes) expect(b.x + b.w, b.title).to.be.at.most(24);
                for (let i = 0; i < boxes.length; i++) {
                    for (let j = i + 1; j < boxes.length; j++) {
                        const [a, b] = [boxes[i], boxes[j]];
                        const overlap = a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
                        expect(overlap, `${a.title} overlaps ${b.title}`).to.equal(false);
                    }
                }
            });

            it("gives rate() over 30s-scraped cAdvisor series a 30s min step", () => {
                for (const p of panels) {
                    for (const t of p.targets) {
                        if (!/\bcontainer_\w+/.test(t.expr) || !t.expr.includes("$__rate_interval")) continue;
                        expect(t.interval, `${p.title} ${t.refId}`).to.equal("30s");
                    }
                }
            });

            it("uses units Grafana knows", () => {
                const known = new Set<string>(Object.values(units).filter((v) => typeof v === "string"));
                for (const p of panels) {
                    if (p.unit === undefined) continue;
                    expect(known.has(p.unit) || /^currency:\S+$/.test(p.unit), `${p.title}: ${p.unit}`).to.equal(true);
                }
            });

            it("serialises to the JSON file Grafana provisions", () => {
                expect(JSON.parse(d.json)).to.deep.equal(JSON.parse(JSON.stringify(d.model)));
                expect(d.model.editable).to.equal(false);
            });
        });
    }

    describe("SPEC thresholds and units", () => {
        it("system overview: error rate 1% / 5%, P95 in seconds, uptime target 99.9%", () => {
            const errors = panel("minimarket-system-overview", "Error rate");
            expect(errors.unit).to.equal("percent");
            expect(stepValues(errors)).to.deep.equal([null, 1, 5]);
            expect(stepColors(errors)).to.deep.equal(HIGHER_IS_WORSE);

            expect(panel("minimarket-system-overview", "P95 latency").unit).to.equal("s");

            const uptime = panel("minimarket-system-overview", "Uptime");
            expect(uptime.unit).to.equal("percent");
            expect(stepValues(uptime)).to.include(99.9);
            expect(stepColors(uptime).at(-1)).to.equal("green");
            expect(uptime.targets[0].expr).to.match(/avg_over_time\(up\{[^}]*\}\[7d\]\)/);
        });

        it("system overview: status shows every app service plus PostgreSQL and Redis", () => {
            const exprs = panel("minimarket-system-overview", "Service status").targets.map((t) => t.expr);
            for (const svc of ["agente-deposito", "agente-negocio", "ml-service", "dashboard"]) {
                expect(exprs[0]).to.contain(svc);
            }
            expect(exprs.slice(1)).to.deep.equal(["min(pg_up)", "min(redis_up)"]);
        });

        it("business KPIs: critical stock 10 / 50", () => {
            const stock = panel("minimarket-business-kpis", "Products at critical stock");
            expect(stock.type).to.equal("gauge");
            expect(stepValues(stock)).to.deep.equal([null, 10, 50]);
            expect(stepColors(stock)).to.deep.equal(HIGHER_IS_WORSE);
        });

        it("business KPIs: purchase orders are shown as a count, not as pesos no metric provides", () => {
            const orders = panel("minimarket-business-kpis", "Purchase orders generated");
            expect(orders.unit).to.not.match(/^currency/);
            expect(orders.targets[0].expr).to.contain("negocio_ordenes_generadas_total");
            const revenue = panel("minimarket-business-kpis", "Revenue");
            expect(revenue.unit).to.match(/^currency:/);
        });

        it("business KPIs: category pie and hourly order bars", () => {
            expect(panel("minimarket-business-kpis", "Products by category").type).to.equal("piechart");
            const bars = panel("minimarket-business-kpis", "Purchase orders per hour");
            expect(bars.type).to.equal("barchart");
            expect(bars.targets[0].expr).to.contain("[1h]");
        });

        it("performance: CPU 70 / 85, memory 75 / 90, Redis hit rate 70 / 90", () => {
            const cpu = panel("minimarket-performance", "Container CPU");
            expect(stepValues(cpu)).to.deep.equal([null, 70, 85]);
            expect(stepColors(cpu)).to.deep.equal(HIGHER_IS_WORSE);
            expect(cpu.targets[0].expr).to.contain("container_spec_cpu_quota").and.contain("container_spec_cpu_period");

            const mem = panel("minimarket-performance", "Container memory");
            expect(stepValues(mem)).to.deep.equal([null, 75, 90]);
            expect(stepColors(mem)).to.deep.equal(HIGHER_IS_WORSE);

            const redis = panel("minimarket-performance", "Redis cache hit rate");
            expect(stepValues(redis)).to.deep.equal([null, 70, 90]);
            expect(stepColors(redis)).to.deep.equal(HIGHER_IS_BETTER);
            for (const title of ["Container CPU", "Container memory", "Redis cache hit rate"]) {
                expect(panel("minimarket-performance", title).unit, title).to.equal("percent");
            }
            for (const title of ["Disk I/O", "Network I/O"]) {
                expect(panel("minimarket-performance", title).unit, title).to.equal("Bps");
            }
        });

        it("ML service: OCR 5 s / 10 s, timeouts 10 per hour, accuracy 80 / 90, drift 0.10 / 0.15", () => {
            const ocr = panel("minimarket-ml-service", "OCR processing time");
            expect(ocr.unit).to.equal("s");
            expect(stepValues(ocr)).to.deep.equal([null, 5, 10]);
            expect(ocr.targets.map((t) => t.expr.match(/histogram_quantile\(([\d.]+),/)?.[1])).to.deep.equal(["0.5", "0.95", "0.99"]);

            const timeouts = panel("minimarket-ml-service", "OCR timeouts per hour");
            expect(stepValues(timeouts)).to.deep.equal([null, 10]);
            expect(stepColors(timeouts).at(-1)).to.equal("red");

            const accuracy = panel("minimarket-ml-service", "Price prediction accuracy");
            expect(accuracy.unit).to.equal("percent");
            expect(stepValues(accuracy)).to.deep.equal([null, 80, 90]);
            expect(stepColors(accuracy)).to.deep.equal(HIGHER_IS_BETTER);

            const drift = panel("minimarket-ml-service", "Model drift score");
            expect(stepValues(drift)).to.deep.equal([null, 0.1, 0.15]);
            expect(stepColors(drift)).to.deep.equal(HIGHER_IS_WORSE);

            expect(panel("minimarket-ml-service", "Models in use").type).to.equal("piechart");
        });

        it("ML service: resources are filtered to the ml-service container by its Docker label", () => {
            for (const t of panel("minimarket-ml-service", "ML service CPU and memory").targets) {
                expect(t.expr).to.contain('container_label_com_minimarket_service="ml-service"');
            }
        });
    });
});

describe("dashboards and Grafana in the stack's time zone (config `timezone`)", () => {
    it("renders every dashboard and Grafana's default in the time zone given, Buenos Aires when none is", () => {
        expect(DEFAULT_TIMEZONE).to.equal("America/Argentina/Buenos_Aires");
        expect(dashboards(null, "docker", "Europe/Madrid").map((d) => [d.model.timezone, JSON.parse(d.json).timezone])).to.deep.equal(
            Array.from({ length: 4 }, () => ["Europe/Madrid", "Europe/Madrid"]),
        );
        expect(dashboards().map((d) => d.model.timezone)).to.deep.equal(Array.from({ length: 4 }, () => DEFAULT_TIMEZONE));
        expect(grafanaEnv({ timezone: "UTC" }).GF_DATE_FORMATS_DEFAULT_TIMEZONE).to.equal("UTC");
        expect(grafanaEnv().GF_DATE_FORMATS_DEFAULT_TIMEZONE).to.equal(DEFAULT_TIMEZONE);
        const files = renderStackFiles({ environment: "staging", timezone: "Asia/Kolkata" }).files;
        const boards = Object.entries(files).filter(([k]) => k.startsWith("grafana/") && k.endsWith(".json"));
        expect(boards).to.have.length(4);
        for (const [, json] of boards) expect(JSON.parse(json).timezone).to.equal("Asia/Kolkata");
    });
});
