// What an alert's page tells the person on call must agree with what the rule does: the thresholds
// its summary and description state are the ones its expression compares with, the time it says
// the condition has held is its `for`, the windows it names are the expression's ranges, and every
// `{{ $labels.x }}` it shows is a label the firing alert really carries.

import { expect } from "chai";
import { parsePrometheusDuration } from "../../facts/prometheusDuration";
import { CACHE_MIN_LOOKUPS_PER_SECOND, LOG_SPIKE_MIN_LINES_PER_SECOND } from "../../renderers/observability/alertDefinitions";
import { backupAlertRules } from "../../renderers/observability/backupRules";
import { AlertRule, alertRules, RECORDING_RULE_GROUPS } from "../../renderers/observability/rules";
import { ALERT_CASES } from "../monitoring/rule-cases";

interface Comparison {
    op: ">" | "<";
    value: number;
}

/** Comparisons with a constant in a PromQL expression (`> 0.05`, `< 0.10`, `> 3 * sum(...)`). */
function exprComparisons(expr: string): Comparison[] {
    return [...expr.matchAll(/([<>])\s*(\d+(?:\.\d+)?)(?![\w.:])/g)].map((m) => ({ op: m[1] as Comparison["op"], value: Number(m[2]) }));
}

/** An alert's expression with the recording rules it reads spelled out (their ranges count too). */
function expanded(expr: string): string {
    const records = RECORDING_RULE_GROUPS.flatMap((g) => g.rules);
    return records.reduce((e, r) => (e.includes(r.record) ? `${e}\n${r.expr}` : e), expr);
}

const WORDS: Record<string, number> = { a: 1, an: 1, one: 1, two: 2, three: 3 };
const num = (s: string) => WORDS[s.toLowerCase()] ?? Number(s);
const SECONDS: Record<string, number> = { minute: 60, minutes: 60, hour: 3600, hours: 3600, h: 3600 };

/** Thresholds stated in text: "more than 5%", "over 500ms", "less than 10% free", "older than 26 hours", "over 3x". */
function statedThresholds(text: string): Array<Comparison & { phrase: string; afterFor: boolean }> {
    const re =
        /(\bfor\s+)?\b(more than|over|older than|less than|under)\s+(\d+(?:\.\d+)?|three|two)\s*(%|ms|s\b|x\b|times\b|percentage points|minutes?\b|hours?\b)?/gi;
    return [...text.matchAll(re)].map((m) => {
        const n = num(m[3]);
        const unit = (m[4] ?? "").toLowerCase();
        const value = unit === "%" ? n / 100 : unit === "ms" ? n / 1000 : (SECONDS[unit] ?? 1) * n;
        const op = /more|over|older/i.test(m[2]) ? ">" : "<";
        return { op, value, phrase: m[0], afterFor: Boolean(m[1]) };
    });
}

/** "for 10 minutes", "for more than 2 minutes", "for an hour": how long the text says the condition held. */
function statedFor(text: string): Array<{ seconds: number; phrase: string }> {
    return [...text.matchAll(/\bfor (?:more than )?(\d+|an|a|one) (minutes?|hours?)\b/gi)].map((m) => ({ seconds: num(m[1]) * SECONDS[m[2]], phrase: m[0] }));
}

/** "over the last 5 minutes", "in the last hour", "in 10 minutes": the window the text says the expression looks at. */
function statedWindows(text: string): Array<{ range: number; phrase: string }> {
    return [...text.matchAll(/\b(?:over|in) (?:the last )?(\d+ |an |)(minutes?|hour)\b/gi)].map((m) => ({
        range: num(m[1].trim() || "1") * SECONDS[m[2]],
        phrase: m[0],
    }));
}

