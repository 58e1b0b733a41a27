/**
 * Helpers for tests that run the real Prometheus / Alertmanager tools: locating binaries,
 * temp dirs, free ports, and child processes that are always stopped by PID.
 */
import { ChildProcess, spawn, spawnSync, SpawnOptions } from "child_process";
import * as fs from "fs";
import * as http from "http";
import * as net from "net";
import * as os from "os";
import * as path from "path";
import { alertmanagerCommand } from "../../renderers/observability";

export { DEBIAN_PACKAGES, requireBinaries, unavailable, underCi, which } from "./tools";

export interface RunResult {
    code: number | null;
    stdout: string;
    stderr: string;
    output: string;
}

export function run(bin: string, args: string[], options: { cwd?: string; timeoutMs?: number } = {}): RunResult {
    const r = spawnSync(bin, args, { cwd: options.cwd, encoding: "utf8", timeout: options.timeoutMs ?? 60_000 });
    if (r.error) throw r.error;
    return { code: r.status, stdout: r.stdout, stderr: r.stderr, output: `${r.stdout}\n${r.stderr}` };
}

export function makeTempDir(prefix: string): string {
    return fs.mkdtempSync(path.join(os.tmpdir(), `${prefix}-`));
}

/** Writes files given as relative path → content below dir; returns dir. */
export function writeFiles(dir: string, files: Record<string, string>): string {
    for (const [rel, content] of Object.entries(files)) {
        const file = path.join(dir, rel);
        fs.mkdirSync(path.dirname(file), { recursive: true });
        fs.writeFileSync(file, content);
    }
    return dir;
}

/** A port that was free a moment ago on 127.0.0.1. */
export function freePort(): Promise<number> {
    return new Promise((resolve, reject) => {
        const server = net.createServer();
        server.once("error", reject);
        server.listen(0, "127.0.0.1", () => {
            const address = server.address() as net.AddressInfo;
            server.close(() => resolve(address.port));
        });
    });
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls fn until it returns a value other than undefined, or fails after timeoutMs. `what` may be lazy (logs). */
export async function waitFor<T>(
    what: string | (() => string),
    fn: () => Promise<T | undefined> | T | undefined,
    timeoutMs: number,
    intervalMs = 500,
): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    let lastError: unknown;
    while (Date.now() < deadline) {
        try {
            const value = await fn();
            if (value !== undefined) return value;
        } catch (e) {
            lastError = e;
        }
        await sleep(intervalMs);
    }
    const description = typeof what === "function" ? what() : what;
    throw new Error(`timed out after ${timeoutMs / 1000}s waiting for ${description}${lastError ? ` (last error: ${lastError})` : ""}`);
}

/** fetch + JSON, with a short timeout so a hung server cannot stall a test. */
export async function httpJson(url: string, init: { method?: string; body?: unknown } = {}): Promise<any> {
    const response = await fetch(url, {
        method: init.method ?? "GET",
        headers: init.body === undefined ? undefined : { "content-type": "application/json" },
        body: init.body === undefined ? undefined : JSON.stringify(init.body),
        signal: AbortSignal.timeout(5_000),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${init.method ?? "GET"} ${url}: HTTP ${response.status} ${text}`);
    return text ? JSON.parse(text) : undefined;
}

interface Managed {
    name: string;
    child: ChildProcess;
    log: string[];
    stopSignal: NodeJS.Signals;
}

/**
 * Child processes started by a test. Each is tracked by PID and stopped by stop()/stopAll()
 * (SIGTERM, then SIGKILL after a grace period). Output is kept for failure messages.
 */
export class ProcessGroup {
    private readonly procs = new Map<string, Managed>();

    /** stopSignal: what stop() sends first (PostgreSQL: SIGINT, a fast shutdown that ignores clients). */
    start(name: string, bin: string, args: string[], options: SpawnOptions = {}, stopSignal: NodeJS.Signals = "SIGTERM"): ChildProcess {
        if (this.procs.has(name)) throw new Error(`process ${name} already running`);
        const child = spawn(bin, args, { ...options, stdio: ["ignore", "pipe", "pipe"] });
        const managed: Managed = { name, child, log: [], stopSignal };
        const keep = (chunk: Buffer) => {
            managed.log.push(chunk.toString());
            if (managed.log.length > 200) managed.log.shift();
        };
        child.stdout?.on("data", keep);
        child.stderr?.on("data", keep);
        child.on("error", (e) => managed.log.push(`spawn error: ${e.message}`));
        this.procs.set(name, managed);
        return child;
    }

    isRunning(name: string): boolean {
        const m = this.procs.get(name);
        return !!m && m.child.exitCode === null && m.child.signalCode === null;
    }

    pidOf(name: string): number | undefined {
        return this.procs.get(name)?.child.pid;
    }

    /** Last lines of a process's output, for assertion messages. */
    logOf(name: string, lines = 30): string {
        const m = this.procs.get(name);
        if (!m) return `(no process ${name})`;
        return m.log.join("").split("\n").slice(-lines).join("\n");
    }

    /** Stops a process by PID: its stop signal first, SIGKILL if it is still running after graceMs. */
    async stop(name: string, graceMs = 10_000): Promise<void> {
        const m = this.procs.get(name);
        if (!m) return;
        this.procs.delete(name);
        const { child } = m;
        if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
        const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
        process.kill(child.pid, m.stopSignal);
        const timer = sleep(graceMs).then(() => "timeout");
        if ((await Promise.race([exited.then(() => "exited"), timer])) === "timeout") {
            process.kill(child.pid, "SIGKILL");
            await exited;
        }
    }

    async stopAll(): Promise<void> {
        // Reverse start order: consumers (Prometheus, exporters) before what they watch.
        for (const name of [...this.procs.keys()].reverse()) {
            await this.stop(name).catch(() => undefined);
        }
    }
}

export interface ReceivedMessage {
    path: string;
    body: any;
    receivedAt: number;
}

export interface WebhookReceiver {
    /** Base URL, e.g. http://127.0.0.1:12345 */
    url: string;
    messages: ReceivedMessage[];
    close(): Promise<void>;
}

/** A local HTTP server standing in for Slack and the heartbeat service: records every POST. */
export function startWebhookReceiver(): Promise<WebhookReceiver> {
    const messages: ReceivedMessage[] = [];
    const server = http.createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on("data", (c: Buffer) => chunks.push(c));
        req.on("end", () => {
            const text = Buffer.concat(chunks).toString();
            let body: unknown = text;
            try {
                body = JSON.parse(text);
            } catch {
                // keep raw text
            }
            messages.push({ path: req.url ?? "", body, receivedAt: Date.now() });
            res.writeHead(200, { "content-type": "text/plain" }).end("ok");
        });
    });
    return new Promise((resolve, reject) => {
        server.once("error", reject);
        server.listen(0, "127.0.0.1", () => {
            const { port } = server.address() as net.AddressInfo;
            resolve({
                url: `http://127.0.0.1:${port}`,
                messages,
                close: () => new Promise<void>((done) => server.close(() => done())),
            });
        });
    });
}

