// A small Docker Engine API client over the engine's unix socket: the requests the docker
// provider makes, and the reads the tests check with. API version negotiated as the provider's
// client does (highest the daemon offers up to the client's own).
import * as http from "http";

export interface Reply {
    status: number;
    body: Buffer;
    json<T = any>(): T;
    text(): string;
}

/** A non-TTY stream of the engine (logs, exec): 8-byte frame headers, then stdout or stderr bytes. */
function demux(body: Buffer): string {
    const out: Buffer[] = [];
    let i = 0;
    while (i + 8 <= body.length) {
        const size = body.readUInt32BE(i + 4);
        out.push(body.subarray(i + 8, i + 8 + size));
        i += 8 + size;
    }
    return Buffer.concat(out).toString("utf8");
}

export class EngineError extends Error {
    constructor(
        readonly status: number,
        message: string,
    ) {
        super(message);
    }
}

export class Engine {
    private version?: string;

    /** `host` is a DOCKER_HOST value: unix:///path/docker.sock. */
    constructor(readonly host: string) {
        if (!host.startsWith("unix://")) throw new Error(`the engine tests talk to a local socket, not ${host}`);
    }

    get socketPath(): string {
        return this.host.slice("unix://".length);
    }

    raw(method: string, path: string, body?: Buffer | string | object, headers: Record<string, string> = {}, timeoutMs = 300_000): Promise<Reply> {
        const payload = body === undefined ? undefined : Buffer.isBuffer(body) ? body : Buffer.from(typeof body === "string" ? body : JSON.stringify(body));
        const contentType = Buffer.isBuffer(body) ? "application/x-tar" : "application/json";
        return new Promise((resolve, reject) => {
            const req = http.request(
                {
                    socketPath: this.socketPath,
                    method,
                    path,
                    headers: { Host: "docker", ...(payload ? { "Content-Type": contentType, "Content-Length": payload.length } : {}), ...headers },
                    timeout: timeoutMs,
                },
                (res) => {
                    const chunks: Buffer[] = [];
                    res.on("data", (c: Buffer) => chunks.push(c));
                    res.on("end", () => {
                        const buf = Buffer.concat(chunks);
                        resolve({ status: res.statusCode ?? 0, body: buf, json: () => JSON.parse(buf.toString("utf8")), text: () => buf.toString("utf8") });
                    });
                },
            );
            req.on("timeout", () => req.destroy(new Error(`${method} ${path}: no answer within ${timeoutMs} ms`)));
            req.on("error", reject);
            if (payload) req.write(payload);
            req.end();
        });
    }

    async apiVersion(): Promise<string> {
        if (!this.version) {
            const r = await this.raw("GET", "/version");
            if (r.status !== 200) throw new EngineError(r.status, `GET /version: ${r.text()}`);
            this.version = String(r.json().ApiVersion);
        }
        return this.version;
    }

    /** A versioned request; a non-2xx answer throws with the daemon's message. */
    async call(method: string, path: string, body?: Buffer | object, expect: number[] = [200, 201, 204, 304]): Promise<Reply> {
        const r = await this.raw(method, `/v${await this.apiVersion()}${path}`, body);
        if (!expect.includes(r.status)) {
            let message = r.text();
            try {
                message = r.json().message ?? message;
            } catch {
                // not JSON
            }
            throw new EngineError(r.status, `${method} ${path}: ${r.status} ${message}`);
        }
        return r;
    }

    async inspect(container: string): Promise<any> {
        return (await this.call("GET", `/containers/${encodeURIComponent(container)}/json`)).json();
    }

    async exists(kind: "containers" | "networks" | "volumes" | "images", name: string): Promise<boolean> {
        const r = await this.raw("GET", `/v${await this.apiVersion()}/${kind}/${encodeURIComponent(name)}${kind === "networks" ? "" : "/json"}`);
        return r.status === 200;
    }

    /** Containers with all of `labels` (key=value), running or not. */
    async containers(labels: string[] = []): Promise<any[]> {
        const filters = encodeURIComponent(JSON.stringify({ label: labels }));
        return (await this.call("GET", `/containers/json?all=1&filters=${filters}`)).json();
    }

    /** Engine events between two moments (unix seconds), filtered as the API filters them. */
    async events(since: number, until: number, filters: Record<string, string[]>): Promise<any[]> {
        const q = `since=${since}&until=${until}&filters=${encodeURIComponent(JSON.stringify(filters))}`;
        const text = (await this.call("GET", `/events?${q}`)).text();
        return text
            .split("\n")
            .filter((l) => l.trim())
            .map((l) => JSON.parse(l));
    }

    /** stdout and stderr of a container (demultiplexed), as the CLI's `docker logs` prints them. */
    async logs(container: string): Promise<string> {
        return demux((await this.call("GET", `/containers/${encodeURIComponent(container)}/logs?stdout=1&stderr=1`)).body);
    }

    /** Runs `cmd` in a running container; its exit code and combined output. */
    async exec(container: string, cmd: string[], opts: { user?: string; env?: string[] } = {}): Promise<{ code: number; output: string }> {
        const created = await this.call("POST", `/containers/${encodeURIComponent(container)}/exec`, {
            Cmd: cmd,
            AttachStdout: true,
            AttachStderr: true,
            User: opts.user ?? "",
            Env: opts.env ?? [],
        });
        const id = created.json().Id as string;
        const output = demux((await this.call("POST", `/exec/${id}/start`, { Detach: false, Tty: false })).body);
        const info = (await this.call("GET", `/exec/${id}/json`)).json();
        return { code: info.ExitCode as number, output };
    }
}

/**
 * One SQL statement through psql in the PostgreSQL container: as the superuser over the socket
 * (trusted there), or as `as.user` over TCP with `as.password`, which goes by the environment.
 */
export function psql(engine: Engine, container: string, sql: string, as?: { user: string; password: string }): Promise<{ code: number; output: string }> {
    const who = as ? ["-h", "127.0.0.1", "-U", as.user] : ["-U", "postgres"];
    return engine.exec(container, ["psql", ...who, "-d", "inventario_retail", "-Atc", sql], { env: as ? [`PGPASSWORD=${as.password}`] : [] });
}