const rangesOf = (expr: string) => [...expr.matchAll(/\[(\w+)\]/g)].map((m) => parsePrometheusDuration(m[1])! / 1000);
const text = (r: AlertRule) => `${r.annotations.summary}\n${r.annotations.description}`;
/** Floors below which an alert stays silent on purpose: the text says "idle periods ignored", not the number. */
const FLOORS = [0, CACHE_MIN_LOOKUPS_PER_SECOND, LOG_SPIKE_MIN_LINES_PER_SECOND];
const close = (a: number, b: number) => Math.abs(a - b) < 1e-9 * Math.max(1, Math.abs(b));

describe("unit: alert text agrees with the rule", () => {
    const rules = (): AlertRule[] => [...alertRules(), ...backupAlertRules({ staleAfterHours: 8, drillStaleAfterHours: 26 })];

    it("every alert has a summary and a description", () => {
        for (const r of rules()) {
            expect(r.annotations.summary.trim(), r.alert).to.not.equal("");
            expect(r.annotations.description.trim(), r.alert).to.not.equal("");
            expect(r.annotations.description, r.alert).to.not.equal(r.annotations.summary);
        }
    });

    it("every threshold the text states is one the expression compares with, in the same direction", () => {
        for (const r of rules()) {
            const compared = exprComparisons(r.expr);
            const forSeconds = r.for ? parsePrometheusDuration(r.for)! / 1000 : undefined;
            for (const t of statedThresholds(text(r))) {
                const inExpr = compared.some((c) => c.op === t.op && close(c.value, t.value));
                // "for more than 2 minutes" states the `for`, not a threshold.
                const isFor = t.afterFor && forSeconds !== undefined && close(t.value, forSeconds);
                expect(inExpr || isFor, `${r.alert}: "${t.phrase}" vs ${JSON.stringify(compared)} (for ${r.for})`).to.equal(true);
            }
        }
    });

    it("every threshold the expression compares with is stated in the text (idle floors and zero aside)", () => {
        for (const r of rules()) {
            const stated = statedThresholds(text(r));
            for (const c of exprComparisons(r.expr).filter((c) => !FLOORS.some((f) => close(c.value, f)))) {
                expect(
                    stated.some((t) => t.op === c.op && close(t.value, c.value)),
                    `${r.alert}: ${c.op} ${c.value} not stated in "${text(r)}"`,
                ).to.equal(true);
            }
        }
    });

    it("the alerts of the stack's services say how long the condition has held: their `for`", () => {
        for (const r of alertRules().filter((r) => r.for)) {
            const stated = statedFor(r.annotations.description);
            expect(stated, `${r.alert}: no "for <duration>" in "${r.annotations.description}"`).to.not.deep.equal([]);
            // A window may be stated with "for" too ("has sent nothing for 10 minutes"); the last one is the `for`.
            expect(stated[stated.length - 1].seconds, `${r.alert}: "${stated[stated.length - 1].phrase}" vs for ${r.for}`).to.equal(
                parsePrometheusDuration(r.for!)! / 1000,
            );
        }
    });

    it("every window the text names is a range the expression (or the recording rule it reads) uses", () => {
        for (const r of rules()) {
            const ranges = rangesOf(expanded(r.expr));
            for (const w of statedWindows(text(r))) {
                expect(ranges, `${r.alert}: "${w.phrase}"`).to.include(w.range);
            }
        }
    });

    it("every {{ $labels.x }} names a label the firing alert carries (labels proven by promtool cases)", () => {
        for (const r of alertRules()) {
            const used = [...text(r).matchAll(/\{\{\s*\$labels\.(\w+)\s*\}\}/g)].map((m) => m[1]);
            const firing = ALERT_CASES.filter((c) => c.alert === r.alert).flatMap((c) => c.expect);
            expect(firing, `${r.alert}: a firing case`).to.not.deep.equal([]);
            for (const labels of firing) {
                for (const label of used)
                    expect(labels[label], `${r.alert}: {{ $labels.${label} }} in ${JSON.stringify(labels)}`)
                        .to.be.a("string")
                        .and.not.equal("");
            }
        }
    });
});
