/**
 * The real Pulumi CLI (built by `npm run upstream-tools` at the SDK's version) on a local file
 * backend in a temporary directory: its own PULUMI_HOME, state and passphrase, nothing from the
 * machine's ~/.pulumi. The language host sits next to the CLI binary, as in a Pulumi install, so
 * the CLI takes it as its bundled one. Automatic plugin downloads are off: none can be had here.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { makeTempDir } from "./processes";

export interface CliResult {
    status: number | null;
    stdout: string;
    stderr: string;
    output: string;
}

/** Links `file` into `dir` (a copy when they are on different filesystems). */
function linkInto(dir: string, file: string): void {
    const target = path.join(dir, path.basename(file));
    try {
        fs.linkSync(file, target);
    } catch {
        fs.copyFileSync(file, target);
        fs.chmodSync(target, 0o755);
    }
}

export class PulumiCli {
    readonly root = makeTempDir("minimarket-pulumi");
    readonly home = path.join(this.root, "home");
    private readonly bin = path.join(this.root, "bin");

    constructor(binaries: { pulumi: string; "pulumi-language-nodejs": string }) {
        for (const d of [this.home, this.bin]) fs.mkdirSync(d);
        linkInto(this.bin, binaries.pulumi);
        linkInto(this.bin, binaries["pulumi-language-nodejs"]);
    }

    /** The file backend of the project in `dir` (each project has its own: they share a name). */
    state(dir: string): string {
        return path.join(this.root, "state", path.basename(dir));
    }

    /** A project directory of its own: `files` written there, the repository's node_modules linked in. */
    project(name: string, files: Record<string, string>): string {
        const dir = path.join(this.root, name);
        fs.mkdirSync(dir, { recursive: true });
        fs.mkdirSync(this.state(dir), { recursive: true });
        for (const [rel, text] of Object.entries(files)) {
            fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
            fs.writeFileSync(path.join(dir, rel), text);
        }
        fs.symlinkSync(path.join(__dirname, "..", "..", "node_modules"), path.join(dir, "node_modules"));
        return dir;
    }

    /** Runs `pulumi args` in `cwd`; `passphrase` undefined leaves PULUMI_CONFIG_PASSPHRASE unset. */
    run(cwd: string, args: string[], options: { passphrase?: string; stdin?: string; env?: Record<string, string>; timeoutMs?: number } = {}): CliResult {
        const env: Record<string, string> = {
            PATH: `${this.bin}:${process.env.PATH ?? ""}`,
            HOME: this.home,
            PULUMI_HOME: this.home,
            PULUMI_BACKEND_URL: `file://${this.state(cwd)}`,
            PULUMI_SKIP_UPDATE_CHECK: "true",
            PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
            // The program runs under ts-node; type checking is `npm test`'s job, not the CLI's.
            PULUMI_NODEJS_TRANSPILE_ONLY: "true",
            ...(options.passphrase === undefined ? {} : { PULUMI_CONFIG_PASSPHRASE: options.passphrase }),
            ...options.env,
        };
        const r = spawnSync(path.join(this.bin, "pulumi"), withFlag(args, "--non-interactive"), {
            cwd,
            env,
            input: options.stdin ?? "",
            encoding: "utf8",
            timeout: options.timeoutMs ?? 120_000,
        });
        if (r.error) throw r.error;
        return { status: r.status, stdout: r.stdout, stderr: r.stderr, output: `${r.stdout}${r.stderr}` };
    }

    remove(): void {
        fs.rmSync(this.root, { recursive: true, force: true });
    }
}

/** `flag` among the flags: before a `--` that ends them (`config set --path k -- -i`), else last. */
function withFlag(args: string[], flag: string): string[] {
    const end = args.indexOf("--");
    return end < 0 ? [...args, flag] : [...args.slice(0, end), flag, ...args.slice(end)];
}
