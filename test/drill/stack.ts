/**
 * The fire drill's local stack: PostgreSQL, Redis, their Debian exporters, node-exporter,
 * Prometheus and Alertmanager, all on 127.0.0.1 with free ports, plus static metric servers
 * standing in for the four apps and cAdvisor. Every process is started through a
 * ProcessGroup, so the test can stop each one by PID.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as http from "http";
import * as net from "net";
import * as path from "path";
import YAML from "yaml";
import { prometheusFlags, renderMonitoringFiles } from "../../src/observability/render";
import { freePort, httpJson, localArgv, ProcessGroup, startAlertmanager, waitFor, writeFiles } from "../support/processes";

/** Passwords with the characters that broke `source .env` in the old deployment. */
export const PG_PASSWORD = "Pg&pa$$?w!rd)#%/:@x";
export const REDIS_PASSWORD = "Rd&pa$$?w!rd)#%/:@x";

export const DRILL_BINARIES = [
    "prometheus",
    "prometheus-alertmanager",
    "prometheus-postgres-exporter",
    "prometheus-redis-exporter",
    "prometheus-node-exporter",
    "redis-server",
    "initdb",
    "postgres",
    "pg_isready",
];

export interface Ports {
    postgres: number;
    redis: number;
    postgresExporter: number;
    redisExporter: number;
    nodeExporter: number;
    prometheus: number;
}

export async function allocatePorts(): Promise<Ports> {
    return {
        postgres: await freePort(),
        redis: await freePort(),
        postgresExporter: await freePort(),
        redisExporter: await freePort(),
        nodeExporter: await freePort(),
        prometheus: await freePort(),
    };
}

// ---- static metric servers (apps, cAdvisor) -------------------------------------------------

/** Healthy app metrics: no errors, no critical stock, inflation on baseline. */
const APP_METRICS = [
    "# TYPE http_requests_total counter",
    "http_requests_total 100",
    "# TYPE http_errors_total counter",
    "http_errors_total 0",
    "# TYPE negocio_stock_critico_productos gauge",
    "negocio_stock_critico_productos 0",
    "",
].join("\n");

export interface StaticServer {
    address: string;
    close(): Promise<void>;
}

export function startStaticMetrics(body: string): Promise<StaticServer> {
    const server = http.createServer((_req, res) => {
        res.writeHead(200, { "content-type": "text/plain; version=0.0.4" }).end(body);
    });
    return new Promise((resolve, reject) => {
        server.once("error", reject);
        server.listen(0, "127.0.0.1", () => {
            const { port } = server.address() as net.AddressInfo;
            resolve({ address: `127.0.0.1:${port}`, close: () => new Promise((done) => server.close(() => done())) });
        });
    });
}

export async function startFakeTargets(): Promise<{ apps: Array<{ service: string; server: StaticServer }>; cadvisor: StaticServer }> {
    const services = ["agente-deposito", "agente-negocio", "ml-service", "dashboard"];
    const apps = [];
    for (const service of services) apps.push({ service, server: await startStaticMetrics(APP_METRICS) });
    // cAdvisor with no containers: the job is up, the container alerts have nothing to match.
    const cadvisor = await startStaticMetrics("# no containers in the drill\n");
    return { apps, cadvisor };
}

// ---- PostgreSQL --------------------------------------------------------------------------------

/** PostgreSQL refuses to run as root: run it as the `postgres` user when we are root. */
function postgresIdentity(): { uid?: number; gid?: number } {
    if (process.getuid?.() !== 0) return {};
    const id = (flag: string) => Number(spawnSync("id", [flag, "postgres"], { encoding: "utf8" }).stdout.trim());
    return { uid: id("-u"), gid: id("-g") };
}

export class Postgres {
    readonly dataDir: string;
    readonly socketDir: string;
    private readonly identity = postgresIdentity();

    constructor(
        private readonly procs: ProcessGroup,
        baseDir: string,
        readonly port: number,
        /** Paths of initdb, postgres and pg_isready (Debian: /usr/lib/postgresql/15/bin). */
        private readonly bins: Record<"initdb" | "postgres" | "pg_isready", string>,
    ) {
        this.dataDir = path.join(baseDir, "pgdata");
        this.socketDir = path.join(baseDir, "pgsock");
    }

