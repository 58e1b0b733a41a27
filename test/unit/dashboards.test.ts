// What people read off the MiniMarket dashboards, checked against what the queries compute and
// against the alerts they mirror: units, colours, legends, query types, layout and the dashboard
// settings Grafana provisions. Everything is computed inside `it`/`before`, never in a describe body.
import { expect } from "chai";
import * as common from "@grafana/grafana-foundation-sdk/common";
import * as dashboard from "@grafana/grafana-foundation-sdk/dashboard";
import * as piechart from "@grafana/grafana-foundation-sdk/piechart";
import * as units from "@grafana/grafana-foundation-sdk/units";
import { RenderedDashboard, dashboards, listPanels } from "../../renderers/observability/dashboards";
import { BACKUP_PANEL_TITLE, backupPanel } from "../../renderers/observability/dashboards/backups";
import { buildDashboard, promQueries, thresholds } from "../../renderers/observability/dashboards/common";
import { ALERT_DEFS } from "../../renderers/observability/alertDefinitions";
import { BACKUP_ALERT_NAMES, backupAlertRules } from "../../renderers/observability/backupRules";
import { INTERVALS } from "../../facts/telemetry";
import { serviceNames } from "../../facts/services";
import { metricNames } from "../observability/promql";

// ---- the rendered JSON, as Grafana reads it ----------------------------------------------------

interface Step {
    value: number | null;
    color: string;
}
interface Target {
    refId: string;
    expr: string;
    legendFormat?: string;
    instant?: boolean;
    range?: boolean;
    interval?: string;
}
interface Override {
    matcher: { id: string; options: string };
    properties: Array<{ id?: string; value?: unknown }>;
}
interface Panel {
    id: number;
    type: string;
    title: string;
    description?: string;
    gridPos: { x: number; y: number; w: number; h: number };
    targets: Target[];
    options?: {
        reduceOptions?: { calcs?: string[]; values?: boolean };
        legend?: { displayMode?: string; showLegend?: boolean; placement?: string; calcs?: string[] };
        tooltip?: { mode?: string; sort?: string };
        colorMode?: string;
        displayLabels?: string[];
    };
    fieldConfig: {
        defaults: {
            unit?: string;
            min?: number;
            max?: number;
            decimals?: number;
            noValue?: string;
            thresholds?: { mode: string; steps: Step[] };
            mappings?: Array<{ type: string; options: Record<string, { text: string; color: string }> }>;
            custom?: { thresholdsStyle?: { mode: string } };
        };
        overrides: Override[];
    };
}
interface Model {
    uid: string;
    title: string;
    description?: string;
    tags: string[];
    editable: boolean;
    time: { from: string; to: string };
    refresh: string;
    panels: Panel[];
}

/** The provisioned file, parsed: exactly what Grafana loads. */
function fileOf(d: RenderedDashboard): Model {
    return JSON.parse(d.json) as Model;
}

/** Every panel of every dashboard, with its dashboard's uid. */
function allPanels(rendered: RenderedDashboard[]): Array<{ uid: string; panel: Panel }> {
    return rendered.flatMap((d) => fileOf(d).panels.map((panel) => ({ uid: d.uid, panel })));
}

const where = (uid: string, p: Panel, t?: Target) => `${uid} / ${p.title}${t ? ` / ${t.refId}` : ""}`;

// ---- PromQL facts used to derive expectations ---------------------------------------------------

/** Prometheus duration in seconds ("30s", "1h", "7d"); NaN when it is not one. */
function seconds(duration: string): number {
    const m = /^(\d+)(ms|s|m|h|d|w)$/.exec(duration);
    if (!m) return NaN;
    const scale: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400, w: 604800 };
    return Number(m[1]) * scale[m[2]];
}

/**
 * Labels an expression's result keeps: the intersection of the `by (...)` lists of its outermost
 * aggregations (none when one of them has no `by`); `undefined` when it aggregates nothing.
 * histogram_quantile consumes `le`.
 */
function keptLabels(expr: string): Set<string> | undefined {
    const aggregations: Array<{ depth: number; by: string[] }> = [];
    const re = /\b(sum|min|max|avg|count)\s*(?:by\s*\(([^)]*)\)\s*)?\(/g;
    for (const m of expr.matchAll(re)) {
        const before = expr.slice(0, m.index);
        const depth = (before.match(/\(/g) ?? []).length - (before.match(/\)/g) ?? []).length;
        aggregations.push({ depth, by: m[2] ? m[2].split(",").map((s) => s.trim()) : [] });
    }
    if (aggregations.length === 0) return undefined;
    const outer = Math.min(...aggregations.map((a) => a.depth));
    const lists = aggregations.filter((a) => a.depth === outer).map((a) => new Set(a.by));
    const kept = lists.reduce((acc, s) => new Set([...acc].filter((l) => s.has(l))));
    if (expr.includes("histogram_quantile(")) kept.delete("le");
    return kept;
}

