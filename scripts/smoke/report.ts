// Runs the checks with bounded waits and reports one line per check. Every line passes through
// the redactor first, so a secret that shows up in an error text is never printed.
import { SmokeCheck } from "./checks";

export interface CheckOutcome {
    name: string;
    ok: boolean;
    detail: string;
    seconds: number;
    attempts: number;
}

export interface RunOptions {
    /** How long one check may keep failing before it counts as failed. */
    timeoutMs: number;
    /** Pause between attempts. */
    intervalMs: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Repeats check.attempt until it passes or timeoutMs is spent; the last error is the verdict. */
export async function runCheck(check: SmokeCheck, options: RunOptions): Promise<CheckOutcome> {
    const started = Date.now();
    const deadline = started + options.timeoutMs;
    let attempts = 0;
    for (;;) {
        attempts++;
        try {
            const detail = await check.attempt();
            return { name: check.name, ok: true, detail, seconds: (Date.now() - started) / 1000, attempts };
        } catch (e) {
            const detail = e instanceof Error ? e.message : String(e);
            if (Date.now() + options.intervalMs >= deadline) {
                return { name: check.name, ok: false, detail, seconds: (Date.now() - started) / 1000, attempts };
            }
        }
        await sleep(options.intervalMs);
    }
}

/** All checks at once (each bounded), results in the order given. */
export function runChecks(checks: SmokeCheck[], options: RunOptions): Promise<CheckOutcome[]> {
    return Promise.all(checks.map((c) => runCheck(c, options)));
}

/** Replaces every secret value, and the encodings it may travel in, by [secret]. */
export function redactor(secrets: string[]): (text: string) => string {
    const forms = new Set<string>();
    for (const s of secrets) {
        if (s.length < 4) continue;
        forms.add(s);
        forms.add(encodeURIComponent(s));
        forms.add(Buffer.from(s, "utf8").toString("base64"));
        forms.add(JSON.stringify(s).slice(1, -1));
    }
    // Longest first, so a secret containing another is replaced whole.
    const ordered = [...forms].sort((a, b) => b.length - a.length);
    return (text) => ordered.reduce((t, f) => t.split(f).join("[secret]"), text);
}

const oneLine = (s: string) => s.replace(/\s+/g, " ").trim();

export function reportLines(outcomes: CheckOutcome[], redact: (s: string) => string): string[] {
    const width = Math.max(...outcomes.map((o) => o.name.length));
    const lines = outcomes.map((o) => {
        const timing = o.ok ? `${o.seconds.toFixed(1)}s` : `${o.seconds.toFixed(1)}s, ${o.attempts} attempts`;
        return `${o.ok ? "PASS" : "FAIL"}  ${o.name.padEnd(width)}  ${redact(oneLine(o.detail))} (${timing})`;
    });
    const failed = outcomes.filter((o) => !o.ok);
    lines.push(`smoke: ${outcomes.length - failed.length} passed, ${failed.length} failed`);
    if (failed.length > 0) lines.push(`smoke: failing checks: ${failed.map((o) => o.name).join(", ")}`);
    return lines;
}

/** Markdown for $GITHUB_STEP_SUMMARY. */
export function markdownSummary(stack: string, outcomes: CheckOutcome[], redact: (s: string) => string): string {
    const cell = (s: string) => redact(oneLine(s)).replace(/\|/g, "\\|");
    const rows = outcomes.map((o) => `| ${o.ok ? "✅" : "❌"} | ${cell(o.name)} | ${cell(o.detail)} | ${o.seconds.toFixed(1)} s |`);
    return [`### Smoke checks: ${cell(stack)}`, "", "| | check | result | time |", "|---|---|---|---|", ...rows, ""].join("\n") + "\n";
}

/** GitHub Actions error annotations for the failed checks. */
export function annotations(outcomes: CheckOutcome[], redact: (s: string) => string): string[] {
    // Workflow commands need %, CR and LF escaped.
    const esc = (s: string) => redact(oneLine(s)).replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
    return outcomes.filter((o) => !o.ok).map((o) => `::error title=smoke check failed: ${esc(o.name).replace(/[:,]/g, " ")}::${esc(o.detail)}`);
}
