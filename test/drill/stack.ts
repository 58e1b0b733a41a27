/**
 * The fire drill's local stack: PostgreSQL, Redis, their Debian exporters, node-exporter,
 * Prometheus and Alertmanager, all on 127.0.0.1 with free ports, plus static metric servers
 * standing in for the four apps and cAdvisor. Every process is started through a
 * ProcessGroup, so the test can stop each one by PID.
 */
import * as fs from "fs";
import * as http from "http";
import * as net from "net";
import * as path from "path";
import { prometheusFlags, renderMonitoringFiles } from "../../renderers/observability";
import { REDIS_ENTRYPOINT } from "../../renderers/data/redisServer";
import { ENDPOINTS } from "../../facts/endpoints";
import { POSTGRES_IMAGE_BINARIES, PostgresLikeTheImage } from "../support/postgresImage";
import { freePort, httpJson, localArgv, ProcessGroup, startAlertmanager, waitFor, writeFiles } from "../support/processes";
import { containerEnv, named, runProgram, unwrap } from "../support/program";

export const DRILL_BINARIES = [
    "prometheus",
    "alertmanager",
    "postgres_exporter",
    "redis_exporter",
    "node_exporter",
    "redis-server",
    ...POSTGRES_IMAGE_BINARIES,
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

// ---- what the product deploys -----------------------------------------------------------------

const CONTAINER = "docker:index/container:Container";
const COMMAND = "command:local:Command";

/** A container's command and environment, as the program hands them to Docker. */
export interface ContainerLaunch {
    command: string[];
    env: Record<string, string>;
}

/** The data services, their exporters and the role step, read from the staging program under mocks. */
export interface Deployed {
    postgres: ContainerLaunch;
    /** The role step's psql argv inside the postgres container and the SQL it sends on stdin. */
    roleStep: { argv: string[]; sql: string };
    redis: ContainerLaunch;
    postgresExporter: ContainerLaunch;
    redisExporter: ContainerLaunch;
    nodeExporter: ContainerLaunch;
}

/**
 * The monitoring role's password as an operator may set it (`pulumi config set --secret`): every
 * character that broke the old deploys except whitespace, which the config refuses for this one
 * secret (postgres-exporter cannot use it). The other passwords are the mocks' generated ones.
 */
export const MONITOR_PASSWORD = `Mon&?!)($'"%/:@#[]{}|;,*~-monitor-password-0123456789`;

/** Runs the staging program under mocks and takes each launch from what it registers. */
export async function deployedServices(): Promise<Deployed> {
    const run = await runProgram({ stack: "staging", config: { postgresMonitorPassword: MONITOR_PASSWORD }, secretKeys: ["postgresMonitorPassword"] });
    if (run.error) throw run.error;
    const launch = (name: string): ContainerLaunch => {
        const c = named(run, CONTAINER, name);
        return { command: (unwrap(c.inputs.command) as string[] | undefined) ?? [], env: containerEnv(c) };
    };
    const roles = named(run, COMMAND, "postgres-roles");
    const create = String(unwrap(roles.inputs.create));
    const exec = /^docker exec -i \S+ (.*)$/.exec(create);
    if (!exec || /['"\\$]/.test(exec[1])) throw new Error(`the role step is no longer a plain docker exec: ${create}`);
    return {
        postgres: launch("postgres"),
        roleStep: { argv: exec[1].split(" "), sql: String(unwrap(roles.inputs.stdin)) },
        redis: launch("redis"),
        postgresExporter: launch("postgres-exporter"),
        redisExporter: launch("redis-exporter"),
        nodeExporter: launch("node-exporter"),
    };
}

/** A process to start: the binary's path, its arguments and its whole environment. */
export interface LocalLaunch {
    bin: string;
    args: string[];
    env: Record<string, string>;
}

export interface LocalServices {
    redis: LocalLaunch;
    postgresExporter: LocalLaunch;
    redisExporter: LocalLaunch;
    nodeExporter: LocalLaunch;
}

/** Replaces the one `from` in `text`; a product change that moves it fails the drill here. */
function replaceOnce(what: string, text: string, from: string, to: string): string {
    const count = text.split(from).length - 1;
    if (count !== 1) throw new Error(`${what}: expected "${from}" once in ${JSON.stringify(text.replace(/:[^@/]*@/, ":***@"))}, found ${count}`);
    return text.replace(from, to);
}

/**
 * The only changes the drill makes to what the product deploys: container hostnames and ports
 * become 127.0.0.1 and free ports, container paths become temp dirs, and each binary is Debian's.
 * Commands, flags, passwords, users and URL encoding stay as rendered. (PostgreSQL's own
 * placement is test/support/postgresImage.ts `placeLocally`.)
 */
export function localise(d: Deployed, bins: Record<string, string>, ports: Ports, dir: string): LocalServices {
    const base = { PATH: [...new Set([path.dirname(bins["redis-server"]), ...(process.env.PATH ?? "").split(":")])].join(":") };
    const [shell, flag, script, ...argv0] = d.redis.command;
    const textfileDir = path.join(dir, "textfile");
    const redisDir = path.join(dir, "redis");
    for (const d of [textfileDir, redisDir]) fs.mkdirSync(d, { recursive: true });
    const postgresAt = `${ENDPOINTS.postgres.host}:${ENDPOINTS.postgres.port}`;
    const redisAt = `${ENDPOINTS.redis.host}:${ENDPOINTS.redis.port}`;
    return {
        // The data dir is checked as it is read, so it is rewritten in place; the container command
        // ends in "$@", so the port and address are given after it and override the defaults.
        redis: {
            bin: shell,
            args: [
                flag,
                // No image here, so no entrypoint: redis-server is started directly (as this user).
                replaceOnce(
                    "redis entrypoint",
                    replaceOnce("redis command", script, " --dir /data ", ` --dir ${redisDir} `),
                    `exec ${REDIS_ENTRYPOINT} `,
                    "exec ",
                ),
                ...argv0,
                "--port",
                String(ports.redis),
                "--bind",
                "127.0.0.1",
            ],
            env: { ...base, ...d.redis.env },
        },
        postgresExporter: {
            bin: bins["postgres_exporter"],
            args: [...d.postgresExporter.command, `--web.listen-address=127.0.0.1:${ports.postgresExporter}`],
            env: {
                ...base,
                ...d.postgresExporter.env,
                DATA_SOURCE_NAME: replaceOnce("DATA_SOURCE_NAME", d.postgresExporter.env.DATA_SOURCE_NAME, `@${postgresAt}/`, `@127.0.0.1:${ports.postgres}/`),
            },
        },
        redisExporter: {
            bin: bins["redis_exporter"],
            args: [...d.redisExporter.command, "-web.listen-address", `127.0.0.1:${ports.redisExporter}`],
            env: {
                ...base,
                ...d.redisExporter.env,
                REDIS_ADDR: replaceOnce("REDIS_ADDR", d.redisExporter.env.REDIS_ADDR, `//${redisAt}`, `//127.0.0.1:${ports.redis}`),
            },
        },
        nodeExporter: {
            bin: bins["node_exporter"],
            args: [
                ...d.nodeExporter.command.map((a) =>
                    a === "--path.rootfs=/host" ? "--path.rootfs=/" : a.replace(/^(--collector\.textfile\.directory=)\/host\/.*$/, `$1${textfileDir}`),
                ),
                `--web.listen-address=127.0.0.1:${ports.nodeExporter}`,
            ],
            env: base,
        },
    };
}

// ---- PostgreSQL and Redis ------------------------------------------------------------------------

/** PostgreSQL as the image sets up the product's container, with the product's role step run on it. */
export async function startPostgres(procs: ProcessGroup, bins: Record<string, string>, d: Deployed, dir: string, port: number): Promise<PostgresLikeTheImage> {
    const pg = new PostgresLikeTheImage(procs, bins, d.postgres, path.join(dir, "postgres"), port);
    await pg.initialise();
    const r = pg.containerPsql(d.roleStep.argv, d.roleStep.sql);
    if (r.status !== 0) throw new Error(`the role step failed: ${r.stderr}`);
    return pg;
}

export class Redis {
    constructor(
        private readonly procs: ProcessGroup,
        private readonly launch: LocalLaunch,
        readonly port: number,
    ) {}

    async start(): Promise<void> {
        this.procs.start("redis", this.launch.bin, this.launch.args, { env: this.launch.env });
        await waitFor(
            () => `redis listening\n${this.procs.logOf("redis")}`,
            () => canConnect(this.port),
            60_000,
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

/** The exporters with the product's flags and environment: postgres-exporter as the monitoring role. */
export function startExporters(procs: ProcessGroup, local: LocalServices): void {
    for (const [name, l] of [
        ["postgres-exporter", local.postgresExporter],
        ["redis-exporter", local.redisExporter],
        ["node-exporter", local.nodeExporter],
    ] as const) {
        procs.start(name, l.bin, l.args, { env: l.env });
    }
}

export interface DrillConfig {
    receiverUrl: string;
    ports: Ports;
    alertmanagerAddress: string;
    fakes: Awaited<ReturnType<typeof startFakeTargets>>;
}

/**
 * Renders the deployed configuration with loopback addresses: same rules and `for`
 * durations; only the intervals are shortened: rules are evaluated every 1s, targets scraped
 * every 5s. The global scrape interval caps the scrape timeout (Prometheus lowers the default 10s
 * timeout to it), and postgres_exporter answers a scrape with its database stopped (pg_up 0) only
 * after its connection attempts fail, 1-2 s on a busy machine: with 1s scrapes that scrape timed
 * out, no pg_up was stored, and DatabaseDown could only come from absent(pg_up), which counts once
 * Prometheus has scraped for 5 minutes (seen: no DatabaseDown within the drill's 100 s).
 */
export function renderDrillFiles(
    dir: string,
    c: DrillConfig,
): { prometheusConfig: string; alertmanagerConfig: string; prometheusRoot: string; alertmanagerRoot: string } {
    const files = renderMonitoringFiles({
        environment: "drill",
        scrapeInterval: "5s",
        exporterScrapeInterval: "5s",
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
    // rule_files are relative to prometheus.yml, so the rendered tree runs as it is.
    return {
        prometheusConfig: path.join(dir, "prometheus/etc/prometheus/prometheus.yml"),
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