/** The `{{label}}` names of a legend format. */
function legendLabels(legend: string): string[] {
    return [...legend.matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((m) => m[1]);
}

/** A query shown without a unit (through value mappings). */
const NO_UNIT = "(none)";

/**
 * The units a query's result can be shown in, from Prometheus' naming conventions (base units in
 * the metric suffix) and the arithmetic around it. Throws for a query it cannot classify, so a new
 * panel gets a rule here rather than no check.
 */
function unitsFor(expr: string): string[] {
    const names = metricNames(expr);
    const has = (re: RegExp) => names.some((n) => re.test(n));
    if (/^100 \* /.test(expr)) return [units.Percent];
    // Up/down of a target or an exporter's connection: shown through value mappings, no unit.
    if (has(/^up$|_up$/)) return [NO_UNIT];
    if (has(/_percent$/)) return [units.Percent];
    // Counter rate scaled to a minute.
    if (/rate\([^)]*\)\)\s*\*\s*60$/.test(expr)) return [units.CountsPerMinute];
    if (has(/_bytes_total$/) && expr.includes("rate(")) return [units.BytesPerSecondSI, units.BytesPerSecondIEC];
    if (has(/_bytes$/)) return [units.BytesIEC, units.BytesSI];
    // Seconds: a duration histogram's quantile, a *_seconds gauge or recording rule, the age of a timestamp.
    if (/^time\(\) - /.test(expr) && has(/_timestamp_seconds$/)) return [units.Seconds];
    if (has(/_seconds(_bucket)?$|_seconds:/)) return [units.Seconds];
    if (has(/_ars$/)) return [/* custom currency */ "currency:"];
    if (has(/^service:http_requests:rate/)) return [units.RequestsPerSecond];
    if (has(/_total$/) && expr.includes("rate(")) return [units.OpsPerSecond, units.RequestsPerSecond];
    // Counts: increases of counters, counts of series, gauges that count things.
    if (/increase\(|^count /.test(expr) || has(/_productos$|_por_categoria$|_clients$|_keys$|_numbackends$|_max_connections$/))
        return [units.Short, units.Number];
    if (has(/_score$/)) return [units.Number, units.Short];
    throw new Error(`no unit rule for ${expr}`);
}

function unitMatches(unit: string | undefined, allowed: string[]): boolean {
    if (unit === undefined) return allowed.includes(NO_UNIT);
    return allowed.some((a) => (a.endsWith(":") ? unit.startsWith(a) && unit.length > a.length : unit === a));
}

/** The per-refId overrides (byFrameRefID) of a panel, as id -> value. */
function overridesOf(p: Panel, refId: string): Record<string, unknown> {
    const props = p.fieldConfig.overrides.filter((o) => o.matcher.id === "byFrameRefID" && o.matcher.options === refId).flatMap((o) => o.properties);
    return Object.fromEntries(props.map((x) => [x.id, x.value]));
}

/** Grafana's colour for a value: the last step whose value is at or below it (the base is -Infinity). */
function colourAt(steps: Step[], v: number): string {
    let colour = steps[0].color;
    for (const s of steps) if (s.value === null || s.value <= v) colour = s.color;
    return colour;
}

interface AlertThreshold {
    alert: string;
    op: ">" | "<";
    value: number;
    metrics: string[];
}

/** The alerts whose expression ends in a comparison with a number, with that threshold. */
function alertThresholds(): AlertThreshold[] {
    const rules = [...ALERT_DEFS.map((a) => ({ alert: a.alert, expr: a.expr })), ...backupAlertRules().map((r) => ({ alert: r.alert, expr: r.expr }))];
    return rules.flatMap(({ alert, expr }) => {
        // The backup alerts end in "or absent(...)": their comparison is the first line.
        const m = /([<>])\s*([\d.]+)\s*$/.exec(expr.split("\nor ")[0].trim());
        return m ? [{ alert, op: m[1] as ">" | "<", value: Number(m[2]), metrics: metricNames(expr) }] : [];
    });
}

const GREEN = "green";
const ALERT_NAMES = new Set<string>([...ALERT_DEFS.map((a) => a.alert), ...BACKUP_ALERT_NAMES]);

/** Each panel's query refIds with the thresholds that colour them (overrides win over the defaults). */
function colouredTargets(p: Panel): Array<{ target: Target; steps: Step[] }> {
    return p.targets.flatMap((t) => {
        const own = overridesOf(p, t.refId).thresholds as { steps: Step[] } | undefined;
        const steps = own?.steps ?? p.fieldConfig.defaults.thresholds?.steps;
        return steps && steps.length > 1 ? [{ target: t, steps }] : [];
    });
}

