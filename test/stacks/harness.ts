// A clone of the repository with stand-in `pulumi`, `docker`, `ssh`, `npm` and `id` on PATH, for
// the first command (scripts/up-staging.sh) and the day-two entry point (scripts/stack.sh). The
// clone's committed Pulumi.staging.yaml is the team's: it names the team's remote Docker host and
// carries an encryptionsalt with secure values, from pulumi/pulumi v3.248.0
// tests/roundtrip/roundtrip_test.go (TestConfigRoundtripComments), whose passphrase is known.
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { makeTempDir } from "../support/processes";

const REPO = path.join(__dirname, "..", "..");
const NOT_IN_A_CLONE = new Set(["node_modules", ".git", "rendered", "reports", ".stryker-tmp"]);

/** The passphrase of the fixture's salt and secure value (Pulumi's own test). */
export const TEAM_PASSPHRASE = "TestConfigRoundtripComments";
export const TEAM_SALT = "v1:ThS5UPxP9qc=:v1:UZYAXF+ylaJ0rGhv:9OTvBnOEDFgxs7btjzSu+LZ470vLpg==";
/** Decrypts to "secret-value" with TEAM_PASSPHRASE. */
export const TEAM_SECURE_VALUE = "v1:T1ftqhY0hqr+EJK6:+jvd5PMecFx80tcavzuZY4tLatgIfoe/xR72GA==";
export const TEAM_HOST = "ssh://deploy@staging.team.example";
export const TEAM_BACKEND = "gs://minimarket-team-state";
/** What the stand-in `id -un` answers, and the personal stack it makes. */
export const USER = "Ana.Lopez";
export const PERSONAL = "dev-ana-lopez";

export interface Call {
    tool: string;
    args: string[];
    backend?: string;
    passfile?: string;
    passEnv?: boolean;
    dockerHost?: string;
    decryptFailed?: boolean;
    /** MINIMARKET_STACK of the caller (npm, docker, ssh). */
    stack?: string;
}

/** The team's staging stack file: the committed config plus the team's host, salt and a secret. */
export function teamStagingFile(committed: string, opts: { salt?: string; secure?: string } = {}): string {
    const withConfig = committed.replace(
        /^config:\n/m,
        `config:\n  minimarket:dockerHost: ${TEAM_HOST}\n  minimarket:slackWebhookUrl:\n    secure: ${opts.secure ?? TEAM_SECURE_VALUE}\n`,
    );
    return `encryptionsalt: ${opts.salt ?? TEAM_SALT}\n${withConfig}`;
}

export interface Clone {
    root: string;
    home: string;
    mm: string;
    log: string;
    calls(): Call[];
    pulumiCalls(): Call[];
    run(script: string, args?: string[], opts?: { env?: Record<string, string>; input?: string }): { status: number | null; stdout: string; stderr: string };
}

export interface CloneOptions {
    /** Pulumi.staging.yaml as committed; default: the team's (remote host, salt, secure value). */
    stagingFile?: string;
    /** `docker version` answer: "<engine> <api>". */
    engine?: string;
    /** `docker image ls` answer lines ("<repo> <tag> <digest>"). */
    images?: string[];
    dockerDown?: boolean;
    contextHost?: string;
}

function standIn(dir: string, name: string, body: string) {
    fs.writeFileSync(path.join(dir, name), body, { mode: 0o755 });
}

export function clone(opts: CloneOptions = {}): Clone {
    const base = makeTempDir("stack-clone");
    const root = path.join(base, "minimarket");
    fs.cpSync(REPO, root, {
        recursive: true,
        preserveTimestamps: true,
        filter: (src) => !NOT_IN_A_CLONE.has(path.basename(src)) || path.dirname(src) !== REPO,
    });
    // The installed packages, shared read-only (ensure-deps finds them current: timestamps kept).
    fs.symlinkSync(path.join(REPO, "node_modules"), path.join(root, "node_modules"));
    const committed = fs.readFileSync(path.join(REPO, "Pulumi.staging.yaml"), "utf8");
    fs.writeFileSync(path.join(root, "Pulumi.staging.yaml"), opts.stagingFile ?? teamStagingFile(committed));

    const bin = path.join(base, "bin");
    fs.mkdirSync(bin);
    const log = path.join(base, "calls.log");
    const home = path.join(base, "home");
    fs.mkdirSync(home);
    standIn(bin, "pulumi", `#!${process.execPath}\n${fs.readFileSync(path.join(__dirname, "standInPulumi.js"), "utf8")}`);
    // One JSON line per call: the arguments and the environment that says where it goes.
    const record = (tool: string) =>
        `node -e 'const e = process.env; require("fs").appendFileSync(e.FAKE_LOG, JSON.stringify({ tool: "${tool}", args: process.argv.slice(1), ` +
        `dockerHost: e.DOCKER_HOST || "", backend: e.PULUMI_BACKEND_URL || "", passfile: e.PULUMI_CONFIG_PASSPHRASE_FILE || "", stack: e.MINIMARKET_STACK || "" }) + "\\n")' -- "$@"`;
    standIn(
        bin,
        "docker",
        [
            "#!/bin/bash",
            record("docker"),
            'case "${DOCKER_HOST:-}" in ssh://*) [ "$1" = context ] || ssh -l deploy -- host docker system dial-stdio || exit 1 ;; esac',
            'case "$1" in',
            `  context) echo '${opts.contextHost ?? "unix:///var/run/docker.sock"}' ;;`,
            `  info) exit ${opts.dockerDown ? 1 : 0} ;;`,
            `  version) echo '${opts.engine ?? "27.5.1 1.47"}' ;;`,
            `  image) printf '%s\\n' ${(opts.images ?? []).map((i) => `'${i}'`).join(" ")} ;;`,
            "esac",
        ].join("\n"),
    );
    standIn(bin, "ssh", `#!/bin/bash\n${record("ssh")}\n`);
    standIn(bin, "npm", `#!/bin/bash\n${record("npm")}\n`);
    standIn(bin, "id", `#!/bin/sh\necho '${USER}'\n`);

    const lines = () =>
        fs.existsSync(log)
            ? fs
                  .readFileSync(log, "utf8")
                  .trim()
                  .split("\n")
                  .filter(Boolean)
                  .map((l) => JSON.parse(l) as Call)
            : [];
    return {
        root,
        home,
        mm: path.join(home, ".minimarket"),
        log,
        calls: lines,
        pulumiCalls: () => lines().filter((c) => c.tool === "pulumi"),
        run(script, args = [], o = {}) {
            const r = spawnSync("bash", [path.join(root, "scripts", script), ...args], {
                cwd: root,
                env: {
                    PATH: `${bin}:${path.dirname(process.execPath)}:/usr/bin:/bin`,
                    HOME: home,
                    FAKE_LOG: log,
                    FAKE_YAML_MODULE: require.resolve("yaml"),
                    ...o.env,
                },
                input: o.input,
                encoding: "utf8",
                timeout: 240_000,
            });
            return { status: r.status, stdout: r.stdout, stderr: r.stderr };
        },
    };
}
