// A sandbox for the dry run of the CI workflows: fake pulumi/docker/npm/gh/ssh-agent first on PATH,
// their call log and shared state, a runner temp dir and a home directory.
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { missingMessage, unavailable, which } from "../support/tools";
import { Expressions, JobResult, runJob } from "./workflowRunner";
import { FAKE_DOCKER_PY } from "../support/fakeDocker";

export interface Call {
    tool: "pulumi" | "docker" | "npm" | "gh" | "ssh-agent" | "ssh-add" | "ssh";
    args: string[];
}

let python: string | undefined;

/** The interpreter itself (a pyenv shim would need the real HOME). */
export function realPython(): string | undefined {
    if (python === undefined) {
        const found = which("python3");
        const r = found ? spawnSync(found, ["-c", "import sys; print(sys.executable)"], { encoding: "utf8" }) : undefined;
        python = r?.status === 0 ? r.stdout.trim() : "";
    }
    return python || undefined;
}

export class CiSandbox {
    readonly root = fs.mkdtempSync(path.join(os.tmpdir(), "minimarket-ci-dry-"));
    readonly bin = path.join(this.root, "bin");
    readonly home = path.join(this.root, "home");
    readonly runnerTemp = path.join(this.root, "runner-temp");
    readonly log = path.join(this.root, "calls.log");
    readonly state = path.join(this.root, "state.json");

    constructor(python3: string) {
        for (const d of [this.bin, this.home, this.runnerTemp]) fs.mkdirSync(d, { recursive: true });
        const source = fs.readFileSync(path.join(__dirname, "fakeCli.py"), "utf8");
        for (const tool of ["pulumi", "docker", "npm", "gh", "ssh-agent", "ssh-add", "ssh"])
            fs.writeFileSync(path.join(this.bin, tool), `#!${python3}\n${source}`, { mode: 0o755 });
        // The host's `docker ps` filters, which fakeCli.py imports from its own directory.
        fs.copyFileSync(FAKE_DOCKER_PY, path.join(this.bin, "fakeDocker.py"));
    }

    run(
        workflow: string,
        job: string,
        knobs: Record<string, string> = {},
        secrets: Record<string, string> = {},
        expressions: Omit<Expressions, "secrets"> & { cwd?: string } = {},
    ): JobResult {
        const workDir = fs.mkdtempSync(path.join(this.root, "job-"));
        const env = {
            PATH: `${this.bin}:${path.dirname(process.execPath)}:/usr/bin:/bin`,
            HOME: this.home,
            RUNNER_TEMP: this.runnerTemp,
            GITHUB_RUN_ID: "42",
            FAKE_STATE: this.state,
            FAKE_LOG: this.log,
            ...knobs,
        };
        return runJob(workflow, job, { env, secrets, workDir, ...expressions });
    }

    calls(): Call[] {
        return fs.existsSync(this.log)
            ? fs
                  .readFileSync(this.log, "utf8")
                  .split("\n")
                  .filter(Boolean)
                  .map((l) => JSON.parse(l))
            : [];
    }

    /** Calls as command lines, without the reads of outputs and the docker probes. */
    commands(filter: (c: Call) => boolean = (c) => c.tool !== "docker" && !(c.args[0] === "stack" && c.args[1] === "output")): string[] {
        return this.calls()
            .filter(filter)
            .map((c) => `${c.tool} ${c.args.join(" ")}`);
    }

    fakeState(): any {
        return JSON.parse(fs.readFileSync(this.state, "utf8"));
    }

    cleanup(): void {
        fs.rmSync(this.root, { recursive: true, force: true });
    }
}

/** Every value the fake stack ever generated for a secret (two rotations are plenty). */
export function fakeSecretValues(salt = "s4lt"): string[] {
    const names = ["postgresPassword", "redisPassword", "grafanaAdminPassword", "postgresAdminPassword"];
    return names.flatMap((n) => [0, 1, 2].map((v) => `${n}-v${v}-&?!)'"$x-${salt}`));
}

/** Everything a job printed or passed as arguments. */
export function everythingShown(job: JobResult, sandbox: CiSandbox): string {
    return [...job.steps.flatMap((s) => [s.stdout, s.stderr, s.summary]), JSON.stringify(sandbox.calls())].join("\n");
}

/**
 * Mocha hooks giving each test a fresh sandbox. The fakes are python3 scripts: without python3 the
 * tests fail under CI and are skipped, naming what is missing, elsewhere.
 */
export function sandboxPerTest(): { readonly current: CiSandbox; renew(): void } {
    let python3 = "";
    let sandbox: CiSandbox | undefined;
    before(function () {
        const p = realPython();
        python3 = p ?? unavailable(this, missingMessage(["python3"]));
    });
    beforeEach(() => (sandbox = new CiSandbox(python3)));
    afterEach(() => sandbox?.cleanup());
    return {
        get current() {
            if (!sandbox) throw new Error("no sandbox outside a test");
            return sandbox;
        },
        /** A clean sandbox within one test, for a second run from scratch. */
        renew() {
            sandbox?.cleanup();
            sandbox = new CiSandbox(python3);
        },
    };
}