/** Threshold of an alert in the query's scale: "100 * ratio" shows a ratio alert's 0.05 as 5. */
function scaled(expr: string, a: AlertThreshold): number {
    return /^100 \* /.test(expr) && !metricNames(expr).some((n) => n.endsWith("_percent")) ? a.value * 100 : a.value;
}

/** Which alert a coloured query mirrors: an alert on the same metrics. */
function mirroredAlerts(expr: string): AlertThreshold[] {
    const used = new Set(metricNames(expr).filter((n) => n !== "up"));
    return alertThresholds().filter((a) => a.metrics.some((n) => used.has(n)));
}

/** A threshold stated in text ("above 5%", "under 70%", "above 500 ms", "at 26h") in the alert's unit. */
function statedThreshold(text: string, alert: string): number | undefined {
    const m = new RegExp(`${alert}\\b[^.;]*?\\b(?:above|under|at|more than)\\s+(\\d+(?:\\.\\d+)?)\\s*(%|ms|h\\b)?`).exec(text);
    if (!m) return undefined;
    const n = Number(m[1]);
    return m[2] === "%" ? n / 100 : m[2] === "ms" ? n / 1000 : m[2] === "h" ? n * 3600 : n;
}

// ---- tests ----------------------------------------------------------------------------------

describe("dashboards: what the panels show", () => {
    let rendered: RenderedDashboard[];
    before(() => {
        rendered = dashboards();
    });

    describe("dashboard settings", () => {
        it("are tagged minimarket first (the folder's tag filter), plus their own lowercase tags", () => {
            for (const d of rendered) {
                const { tags } = fileOf(d);
                expect(tags[0], d.uid).to.equal("minimarket");
                expect(tags.length, d.uid).to.be.greaterThan(1);
                expect(new Set(tags).size, d.uid).to.equal(tags.length);
                for (const t of tags) expect(t, d.uid).to.match(/^[a-z][a-z-]*$/);
            }
        });

        it("open on a relative range ending now, refreshing at a picker interval no faster than the scrape", () => {
            const picker = dashboard.defaultTimePickerConfig().refresh_intervals ?? [];
            expect(picker).to.not.be.empty;
            for (const d of rendered) {
                const m = fileOf(d);
                expect(m.time.to, d.uid).to.equal("now");
                expect(m.time.from, d.uid).to.match(/^now-\d+[mhd]$/);
                expect(picker, `${d.uid} refresh`).to.include(m.refresh);
                expect(seconds(m.refresh), d.uid).to.be.at.least(seconds(INTERVALS.scrape));
            }
        });

        it("are read-only, described, titled like their model, and end the file with a newline", () => {
            for (const d of rendered) {
                const m = fileOf(d);
                expect(m.editable, d.uid).to.equal(false);
                expect(m.description ?? "", d.uid).to.not.equal("");
                expect(d.title, d.uid)
                    .to.equal(m.title)
                    .and.to.match(/^MiniMarket - /);
                expect(d.json.endsWith("}\n"), d.uid).to.equal(true);
            }
        });

        it("number their panels 1..n in order, so viewPanel links survive a redeploy", () => {
            for (const d of rendered) {
                expect(
                    fileOf(d).panels.map((p) => p.id),
                    d.uid,
                ).to.deep.equal(fileOf(d).panels.map((_, i) => i + 1));
            }
        });

        it("fill every row of the grid exactly: 24 columns, no gaps, one height per row, rows stacked", () => {
            for (const d of rendered) {
                const rows = new Map<number, Panel[]>();
                for (const p of fileOf(d).panels) rows.set(p.gridPos.y, [...(rows.get(p.gridPos.y) ?? []), p]);
                let y = 0;
                for (const [rowY, row] of [...rows.entries()].sort((a, b) => a[0] - b[0])) {
                    const titles = row.map((p) => p.title).join(", ");
                    expect(rowY, `${d.uid}: row of ${titles} starts where the previous ends`).to.equal(y);
                    let x = 0;
                    for (const p of [...row].sort((a, b) => a.gridPos.x - b.gridPos.x)) {
                        expect(p.gridPos.x, `${d.uid}: ${p.title} x`).to.equal(x);
                        x += p.gridPos.w;
                    }
                    expect(x, `${d.uid}: width of ${titles}`).to.equal(24);
                    const heights = new Set(row.map((p) => p.gridPos.h));
                    expect(heights.size, `${d.uid}: heights of ${titles}`).to.equal(1);
                    const [h] = [...heights];
                    expect(Number.isInteger(h) && h >= 4, `${d.uid}: ${titles} height ${h}`).to.equal(true);
                    y += h;
                }
            }
        });

        it("give a panel of single values in a full-width row a short height (4), charts the default 8", () => {
            for (const { uid, panel: p } of allPanels(rendered)) {
                const strip = p.type === "stat" && p.gridPos.w === 24;
                expect(p.gridPos.h, where(uid, p)).to.equal(strip ? 4 : 8);
            }
        });

        it("title every panel once per dashboard", () => {
            for (const d of rendered) {
                const titles = fileOf(d).panels.map((p) => p.title);
                for (const t of titles) expect(t.trim(), d.uid).to.not.equal("");
                expect(new Set(titles).size, d.uid).to.equal(titles.length);
            }
        });
    });

    describe("queries", () => {
        it("are lettered A, B, C... in order (overrides and alert links refer to them)", () => {
            for (const { uid, panel: p } of allPanels(rendered)) {
                expect(
                    p.targets.map((t) => t.refId),
                    where(uid, p),
                ).to.deep.equal(p.targets.map((_, i) => String.fromCharCode("A".charCodeAt(0) + i)));
            }
        });

        it("are instant for single-value panels and ranges for charts", () => {
            const singleValue = new Set(["stat", "gauge", "piechart"]);
            for (const { uid, panel: p } of allPanels(rendered)) {
                const instant = singleValue.has(p.type);
                for (const t of p.targets) {
                    expect({ instant: t.instant, range: t.range }, where(uid, p, t)).to.deep.equal({ instant, range: !instant });
                }
            }
        });

        it("step per-hour bar charts by the hour their increase() counts, so each bar is one hour", () => {
            let bars = 0;
            for (const { uid, panel: p } of allPanels(rendered)) {
                if (p.type !== "barchart") continue;
                for (const t of p.targets) {
                    const window = /increase\([^[]*\[(\w+)\]\)/.exec(t.expr)?.[1];
                    expect(window, where(uid, p, t)).to.not.equal(undefined);
                    expect(t.interval, where(uid, p, t)).to.equal(window);
                    bars++;
                }
            }
            expect(bars).to.be.greaterThan(0);
        });

        it("select every app service with the service regex (Prometheus anchors it: ^(?:...)$)", () => {
            let selectors = 0;
            for (const { uid, panel: p } of allPanels(rendered)) {
                for (const t of p.targets) {
                    for (const m of t.expr.matchAll(/\bservice=~"([^"]*)"/g)) {
                        const re = new RegExp(`^(?:${m[1]})$`);
                        for (const svc of serviceNames) expect(re.test(svc), `${where(uid, p, t)}: ${svc}`).to.equal(true);
                        expect(re.test(""), where(uid, p, t)).to.equal(false);
                        selectors++;
                    }
                }
            }
            expect(selectors).to.be.greaterThan(1);
        });

        it("compute a share of the limit where the title says '% of limit': usage over the container's limit", () => {
            let checked = 0;
            for (const { uid, panel: p } of allPanels(rendered)) {
                if (!p.title.includes("% of limit")) continue;
                for (const t of p.targets) {
                    expect(t.expr, where(uid, p, t)).to.match(/^100 \* .* \/ sum by \([^)]*\) \(container_spec_\w+\{/);
                    checked++;
                }
            }
            expect(checked).to.be.greaterThan(2);
        });

        it("set a min step only where it is a Prometheus duration no shorter than the scrape", () => {
            for (const { uid, panel: p } of allPanels(rendered)) {
                for (const t of p.targets) {
                    if (t.interval === undefined) continue;
                    expect(seconds(t.interval), where(uid, p, t)).to.be.at.least(seconds(INTERVALS.scrape));
                }
            }
        });
    });

    describe("legends", () => {
        it("name only labels the query keeps, and every series of a panel gets its own name", () => {
            for (const { uid, panel: p } of allPanels(rendered)) {
                const legends = p.targets.map((t) => t.legendFormat ?? "");
                expect(new Set(legends).size, `${where(uid, p)}: ${legends.join(" | ")}`).to.equal(legends.length);
                for (const t of p.targets) {
                    const legend = t.legendFormat ?? "";
                    expect(legend.trim(), where(uid, p, t)).to.not.equal("");
                    const kept = keptLabels(t.expr);
                    const named = legendLabels(legend);
                    for (const label of named) {
                        expect(kept?.has(label), `${where(uid, p, t)}: {{${label}}} of "${t.expr}"`).to.equal(true);
                    }
                    // A query that keeps a label returns one series per value: the legend must tell them apart.
                    const pinned = (label: string) => new RegExp(`\\b${label}="[^"]*"`).test(t.expr);
                    if (kept && [...kept].some((l) => !pinned(l))) expect(named, `${where(uid, p, t)} keeps ${[...kept]}`).to.not.be.empty;
                }
            }
        });

        it("tell apart, in words, queries of one panel that name their series by the same labels", () => {
            for (const { uid, panel: p } of allPanels(rendered)) {
                const groups = new Map<string, string[]>();
                for (const t of p.targets) {
                    const legend = t.legendFormat ?? "";
                    const key = legendLabels(legend).sort().join(",");
                    groups.set(key, [...(groups.get(key) ?? []), legend.replace(/\{\{\s*\w+\s*\}\}/g, "").trim()]);
                }
                for (const [labels, words] of groups) {
                    if (words.length < 2) continue;
                    for (const w of words) expect(w, `${where(uid, p)}: a query labelled by {${labels}}`).to.not.equal("");
                    expect(new Set(words).size, `${where(uid, p)}: ${words.join(" | ")}`).to.equal(words.length);
                }
            }
        });

        it("label cAdvisor series by container name only where the selector excludes unnamed cgroups", () => {
            let checked = 0;
            for (const { uid, panel: p } of allPanels(rendered)) {
                for (const t of p.targets) {
                    if (!legendLabels(t.legendFormat ?? "").includes("name")) continue;
                    const selectors = [...t.expr.matchAll(/\bcontainer_\w+\{([^}]*)\}/g)].map((m) => m[1]);
                    expect(selectors, where(uid, p, t)).to.not.be.empty;
                    for (const s of selectors) expect(s, where(uid, p, t)).to.match(/\bname(!=""|=~"\.\+")/);
                    checked++;
                }
            }
            expect(checked).to.be.greaterThan(0);
        });

        it("show several series in a table legend with reducer columns and a tooltip listing them all", () => {
            const reducers = new Set(["lastNotNull", "last", "firstNotNull", "first", "min", "max", "mean", "sum", "count", "range", "delta"]);
            for (const { uid, panel: p } of allPanels(rendered)) {
                if (p.type !== "timeseries") continue;
                const series = p.targets.length > 1 || p.targets.some((t) => legendLabels(t.legendFormat ?? "").length > 0);
                if (!series) continue;
                const legend = p.options?.legend;
                expect(legend, where(uid, p)).to.include({ displayMode: "table", showLegend: true, placement: "bottom" });
                expect(legend?.calcs ?? [], where(uid, p)).to.not.be.empty;
                for (const c of legend?.calcs ?? []) expect(reducers.has(c), `${where(uid, p)}: ${c}`).to.equal(true);
                // All series at the hovered time, highest first: the worst value is on top.
                expect(p.options?.tooltip, where(uid, p)).to.include({ mode: common.TooltipDisplayMode.Multi, sort: common.SortOrder.Descending });
            }
        });

        it("label pie slices with a pie-chart label kind and one slice per kept label", () => {
            const kinds = new Set<string>(Object.values(piechart.PieChartLabels));
            let pies = 0;
            for (const { uid, panel: p } of allPanels(rendered)) {
                if (p.type !== "piechart") continue;
                pies++;
                const labels = p.options?.displayLabels ?? [];
                expect(labels, where(uid, p)).to.not.be.empty;
                for (const l of labels) expect(kinds.has(l), `${where(uid, p)}: ${l}`).to.equal(true);
            }
            expect(pies).to.be.greaterThan(0);
        });
    });

    describe("units", () => {
        it("match what each query computes (percent, seconds, bytes, rates, counts, pesos)", () => {
            for (const { uid, panel: p } of allPanels(rendered)) {
                for (const t of p.targets) {
                    const unit = (overridesOf(p, t.refId).unit as string | undefined) ?? p.fieldConfig.defaults.unit;
                    const allowed = unitsFor(t.expr);
                    expect(unitMatches(unit, allowed), `${where(uid, p, t)}: ${unit} for "${t.expr}", expected one of ${allowed}`).to.equal(true);
                }
            }
        });

        it("start percent and count gauges at 0 and end percent gauges at 100, past their last colour step", () => {
            for (const { uid, panel: p } of allPanels(rendered)) {
                if (p.type !== "gauge") continue;
                const { min, max, unit, thresholds: th } = p.fieldConfig.defaults;
                expect(min, where(uid, p)).to.equal(0);
                if (unit === units.Percent) expect(max, where(uid, p)).to.equal(100);
                const lastStep = th?.steps.at(-1)?.value ?? 0;
                expect(max, where(uid, p)).to.be.greaterThan(lastStep);
            }
        });

        it("let charts grow: an axis floor of 0 where one is set, never a ceiling that would cut values off", () => {
            for (const { uid, panel: p } of allPanels(rendered)) {
                if (p.type !== "timeseries" && p.type !== "barchart") continue;
                const { min, max } = p.fieldConfig.defaults;
                expect(max, where(uid, p)).to.equal(undefined);
                if (min !== undefined) expect(min, where(uid, p)).to.equal(0);
            }
        });

        it("show counts as whole numbers and small scores with enough decimals to tell their steps apart", () => {
            for (const { uid, panel: p } of allPanels(rendered)) {
                const { decimals, thresholds: th } = p.fieldConfig.defaults;
                if (decimals === undefined) continue;
                for (const s of th?.steps ?? []) {
                    if (s.value === null) continue;
                    expect(Number(s.value.toFixed(decimals)), `${where(uid, p)}: step ${s.value} at ${decimals} decimals`).to.equal(s.value);
                }
            }
        });
    });

    describe("colours", () => {
        it("use absolute, ascending steps of one direction: green -> orange -> red, or the reverse", () => {
            const worse = ["green", "orange", "red"];
            for (const { uid, panel: p } of allPanels(rendered)) {
                for (const { target, steps } of colouredTargets(p)) {
                    const values = steps.slice(1).map((s) => s.value as number);
                    expect(steps[0].value, where(uid, p, target)).to.equal(null);
                    expect(values, where(uid, p, target)).to.deep.equal([...values].sort((a, b) => a - b));
                    const colours = steps.map((s) => s.color);
                    const rank = colours.map((c) => worse.indexOf(c));
                    expect(rank, `${where(uid, p, target)}: ${colours}`).to.not.include(-1);
                    const up = rank.every((r, i) => i === 0 || r > rank[i - 1]);
                    const down = rank.every((r, i) => i === 0 || r < rank[i - 1]);
                    expect(up || down, `${where(uid, p, target)}: ${colours}`).to.equal(true);
                }
                for (const th of [
                    p.fieldConfig.defaults.thresholds,
                    ...p.fieldConfig.overrides.flatMap((o) => o.properties.filter((x) => x.id === "thresholds").map((x) => x.value as { mode: string })),
                ]) {
                    if (th) expect(th.mode, where(uid, p)).to.equal(dashboard.ThresholdsMode.Absolute);
                }
            }
        });

        it("never show green while the alert on the same metric fires, and turn red where it fires", () => {
            let compared = 0;
            for (const { uid, panel: p } of allPanels(rendered)) {
                for (const { target, steps } of colouredTargets(p)) {
                    for (const a of mirroredAlerts(target.expr)) {
                        // StockCritico fires on any product under its minimum; the SPEC's gauge colours
                        // 10 / 50 products, and its description says the alert fires at one.
                        if (a.alert === "StockCritico") continue;
                        const at = scaled(target.expr, a);
                        const eps = Math.max(at, 1) * 1e-6;
                        const firing = a.op === ">" ? at + eps : at - eps;
                        const quiet = a.op === ">" ? at - eps : at + eps;
                        const ctx = `${where(uid, p, target)} vs ${a.alert} ${a.op} ${a.value}`;
                        expect(colourAt(steps, firing), ctx).to.not.equal(GREEN);
                        const redFrom = steps.find((s) => s.color === "red")?.value;
                        if (redFrom === at) {
                            // The panel draws the alert's own threshold: red exactly where it fires.
                            expect(colourAt(steps, firing), ctx).to.equal("red");
                            expect(colourAt(steps, quiet), ctx).to.not.equal("red");
                        }
                        compared++;
                    }
                }
            }
            expect(compared).to.be.greaterThan(5);
        });

        it("name the alert, with its threshold, on every coloured panel of an alert's metric", () => {
            let named = 0;
            for (const { uid, panel: p } of allPanels(rendered)) {
                for (const { target } of colouredTargets(p)) {
                    for (const a of mirroredAlerts(target.expr)) {
                        const text = p.description ?? "";
                        expect(text, `${where(uid, p, target)} mirrors ${a.alert}`).to.contain(a.alert);
                        expect(statedThreshold(text, a.alert), `${where(uid, p, target)}: threshold of ${a.alert} in "${text}"`).to.equal(a.value);
                        named++;
                    }
                }
            }
            expect(named).to.be.greaterThan(8);
        });

        it("name, with its threshold, every alert whose metrics a panel shows in full", () => {
            let named = 0;
            for (const { uid, panel: p } of allPanels(rendered)) {
                const shown = new Set(p.targets.flatMap((t) => metricNames(t.expr)));
                for (const a of alertThresholds()) {
                    const watched = a.metrics.filter((n) => n !== "up");
                    if (watched.length === 0 || !watched.every((n) => shown.has(n))) continue;
                    const text = p.description ?? "";
                    expect(statedThreshold(text, a.alert), `${where(uid, p)} shows ${a.alert}'s metrics: "${text}"`).to.equal(a.value);
                    named++;
                }
            }
            expect(named).to.be.greaterThan(10);
        });

        it("turn green exactly at a target the description states", () => {
            let targets = 0;
            for (const { uid, panel: p } of allPanels(rendered)) {
                const m = /\bTarget: (\d+(?:\.\d+)?)%/.exec(p.description ?? "");
                if (!m) continue;
                const steps = p.fieldConfig.defaults.thresholds?.steps ?? [];
                expect(steps.find((s) => s.color === GREEN)?.value, where(uid, p)).to.equal(Number(m[1]));
                expect(steps.at(-1)?.color, where(uid, p)).to.equal(GREEN);
                targets++;
            }
            expect(targets).to.be.greaterThan(0);
        });

        it("name only alerts that exist, wherever a panel mentions one", () => {
            for (const { uid, panel: p } of allPanels(rendered)) {
                for (const text of [p.description ?? "", p.fieldConfig.defaults.noValue ?? ""]) {
                    const mentioned = [...text.matchAll(/\bThe ([A-Z]\w+) alert\b|\b([A-Z]\w+) at \d|\bsee ([A-Z]\w+)/g)].map((m) => m[1] ?? m[2] ?? m[3]);
                    for (const name of mentioned) expect(ALERT_NAMES.has(name), `${where(uid, p)}: ${name}`).to.equal(true);
                }
            }
        });

        it("give every coloured stat its own thresholds, never Grafana's default (base green, red from 80)", () => {
            for (const { uid, panel: p } of allPanels(rendered)) {
                if (p.type !== "stat" && p.type !== "gauge") continue;
                expect(p.fieldConfig.defaults.thresholds, where(uid, p)).to.not.equal(undefined);
            }
        });

        it("colour each reduced value by its last sample, not an average of the range", () => {
            for (const { uid, panel: p } of allPanels(rendered)) {
                if (!["stat", "gauge", "piechart"].includes(p.type)) continue;
                expect(p.options?.reduceOptions, where(uid, p)).to.deep.equal({ calcs: ["lastNotNull"], values: false });
            }
        });

        it("map up/down to texts in the colours the thresholds give those values", () => {
            let mapped = 0;
            for (const { uid, panel: p } of allPanels(rendered)) {
                const steps = p.fieldConfig.defaults.thresholds?.steps;
                for (const m of p.fieldConfig.defaults.mappings ?? []) {
                    expect(m.type, where(uid, p)).to.equal(dashboard.MappingType.ValueToText);
                    expect(Object.keys(m.options).sort(), where(uid, p)).to.deep.equal(["0", "1"]);
                    const texts = Object.values(m.options).map((o) => o.text);
                    expect(new Set(texts).size, where(uid, p)).to.equal(texts.length);
                    for (const [value, o] of Object.entries(m.options)) {
                        expect(o.text.trim(), where(uid, p)).to.not.equal("");
                        expect(o.color, `${where(uid, p)}: ${value}`).to.equal(colourAt(steps!, Number(value)));
                    }
                    // 1 is up: the good colour.
                    expect(m.options["1"].color, where(uid, p)).to.equal(GREEN);
                    mapped++;
                }
            }
            expect(mapped).to.be.greaterThan(0);
        });
    });

    describe("field overrides", () => {
        it("target series that exist and set properties Grafana knows to valid values", () => {
            const known = new Set<string>(Object.values(units).filter((v) => typeof v === "string"));
            const placements = new Set<string>(Object.values(common.AxisPlacement));
            let checked = 0;
            for (const { uid, panel: p } of allPanels(rendered)) {
                for (const o of p.fieldConfig.overrides) {
                    const ctx = `${where(uid, p)}: ${o.matcher.id}=${o.matcher.options}`;
                    if (o.matcher.id === "byFrameRefID")
                        expect(
                            p.targets.map((t) => t.refId),
                            ctx,
                        ).to.include(o.matcher.options);
                    else if (o.matcher.id === "byName")
                        expect(
                            p.targets.map((t) => t.legendFormat),
                            ctx,
                        ).to.include(o.matcher.options);
                    else expect.fail(`${ctx}: unexpected matcher`);
                    expect(o.properties, ctx).to.not.be.empty;
                    for (const prop of o.properties) {
                        if (prop.id === "unit") expect(known.has(prop.value as string), ctx).to.equal(true);
                        else if (prop.id === "thresholds") expect((prop.value as { steps: Step[] }).steps.length, ctx).to.be.greaterThan(1);
                        else if (prop.id === "custom.axisPlacement") expect(placements.has(prop.value as string), `${ctx}: ${prop.value}`).to.equal(true);
                        else expect.fail(`${ctx}: unexpected property ${JSON.stringify(prop)}`);
                        checked++;
                    }
                }
            }
            expect(checked).to.be.greaterThan(0);
        });

        it("put the series that outnumbers the others by orders of magnitude on its own axis", () => {
            const p = allPanels(rendered).find(({ panel }) =>
                panel.fieldConfig.overrides.some((o) => o.properties.some((x) => x.id === "custom.axisPlacement")),
            );
            expect(p, "a panel with a second axis").to.not.equal(undefined);
            const o = p!.panel.fieldConfig.overrides.find((x) => x.matcher.id === "byName")!;
            const moved = p!.panel.targets.find((t) => t.legendFormat === o.matcher.options)!;
            expect(moved.expr, "the right axis carries the key count").to.contain("redis_db_keys");
            expect(o.properties).to.deep.include({ id: "custom.axisPlacement", value: common.AxisPlacement.Right });
        });
    });
});

