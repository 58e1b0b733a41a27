// scripts/stack.sh preflight (and the first step of every `up` through scripts/stack.sh):
// what is checked before anything changes, on the daemon the stack deploys to (DOCKER_HOST):
//   - the Docker Engine: stops on one older than the health probes need, naming both versions;
//   - the Pulumi CLI: stops on a missing or non-3.x CLI, notes one older than the pinned release;
//   - the images the deploy will pull (the ones not on the daemon yet), and how to pull them with
//     a Docker Hub account, since anonymous pulls are limited per address.
// Reads the stack's config from its Pulumi.<stack>.yaml (no passphrase needed: only the image
// references and the Docker Hub user name matter here). Exit 1 stops the deploy.
import * as fs from "fs";
import * as path from "path";
import { DockerStackConfig, parseConfig, rawConfigOf, readStackFile, stackFilePath, StackConfig } from "../config";
import { parseImageRef } from "../facts/images";
import { SECRET_PLACEHOLDERS } from "../renderers/observability";
import { dockerHostImages } from "../stacks/images";
import { runProcess } from "./smoke/http";

/**
 * Every probed container has a start interval (renderers/rollout/health.ts). Docker honours
 * HealthConfig.StartInterval from API 1.44, Docker Engine 25.0; the docker provider sets it and
 * reads it back (kreuzwerker/terraform-provider-docker v4.5.0 internal/provider/
 * resource_docker_container_funcs.go:156 and :967), so an older engine drops it: first probes
 * wait a full interval, and every later `up` sees a difference to correct.
 */
export const MIN_ENGINE = { version: "25.0", api: "1.44" } as const;
/** The CLI release the workflows install, the same as the @pulumi/pulumi SDK in package.json. */
export const PINNED_PULUMI_CLI = "3.248.0";
/** Docker Hub's limit for anonymous pulls (per IPv4 address or IPv6 /64), in pulls per hour. */
export const ANONYMOUS_PULLS_PER_HOUR = 10;

/** Compares dotted version numbers (1.44 < 1.100); a missing part counts as 0. */
export function compareVersions(a: string, b: string): number {
    const pa = a.split(".").map(Number);
    const pb = b.split(".").map(Number);
    for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
        const d = (pa[i] ?? 0) - (pb[i] ?? 0);
        if (d !== 0) return Math.sign(d);
    }
    return 0;
}

/** Why the engine cannot run this program, or undefined when it can. */
export function engineProblem(engine: { version: string; api: string }, host: string): string | undefined {
    if (compareVersions(engine.api, MIN_ENGINE.api) >= 0) return undefined;
    return (
        `Docker Engine ${engine.version} (API ${engine.api}) at ${host} is older than this program needs: ` +
        `Docker Engine ${MIN_ENGINE.version} (API ${MIN_ENGINE.api}) or later, for the health probes' start interval. ` +
        "Upgrade Docker Engine on that host (https://docs.docker.com/engine/install/); nothing was changed"
    );
}

/** `pulumi version` prints e.g. "v3.248.0". A stop reason, or a note, or neither. */
export function pulumiCliCheck(printed: string): { stop?: string; note?: string } {
    const m = /^v?(\d+)\.(\d+)\.(\d+)/.exec(printed.trim());
    if (!m) return { stop: `cannot tell the Pulumi CLI's version from \`pulumi version\` (${JSON.stringify(printed.trim().slice(0, 40))})` };
    const version = `${m[1]}.${m[2]}.${m[3]}`;
    if (m[1] !== "3")
        return {
            stop: `Pulumi CLI ${version} is not a 3.x release, which the @pulumi/pulumi 3 SDK needs; install ${PINNED_PULUMI_CLI} (https://www.pulumi.com/docs/install/)`,
        };
    if (compareVersions(version, PINNED_PULUMI_CLI) < 0) {
        return {
            note: `Pulumi CLI ${version} is older than ${PINNED_PULUMI_CLI}, the release the workflows and tests use; if a command misbehaves, upgrade first`,
        };
    }
    return {};
}

