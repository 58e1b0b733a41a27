// How the smoke checks send a GET: directly from this machine (for URLs people use), or from a
// throwaway container on the stack's Docker network (for what only the containers can reach).
import { spawn } from "child_process";

export interface BasicAuth {
    user: string;
    password: string;
}

export interface HttpResponse {
    status: number;
    body: string;
}

/** A GET that resolves with any HTTP status and rejects only when no answer came at all. */
export type HttpGet = (url: string, options?: { auth?: BasicAuth; timeoutMs?: number }) => Promise<HttpResponse>;

const DEFAULT_TIMEOUT_MS = 10_000;

function basic(auth: BasicAuth): string {
    return Buffer.from(`${auth.user}:${auth.password}`, "utf8").toString("base64");
}

/** fetch from this machine. */
export const directGet: HttpGet = async (url, options = {}) => {
    try {
        const response = await fetch(url, {
            headers: options.auth ? { authorization: `Basic ${basic(options.auth)}` } : undefined,
            signal: AbortSignal.timeout(options.timeoutMs ?? DEFAULT_TIMEOUT_MS),
            redirect: "manual",
        });
        return { status: response.status, body: await response.text() };
    } catch (e) {
        // fetch says only "fetch failed"; the cause says why (ECONNREFUSED, ENOTFOUND, a timeout).
        const cause = (e as { cause?: { code?: string; message?: string } }).cause;
        throw new Error(`no answer from ${new URL(url).host}: ${cause?.code ?? cause?.message ?? (e as Error).message}`);
    }
};

/** Name of the variable that carries the Authorization value into the probe container. */
export const AUTH_ENV = "SMOKE_HTTP_AUTH";

/**
 * busybox wget inside the probe image. The credentials travel as an environment variable that the
 * docker CLI copies from its own environment (`-e NAME`), never on a command line.
 */
const PROBE_SCRIPT = [
    'if [ -n "${' + AUTH_ENV + ':-}" ]; then',
    '  exec wget -q -O - -T "$2" --header "Authorization: Basic $' + AUTH_ENV + '" "$1"',
    "fi",
    'exec wget -q -O - -T "$2" "$1"',
].join("\n");

export interface DockerProbe {
    /** Network to join: the stack's service network, or "host" for the Docker host's own ports. */
    network: string;
    image: string;
    /** DOCKER_HOST for the CLI; absent: whatever the environment says (the local daemon by default). */
    dockerHost?: string;
    /** The docker executable; default `docker` from PATH. */
    docker?: string;
}

export interface ProcessResult {
    code: number | null;
    stdout: string;
    stderr: string;
}

/** Runs a command with a hard time limit; output stays in memory. */
export function runProcess(bin: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<ProcessResult> {
    return new Promise((resolve, reject) => {
        const child = spawn(bin, args, { env, stdio: ["ignore", "pipe", "pipe"] });
        const out: Buffer[] = [];
        const err: Buffer[] = [];
        child.stdout.on("data", (c: Buffer) => out.push(c));
        child.stderr.on("data", (c: Buffer) => err.push(c));
        const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
        child.once("error", (e) => {
            clearTimeout(timer);
            reject(e);
        });
        child.once("close", (code) => {
            clearTimeout(timer);
            resolve({ code, stdout: Buffer.concat(out).toString("utf8"), stderr: Buffer.concat(err).toString("utf8") });
        });
    });
}

/** The docker CLI arguments of one probe (exported for tests and for the docs). */
export function probeArgs(probe: DockerProbe, url: string, timeoutSeconds: number, withAuth: boolean): string[] {
    return [
        "run",
        "--rm",
        "--network",
        probe.network,
        ...(withAuth ? ["-e", AUTH_ENV] : []),
        "--entrypoint",
        "sh",
        probe.image,
        "-c",
        PROBE_SCRIPT,
        "smoke-probe",
        url,
        String(timeoutSeconds),
    ];
}

export function dockerGet(probe: DockerProbe): HttpGet {
    return async (url, options = {}) => {
        const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
        const env: NodeJS.ProcessEnv = { ...process.env };
        if (probe.dockerHost) env.DOCKER_HOST = probe.dockerHost;
        delete env[AUTH_ENV];
        if (options.auth) env[AUTH_ENV] = basic(options.auth);
        const seconds = Math.max(1, Math.ceil(timeoutMs / 1000));
        // The container start adds to the request's own timeout.
        const r = await runProcess(probe.docker ?? "docker", probeArgs(probe, url, seconds, !!options.auth), env, timeoutMs + 30_000);
        if (r.code === 0) return { status: 200, body: r.stdout };
        // busybox: "wget: server returned error: HTTP/1.1 401 Unauthorized"
        const status = /server returned error: HTTP\/\d(?:\.\d)? (\d{3})/.exec(r.stderr);
        if (status) return { status: Number(status[1]), body: r.stdout };
        const reason = r.stderr.trim().split("\n").filter(Boolean).slice(-1)[0] ?? `exit code ${r.code}`;
        throw new Error(`no answer through docker (${probe.network}): ${reason}`);
    };
}

function isLoopback(u: string): boolean {
    const host = new URL(u).hostname;
    return host === "localhost" || host === "[::1]" || /^127\./.test(host);
}

/**
 * A URL people use. A loopback URL of a remote Docker host means "on that host": probe it from
 * the host's network namespace. Any other URL is fetched from here, as a person would.
 */
export function publicGet(target: string, probe: Omit<DockerProbe, "network">, direct: HttpGet = directGet): HttpGet {
    const remote = !!probe.dockerHost && !probe.dockerHost.startsWith("unix://");
    return remote && isLoopback(target) ? dockerGet({ ...probe, network: "host" }) : direct;
}