    /** initdb with a superuser password; host connections need it (scram-sha-256). */
    init(): void {
        const pwFile = path.join(path.dirname(this.dataDir), "pgpass.txt");
        fs.mkdirSync(this.socketDir, { recursive: true });
        fs.writeFileSync(pwFile, PG_PASSWORD + "\n", { mode: 0o600 });
        const { uid, gid } = this.identity;
        if (uid !== undefined && gid !== undefined) {
            for (const p of [path.dirname(this.dataDir), this.socketDir, pwFile]) fs.chownSync(p, uid, gid);
        }
        const r = spawnSync(this.bins.initdb, ["-D", this.dataDir, "-U", "postgres", "--auth-local=trust", "--auth-host=scram-sha-256", `--pwfile=${pwFile}`], {
            ...this.identity,
            encoding: "utf8",
            timeout: 60_000,
        });
        if (r.status !== 0) throw new Error(`initdb failed: ${r.stderr}${r.stdout}`);
    }

    async start(): Promise<void> {
        this.procs.start(
            "postgres",
            this.bins.postgres,
            ["-D", this.dataDir, "-p", String(this.port), "-c", "listen_addresses=127.0.0.1", "-c", `unix_socket_directories=${this.socketDir}`],
            this.identity,
            "SIGINT", // fast shutdown: does not wait for the exporter's connection to close
        );
        await waitFor(
            () => `postgres ready\n${this.procs.logOf("postgres")}`,
            () => {
                const r = spawnSync(this.bins.pg_isready, ["-h", "127.0.0.1", "-p", String(this.port)], { timeout: 5_000 });
                return r.status === 0 ? true : undefined;
            },
            30_000,
        );
    }

    stop(): Promise<void> {
        return this.procs.stop("postgres");
    }

    /** DSN for postgres_exporter; the password is URL-encoded, whatever it contains. */
    dsn(): string {
        return `postgresql://postgres:${encodeURIComponent(PG_PASSWORD)}@127.0.0.1:${this.port}/postgres?sslmode=disable`;
    }
}

// ---- Redis -------------------------------------------------------------------------------------

export class Redis {
    constructor(
        private readonly procs: ProcessGroup,
        private readonly dir: string,
        readonly port: number,
    ) {}

    async start(bin: string): Promise<void> {
        fs.mkdirSync(this.dir, { recursive: true });
        this.procs.start("redis", bin, [
            "--port",
            String(this.port),
            "--bind",
            "127.0.0.1",
            "--requirepass",
            REDIS_PASSWORD,
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            this.dir,
        ]);
        await waitFor(
            () => `redis listening\n${this.procs.logOf("redis")}`,
            () => canConnect(this.port),
            15_000,
            200,
        );
    }

    stop(): Promise<void> {
        return this.procs.stop("redis");
    }
}

function canConnect(port: number): Promise<true | undefined> {
    return new Promise((resolve) => {
        const socket = net.connect(port, "127.0.0.1");
        socket.once("connect", () => {
            socket.destroy();
            resolve(true);
        });
        socket.once("error", () => resolve(undefined));
    });
}

// ---- exporters, Prometheus, Alertmanager --------------------------------------------------------

export function startExporters(procs: ProcessGroup, bins: Record<string, string>, ports: Ports, pg: Postgres): void {
    procs.start("postgres-exporter", bins["prometheus-postgres-exporter"], [`--web.listen-address=127.0.0.1:${ports.postgresExporter}`], {
        env: { ...process.env, DATA_SOURCE_NAME: pg.dsn() },
    });
    // Password via the environment: it never shows up in `ps`.
    procs.start(
        "redis-exporter",
        bins["prometheus-redis-exporter"],
        ["-redis.addr", `redis://127.0.0.1:${ports.redis}`, "-web.listen-address", `127.0.0.1:${ports.redisExporter}`],
        { env: { ...process.env, REDIS_PASSWORD } },
    );
    procs.start("node-exporter", bins["prometheus-node-exporter"], [`--web.listen-address=127.0.0.1:${ports.nodeExporter}`]);
}

export interface DrillConfig {
    receiverUrl: string;
    ports: Ports;
    alertmanagerAddress: string;
    fakes: Awaited<ReturnType<typeof startFakeTargets>>;
}

