/**
 * Runs the `run:` steps of one job of a workflow file the way GitHub Actions does, on this machine:
 * in order, with `bash --noprofile --norc -eo pipefail`, a fresh GITHUB_STEP_SUMMARY per step,
 * GITHUB_ENV applied to later steps, and after a failure only the steps marked `if: always()`.
 * `uses:` steps are recorded but not run (the fake CLIs stand in for what they install). The only
 * expressions resolved are in `env:`: `${{ secrets.NAME }}`, `${{ vars.NAME }}`, and the context
 * values a test names (`github.token`, `matrix.stack`, …); anything else is an error here.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import YAML from "yaml";

export interface StepResult {
    name: string;
    status: "success" | "failure" | "skipped" | "action";
    code?: number | null;
    stdout: string;
    stderr: string;
    summary: string;
}

export interface JobResult {
    steps: StepResult[];
    /** The job fails when any step failed. */
    failed: boolean;
    /** Every step summary, concatenated as the job summary shows them. */
    summary: string;
}

interface Step {
    name?: string;
    uses?: string;
    run?: string;
    if?: string;
    env?: Record<string, string>;
}

export const repoRoot = path.join(__dirname, "..", "..");

export function loadJob(workflow: string, job: string): { env: Record<string, string>; steps: Step[] } {
    const doc = YAML.parse(fs.readFileSync(path.join(repoRoot, ".github", "workflows", workflow), "utf8"));
    const j = doc.jobs[job];
    if (!j) throw new Error(`${workflow} has no job ${job}`);
    return { env: { ...doc.env, ...j.env }, steps: j.steps };
}

/** What `${{ … }}` may name in a dry run: secrets, variables, and context values given by the test. */
export interface Expressions {
    secrets?: Record<string, string>;
    vars?: Record<string, string>;
    /** Exact expressions, e.g. `{ "github.token": "t", "matrix.stack": "prod" }`. */
    context?: Record<string, string>;
}

function resolve(value: string, expressions: Expressions): string {
    return String(value).replace(/\$\{\{\s*([^}]*?)\s*\}\}/g, (_m, expr: string) => {
        const named = /^(secrets|vars)\.([A-Za-z_][A-Za-z0-9_]*)$/.exec(expr);
        if (named) return (named[1] === "secrets" ? expressions.secrets : expressions.vars)?.[named[2]] ?? "";
        const given = expressions.context?.[expr];
        if (given === undefined) throw new Error(`expression not supported by the dry run: ${expr}`);
        return given;
    });
}

function readGithubEnv(file: string): Record<string, string> {
    if (!fs.existsSync(file)) return {};
    const out: Record<string, string> = {};
    for (const line of fs.readFileSync(file, "utf8").split("\n")) {
        const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
        if (m) out[m[1]] = m[2];
    }
    return out;
}

export function runJob(
    workflow: string,
    job: string,
    options: { env: Record<string, string>; secrets?: Record<string, string>; workDir: string; cwd?: string } & Omit<Expressions, "secrets">,
): JobResult {
    const { env: jobEnv, steps } = loadJob(workflow, job);
    const expressions: Expressions = { secrets: options.secrets ?? {}, vars: options.vars, context: options.context };
    let carried: Record<string, string> = {};
    const results: StepResult[] = [];
    let failed = false;
    steps.forEach((step, i) => {
        const name = step.name ?? step.uses ?? step.run ?? `step ${i}`;
        if (step.if !== undefined && step.if !== "always()") throw new Error(`condition not supported by the dry run: ${step.if}`);
        if (failed && step.if !== "always()") {
            results.push({ name, status: "skipped", stdout: "", stderr: "", summary: "" });
            return;
        }
        if (step.uses) {
            results.push({ name, status: "action", stdout: "", stderr: "", summary: "" });
            return;
        }
        const script = path.join(options.workDir, `step-${i}.sh`);
        const summaryFile = path.join(options.workDir, `step-${i}-summary.md`);
        const githubEnv = path.join(options.workDir, "github-env");
        fs.writeFileSync(script, step.run ?? "");
        fs.writeFileSync(summaryFile, "");
        const stepEnv = Object.fromEntries(Object.entries({ ...jobEnv, ...step.env }).map(([k, v]) => [k, resolve(v, expressions)]));
        const r = spawnSync("bash", ["--noprofile", "--norc", "-eo", "pipefail", script], {
            cwd: options.cwd ?? repoRoot,
            env: { ...options.env, ...carried, ...stepEnv, GITHUB_STEP_SUMMARY: summaryFile, GITHUB_ENV: githubEnv, GITHUB_ACTIONS: "true" },
            encoding: "utf8",
            // Generous: a step may compile TypeScript (ts-node) on a busy machine.
            timeout: 240_000,
        });
        carried = { ...carried, ...readGithubEnv(githubEnv) };
        const ok = r.status === 0;
        if (!ok) failed = true;
        results.push({
            name,
            status: ok ? "success" : "failure",
            code: r.status,
            stdout: r.stdout,
            stderr: r.stderr,
            summary: fs.readFileSync(summaryFile, "utf8"),
        });
    });
    return { steps: results, failed, summary: results.map((s) => s.summary).join("") };
}
