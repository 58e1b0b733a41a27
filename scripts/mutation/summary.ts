// Prints the mutation score of the last `npm run mutation` per module group and per file, and the
// surviving mutants of the files given (all when none): `npm run mutation:summary -- [file...]`.
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
    files: Record<string, { mutants: Mutant[] }>;
}

export const GROUPS: [string, RegExp][] = [
    ["config reading", /^src\/config\//],
    ["URLs and role SQL", /^src\/data\//],
    ["app environment", /^src\/apps\//],
    [
        "metrics and alert renderers",
        /^src\/observability\/render\/(prometheus|rules|alertDefinitions|backupRules|alertmanager|monitoringFiles|stackFiles|yaml)\.ts$/,
    ],
    ["logs and Grafana renderers", /^src\/observability\/render\/(loki|alloy|grafana|logsAndDashboardsFiles)\.ts$/],
    ["dashboards", /^src\/observability\/render\/dashboards\//],
    ["Caddyfile", /^src\/proxy\//],
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

function main(): void {
    const file = path.join(__dirname, "..", "..", "reports", "mutation", "mutation.json");
    const report = JSON.parse(fs.readFileSync(file, "utf8")) as Report;
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
        for (const m of report.files[n].mutants.filter((m) => m.status === "Survived" || m.status === "NoCoverage")) {
            const where = `${n}:${m.location.start.line}:${m.location.start.column}`;
            console.log(`${m.status}\t${where}\t${m.mutatorName}\t${(m.replacement ?? "").replace(/\s+/g, " ").slice(0, 120)}`);
        }
    }
}

if (require.main === module) main();