describe("dashboards: the Backups panel", () => {
    it("is on the system overview by default and left out where nothing is backed up", () => {
        const titles = (list: RenderedDashboard[]) => list.flatMap((d) => listPanels(d.model).map((p) => p.title));
        expect(titles(dashboards())).to.include(BACKUP_PANEL_TITLE);
        expect(titles(dashboards(null))).to.not.include(BACKUP_PANEL_TITLE);
    });

    for (const options of [{}, { staleAfterHours: 8, drillStaleAfterHours: 26 }]) {
        it(`turns the ages red exactly where BackupStale and RestoreDrillStale fire (${JSON.stringify(options)})`, () => {
            const model = buildDashboard({ uid: "t", title: "t", description: "t", tags: [], from: "now-6h", refresh: "30s" }, [backupPanel(options)]);
            const panel = JSON.parse(JSON.stringify(model)).panels[0] as Panel;
            const alerts = backupAlertRules(options);
            for (const [refId, alert] of [
                ["A", "BackupStale"],
                ["B", "RestoreDrillStale"],
            ]) {
                const expr = alerts.find((a) => a.alert === alert)!.expr;
                const limit = Number(/> (\d+)/.exec(expr)![1]);
                const steps = (overridesOf(panel, refId).thresholds as { steps: Step[] }).steps;
                expect(colourAt(steps, limit + 1), `${refId} past ${alert}`).to.equal("red");
                expect(colourAt(steps, limit - 1), `${refId} before ${alert}`).to.not.equal("red");
                expect(colourAt(steps, 0), `${refId} fresh`).to.equal(GREEN);
                expect(statedThreshold(panel.description ?? "", alert), `${alert} in the description`).to.equal(limit);
                // The age query reads the metric the alert watches (`up` is absentOnceScraping's guard).
                const target = panel.targets.find((t) => t.refId === refId)!;
                expect(metricNames(target.expr)).to.deep.equal(metricNames(expr).filter((n, i, all) => all.indexOf(n) === i && n !== "up"));
            }
        });
    }
});