/**
 * Renders the deployed configuration with loopback addresses: same rules and `for`
 * durations; only scrape/evaluation intervals are shortened to 1s.
 */
export function renderDrillFiles(
    dir: string,
    c: DrillConfig,
): { prometheusConfig: string; alertmanagerConfig: string; prometheusRoot: string; alertmanagerRoot: string } {
    const files = renderMonitoringFiles({
        environment: "drill",
        scrapeInterval: "1s",
        exporterScrapeInterval: "1s",
        evaluationInterval: "1s",
        alertmanagers: [c.alertmanagerAddress],
        targets: {
            apps: c.fakes.apps.map((a) => ({ service: a.service, address: a.server.address })),
            nodeExporter: `127.0.0.1:${c.ports.nodeExporter}`,
            cadvisor: c.fakes.cadvisor.address,
            postgresExporter: `127.0.0.1:${c.ports.postgresExporter}`,
            redisExporter: `127.0.0.1:${c.ports.redisExporter}`,
            prometheus: `127.0.0.1:${c.ports.prometheus}`,
            alertmanager: c.alertmanagerAddress,
        },
        slackWebhookUrl: `${c.receiverUrl}/slack`,
        deadMansSwitchUrl: `${c.receiverUrl}/heartbeat`,
    });
    writeFiles(dir, files);
    // Rule files live in the temp dir, not in /etc/prometheus/rules.
    const promFile = path.join(dir, "prometheus/etc/prometheus/prometheus.yml");
    const prom = YAML.parse(files["prometheus/etc/prometheus/prometheus.yml"]);
    prom.rule_files = prom.rule_files.map((p: string) => path.join(dir, "prometheus", p));
    fs.writeFileSync(promFile, YAML.stringify(prom));
    return {
        prometheusConfig: promFile,
        alertmanagerConfig: path.join(dir, "alertmanager/etc/alertmanager/alertmanager.yml"),
        // The containers' filesystems, for startPrometheus and startAlertmanager.
        prometheusRoot: path.join(dir, "prometheus"),
        alertmanagerRoot: path.join(dir, "alertmanager"),
    };
}

/**
 * Prometheus with the deployed command (prometheusFlags, through localArgv): `root` holds its
 * files as rendered (`<root>/etc/prometheus/...`) and its storage volume.
 */
export async function startPrometheus(procs: ProcessGroup, bin: string, root: string, port: number): Promise<string> {
    procs.start("prometheus", bin, localArgv(prometheusFlags({ retention: "1d" }), root, port), { cwd: path.dirname(root) });
    const url = `http://127.0.0.1:${port}`;
    await waitFor(
        () => `prometheus ready\n${procs.logOf("prometheus")}`,
        async () => {
            if (!procs.isRunning("prometheus")) throw new Error(`prometheus exited:\n${procs.logOf("prometheus")}`);
            const r = await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(2_000) });
            return r.ok ? true : undefined;
        },
        30_000,
        250,
    );
    return url;
}

export { startAlertmanager };

/** Four apps, node-exporter, cAdvisor, two data exporters, Prometheus, Alertmanager. */
export const DRILL_TARGET_COUNT = 10;

/**
 * Scrape targets that are not up, as "job instance: error". Prometheus lists no targets
 * until its first discovery update (~5s), so too few targets counts as not up too.
 */
export async function targetsNotUp(prometheusUrl: string): Promise<string[]> {
    const data = await httpJson(`${prometheusUrl}/api/v1/targets?state=active`);
    const targets: any[] = data.data.activeTargets;
    const problems = targets.filter((t) => t.health !== "up").map((t) => `${t.labels.job} ${t.labels.instance}: ${t.health} ${t.lastError}`);
    if (targets.length < DRILL_TARGET_COUNT) problems.push(`only ${targets.length} of ${DRILL_TARGET_COUNT} targets discovered`);
    return problems;
}

/** Current value of an instant PromQL query with a single result, or undefined. */
export async function queryValue(prometheusUrl: string, expr: string): Promise<number | undefined> {
    const data = await httpJson(`${prometheusUrl}/api/v1/query?query=${encodeURIComponent(expr)}`);
    const result = data.data.result;
    return result.length === 1 ? Number(result[0].value[1]) : undefined;
}