/** `docker.io/library/postgres:17` and `postgres:17` name the same image. */
export function normalizeRef(ref: string): string {
    return ref.replace(/^(?:docker\.io|index\.docker\.io|registry-1\.docker\.io)\//, "").replace(/^library\//, "");
}

export function isDockerHub(ref: string): boolean {
    const registry = parseImageRef(ref)?.registry;
    return registry === undefined || /^(?:docker\.io|index\.docker\.io|registry-1\.docker\.io)$/.test(registry);
}

/** Lines of `docker image ls --digests --format '{{.Repository}} {{.Tag}} {{.Digest}}'` as references. */
export function presentRefs(listing: string): Set<string> {
    const refs = new Set<string>();
    for (const line of listing.split("\n")) {
        const [repo, tag, digest] = line.trim().split(/\s+/);
        if (!repo || repo === "<none>") continue;
        if (tag && tag !== "<none>") refs.add(normalizeRef(`${repo}:${tag}`));
        if (digest && digest.startsWith("sha256:")) refs.add(normalizeRef(`${repo}@${digest}`));
    }
    return refs;
}

export interface PullPlan {
    pulls: string[];
    present: string[];
}

/**
 * The provider pulls an image only when the daemon does not have it yet
 * (kreuzwerker/terraform-provider-docker v4.5.0 resource_docker_image_funcs.go findImage).
 */
export function pullPlan(images: string[], present: Set<string>): PullPlan {
    // A reference with both a tag and a digest is found by its digest.
    const has = (ref: string) => present.has(normalizeRef(ref)) || present.has(normalizeRef(ref.replace(/:[\w][\w.-]*@/, "@")));
    return { pulls: images.filter((i) => !has(i)), present: images.filter(has) };
}

/** The report of the image pulls, with how to avoid Docker Hub's anonymous limit. */
export function pullReport(plan: PullPlan, dockerHubUser: string | undefined, stackArg: string): string[] {
    const hub = plan.pulls.filter(isDockerHub);
    const lines = [
        plan.pulls.length === 0
            ? `every image is on the daemon already (${plan.present.length}); nothing to pull`
            : `this deploy pulls ${plan.pulls.length} image${plan.pulls.length === 1 ? "" : "s"} (${hub.length} from Docker Hub)` +
              (plan.present.length ? `; ${plan.present.length} are on the daemon already` : "") +
              ":",
        ...plan.pulls.map((i) => `    ${i}${isDockerHub(i) ? "" : "   (not Docker Hub)"}`),
    ];
    if (hub.length === 0) return lines;
    if (dockerHubUser) return [...lines, `Docker Hub pulls use the account ${dockerHubUser} (dockerHubUsername and the secret dockerHubToken)`];
    return [
        ...lines,
        `Docker Hub allows ${ANONYMOUS_PULLS_PER_HOUR} anonymous pulls per hour per address; ${hub.length > ANONYMOUS_PULLS_PER_HOUR ? "this deploy needs more, so some pulls will fail with `toomanyrequests`. " : ""}To pull with an account (a read-only access token is enough):`,
        `    scripts/stack.sh${stackArg} config set dockerHubUsername <user>`,
        `    scripts/stack.sh${stackArg} config set --secret dockerHubToken      (prompts for the token)`,
    ];
}

/**
 * The stack's config from its stack file, and its platform (read even when the config has
 * problems). Secret values cannot be read without the passphrase and do not matter here: each
 * stands in as a value every rule accepts.
 */
export function stackConfigFromFile(stack: string, projectDir: string): { platform: string; config?: StackConfig; problems?: string } {
    const file = stackFilePath(stack, projectDir);
    const placeholders = {
        "minimarket:slackWebhookUrl": SECRET_PLACEHOLDERS.slackWebhookUrl,
        "minimarket:deadMansSwitchUrl": SECRET_PLACEHOLDERS.deadMansSwitchUrl,
    };
    const raw = fs.existsSync(file) ? rawConfigOf(readStackFile(file, placeholders)) : { values: {}, secretKeys: new Set<string>() };
    for (const key of raw.secretKeys) if (!(`minimarket:${key}` in placeholders)) raw.values[key] = "preflight-placeholder-of-a-secret-value-0000";
    const platform = raw.values.platform ?? "docker";
    try {
        return { platform, config: parseConfig(raw, stack) };
    } catch (e) {
        return { platform, problems: (e as Error).message };
    }
}

interface Checks {
    stack: string;
    projectDir: string;
    dockerHost: string;
    /** Runs a command, resolving with its exit code and output. */
    run: (bin: string, args: string[]) => Promise<{ code: number | null; stdout: string; stderr: string }>;
    personal: boolean;
}

/** Every check; `ok` false means: stop before `pulumi up`. */
export async function preflight(c: Checks): Promise<{ ok: boolean; lines: string[] }> {
    const lines: string[] = [];
    const stackArg = c.personal ? "" : ` --stack ${c.stack}`;
    const cli = await c.run("pulumi", ["version"]).catch(() => ({ code: 127, stdout: "", stderr: "" }));
    const pulumiCheck = cli.code === 0 ? pulumiCliCheck(cli.stdout) : { stop: "the Pulumi CLI does not answer `pulumi version`" };
    if (pulumiCheck.stop) return { ok: false, lines: [pulumiCheck.stop] };
    lines.push(pulumiCheck.note ?? `Pulumi CLI ${cli.stdout.trim()}`);

    const { platform, config } = stackConfigFromFile(c.stack, c.projectDir);
    if (platform === "gcp") return { ok: true, lines: [...lines, "platform gcp: the VM installs its own Docker Engine"] };

    const version = await c.run("docker", ["version", "--format", "{{.Server.Version}} {{.Server.APIVersion}}"]);
    const [engineVersion, api] = version.stdout.trim().split(/\s+/);
    if (version.code !== 0 || !api)
        return { ok: false, lines: [...lines, `Docker at ${c.dockerHost} does not say its version (docker version failed); is it running?`] };
    const problem = engineProblem({ version: engineVersion, api }, c.dockerHost);
    if (problem) return { ok: false, lines: [...lines, problem] };
    lines.push(`Docker Engine ${engineVersion} (API ${api}) at ${c.dockerHost}`);

    if (!config) return { ok: true, lines: [...lines, "the stack's config has problems (`up` lists them), so the images to pull are not listed"] };
    const listing = await c.run("docker", ["image", "ls", "--digests", "--format", "{{.Repository}} {{.Tag}} {{.Digest}}"]);
    const plan = pullPlan(dockerHostImages(config as DockerStackConfig), presentRefs(listing.code === 0 ? listing.stdout : ""));
    return { ok: true, lines: [...lines, ...pullReport(plan, config.dockerHub?.username, stackArg)] };
}

if (require.main === module) {
    const i = process.argv.indexOf("--stack");
    const stack = i >= 0 ? process.argv[i + 1] : undefined;
    if (!stack) {
        console.error("usage: scripts/stack.sh preflight (runs: scripts/preflight.ts --stack <name>)");
        process.exit(2);
    }
    const dockerHost = process.env.DOCKER_HOST || "unix:///var/run/docker.sock";
    preflight({
        stack,
        projectDir: path.join(__dirname, ".."),
        dockerHost,
        run: (bin, args) => runProcess(bin, args, process.env, 120_000),
        personal: process.env.MINIMARKET_PERSONAL_STACK === "1",
    }).then(
        ({ ok, lines }) => {
            for (const line of lines) console.error(`preflight: ${line}`);
            process.exit(ok ? 0 : 1);
        },
        (e) => {
            console.error(`preflight: ${(e as Error).message}`);
            process.exit(1);
        },
    );
}