describe("dashboards: helpers", () => {
    it("thresholds() refuses steps that do not ascend (Grafana would colour by the wrong step)", () => {
        expect(() => thresholds("green", [5, "orange"], [1, "red"])).to.throw(/ascend/);
        expect(() => thresholds("green", [5, "orange"], [5, "red"])).to.throw(/ascend/);
        expect(() => thresholds("green", [1, "orange"], [5, "red"], [5, "red"])).to.throw(/ascend/);
        expect(thresholds("green", [1, "orange"], [5, "red"]).build().steps).to.deep.equal([
            { value: null, color: "green" },
            { value: 1, color: "orange" },
            { value: 5, color: "red" },
        ]);
        expect(thresholds("blue").build().steps).to.deep.equal([{ value: null, color: "blue" }]);
    });

    it("promQueries() falls back to Grafana's Auto legend (series named by their labels) when none is given", () => {
        const [target] = promQueries([{ expr: "up" }]).map((b) => b.build() as { legendFormat?: string });
        expect(target.legendFormat).to.equal("__auto");
    });

    it("buildDashboard() builds a dashboard without panels", () => {
        const model = buildDashboard({ uid: "t", title: "t", description: "t", tags: [], from: "now-6h", refresh: "30s" }, []);
        expect(model.panels ?? []).to.deep.equal([]);
        expect(model.tags).to.deep.equal(["minimarket"]);
    });

    it("listPanels() skips rows and reads panels with missing parts as empty", () => {
        const model = {
            panels: [
                { type: "row", title: "a row", id: 1, collapsed: false, panels: [], gridPos: { x: 0, y: 0, w: 24, h: 1 } },
                { type: "text" },
                { type: "text", id: 2, title: "no defaults", fieldConfig: { overrides: [] } },
                { type: "stat", id: 3, title: "s", targets: [{ refId: "A" }], fieldConfig: { defaults: { unit: "s" }, overrides: [] } },
            ],
        } as unknown as dashboard.Dashboard;
        const panels = listPanels(model);
        expect(panels.map((p) => p.type)).to.deep.equal(["text", "text", "stat"]);
        expect(panels[0]).to.deep.include({ id: 0, title: "", unit: undefined, thresholds: undefined, targets: [] });
        expect(panels[1]).to.deep.include({ id: 2, unit: undefined, thresholds: undefined });
        expect(panels[2].targets).to.deep.equal([{ refId: "A", expr: "", interval: undefined, datasource: undefined }]);
        expect(panels[2].unit).to.equal("s");
        expect(listPanels({} as dashboard.Dashboard)).to.deep.equal([]);
    });
});
