// Prints the mutation score of the last `npm run mutation` per module group and per file, and the
// surviving mutants of the files given (all when none): `npm run mutation:summary -- [file...]`.
// `--markdown` prints every surviving mutant with its line of code instead, as a Markdown list
// (docs/mutation-survivors.md is that output for the run docs/testing.md quotes).
// Reads reports/mutation/mutation.json (the Stryker JSON report).

import * as fs from "fs";
import * as path from "path";

interface Mutant {
    mutatorName: string;
    replacement?: string;
    status: string;
    location: { start: { line: number; column: number } };
}
interface Report {
    files: Record<string, { source?: string; mutants: Mutant[] }>;
}

export const GROUPS: [string, RegExp][] = [
    ["config reading", /^config\//],
    ["URLs and role SQL", /^(components\/data\/connections\.ts|renderers\/data\/)/],
    ["app environment", /^components\/apps\//],
    [
        "metrics and alert renderers",
        /^renderers\/observability\/(prometheus|rules|alertDefinitions|backupRules|alertmanager|monitoringFiles|stackFiles|yaml)\.ts$/,
    ],
    ["logs and Grafana renderers", /^renderers\/observability\/(loki|alloy|grafana|logsAndDashboardsFiles)\.ts$/],
    ["dashboards", /^renderers\/observability\/dashboards\//],
    ["Caddyfile", /^renderers\/caddyfile\.ts$/],
];

export interface Counts {
    killed: number;
    survived: number;
    noCoverage: number;
    timeout: number;
    ignored: number;
    errors: number;
}

export function count(mutants: Mutant[]): Counts {
    const c: Counts = { killed: 0, survived: 0, noCoverage: 0, timeout: 0, ignored: 0, errors: 0 };
    for (const m of mutants) {
        if (m.status === "Killed") c.killed++;
        else if (m.status === "Survived") c.survived++;
        else if (m.status === "NoCoverage") c.noCoverage++;
        else if (m.status === "Timeout") c.timeout++;
        else if (m.status === "Ignored") c.ignored++;
        else c.errors++;
    }
    return c;
}

/** Stryker's score: detected (killed or timed out) over all valid mutants that were not ignored. */
export function score(c: Counts): number {
    const valid = c.killed + c.timeout + c.survived + c.noCoverage;
    return valid === 0 ? 100 : (100 * (c.killed + c.timeout)) / valid;
}

function row(name: string, c: Counts): string {
    return `| ${name} | ${score(c).toFixed(1)} % | ${c.killed + c.timeout} | ${c.survived} | ${c.noCoverage} | ${c.ignored} |`;
}

const isLeft = (m: Mutant) => m.status === "Survived" || m.status === "NoCoverage";

/** Every surviving or uncovered mutant, per file, with the line of code it changes. */
export function markdownList(report: Report): string {
    const out: string[] = [];
    for (const name of Object.keys(report.files).sort()) {
        const { source, mutants } = report.files[name];
        const left = mutants.filter(isLeft).sort((a, b) => a.location.start.line - b.location.start.line || a.location.start.column - b.location.start.column);
        if (left.length === 0) continue;
        const lines = (source ?? "").split("\n");
        out.push(`### \`${name}\` (${left.length})`, "", "| line | status | mutator | becomes | code |", "|---|---|---|---|---|");
        for (const m of left) {
            const cell = (text: string) => "`` " + text.replace(/\s+/g, " ").trim().slice(0, 90).replace(/\|/g, "\\|") + " ``";
            const code = lines[m.location.start.line - 1] ?? "";
            out.push(`| ${m.location.start.line}:${m.location.start.column} | ${m.status} | ${m.mutatorName} | ${cell(m.replacement ?? "")} | ${cell(code)} |`);
        }
        out.push("");
    }
    return out.join("\n");
}

function main(): void {
    const file = path.join(__dirname, "..", "..", "reports", "mutation", "mutation.json");
    const report = JSON.parse(fs.readFileSync(file, "utf8")) as Report;
    if (process.argv.includes("--markdown")) {
        console.log(markdownList(report));
        return;
    }
    const names = Object.keys(report.files).sort();
    const header = ["| module | score | killed | survived | no coverage | ignored (static) |", "|---|---|---|---|---|---|"];
    const all = names.flatMap((n) => report.files[n].mutants);
    console.log([...header, row("**all**", count(all))].join("\n"));
    console.log();
    console.log(header.join("\n"));
    for (const [group, re] of GROUPS) {
        const files = names.filter((n) => re.test(n));
        if (files.length > 0) console.log(row(group, count(files.flatMap((n) => report.files[n].mutants))));
    }
    console.log();
    console.log(header.join("\n"));
    for (const n of names) console.log(row(`\`${n}\``, count(report.files[n].mutants)));
    const wanted = process.argv.slice(2);
    for (const n of names.filter((n) => wanted.length === 0 || wanted.some((w) => n.includes(w)))) {
        for (const m of report.files[n].mutants.filter(isLeft)) {
            const where = `${n}:${m.location.start.line}:${m.location.start.column}`;
            console.log(`${m.status}\t${where}\t${m.mutatorName}\t${(m.replacement ?? "").replace(/\s+/g, " ").slice(0, 120)}`);
        }
    }
}

if (require.main === module) main();