/** Slack messages (Alertmanager slack_configs payloads) for a channel. */
export function slackMessages(receiver: WebhookReceiver, channel: string): ReceivedMessage[] {
    return receiver.messages.filter((m) => m.path.startsWith("/slack") && m.body?.channel === channel);
}

/** Title + text of a Slack payload, for matching alert names and status. */
export function slackText(message: ReceivedMessage): string {
    return (message.body?.attachments ?? []).map((a: any) => `${a.title}\n${a.text}`).join("\n");
}

/**
 * A product container's command as an argv for this machine, changing only what must differ
 * outside the container: an absolute path in `--flag=/path` moves under `root` (the container's
 * filesystem as writeFiles lays it out: `<root>/etc/...`, volumes at `<root>/<mount path>`), and
 * the HTTP listen address becomes 127.0.0.1:<port>. Every other flag runs as deployed, so a wrong
 * or missing flag in the product fails the local run too.
 */
export function localArgv(command: readonly string[], root: string, port: number): string[] {
    const listen = "--web.listen-address";
    const moved = command
        .filter((arg) => !arg.startsWith(`${listen}=`))
        .map((arg) => {
            const m = /^(--[\w.-]+)=(\/.*)$/.exec(arg);
            return m ? `${m[1]}=${path.join(root, m[2])}` : arg;
        });
    return [...moved, `${listen}=127.0.0.1:${port}`];
}

/**
 * Starts Alertmanager on 127.0.0.1 (given or free port) with the deployed command
 * (alertmanagerCommand, through localArgv): `root` holds its files as rendered
 * (`<root>/etc/alertmanager/alertmanager.yml`) and its storage volume. Runs in root's parent,
 * so a relative default path (a missing flag) lands outside root. Returns its base URL once
 * /-/ready answers; with a free port chosen here, a port taken meanwhile is retried on a new one.
 */
export async function startAlertmanager(procs: ProcessGroup, bin: string, root: string, name = "alertmanager", port?: number): Promise<string> {
    const attempts = port === undefined ? 3 : 1;
    for (let attempt = 1; ; attempt++) {
        const listenPort = port ?? (await freePort());
        procs.start(name, bin, localArgv(alertmanagerCommand(), root, listenPort), { cwd: path.dirname(root) });
        const url = `http://127.0.0.1:${listenPort}`;
        const state = await waitFor(
            () => `${name} ready\n${procs.logOf(name)}`,
            async () => {
                if (!procs.isRunning(name)) return "exited";
                const r = await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(2_000) });
                return r.ok ? "ready" : undefined;
            },
            30_000,
            250,
        );
        if (state === "ready") return url;
        const log = procs.logOf(name);
        await procs.stop(name);
        if (attempt >= attempts) throw new Error(`${name} exited during startup:\n${log}`);
    }
}
