/**
 * Small HTTP stand-ins for Grafana and Loki (not installed here), answering the API calls the
 * smoke checks make the way the real servers do (shapes from the Grafana HTTP API and Loki's
 * query API), with state a test can change.
 */
import * as http from "http";
import * as net from "net";
import { SmokeEndpoints } from "../../scripts/smoke/endpoints";
import { expectedFacts } from "../../scripts/smoke/expected";

function listen(handler: http.RequestListener): Promise<{ port: number; close(): Promise<void> }> {
    const server = http.createServer(handler);
    return new Promise((resolve, reject) => {
        server.once("error", reject);
        server.listen(0, "127.0.0.1", () => {
            const { port } = server.address() as net.AddressInfo;
            resolve({ port, close: () => new Promise<void>((done) => server.close(() => done())) });
        });
    });
}

const json = (res: http.ServerResponse, status: number, body: unknown) =>
    res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
const METRICS = "# TYPE standin_up gauge\nstandin_up 1\n";

export interface GrafanaStandIn {
    port: number;
    /** What /api/search lists: uid and folder title. */
    dashboards: Array<{ uid: string; folderTitle?: string }>;
    close(): Promise<void>;
}

/** Grafana: basic auth for the admin user, /api/user, /api/search, /api/health, /metrics. */
export async function startGrafanaStandIn(user: string, password: string): Promise<GrafanaStandIn> {
    const facts = expectedFacts();
    const state = { dashboards: facts.dashboards.map((uid) => ({ uid, folderTitle: facts.dashboardFolder })) };
    const expectedAuth = `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;
    const server = await listen((req, res) => {
        const url = new URL(req.url ?? "/", "http://grafana");
        if (url.pathname === "/api/health") return json(res, 200, { database: "ok", version: "stand-in" });
        if (url.pathname === "/metrics") return res.writeHead(200, { "content-type": "text/plain" }).end(METRICS);
        if (req.headers.authorization !== expectedAuth) return json(res, 401, { message: "Invalid username or password" });
        if (url.pathname === "/api/user") return json(res, 200, { id: 1, login: user, isGrafanaAdmin: true });
        if (url.pathname === "/api/search") {
            if (url.searchParams.get("type") !== "dash-db") return json(res, 400, { message: "stand-in answers type=dash-db only" });
            return json(
                res,
                200,
                state.dashboards.map((d) => ({ uid: d.uid, type: "dash-db", title: d.uid, ...(d.folderTitle ? { folderTitle: d.folderTitle } : {}) })),
            );
        }
        return json(res, 404, { message: "Not found" });
    });
    return {
        port: server.port,
        get dashboards() {
            return state.dashboards;
        },
        set dashboards(d) {
            state.dashboards = d;
        },
        close: server.close,
    };
}

interface LogLine {
    labels: { environment: string; container: string; service: string };
    at: number;
}

export interface LokiStandIn {
    port: number;
    lines: LogLine[];
    /** One line just now from every container of the stack, labelled as Alloy labels them. */
    logAll(endpoints: SmokeEndpoints, at?: number): void;
    /** Drops every line of a container. */
    forget(container: string): void;
    queries: string[];
    close(): Promise<void>;
}

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * Loki's instant query for `sum by (<label>) (count_over_time({<matchers>}[<range>]))`, with
 * `=` and `=~` matchers: a vector of line counts per value of that label. Other queries get HTTP 400.
 */
export async function startLokiStandIn(): Promise<LokiStandIn> {
    const lines: LogLine[] = [];
    const queries: string[] = [];
    const server = await listen((req, res) => {
        const url = new URL(req.url ?? "/", "http://loki");
        if (url.pathname === "/ready") return res.writeHead(200).end("ready");
        if (url.pathname === "/metrics") return res.writeHead(200, { "content-type": "text/plain" }).end(METRICS);
        if (url.pathname !== "/loki/api/v1/query") return res.writeHead(404).end("404 page not found");
        const query = url.searchParams.get("query") ?? "";
        queries.push(query);
        const m = /^sum by \((container|service)\) \(count_over_time\(\{(.*)\}\[(\d+)([smhd])\]\)\)$/.exec(query);
        if (!m) return res.writeHead(400).end(`parse error: stand-in does not understand ${query}`);
        const by = m[1] as "container" | "service";
        const matchers = [...m[2].matchAll(/(\w+)\s*(=~|=)\s*("(?:[^"\\]|\\.)*")/g)].map(([, name, op, value]) => ({
            name,
            op,
            value: JSON.parse(value) as string,
        }));
        const since = Date.now() - Number(m[3]) * UNIT_MS[m[4]];
        const counts = new Map<string, number>();
        for (const line of lines) {
            const labels = line.labels as unknown as Record<string, string>;
            const match = matchers.every((x) => (x.op === "=" ? labels[x.name] === x.value : new RegExp(`^(?:${x.value})$`).test(labels[x.name] ?? "")));
            if (match && line.at >= since) counts.set(line.labels[by], (counts.get(line.labels[by]) ?? 0) + 1);
        }
        const now = Date.now() / 1000;
        return json(res, 200, {
            status: "success",
            data: { resultType: "vector", result: [...counts].map(([value, n]) => ({ metric: { [by]: value }, value: [now, String(n)] })) },
        });
    });
    return {
        port: server.port,
        lines,
        queries,
        logAll(endpoints, at = Date.now()) {
            for (const [service, container] of Object.entries(endpoints.containers)) {
                lines.push({ labels: { environment: endpoints.environment, container, service }, at });
            }
        },
        forget(container) {
            for (let i = lines.length - 1; i >= 0; i--) if (lines[i].labels.container === container) lines.splice(i, 1);
        },
        close: server.close,
    };
}
